"""The running steps' heartbeats, read while following for the worker to render their
latest output (the view query): the json/plain details of the run's pending activities,
then of those of at most LIVE_STEPS_MAX of its pending children (a sweep's branches)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle

from skypilot_temporal.starter import cli_table as cli

DESCRIBE_TIMEOUT = timedelta(seconds=3)


async def read_heartbeats(client: Client, handle: WorkflowHandle) -> list[str]:
    """Each heartbeat payload's data as text, in the order the descriptions list them;
    none when a description fails (the next poll reads them again)."""
    try:
        run = (await handle.describe(rpc_timeout=DESCRIBE_TIMEOUT)).raw_description
        beats = _heartbeats(run)
        for child in list(run.pending_children)[: cli.LIVE_STEPS_MAX]:
            branch = client.get_workflow_handle(child.workflow_id, run_id=child.run_id or None)
            beats += _heartbeats((await branch.describe(rpc_timeout=DESCRIBE_TIMEOUT)).raw_description)
    except Exception:  # noqa: BLE001 - a failed describe is no heartbeats, this poll
        return []
    return beats


def _heartbeats(description: Any) -> list[str]:
    return [payload.data.decode(errors="replace") for activity in description.pending_activities
            for payload in activity.heartbeat_details.payloads if payload.metadata.get("encoding") == b"json/plain"]
