"""The protobuf code generated from proto/skypilot_temporal/v1/pipeline.proto by
`make proto`: the bottom layer. May import nothing of this package.
"""
