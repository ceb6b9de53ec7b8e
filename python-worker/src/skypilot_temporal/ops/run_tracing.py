"""The worker's Temporal tracing: Temporal's OpenTelemetry interceptor (the replay-safe
one), whose workflow span lasts the whole run and ends with its outcome, so a run has a
span covering it even when nobody traced its start (the Temporal UI, the `temporal`
CLI): that span is then the root of the run's own trace.

Imported only when tracing is on: it loads OpenTelemetry's SDK.
"""

from __future__ import annotations

import asyncio
from typing import Any

from opentelemetry import trace
from temporalio import worker
from temporalio.contrib.opentelemetry import OpenTelemetryInterceptor
from temporalio.exceptions import ApplicationError, CancelledError


class RunTracing(OpenTelemetryInterceptor):
    def __init__(self) -> None:
        super().__init__(add_temporal_spans=True)

    def workflow_interceptor_class(self, input: worker.WorkflowInterceptorClassInput) -> Any:
        traced = super().workflow_interceptor_class(input)

        class Inbound(traced):  # type: ignore[valid-type,misc]
            def __init__(self, next: worker.WorkflowInboundInterceptor) -> None:
                super().__init__(_CancelAsFailure(next))

            async def handle_query(self, input: worker.HandleQueryInput) -> Any:
                # Untraced: the starters and the UI poll the progress a query a second,
                # each of which would be a one-span trace of its own.
                return await self.next.handle_query(input)

        return Inbound


class _CancelAsFailure(worker.WorkflowInboundInterceptor):
    """Inside the workflow's span: a failed run's failure type goes on the span; a
    cancelled run ends with Temporal's CancelledError rather than asyncio's, the same
    cancellation to Temporal but a workflow failure the replay-safe span ends on (it
    leaves a span open on anything else, taking it for a failed workflow task)."""

    async def execute_workflow(self, input: worker.ExecuteWorkflowInput) -> Any:
        try:
            return await self.next.execute_workflow(input)
        except asyncio.CancelledError:
            raise CancelledError("run cancelled") from None
        except ApplicationError as err:
            trace.get_current_span().set_attribute("skypilot_temporal.failure_type", err.type or "ApplicationError")
            raise
