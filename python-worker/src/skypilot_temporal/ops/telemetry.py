"""Traces and metrics, each off unless configured, configured the standard way.

- Traces: OpenTelemetry, when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
  `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, `OTEL_SDK_DISABLED` is not `true` and
  `OTEL_TRACES_EXPORTER` is not `none` (the starters decide the same way).
  Temporal's own TracingInterceptor puts the workflow and every activity in the trace
  of whoever started the run (W3C trace context in the workflow's headers); inside an
  activity, every SkyPilot SDK call is a span of its own (`sky_call`). Unset, no
  provider is installed and a span costs what the OpenTelemetry API's no-op costs.
  What a run's trace holds: docs/observability.md.
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
from temporalio import activity, client
from temporalio.common import MetricMeter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

METRICS_ADDRESS = "SKYPILOT_TEMPORAL_METRICS_ADDRESS"
PREFIX = "skypilot_temporal_"

# Histogram buckets for what each measures (the SDK's default stops at 10 s): a step runs
# from seconds to a day; a SkyPilot call from a status lookup to a job's whole log (tail).
STEP_BUCKETS_SECONDS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400)
CALL_BUCKETS_SECONDS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400)

_tracer = trace.get_tracer("skypilot_temporal")
# The meter of code outside activities and workflows (housekeeping); set by the worker.
_runtime_meter: MetricMeter = MetricMeter.noop


def tracing_enabled(env: Mapping[str, str]) -> bool:
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if env.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def setup_tracing(env: Mapping[str, str], service: str) -> Any:
    """Installs a tracer provider exporting OTLP over HTTP (endpoint, headers, timeout
    from the OTEL_* variables); returns it (to flush at exit) or None when off."""
    if not tracing_enabled(env):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME") or service})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider


def client_interceptors(env: Mapping[str, str]) -> list[Any]:
    """Temporal's tracing interceptor, for the client and every worker built on it."""
    if not tracing_enabled(env):
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]


def starter_interceptors(env: Mapping[str, str]) -> list[Any]:
    """Temporal's tracing interceptor for a starter: the workflow start only (its span
    is the root of the run's trace), not the progress polls, a query a second."""
    if not tracing_enabled(env):
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [_StartTracing(TracingInterceptor())]


class _StartTracing(client.Interceptor):
    def __init__(self, tracing: client.Interceptor) -> None:
        self._tracing = tracing

    def intercept_client(self, next: client.OutboundInterceptor) -> client.OutboundInterceptor:
        return _TracedStart(next, self._tracing.intercept_client(next))


class _TracedStart(client.OutboundInterceptor):
    def __init__(self, next: client.OutboundInterceptor, traced: client.OutboundInterceptor) -> None:
        super().__init__(next)
        self._traced = traced

    async def start_workflow(self, input: client.StartWorkflowInput) -> client.WorkflowHandle[Any, Any]:
        return await self._traced.start_workflow(input)


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
    with _tracer.start_as_current_span(f"skypilot.{call}", attributes=attrs) as span:
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
