"""Metrics, and the span, latency sample and error count of each SkyPilot call.

- Traces: ops/tracing.py; inside an activity, every SkyPilot SDK call is a span of its
  own (`sky_call`).
- Metrics: Prometheus, when `SKYPILOT_TEMPORAL_METRICS_ADDRESS` (host:port) is set:
  the Temporal SDK's own metrics and the pipeline's, from one endpoint (`/metrics`),
  through the Temporal runtime's meter, every counter and gauge at 0 from the worker's
  start (export_zeros). Unset, the meter is a no-op.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from temporalio import activity
from temporalio.common import MetricMeter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from skypilot_temporal.contract.activity_types import RUN_GIT_CLONE
from skypilot_temporal.contract.metrics import (
    CLUSTERS_UP,
    RUN_COUNTERS,
    RUN_FAILURE_TYPES,
    RUNS_FAILED,
    SECRETS_REFUSED,
    SKY_CALL_ERRORS,
    SKY_CALL_LATENCY,
    SKY_CALLS,
    STEP_COST,
    STEP_DURATION,
    TEAM_CLUSTERS_HELD,
    TEAM_RUNS_WAITING,
    Metric,
)
from skypilot_temporal.contract.names import QUOTA_WORKFLOW_TYPE, WORKFLOW_TYPE
from skypilot_temporal.ops import tracing

METRICS_ADDRESS = "SKYPILOT_TEMPORAL_METRICS_ADDRESS"

# Histogram buckets for what each measures (the SDK's default stops at 10 s): a step runs
# from seconds to a day; a SkyPilot call from a status lookup to a job's whole log (tail).
STEP_BUCKETS_SECONDS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400)
CALL_BUCKETS_SECONDS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400)

# The meter of code outside activities and workflows (housekeeping); set by the worker.
_runtime_meter: MetricMeter = MetricMeter.noop


def runtime(env: Mapping[str, str]) -> Runtime | None:
    """A Temporal runtime serving Prometheus metrics, or None (the default runtime)."""
    global _runtime_meter
    address = env.get(METRICS_ADDRESS, "").strip()
    if not address:
        return None
    buckets = {STEP_DURATION.name: STEP_BUCKETS_SECONDS, SKY_CALL_LATENCY.name: CALL_BUCKETS_SECONDS}
    rt = Runtime(telemetry=TelemetryConfig(
        metrics=PrometheusConfig(bind_address=address, counters_total_suffix=True, durations_as_seconds=True,
                                 histogram_bucket_overrides={k: list(v) for k, v in buckets.items()}),
        # The runtime's service_name="temporal-core-sdk" on every series names no service of ours.
        attach_service_name=False,
    ))
    _runtime_meter = rt.metric_meter
    return rt


def meter() -> MetricMeter:
    """The activity's meter inside an activity, else the worker's."""
    return activity.metric_meter() if activity.in_activity() else _runtime_meter


@contextmanager
def sky_call(call: str, cluster: str = "", **attributes: Any) -> Iterator[trace.Span]:
    """A span, a latency sample and (on error) an error count for one SkyPilot call.

    `call` is launch, exec, tail, status, queue, cancel, down, provision, autostop.
    """
    attrs = {"skypilot.call": call, "skypilot.cluster": cluster}
    attrs.update({f"skypilot.{k}": v for k, v in attributes.items() if v is not None})
    started = time.monotonic()
    m = meter()
    with tracing.call_span(call, attrs) as span:
        try:
            yield span
        except BaseException as err:
            # A call cancelled with its step (the run was cancelled, the worker drains) did not fail.
            if not isinstance(err, (GeneratorExit, asyncio.CancelledError)):
                m.create_counter(SKY_CALL_ERRORS.name, SKY_CALL_ERRORS.help).with_additional_attributes(
                    {"call": call, "error": type(err).__name__}).add(1)
            raise
        finally:
            m.create_histogram_float(
                SKY_CALL_LATENCY.name, SKY_CALL_LATENCY.help, "s"
            ).with_additional_attributes({"call": call}).record(time.monotonic() - started)


def count(metric: Metric, labels: Mapping[str, str] | None = None, value: int = 1) -> None:
    """Adds to a counter of the pipeline."""
    counter = meter().create_counter(metric.name, metric.help)
    if labels:
        counter = counter.with_additional_attributes(dict(labels))
    counter.add(value)


def gauge(metric: Metric, value: float) -> None:
    meter().create_gauge_float(metric.name, metric.help).set(value)


def export_zeros(namespace: str, task_queue: str, teams: Iterable[str] = ()) -> None:
    """Exports every counter and gauge of the pipeline at 0 from the worker's start.

    A counter appears on /metrics with its first increment, and `increase()` or `rate()`
    over a series that has only one sample is empty: the first leaked cluster, refused
    secret or failed run would go unseen. Each series is registered here with the labels
    its first real sample carries (the workflow's or the clone activity's Temporal
    labels), so that sample moves this series. Where a label's values are open-ended,
    the series is registered without it, one per value that is known: RUNS_FAILED per
    failure type of the contract (no `step`: a pipeline's step names are its own),
    STEP_COST per kind (no `step`), SKY_CALL_ERRORS per call (no `error`, an exception's class; no Temporal labels: the
    housekeeping's calls carry none). The alert rules sum those labels away before
    taking `increase()` (docs/observability.md, "Metrics").
    """
    m = _runtime_meter
    run = m.with_additional_attributes(
        {"namespace": namespace, "task_queue": task_queue, "workflow_type": WORKFLOW_TYPE})
    for metric in RUN_COUNTERS:
        run.create_counter(metric.name, metric.help).add(0)
    failed = run.create_counter(RUNS_FAILED.name, RUNS_FAILED.help)
    for failure_type in RUN_FAILURE_TYPES:
        failed.with_additional_attributes({"failure_type": failure_type}).add(0)
    # A secret is refused first where a run's secrets are first resolved: its clone.
    m.with_additional_attributes({"namespace": namespace, "task_queue": task_queue, "activity_type": RUN_GIT_CLONE}
                                 ).create_counter(SECRETS_REFUSED.name, SECRETS_REFUSED.help).add(0)
    # What steps cost: per kind (a step's name is its pipeline's own).
    cost = run.create_counter(STEP_COST.name, STEP_COST.help)
    for kind in ("launch", "exec", "managed"):
        cost.with_additional_attributes({"kind": kind}).add(0)
    errors = m.create_counter(SKY_CALL_ERRORS.name, SKY_CALL_ERRORS.help)
    for call in SKY_CALLS:
        errors.with_additional_attributes({"call": call}).add(0)
    m.create_gauge_float(CLUSTERS_UP.name, CLUSTERS_UP.help).set(0)
    # Per team whose quota this worker's SKYPILOT_TEMPORAL_TEAM_QUOTAS names, as the team's
    # quota workflow records them.
    quota = m.with_additional_attributes(
        {"namespace": namespace, "task_queue": task_queue, "workflow_type": QUOTA_WORKFLOW_TYPE})
    for team in teams:
        for gauge in (TEAM_CLUSTERS_HELD, TEAM_RUNS_WAITING):
            quota.create_gauge(gauge.name, gauge.help).with_additional_attributes({"team": team}).set(0)
