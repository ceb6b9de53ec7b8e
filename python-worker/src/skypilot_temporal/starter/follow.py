"""Following a started run: its progress about once a second (and, unless quiet, the
running steps' latest output: live.py), then how it ended."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from temporalio.client import Client, WorkflowFailureError, WorkflowHandle

from skypilot_temporal.contract.names import PROGRESS_QUERY
from skypilot_temporal.starter.format import one_line
from skypilot_temporal.starter.live import LiveLines
from skypilot_temporal.starter.outcome import finish
from skypilot_temporal.starter.progress import ProgressView
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

POLL_EVERY_SECONDS = 1.0
QUERY_TIMEOUT = timedelta(seconds=3)


async def follow(client: Client, handle: WorkflowHandle, task_queue: str, quiet: bool = False) -> int:
    """Prints the run's progress and its running steps' latest output (unless quiet)
    until it ends, then how it ended; returns the exit status."""
    view = ProgressView(task_queue, quiet)
    live = None if quiet else LiveLines(client, handle)
    last: pb.SkyPilotWorkflowProgress | None = None
    result = asyncio.ensure_future(handle.result())
    try:
        while not (await asyncio.wait([result], timeout=POLL_EVERY_SECONDS))[0]:
            progress = await _query_progress(handle)
            if progress is None:
                view.unavailable()
            else:
                view.show(progress)
                last = progress
            if live is not None:
                await live.show(last)
    except asyncio.CancelledError:
        print(cli.interrupted(workflow_id=handle.id), file=sys.stderr)
        raise
    value: pb.SkyPilotWorkflowResult | None = None
    failure: BaseException | None = None
    try:
        value = result.result()
    except WorkflowFailureError as err:
        failure = err.cause
    except Exception as err:  # the server went away while waiting
        print(cli.wait_failed(detail=one_line(str(err))), file=sys.stderr)
        return 1
    if view.wants_last_answer(failure is not None):
        progress = await _query_progress(handle)
        if progress is not None:
            view.settle(progress)
    return finish(view, value, failure)


async def _query_progress(handle: WorkflowHandle) -> pb.SkyPilotWorkflowProgress | None:
    try:
        return await handle.query(PROGRESS_QUERY, result_type=pb.SkyPilotWorkflowProgress, rpc_timeout=QUERY_TIMEOUT)
    except Exception:  # any query that fails is no answer: no worker yet, server busy, ...
        return None
