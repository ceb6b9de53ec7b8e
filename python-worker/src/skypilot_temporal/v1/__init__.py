"""The code `make proto` generates: the protobuf code of proto/skypilot_temporal/v1/pipeline.proto
and, from starter_cli.json beside it, the Python starter's command-line table (starter_cli.py,
which only the starter may import): the bottom layer. May import nothing of this package.
"""
