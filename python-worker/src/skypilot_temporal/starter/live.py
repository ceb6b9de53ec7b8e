"""A running step's latest output while following: read from its activity's heartbeat
details (DescribeWorkflowExecution, pending activities; a sweep's branches are child
workflows, described too), only the lines not printed yet, bounded, plain text.

The worker masks secret values and bounds the lines before they leave it; this file
bounds them again, as the table says (`live_output`), whatever the details hold.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle

from skypilot_temporal.starter.format import step_label
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

DESCRIBE_TIMEOUT = timedelta(seconds=3)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def bounded(line: str) -> str:
    """A line as a starter prints it: no control characters, at most
    LIVE_LINE_CHARS_MAX characters, a longer one cut to end in `...`."""
    line = _CONTROL.sub("", line)
    limit = cli.LIVE_LINE_CHARS_MAX
    return line if len(line) <= limit else line[: limit - 3] + "..."


def branch_labels(progress: pb.SkyPilotWorkflowProgress | None) -> dict[tuple[str, str], str]:
    """A sweep branch's label by step and cluster, from a progress answer: a branch's
    lines are `train [1 (LR=3e-4)] | ...`, as its state lines name it."""
    if progress is None:
        return {}
    return {(s.name, s.cluster_name): step_label(s.name, s.branch) for s in progress.steps if s.branch}


def new_lines(output: Any, seen: dict[str, int], labels: dict[tuple[str, str], str] | None = None) -> list[str]:
    """The lines to print for one heartbeat's output entry, given what was printed
    before (`seen`: how many lines of each step attempt, updated) and the labels of
    sweep branches (branch_labels)."""
    if not isinstance(output, dict):
        return []
    step, lines, count = output.get("step"), output.get("lines"), output.get("count")
    if not isinstance(step, str) or not isinstance(lines, list) or type(count) is not int:
        return []
    key = json.dumps([step, output.get("cluster"), output.get("attempt")])
    new = count - seen.get(key, 0)
    if new <= 0:
        return []
    seen[key] = count
    cluster = output.get("cluster")
    label = bounded((labels or {}).get((step, cluster), step) if isinstance(cluster, str) else step)
    shown = [line if isinstance(line, str) else json.dumps(line, separators=(",", ":"), ensure_ascii=False)
             for line in lines[-min(new, len(lines), cli.LIVE_LINES_MAX):]] if lines else []
    printed = [cli.live_skipped(step=label, count=str(new - len(shown)))] if new > len(shown) else []
    return printed + [cli.live_line(step=label, line=bounded(line)) for line in shown]


def poll_lines(
    outputs: list[Any], seen: dict[str, int], progress: pb.SkyPilotWorkflowProgress | None = None
) -> list[str]:
    """The lines one poll prints: those of the first LIVE_STEPS_MAX output entries,
    labelled by the last progress answer."""
    labels = branch_labels(progress)
    return [line for output in outputs[: cli.LIVE_STEPS_MAX] for line in new_lines(output, seen, labels)]


def _outputs(description: Any) -> list[Any]:
    """The output entries of a description's pending activities."""
    found = []
    for act in description.pending_activities:
        payloads = act.heartbeat_details.payloads
        if payloads and payloads[0].metadata.get("encoding") == b"json/plain":
            try:
                details = json.loads(payloads[0].data)
            except ValueError:
                continue
            if isinstance(details, dict) and cli.LIVE_OUTPUT_KEY in details:
                found.append(details[cli.LIVE_OUTPUT_KEY])
    return found


class LiveLines:
    """Prints, per poll, the new lines of at most LIVE_STEPS_MAX running steps."""

    def __init__(self, client: Client, handle: WorkflowHandle) -> None:
        self._client = client
        self._handle = handle
        self._seen: dict[str, int] = {}

    async def show(self, progress: pb.SkyPilotWorkflowProgress | None) -> None:
        """One poll; `progress` is the last progress answer (None: none yet)."""
        try:
            outputs = await self._read()
        except Exception:  # no description this time: the next poll tries again
            return
        for line in poll_lines(outputs, self._seen, progress):
            print(line, flush=True)

    async def _read(self) -> list[Any]:
        desc = (await self._handle.describe(rpc_timeout=DESCRIBE_TIMEOUT)).raw_description
        outputs = _outputs(desc)
        for child in list(desc.pending_children)[: cli.LIVE_STEPS_MAX]:
            if len(outputs) >= cli.LIVE_STEPS_MAX:
                break
            branch = self._client.get_workflow_handle(child.workflow_id, run_id=child.run_id or None)
            outputs += _outputs((await branch.describe(rpc_timeout=DESCRIBE_TIMEOUT)).raw_description)
        return outputs
