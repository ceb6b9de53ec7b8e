"""Approval gates: which gates a run has, which wait, what was decided, and whether a
decision can be taken. Deterministic (workflow code): fed by the workflow and its
`decide` update, no I/O.

The update's validator calls `check` and records nothing: a refused decision leaves no
trace in the history. The handler calls `check` again before `decide`, because two
decisions that arrive together are both validated before either is handled.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from datetime import datetime

from skypilot_temporal.contract.names import (
    DECIDE_UPDATE,
    DECISION_APPROVE,
    DECISION_REJECT,
    STATE_CANCELLED,
    STATE_FAILED,
    STATE_PENDING,
    STATE_SUCCEEDED,
    STATE_WAITING,
    TIMEOUT_APPROVER,
)
from skypilot_temporal.pipeline.dag import APPROVAL, APPROVER, APPROVER_RULE, Step
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

REASON_MAX = 2000
# What the `temporal` CLI's command leaves for its user to fill in.
YOUR_NAME, YOUR_REASON = "YOUR_NAME", "WHY"


class Refused(ValueError):
    """A decision the run cannot take; the message says why, naming the field."""


def rfc3339(when: datetime) -> str:
    """UTC, to the second: `2026-12-06T09:01:02Z`."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Gate:
    name: str
    needs: tuple[str, ...]
    approvers: tuple[str, ...]
    timeout_s: int
    state: str = STATE_PENDING
    since: datetime | None = None
    deadline: datetime | None = None
    # The needed steps' metrics, and the sweep branch a needed select picked.
    metrics: dict[str, float] = field(default_factory=dict)
    branch: str = ""
    record: pb.ApprovalRecord | None = None


class Gates:
    def __init__(self, steps: list[Step] | None) -> None:
        # None: the run has not read its pipeline yet.
        self._planned = steps is not None
        self._gates = {st.name: Gate(st.name, st.needs, st.approvers, st.timeout_s)
                       for st in steps or [] if st.kind == APPROVAL}

    def get(self, name: str) -> Gate | None:
        return self._gates.get(name)

    def waiting(self) -> list[Gate]:
        return [g for g in self._gates.values() if g.state == STATE_WAITING]

    # -- fed by the workflow -------------------------------------------------------
    def wait(self, name: str, since: datetime, deadline: datetime, metrics: dict[str, float], branch: str) -> None:
        g = self._gates[name]
        g.state, g.since, g.deadline, g.metrics, g.branch = STATE_WAITING, since, deadline, metrics, branch

    def decide(self, decision: pb.ApprovalDecision, now: datetime) -> pb.ApprovalRecord:
        """Records a decision `check` accepted; the record the update answers."""
        g = self._gates[self.check(decision)]
        g.record = pb.ApprovalRecord(
            gate=g.name, decision=decision.decision, approver=decision.approver.strip(),
            reason=decision.reason.strip(), decided_at=rfc3339(now),
            waiting_since=rfc3339(g.since) if g.since else "",
        )
        return g.record

    def time_out(self, name: str, now: datetime) -> None:
        g = self._gates[name]
        g.record = pb.ApprovalRecord(
            gate=name, decision=DECISION_REJECT, approver=TIMEOUT_APPROVER,
            reason=f"no decision within {g.timeout_s} s (timeout_seconds)", decided_at=rfc3339(now),
            waiting_since=rfc3339(g.since) if g.since else "",
        )

    def close(self, name: str) -> None:
        """The gate's wait is over: decided, or the run stopped waiting (cancelled, failed)."""
        g = self._gates[name]
        if g.record is None:
            g.state = STATE_CANCELLED
        else:
            g.state = STATE_SUCCEEDED if g.record.decision == DECISION_APPROVE else STATE_FAILED

    # -- the update's validator --------------------------------------------------------
    def check(self, d: pb.ApprovalDecision) -> str:
        """The gate `d` decides, or Refused saying why it cannot."""
        if d.decision not in (DECISION_APPROVE, DECISION_REJECT):
            raise Refused(f"decision: must be {DECISION_APPROVE} or {DECISION_REJECT}, got {d.decision!r}")
        approver = d.approver.strip()
        if not APPROVER.match(approver):
            raise Refused(f"approver: {d.approver!r} must be {APPROVER_RULE} (who decides)")
        if approver == TIMEOUT_APPROVER:
            raise Refused(f"approver: {TIMEOUT_APPROVER!r} is kept for a gate whose time ran out")
        if d.decision == DECISION_REJECT and not d.reason.strip():
            raise Refused("reason: required to reject (say why)")
        if len(d.reason) > REASON_MAX:
            raise Refused(f"reason: at most {REASON_MAX} characters, got {len(d.reason)}")
        g = self._gate_of(d.gate)
        if g.record is not None:
            done = "approved" if g.record.decision == DECISION_APPROVE else "rejected"
            raise Refused(f"gate {g.name!r} was already {done} by {g.record.approver} at "
                          f"{g.record.decided_at}: one decision per gate")
        if g.state == STATE_PENDING:
            raise Refused(f"gate {g.name!r} is not waiting yet: it waits once {', '.join(g.needs)} "
                          f"{'is' if len(g.needs) == 1 else 'are'} done")
        if g.state != STATE_WAITING:
            raise Refused(f"gate {g.name!r} is no longer waiting: the run stopped ({g.state})")
        if g.approvers and approver not in g.approvers:
            raise Refused(f"approver: {approver!r} may not decide gate {g.name!r} "
                          f"(approvers: {', '.join(g.approvers)})")
        return g.name

    def _gate_of(self, name: str) -> Gate:
        if not self._planned:
            raise Refused("gate: the run has not read its pipeline yet: it waits at no gate")
        if not self._gates:
            raise Refused("gate: this run has no approval gate")
        if not name:
            waiting = self.waiting()
            if len(waiting) == 1:
                return waiting[0]
            if not waiting:
                raise Refused(f"gate: the run waits at no gate now ({'; '.join(map(_said, self._gates.values()))})")
            raise Refused(f"gate: the run waits at {', '.join(g.name for g in waiting)}: name one")
        g = self._gates.get(name)
        if g is None:
            raise Refused(f"gate: no gate named {name!r} in this run (its gates: {', '.join(self._gates)})")
        return g


def _said(g: Gate) -> str:
    """`deploy: approved by alice`, `deploy: pending`."""
    if g.record is None:
        return f"{g.name}: {g.state}"
    done = "approved" if g.record.decision == DECISION_APPROVE else "rejected"
    return f"{g.name}: {done} by {g.record.approver}"


def commands(workflow_id: str, gate: str) -> dict[str, tuple[str, str]]:
    """The command lines that approve and reject `gate`, by starter key ("go", "ts",
    "python") and "temporal" (the `temporal` CLI, with plain JSON)."""
    wid, name = shlex.quote(workflow_id), shlex.quote(gate)
    out = {key: (cli.approve_hint(command=command, workflow_id=wid, gate=name),
                 cli.reject_hint(command=command, workflow_id=wid, gate=name))
           for key, command in cli.COMMANDS.items()}

    def temporal(decision: str, reason: str) -> str:
        doc = {"gate": gate, "decision": decision, "approver": YOUR_NAME, "reason": reason}
        return (f"temporal workflow update execute --workflow-id {wid} --name {DECIDE_UPDATE} "
                f"--input {shlex.quote(json.dumps(doc, separators=(',', ':')))}")

    out["temporal"] = (temporal(DECISION_APPROVE, ""), temporal(DECISION_REJECT, YOUR_REASON))
    return out
