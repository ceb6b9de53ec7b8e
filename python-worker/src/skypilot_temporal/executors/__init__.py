"""Executors: where a task's setup and run actually happen (SkyPilot, or this host).
`base.py` is the port the activities drive; `skypilot/` and `local/` implement it. May
import tasks, pipeline, config, ops, contract and v1; never activities or workflows.
"""
