"""Following a started run: about once a second, the running steps' heartbeats (their
latest output, for the worker to render) go to the view query, whose answer (the lines
the worker rendered since the last one) is printed, unless quiet; then how the run
ended (outcome.py)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowFailureError, WorkflowHandle

from skypilot_temporal.starter.format import one_line, quote
from skypilot_temporal.starter.outcome import finish
from skypilot_temporal.starter.tracing import trace_outcome
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

POLL_EVERY_SECONDS = 1.0
RPC_TIMEOUT = timedelta(seconds=3)


class View:
    """Prints each answer of the view query, passing on its cursor; the first query
    with no answer says so, once."""

    def __init__(self, handle: WorkflowHandle, task_queue: str) -> None:
        self.handle, self.task_queue, self.cursor, self.waiting_shown = handle, task_queue, "", False

    async def show(self, heartbeats: Sequence[str] = (), final: bool = False) -> None:
        request = pb.RunViewRequest(cursor=self.cursor, heartbeats=heartbeats)
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
    """The json/plain heartbeat details of the run's pending activities, then of those of
    at most LIVE_STEPS_MAX of its pending children (a sweep's branches), as text; none
    when a description fails (the next poll reads them again)."""
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
        trace_outcome(cli.OUTCOME_DETACHED)
        raise
    try:
        value, failure = result.result(), None
    except WorkflowFailureError as err:
        value, failure = None, err.cause
    except Exception as err:  # noqa: BLE001 - the server went away while waiting
        print(said := cli.wait_failed(detail=one_line(str(err))), file=sys.stderr)
        trace_outcome(cli.OUTCOME_DETACHED, said)
        return 1
    if not quiet:
        await view.show(final=True)  # what the end changed, best effort: no output is running
    return finish(value, failure)
