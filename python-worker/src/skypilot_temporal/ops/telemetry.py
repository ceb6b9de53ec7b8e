"""Metrics, and the span, latency sample and error count of each SkyPilot call.

- Traces: ops/tracing.py; inside an activity, every SkyPilot SDK call is a span of its
  own (`sky_call`).
- Metrics: Prometheus, when `SKYPILOT_TEMPORAL_METRICS_ADDRESS` (host:port) is set:
  the Temporal SDK's own metrics and the pipeline's, from one endpoint (`/metrics`),
  through the Temporal runtime's meter. Unset, the meter is a no-op.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from temporalio import activity
from temporalio.common import MetricMeter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from skypilot_temporal.ops import tracing

METRICS_ADDRESS = "SKYPILOT_TEMPORAL_METRICS_ADDRESS"
PREFIX = "skypilot_temporal_"

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
    buckets = {f"{PREFIX}step_duration": STEP_BUCKETS_SECONDS, f"{PREFIX}sky_call_latency": CALL_BUCKETS_SECONDS}
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

    `call` is launch, exec, tail, status, queue, cancel, down, provision.
    """
    attrs = {"skypilot.call": call, "skypilot.cluster": cluster}
    attrs.update({f"skypilot.{k}": v for k, v in attributes.items() if v is not None})
    started = time.monotonic()
    m = meter()
    with tracing.call_span(call, attrs) as span:
        try:
            yield span
        except BaseException as err:
            if not isinstance(err, GeneratorExit):
                m.create_counter(f"{PREFIX}sky_call_errors", "SkyPilot calls that raised").with_additional_attributes(
                    {"call": call, "error": type(err).__name__}).add(1)
            raise
        finally:
            m.create_histogram_float(
                f"{PREFIX}sky_call_latency", "SkyPilot call latency", "s"
            ).with_additional_attributes({"call": call}).record(time.monotonic() - started)


def count(name: str, description: str, labels: Mapping[str, str] | None = None, value: int = 1) -> None:
    """Adds to a counter of the pipeline (`skypilot_temporal_<name>`)."""
    counter = meter().create_counter(f"{PREFIX}{name}", description)
    if labels:
        counter = counter.with_additional_attributes(dict(labels))
    counter.add(value)


def gauge(name: str, description: str, value: float) -> None:
    meter().create_gauge_float(f"{PREFIX}{name}", description).set(value)
