"""The activities: the worker's I/O on a run's behalf (clone, launch, exec, provision,
down, notify), with their heartbeats, the classes of their failures, the job output
they pass on, and where a run's activities go once it is cloned. May import executors,
tasks, pipeline, config, ops, contract and v1; never workflows (a workflow names its
activities, neither imports the other) nor the starter.
"""
