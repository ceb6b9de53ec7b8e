"""The workflows: SkyPilotWorkflow, the branches of its sweeps, their progress and the
text the starters print. Deterministic code, replayed from history. May import pipeline,
contract and v1 (and temporalio's workflow API); never activities, executors, tasks,
config or ops, nor an I/O library (sky, subprocess, socket, git, requests, httpx,
aiohttp): `make lint` checks it.
"""
