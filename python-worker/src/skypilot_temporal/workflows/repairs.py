"""Failed steps that wait for a repair: which wait, since and until when, and whether a
retry or an abort can be taken. Deterministic (workflow code): fed by the workflow and
its `retry` and `abort` updates, no I/O.

The updates' validators call `check_*` and record nothing: a refused request leaves no
trace in the history. The handlers call them again, because two requests that arrive
together are both validated before either is handled.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from datetime import datetime

from skypilot_temporal.contract.names import ABORT_UPDATE, RETRY_UPDATE, TIMEOUT_APPROVER
from skypilot_temporal.pipeline.dag import APPROVER, APPROVER_RULE
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli
from skypilot_temporal.workflows.gates import REASON_MAX, YOUR_NAME, YOUR_REASON, Refused, rfc3339

RETRY, ABORT, TIMEOUT = "retry", "abort", "timeout"
# A full commit id: SHA-1 or SHA-256.
COMMIT = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass
class Wait:
    """One failed step's wait for a repair."""

    step: str
    failure: str
    since: datetime
    deadline: datetime
    clusters_kept: list[str]
    # What ended it, once something did; a retry in flight has `retrying` set first.
    record: pb.RepairRecord | None = None
    retrying: bool = False


@dataclass
class Repairs:
    # The steps waiting now, by name; and every wait that ended, by step, oldest first.
    waits: dict[str, Wait] = field(default_factory=dict)
    history: dict[str, list[pb.RepairRecord]] = field(default_factory=dict)
    # Whether the run has read its pipeline: before, no step can wait.
    steps: tuple[str, ...] | None = None

    def waiting(self) -> list[Wait]:
        return [w for w in self.waits.values() if w.record is None]

    # -- fed by the workflow -------------------------------------------------------
    def wait(self, step: str, failure: str, since: datetime, deadline: datetime, kept: list[str]) -> Wait:
        self.waits[step] = Wait(step, failure.splitlines()[0] if failure else "", since, deadline, kept)
        return self.waits[step]

    def end(self, step: str, action: str, now: datetime, requester: str = "", reason: str = "",
            commit: str = "") -> pb.RepairRecord:
        w = self.waits[step]
        w.record = pb.RepairRecord(
            step=step, action=action, requester=requester, commit=commit, reason=reason,
            decided_at=rfc3339(now), waiting_since=rfc3339(w.since), failure=w.failure)
        return w.record

    def time_out(self, step: str, minutes: int, now: datetime) -> None:
        self.end(step, TIMEOUT, now, TIMEOUT_APPROVER, f"no retry within {minutes} min (wait_for_repair_minutes)")

    def close(self, step: str) -> pb.RepairRecord | None:
        """The step's wait is over: kept in its history."""
        w = self.waits.pop(step, None)
        if w is None or w.record is None:
            return None
        self.history.setdefault(step, []).append(w.record)
        return w.record

    # -- the updates' validators ------------------------------------------------------
    def check_retry(self, req: pb.RetryRequest) -> list[str]:
        """The steps `req` runs again, or Refused saying why it cannot."""
        _check_requester(req.requester)
        if req.commit and not COMMIT.match(req.commit):
            raise Refused(f"commit: {req.commit!r} must be a full commit id (40 or 64 lower-case hex digits)")
        return self._waiting_steps(req.step)

    def check_abort(self, req: pb.AbortRequest) -> list[str]:
        _check_requester(req.requester)
        if len(req.reason) > REASON_MAX:
            raise Refused(f"reason: at most {REASON_MAX} characters, got {len(req.reason)}")
        return self._waiting_steps(req.step)

    def _waiting_steps(self, step: str) -> list[str]:
        if self.steps is None:
            raise Refused("step: the run has not read its pipeline yet: no step waits for a repair")
        if step and step not in self.steps:
            raise Refused(f"step: no step named {step!r} in this run (its steps: {', '.join(self.steps)})")
        if any(w.retrying for w in self.waits.values()):
            busy = ", ".join(w.step for w in self.waits.values() if w.retrying)
            raise Refused(f"a retry of {busy} is being prepared: wait for it to start or fail")
        waiting = self.waiting()
        if not waiting:
            raise Refused("the run waits for no repair now" + _ended(self.history))
        if not step:
            return [w.step for w in waiting]
        w = self.waits.get(step)
        if w is None or w.record is not None:
            ended = _ended({step: self.history.get(step, [])})
            raise Refused(f"step {step!r} does not wait for a repair (waiting: "
                          f"{', '.join(w.step for w in waiting)}){ended}")
        return [step]


def _check_requester(requester: str) -> None:
    who = requester.strip()
    if not APPROVER.match(who):
        raise Refused(f"requester: {requester!r} must be {APPROVER_RULE} (who asks)")
    if who == TIMEOUT_APPROVER:
        raise Refused(f"requester: {TIMEOUT_APPROVER!r} is kept for a wait that ran out")


def _ended(history: dict[str, list[pb.RepairRecord]]) -> str:
    last = [records[-1] for records in history.values() if records]
    if not last:
        return ""
    return "; " + "; ".join(f"{r.step}: {r.action} by {r.requester} at {r.decided_at}" for r in last)


def commands(workflow_id: str, step: str) -> dict[str, tuple[str, str]]:
    """The command lines that retry and abort `step`, by starter key ("go", "ts",
    "python") and "temporal" (the `temporal` CLI, with plain JSON)."""
    wid, name = shlex.quote(workflow_id), shlex.quote(step)
    out = {key: (cli.retry_hint(command=command, workflow_id=wid, step=name),
                 cli.abort_hint(command=command, workflow_id=wid, step=name))
           for key, command in cli.COMMANDS.items()}

    def temporal(update: str, doc: dict[str, str]) -> str:
        return (f"temporal workflow update execute --workflow-id {wid} --name {update} "
                f"--input {shlex.quote(json.dumps(doc, separators=(',', ':')))}")

    out["temporal"] = (temporal(RETRY_UPDATE, {"step": step, "requester": YOUR_NAME}),
                       temporal(ABORT_UPDATE, {"step": step, "requester": YOUR_NAME, "reason": YOUR_REASON}))
    return out
