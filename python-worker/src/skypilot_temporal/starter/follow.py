"""Following a started run: about once a second, unless quiet, the running steps' heartbeats go to
the view query and the lines the worker rendered are printed; then how the run ended (the result's
lines, or the failure and the clusters teardown left up), on stdout/stderr and the run's span."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from opentelemetry import trace
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError, CancelledError, TerminatedError
from temporalio.exceptions import TimeoutError as WorkflowTimedOut

from skypilot_temporal.starter.format import quote
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

POLL_EVERY_SECONDS = 1.0
# This starter's key in cli.COMMANDS: a gate's wait line in the view names this starter's command.
STARTER = "python"
RPC_TIMEOUT = timedelta(seconds=3)
# What ended a run that neither completed nor failed, its outcome, and the line that says so.
_ENDINGS = ((CancelledError, cli.OUTCOME_CANCELLED, cli.workflow_cancelled),
            (TerminatedError, cli.OUTCOME_TERMINATED, cli.workflow_terminated),
            (WorkflowTimedOut, cli.OUTCOME_TIMED_OUT, cli.workflow_timed_out))


class View:
    """Prints each answer of the view query, passing on its cursor; says once that none came."""

    def __init__(self, handle: WorkflowHandle, task_queue: str) -> None:
        self.handle, self.task_queue, self.cursor, self.waiting_shown = handle, task_queue, "", False

    async def show(self, heartbeats: Sequence[str] = (), final: bool = False) -> None:
        request = pb.RunViewRequest(cursor=self.cursor, heartbeats=heartbeats, starter=STARTER)
        try:
            view = await self.handle.query(cli.VIEW_QUERY, request, result_type=pb.RunView, rpc_timeout=RPC_TIMEOUT)
        except Exception:  # noqa: BLE001 - any query that fails is no answer: no worker yet, server busy, ...
            if not (final or self.waiting_shown):
                print(cli.progress_unavailable(task_queue=quote(self.task_queue)), flush=True)
                self.waiting_shown = True
            return
        self.cursor = view.cursor
        for line in view.lines:
            print(line, flush=True)


async def read_heartbeats(client: Client, handle: WorkflowHandle) -> list[str]:
    """The json/plain heartbeats of the run's pending activities, then of those of at most
    LIVE_STEPS_MAX of its pending children (a sweep's branches); none when a describe fails."""
    try:
        run = (await handle.describe(rpc_timeout=RPC_TIMEOUT)).raw_description
        beats = _heartbeats(run)
        for child in list(run.pending_children)[: cli.LIVE_STEPS_MAX]:
            branch = client.get_workflow_handle(child.workflow_id, run_id=child.run_id or None)
            beats += _heartbeats((await branch.describe(rpc_timeout=RPC_TIMEOUT)).raw_description)
    except Exception:  # noqa: BLE001 - a failed describe is no heartbeats, this poll
        return []
    return beats


def _heartbeats(description: Any) -> list[str]:
    return [payload.data.decode(errors="replace") for activity in description.pending_activities
            for payload in activity.heartbeat_details.payloads if payload.metadata.get("encoding") == b"json/plain"]


async def follow(client: Client, handle: WorkflowHandle, task_queue: str, quiet: bool = False) -> int:
    """Follows the run until it ends, then prints how it ended; returns the exit status."""
    view = View(handle, task_queue)
    result = asyncio.ensure_future(handle.result())
    try:
        while not (await asyncio.wait([result], timeout=POLL_EVERY_SECONDS))[0]:
            if not quiet:
                await view.show(await read_heartbeats(client, handle))
    except asyncio.CancelledError:
        print(cli.interrupted(workflow_id=handle.id), file=sys.stderr)
        ended(cli.OUTCOME_DETACHED, 130)  # main's exit status for an interrupt
        raise
    try:
        value, failure = result.result(), None
    except WorkflowFailureError as err:
        value, failure = None, err.cause
    except Exception as err:  # noqa: BLE001 - the server went away while waiting
        return ended(cli.OUTCOME_DETACHED, 1, cli.wait_failed(detail=cli.one_line(str(err))))
    if not quiet:
        await view.show(final=True)  # what the end changed, best effort: no output is running
    return finish(value, failure)


def ended(outcome: str, status: int, said: str = "", failure_type: str = "") -> int:
    """Prints `said` on stderr; puts on the run's span the outcome, a failed run's failure type
    and, when something was said, the status ERROR with that line (after the type). Returns `status`."""
    span = trace.get_current_span()
    span.set_attribute(cli.TRACING_OUTCOME_ATTRIBUTE, outcome)
    if failure_type:
        span.set_attribute(cli.TRACING_FAILURE_TYPE_ATTRIBUTE, failure_type)
    if said:
        print(said, file=sys.stderr)
        span.set_status(trace.StatusCode.ERROR, cli.one_line(f"{failure_type}: {said}" if failure_type else said))
    return status


def finish(result: pb.SkyPilotWorkflowResult | None, failure: BaseException | None) -> int:
    """Prints the result (stdout, exit status 0) or the failure (stderr, 1)."""
    if failure is None:
        for line in result.lines if result is not None else ():
            print(line)
        return ended(cli.OUTCOME_COMPLETED, 0)
    outcome, said = next(((outcome, say()) for kind, outcome, say in _ENDINGS if isinstance(failure, kind)),
                         (cli.OUTCOME_FAILED, cli.workflow_failed(message=_message(failure))))
    ended(outcome, 1, said, (failure.type or "") if isinstance(failure, ApplicationError) else "")
    inner = failure
    while inner.__cause__ is not None:
        inner = inner.__cause__
    if inner is not failure:
        print(cli.failure_cause(message=_message(inner)), file=sys.stderr)
    if left := clusters_still_up(failure):
        print(cli.clusters_left(clusters=", ".join(left)), file=sys.stderr)
    return 1


def clusters_still_up(failure: BaseException) -> list[str]:
    """The clusters an operator must down: a TeardownFailed failure's first detail."""
    if not isinstance(failure, ApplicationError) or failure.type != cli.TEARDOWN_FAILED or not failure.details:
        return []
    names = failure.details[0]
    return names if isinstance(names, list) and all(isinstance(n, str) for n in names) else []


def _message(err: BaseException) -> str:
    return getattr(err, "message", None) or str(err)
