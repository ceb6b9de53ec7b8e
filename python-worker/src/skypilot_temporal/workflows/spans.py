"""The workflow's own spans: one per step and one per cluster down, as long as it lasts,
under the run's workflow span (Temporal's replay-safe tracing, ops/run_tracing.py, makes
them deterministic; with tracing off they are OpenTelemetry's no-ops).

A step that fails marks its span ERROR with its failure type; a step cancelled (the run
was cancelled, or another step failed first) is marked `skypilot_temporal.cancelled`
and left UNSET: the error is elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from temporalio import workflow
from temporalio.exceptions import ApplicationError, is_cancelled_exception

_tracer = trace.get_tracer("skypilot_temporal.workflows")


@contextmanager
def span(name: str, attributes: dict[str, str]) -> Iterator[trace.Span]:
    attrs = {"temporalWorkflowID": workflow.info().workflow_id, **{k: v for k, v in attributes.items() if v}}
    # Status set here, not by OpenTelemetry: an exception it records is, to Temporal's
    # replay-safe span, a failed workflow task, and the span would never be exported.
    with _tracer.start_as_current_span(name, attributes=attrs, record_exception=False,
                                       set_status_on_exception=False) as current:
        try:
            yield current
        except BaseException as err:
            if is_cancelled_exception(err):
                current.set_attribute("skypilot_temporal.cancelled", True)
            else:
                cause = getattr(err, "cause", None) or err
                kind = cause.type if isinstance(cause, ApplicationError) and cause.type else type(cause).__name__
                failed(current, kind, cause.message if isinstance(cause, ApplicationError) else str(cause))
            raise


def failed(current: trace.Span, kind: str, message: str) -> None:
    current.set_attribute("skypilot_temporal.failure_type", kind)
    current.set_status(trace.Status(trace.StatusCode.ERROR, f"{kind}: {message}"[:500]))

