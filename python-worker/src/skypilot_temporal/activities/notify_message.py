"""What a run notification says: a JSON body whose `text` is one short message a chat
webhook (Slack's incoming webhooks) shows as is, and whose other fields are the event's
data for a receiver that reads them. Every string is masked of the worker's secrets
before anything is composed, so a cut never leaves part of a secret behind.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

from skypilot_temporal.contract.activity_types import NotifyInput

WAITING = "waiting"
WAITING_FOR_REPAIR = "waiting_for_repair"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELLED = "cancelled"
CLUSTERS_LEFT = "clusters_left"

# Slack shows up to 4000 characters of a message's text; well under that, and short
# enough for any chat.
MAX_TEXT_CHARS = 3000
CUT = "..."
# The starter whose approval command the text shows when the event names several.
PREFERRED_STARTER = "temporal"
# A commit as people quote it; the body has it whole.
SHORT_COMMIT = 12


def notify_body(inp: NotifyInput, redact: Callable[[str], str]) -> dict[str, Any]:
    """The JSON object POSTed for `inp`: id, event, text, workflow_id, run_id, then the
    event's other fields that are not empty."""
    masked = _masked(inp, redact)
    body: dict[str, Any] = {
        "id": masked.event_id,
        "event": masked.event,
        "text": notify_text(masked),
        "workflow_id": masked.workflow_id,
        "run_id": masked.run_id,
    }
    for field in dataclasses.fields(masked):
        value = getattr(masked, field.name)
        if field.name not in body and field.name != "event_id" and value:
            body[field.name] = value
    if "metrics" in body:
        body["metrics"] = {name: _json_number(v) for name, v in body["metrics"].items()}
    return body


def notify_text(inp: NotifyInput) -> str:
    """One message of at most MAX_TEXT_CHARS: the failure's reason is what gets cut."""
    text = _compose(inp)
    if len(text) > MAX_TEXT_CHARS and inp.reason:
        keep = max(0, len(inp.reason) - (len(text) - MAX_TEXT_CHARS) - len(CUT))
        text = _compose(dataclasses.replace(inp, reason=inp.reason[:keep] + CUT))
    if len(text) > MAX_TEXT_CHARS:  # long lists of steps or clusters
        text = text[: MAX_TEXT_CHARS - len(CUT)] + CUT
    return text


def _compose(inp: NotifyInput) -> str:
    run = f"SkyPilot run {inp.workflow_id}"
    if inp.event == WAITING:
        text = f'{run} is waiting for approval at gate "{inp.gate}"'
        if inp.since:
            text += f" since {inp.since}"
        if inp.metrics:
            measured = ", ".join(f"{name}={value}" for name, value in inp.metrics.items())
            text += f" ({inp.branch}: {measured})" if inp.branch else f" ({measured})"
        text += "."
        if inp.approvers:
            text += f" Approvers: {', '.join(inp.approvers)}."
        command = inp.commands.get(PREFERRED_STARTER) or next(iter(inp.commands.values()), "")
        if command:
            text += f" Approve: {command}"
        return text
    if inp.event == WAITING_FOR_REPAIR:
        text = (f'{run}: step "{inp.failing_step}" failed and waits for a repair until {inp.deadline}'
                f" (clusters kept: {', '.join(inp.clusters_kept) or 'none'}"
                + (f", ${inp.kept_usd_per_hour:.4f}/h)" if inp.kept_usd_per_hour is not None else ")"))
        text += f": {inp.reason}" if inp.reason else "."
        command = inp.commands.get(PREFERRED_STARTER) or next(iter(inp.commands.values()), "")
        return text + (f" Retry once fixed: {command}" if command else "")
    if inp.event == SUCCEEDED:
        text = f"{run} succeeded"
        if inp.commit:
            text += f" (commit {inp.commit[:SHORT_COMMIT]})"
        return text + (f": {', '.join(inp.steps)}" if inp.steps else "")
    if inp.event == FAILED:
        text = f"{run} failed"
        if inp.failing_step:
            text += f' at step "{inp.failing_step}"'
        if inp.failure_type:
            text += f" ({inp.failure_type})"
        return text + (f": {inp.reason}" if inp.reason else "")
    if inp.event == CANCELLED:
        return f"{run} was cancelled"
    if inp.event == CLUSTERS_LEFT:
        return (f"{run}: teardown left clusters up: {', '.join(inp.clusters_left)}. "
                f"Down them by hand (sky down {' '.join(inp.clusters_left)}).")
    # An event this worker does not know yet (a newer workflow): still worth a line.
    return f"{run}: {inp.event}"


def _masked(inp: NotifyInput, redact: Callable[[str], str]) -> NotifyInput:
    return dataclasses.replace(
        inp, **{f.name: _mask(getattr(inp, f.name), redact) for f in dataclasses.fields(inp)}
    )


def _mask(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_mask(item, redact) for item in value]
    if isinstance(value, dict):
        return {_mask(key, redact): _mask(item, redact) for key, item in value.items()}
    return value


def _json_number(value: float) -> float | str:
    """JSON has no NaN nor infinity: those go as Python writes them ("nan", "inf")."""
    return value if math.isfinite(value) else str(value)
