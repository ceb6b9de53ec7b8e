"""Traces: OpenTelemetry, off unless an OTLP endpoint is configured the standard way.

On when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set,
`OTEL_SDK_DISABLED` is not `true` and `OTEL_TRACES_EXPORTER` is not `none` (the starters
decide the same way). Off, no provider is installed and a span costs what the
OpenTelemetry API's no-op costs. What a run's trace holds: docs/observability.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from opentelemetry import trace
from temporalio import activity, client

# Span attributes of ours (Temporal's interceptors add temporalWorkflowID and temporalRunID).
WORKFLOW_ID = "temporalWorkflowID"
STEP = "skypilot_temporal.step"

# SkyPilot's exit code of a job that failed (sky.exceptions.JobExitCode.FAILED), written
# here: the starters use this module and must not load SkyPilot.
JOB_FAILED_EXIT_CODE = 100

_tracer = trace.get_tracer("skypilot_temporal")
_step: ContextVar[str] = ContextVar("skypilot_temporal_step", default="")
_untraced: ContextVar[bool] = ContextVar("skypilot_temporal_untraced", default=False)
_trace_housekeeping = False


def tracing_enabled(env: Mapping[str, str]) -> bool:
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if env.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def setup_tracing(
    env: Mapping[str, str], service: str, *, worker: bool = False, trace_housekeeping: bool = False
) -> Any:
    """Installs a tracer provider exporting OTLP over HTTP (endpoint, headers, timeout
    from the OTEL_* variables); returns it (to flush at exit) or None when off.

    The worker's is Temporal's replay-safe provider: span ids drawn in workflow code come
    from the workflow's deterministic random, so a run replayed on another worker has the
    same spans, and a span replayed is not exported twice. A starter's has no exit hook:
    the starter flushes it itself, within its bound. The worker's housekeeping sweeps are
    traced only with `trace_housekeeping` (SKYPILOT_TEMPORAL_TRACE_HOUSEKEEPING): each
    would be a trace of its own, about 1,440 a day per worker."""
    global _trace_housekeeping
    if not tracing_enabled(env):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME") or service})
    if worker:
        from temporalio.contrib.opentelemetry import create_tracer_provider

        provider: Any = create_tracer_provider(resource=resource)
        _trace_housekeeping = trace_housekeeping
    else:
        provider = TracerProvider(resource=resource, shutdown_on_exit=False)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider


def worker_interceptors(env: Mapping[str, str]) -> list[Any]:
    """Temporal's OpenTelemetry interceptor for the worker's client and workers: the
    workflow's span lasts the run (ops/run_tracing.py)."""
    if not tracing_enabled(env):
        return []
    from skypilot_temporal.ops.run_tracing import RunTracing

    return [RunTracing()]


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


def in_step(step: str) -> None:
    """Marks the running activity's span, and every SkyPilot call it makes, with its step."""
    _step.set(step)
    trace.get_current_span().set_attribute(STEP, step)


def job_exit(span: trace.Span, code: int) -> None:
    """Records a followed job's exit code on its `tail` span, which is an error when the
    job failed: a failed run is marked from its failed job up to the root."""
    span.set_attribute("skypilot.exit_code", code)
    if code == JOB_FAILED_EXIT_CODE:
        span.set_status(trace.Status(trace.StatusCode.ERROR, "the job failed"))


@contextmanager
def untraced() -> Iterator[None]:
    """SkyPilot calls in here make no spans (the housekeeping sweeps), unless the
    operator opted in (setup_tracing's trace_housekeeping)."""
    token = _untraced.set(not _trace_housekeeping)
    try:
        yield
    finally:
        _untraced.reset(token)


@contextmanager
def call_span(call: str, attributes: Mapping[str, Any]) -> Iterator[trace.Span]:
    """The span of one SkyPilot call (`skypilot.<call>`), with the run's workflow id and
    the step when made in an activity; ends with the exception recorded and status ERROR
    when the call raises."""
    if _untraced.get():
        yield trace.INVALID_SPAN
        return
    attrs = dict(attributes)
    if activity.in_activity():
        attrs[WORKFLOW_ID] = activity.info().workflow_id or ""
        if _step.get():
            attrs[STEP] = _step.get()
    with _tracer.start_as_current_span(f"skypilot.{call}", attributes=attrs) as span:
        yield span
