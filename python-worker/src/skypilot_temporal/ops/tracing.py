"""Traces: OpenTelemetry, off unless an OTLP endpoint is configured the standard way.

On when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set,
`OTEL_SDK_DISABLED` is not `true` and `OTEL_TRACES_EXPORTER` is not `none` (the starters
decide the same way). Off, no provider is installed and a span costs what the
OpenTelemetry API's no-op costs. What a run's trace holds: docs/observability.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from temporalio import client

_tracer = trace.get_tracer("skypilot_temporal")


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


@contextmanager
def call_span(call: str, attributes: Mapping[str, Any]) -> Iterator[trace.Span]:
    """The span of one SkyPilot call (`skypilot.<call>`); ends with the exception
    recorded and status ERROR when the call raises."""
    with _tracer.start_as_current_span(f"skypilot.{call}", attributes=dict(attributes)) as span:
        yield span
