"""The local executor: SkyPilot's cluster/job model on the worker's own host, every task
isolated. Part of the executors layer: may import `executors.base` and the layers below
executors.
"""
