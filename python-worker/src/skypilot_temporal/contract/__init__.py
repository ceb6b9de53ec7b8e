"""The worker's side of the cross-language contract: the names read from the proto, the
payload converter, and the dataclasses the activities and the branches of a sweep
exchange. May import v1 only.
"""
