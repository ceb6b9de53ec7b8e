"""The SkyPilot executor: the SDK against an API server, never blocking the event loop.
Part of the executors layer: may import `executors.base` and the layers below executors.
"""
