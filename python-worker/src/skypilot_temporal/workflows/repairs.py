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
    # A sweep's branch: its index and label (None, "" outside sweeps).
    index: int | None = None
    label: str = ""

    @property
    def key(self) -> str:
        return wait_key(self.step, self.index)


def wait_key(step: str, index: int | None = None) -> str:
    """How the book names a wait: the step, and a sweep's branch."""
    return step if index is None else f"{step}[{index}]"


@dataclass
class Repairs:
    # The steps (and branches) waiting now, by wait_key; every wait that ended, by
    # wait_key, oldest first.
    waits: dict[str, Wait] = field(default_factory=dict)
    history: dict[str, list[pb.RepairRecord]] = field(default_factory=dict)
    # Whether the run has read its pipeline: before, no step can wait.
    steps: tuple[str, ...] | None = None

    def waiting(self) -> list[Wait]:
        return [w for w in self.waits.values() if w.record is None]

    # -- fed by the workflow -------------------------------------------------------
    def wait(self, step: str, failure: str, since: datetime, deadline: datetime, kept: list[str],
             index: int | None = None, label: str = "") -> Wait:
        w = Wait(step, failure.splitlines()[0] if failure else "", since, deadline, kept, index=index, label=label)
        self.waits[w.key] = w
        return w

    def end(self, key: str, action: str, now: datetime, requester: str = "", reason: str = "",
            commit: str = "") -> pb.RepairRecord:
        w = self.waits[key]
        w.record = pb.RepairRecord(
            step=w.step, action=action, requester=requester, commit=commit, reason=reason,
            decided_at=rfc3339(now), waiting_since=rfc3339(w.since), failure=w.failure, branch=w.label)
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
        """The waits (their keys) `req` runs again, or Refused saying why it cannot."""
        _check_requester(req.requester)
        if req.commit and not COMMIT.match(req.commit):
            raise Refused(f"commit: {req.commit!r} must be a full commit id (40 or 64 lower-case hex digits)")
        return self._waiting_steps(req.step, req.branch)

    def check_abort(self, req: pb.AbortRequest) -> list[str]:
        _check_requester(req.requester)
        if len(req.reason) > REASON_MAX:
            raise Refused(f"reason: at most {REASON_MAX} characters, got {len(req.reason)}")
        return self._waiting_steps(req.step, req.branch)

    def _waiting_steps(self, step: str, branch: str = "") -> list[str]:
        if branch and not branch.isdigit():
            raise Refused(f"branch: {branch!r} must be a branch's index (a whole number, as progress shows it)")
        keys = self._waiting_for(step)
        if not branch:
            return keys
        wanted = [k for k in keys if self.waits[k].index == int(branch)]
        if not wanted:
            said = ", ".join(_named(self.waits[k]) for k in keys)
            raise Refused(f"branch: no branch {branch} waits for a repair (waiting: {said})")
        return wanted

    def _waiting_for(self, step: str) -> list[str]:
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
            return [w.key for w in waiting]
        found = [w.key for w in waiting if w.step == step]
        if not found:
            ended = _ended({k: h for k, h in self.history.items() if h and h[-1].step == step})
            raise Refused(f"step {step!r} does not wait for a repair (waiting: "
                          f"{', '.join(_named(w) for w in waiting)}){ended}")
        return found


def _named(w: Wait) -> str:
    return f"{w.step} [{w.label}]" if w.label else w.step


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
    return "; " + "; ".join(f"{r.step}{f' [{r.branch}]' if r.branch else ''}: {r.action} by {r.requester} at "
                            f"{r.decided_at}" for r in last)


def commands(workflow_id: str, step: str, branch: int | None = None) -> dict[str, tuple[str, str]]:
    """The command lines that retry and abort `step` (a sweep's: its `branch`), by
    starter key ("go", "ts", "python") and "temporal" (the `temporal` CLI, with plain JSON)."""
    wid, name = shlex.quote(workflow_id), shlex.quote(step)
    if branch is None:
        out = {key: (cli.retry_hint(command=command, workflow_id=wid, step=name),
                     cli.abort_hint(command=command, workflow_id=wid, step=name))
               for key, command in cli.COMMANDS.items()}
    else:
        out = {key: (cli.retry_branch_hint(command=command, workflow_id=wid, step=name, branch=str(branch)),
                     cli.abort_branch_hint(command=command, workflow_id=wid, step=name, branch=str(branch)))
               for key, command in cli.COMMANDS.items()}
    which = {"step": step} if branch is None else {"step": step, "branch": str(branch)}

    def temporal(update: str, doc: dict[str, str]) -> str:
        return (f"temporal workflow update execute --workflow-id {wid} --name {update} "
                f"--input {shlex.quote(json.dumps(doc, separators=(',', ':')))}")

    out["temporal"] = (temporal(RETRY_UPDATE, {**which, "requester": YOUR_NAME}),
                       temporal(ABORT_UPDATE, {**which, "requester": YOUR_NAME, "reason": YOUR_REASON}))
    return out
