"""A running step's latest output while following: its activity's heartbeat details
(pending activities; a sweep's branches are child workflows, described too), only the
lines not printed yet. The worker masks secret values, bounds the lines and labels
them; they are bounded here again, whatever the details hold."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle

from skypilot_temporal.contract.names import LIVE_LINE_CHARS_MAX, LIVE_LINES_MAX, LIVE_OUTPUT_KEY
from skypilot_temporal.starter import cli_table as cli

DESCRIBE_TIMEOUT = timedelta(seconds=3)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def bounded(text: str) -> str:
    """No control characters, at most LIVE_LINE_CHARS_MAX characters (a cut text ends in `...`)."""
    text = _CONTROL.sub("", text)
    return text if len(text) <= LIVE_LINE_CHARS_MAX else text[: LIVE_LINE_CHARS_MAX - 3] + "..."


def poll_lines(outputs: list[Any], seen: dict[str, int]) -> list[str]:
    """The lines one poll prints for its first LIVE_STEPS_MAX output entries, given how
    many lines of each step attempt were printed before (`seen`, updated)."""
    printed: list[str] = []
    for out in outputs[: cli.LIVE_STEPS_MAX]:
        if not _is_entry(out):
            continue
        key = json.dumps([out["step"], out.get("cluster"), out.get("attempt")])
        new = out["count"] - seen.get(key, 0)
        if new <= 0:
            continue
        seen[key] = out["count"]
        label = out.get("label")
        label = bounded(label if isinstance(label, str) and label else out["step"])
        shown = [_text(line) for line in out["lines"][-LIVE_LINES_MAX:][-new:]]
        if new > len(shown):
            printed.append(cli.live_skipped(step=label, count=str(new - len(shown))))
        printed += [cli.live_line(step=label, line=bounded(line)) for line in shown]
    return printed


def _is_entry(out: Any) -> bool:
    return (isinstance(out, dict) and isinstance(out.get("step"), str) and isinstance(out.get("lines"), list)
            and type(out.get("count")) is int)


def _text(line: Any) -> str:
    return line if isinstance(line, str) else json.dumps(line, separators=(",", ":"), ensure_ascii=False)


async def show_live(client: Client, handle: WorkflowHandle, seen: dict[str, int]) -> None:
    """One poll: prints the new lines of at most LIVE_STEPS_MAX running steps."""
    try:
        desc = (await handle.describe(rpc_timeout=DESCRIBE_TIMEOUT)).raw_description
        outputs = _outputs(desc)
        for child in list(desc.pending_children)[: cli.LIVE_STEPS_MAX]:
            if len(outputs) >= cli.LIVE_STEPS_MAX:
                break
            branch = client.get_workflow_handle(child.workflow_id, run_id=child.run_id or None)
            outputs += _outputs((await branch.describe(rpc_timeout=DESCRIBE_TIMEOUT)).raw_description)
    except Exception:  # noqa: BLE001 - no description this time: the next poll tries again
        return
    for line in poll_lines(outputs, seen):
        print(line, flush=True)


def _outputs(description: Any) -> list[Any]:
    """The output entries of a description's pending activities (json/plain details)."""
    found = []
    for act in description.pending_activities:
        payloads = act.heartbeat_details.payloads
        try:
            details = json.loads(payloads[0].data) if payloads[0].metadata.get("encoding") == b"json/plain" else None
        except (IndexError, ValueError):
            continue
        if isinstance(details, dict) and LIVE_OUTPUT_KEY in details:
            found.append(details[LIVE_OUTPUT_KEY])
    return found
