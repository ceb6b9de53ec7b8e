"""Task repositories and task YAMLs on the worker: the clone and its URL policy, a
SkyPilot task built from its YAML (env, secrets, paths kept inside the checkout), the
parser processes, the task cache, and housekeeping of the work dir. May import pipeline,
config, ops, contract and v1.
"""
