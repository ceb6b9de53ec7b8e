"""The pipeline's metrics, each named once: the workflows, the activities and the worker
record them, and the dashboard and alert rules in ops/ (at the repository's top) name
them (docs/observability.md, "Metrics"). Prometheus shows a counter with `_total`
after its name, a histogram as `_bucket`, `_sum` and `_count`.
"""

from dataclasses import dataclass

from skypilot_temporal.contract.names import FAILURE_TYPES, TEARDOWN_FAILED


@dataclass(frozen=True)
class Metric:
    name: str
    help: str


RUNS_STARTED = Metric("skypilot_temporal_runs_started", "runs started")
RUNS_COMPLETED = Metric("skypilot_temporal_runs_completed", "runs completed")
RUNS_FAILED = Metric("skypilot_temporal_runs_failed", "runs that failed, by failure type and the step that failed")
RUNS_CANCELLED = Metric("skypilot_temporal_runs_cancelled", "runs cancelled")
TEARDOWN_FAILURES = Metric("skypilot_temporal_teardown_failures", "clusters left up by a run whose teardown gave up")
SECRETS_REFUSED = Metric("skypilot_temporal_secrets_refused", "runs refused a secret by the allowlist")
SKY_CALL_ERRORS = Metric("skypilot_temporal_sky_call_errors", "SkyPilot calls that raised")
CLUSTERS_UP = Metric("skypilot_temporal_clusters_up", "clusters of runs up now (as the executor sees them)")
STEP_DURATION = Metric("skypilot_temporal_step_duration", "step durations")
STEP_COST = Metric("skypilot_temporal_step_cost_microusd",
                   "what steps cost, in millionths of a US dollar (steps whose cluster has a price)")
MANAGED_RECOVERIES = Metric("skypilot_temporal_managed_job_recoveries",
                            "times the managed jobs of steps were brought back (a preemption, or a restart "
                            "their job_recovery allows)")
TEAM_CLUSTERS_HELD = Metric("skypilot_temporal_team_clusters_held",
                            "clusters each team holds up now, fleet-wide, against its quota "
                            "(SKYPILOT_TEMPORAL_TEAM_QUOTAS)")
TEAM_RUNS_WAITING = Metric("skypilot_temporal_team_runs_waiting",
                           "runs of each team waiting for room in its quota")
SKY_CALL_LATENCY = Metric("skypilot_temporal_sky_call_latency", "SkyPilot call latency")

# The counters a run's workflow records with no label of its own (MANAGED_RECOVERIES: unless
# SKYPILOT_TEMPORAL_METRICS_STEP_LABEL adds `step`).
RUN_COUNTERS = (RUNS_STARTED, RUNS_COMPLETED, RUNS_CANCELLED, TEARDOWN_FAILURES, MANAGED_RECOVERIES)

# What a run that failed is labelled with: its failure type. A teardown that gave up
# counts as TEARDOWN_FAILURES instead.
RUN_FAILURE_TYPES = tuple(t for t in FAILURE_TYPES.values() if t != TEARDOWN_FAILED)

# The `call` label of SKY_CALL_ERRORS and SKY_CALL_LATENCY: every call an executor makes.
SKY_CALLS = ("launch", "exec", "provision", "tail", "status", "queue", "cancel", "down")
