"""OpenTelemetry for the starter, configured the standard way and off unless an OTLP
endpoint is set (ops/tracing.py). On, Temporal's tracing interceptor puts the workflow
start in a span and hands its W3C trace context to the workflow, so that the run's
workflow, activities and SkyPilot calls are one trace with it."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence

from temporalio.client import Interceptor

from skypilot_temporal.ops import tracing
from skypilot_temporal.starter.format import one_line
from skypilot_temporal.v1 import starter_cli as cli


async def with_tracing(env: Mapping[str, str], run: Callable[[Sequence[Interceptor]], Awaitable[int]]) -> int:
    """Runs `run` with the tracing interceptors (none when tracing is off), then flushes
    the spans, however `run` ends. A setting the SDK cannot use is a warning on stderr,
    and the run goes on untraced."""
    try:
        provider = tracing.setup_tracing(env, cli.TRACING_SERVICE_NAME)
    except Exception as err:  # noqa: BLE001 - a variable the SDK cannot use
        print(cli.tracing_failed(detail=one_line(str(err))), file=sys.stderr)
        provider = None
    try:
        return await run(tracing.starter_interceptors(env) if provider is not None else [])
    finally:
        if provider is not None:
            provider.shutdown()  # flushes the spans still queued
