"""OpenTelemetry for the starter, off unless an OTLP endpoint is set (ops/tracing.py). On,
the run's span covers start and follow, and Temporal's tracing interceptor puts the start
in a span under it and hands its W3C trace context to the workflow: the run is one trace."""

from __future__ import annotations

import sys
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence

from opentelemetry import trace
from temporalio.client import Interceptor

from skypilot_temporal.ops import tracing
from skypilot_temporal.v1 import starter_cli as cli


async def with_tracing(env: Mapping[str, str], workflow_id: str,
                       run: Callable[[Sequence[Interceptor]], Awaitable[int]]) -> int:
    """Runs `run` in the run's span, with the start's tracing interceptor (none when tracing
    is off; a setting the SDK cannot use is a warning on stderr), then, however it ends, sends the spans."""
    try:
        provider = tracing.setup_tracing(env, cli.TRACING_SERVICE_NAME)
    except Exception as err:  # noqa: BLE001 - a variable the SDK cannot use
        print(cli.tracing_failed(detail=cli.one_line(str(err))), file=sys.stderr)
        provider = None
    if provider is None:
        return await run([])
    try:
        # Its status is the outcome's (follow.ended), not the exception's: an interrupt detaches.
        with provider.get_tracer(cli.TRACING_SERVICE_NAME).start_as_current_span(
                cli.TRACING_RUN_SPAN, kind=trace.SpanKind.CLIENT, record_exception=False,
                set_status_on_exception=False, attributes={cli.TRACING_WORKFLOW_ID_ATTRIBUTE: workflow_id}):
            return await run(tracing.starter_interceptors(env))
    finally:
        # At most the flush bound, whatever the exporter's own timeout: a collector that never
        # answers must not hold the starter. The thread is a daemon: it dies with the starter.
        flushing = threading.Thread(target=provider.shutdown, name="flush-spans", daemon=True)
        flushing.start()
        flushing.join(cli.TRACING_FLUSH_TIMEOUT_SECONDS)


def trace_started(run_id: str) -> None:
    """Puts the run id on the run's span."""
    trace.get_current_span().set_attribute(cli.TRACING_RUN_ID_ATTRIBUTE, run_id)
