"""What a client prints about a run, rendered here once so that every starter (Go,
TypeScript, Python) prints the same text: while following, the lines that changed
since the client's cursor and the running steps' output from the heartbeats it sent
(the view query, live_output.py); at the end, the result's lines. No line holds a
control character (a tab aside): a sweep branch's label holds values users wrote.

Pure and deterministic (it runs in query handlers and in the workflow): no I/O. What
a client was shown already travels in the cursor it sends back, so the worker keeps
nothing per client.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

from skypilot_temporal.contract import names
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.workflows import gates, repairs
from skypilot_temporal.workflows.live_output import live_lines, printable

PROGRESS = "progress: phase={phase} step={step} finished={finished}{steps}{cost}"
PROGRESS_COST = " cost=${usd}"
PROGRESS_OF_TOTAL = "{finished}/{total}"
PROGRESS_STEP = " {name}:{status}"
CLUSTERS = "clusters: {clusters}"
STEP_LABEL = "{name} [{branch}]"
STEP_STATE = "step {step}: {state}{metrics}"
STEP_WINNER = "step {step}: winner {branch}{metrics}"
STEP_SUMMARY = "step {step}: {counts}"
STATE_COUNT = "{count} {state}"
METRIC = " {name}={value}"
RESULT_HEADER = "workflow completed: {steps} steps, commit {commit}"
RESULT_STEP = "step {step}: cluster={cluster} job_id={job_id} status={status} duration={duration}s{idle}{metrics}"
RESULT_IDLE = " idle_cluster={seconds}s"
RESULT_REUSED = " reused_from={run}"
RESULT_STEP_COST = " cost=${usd}"
# A managed step's: how often its job was brought back, and when last.
RECOVERIES = " recoveries={count}{last}"
RECOVERIES_LAST = " last_recovered_at={at}"
RESULT_COST = "cost: running ${running}, idle ${idle}, reused ${reused} (paid by the runs reused)"
RESULT_COST_UNKNOWN = "cost: {note}"
STEP_REUSED = "step {step}: reused from {run}{metrics}"
RESULT_SELECT = "step {step}: winner {branch} cluster={cluster}{metrics}"
RESULT_GATE = "step {step}: {status} by {approver} at {decided_at} waited={waited}s{idle}{metrics}"
GATE_WAITING = "step {step}: waiting for approval since {since}, until {deadline}{approvers}{winner}{metrics}"
GATE_APPROVERS = " (approvers: {approvers})"
GATE_WINNER = " winner {branch}"
GATE_COMMAND = "  {action}: {command}"
GATE_DECIDED = "step {step}: {status} by {approver}{reason}"
GATE_REASON = ": {reason}"
# What a decided gate's lines call it, by decision.
GATE_DONE = {names.DECISION_APPROVE: "approved", names.DECISION_REJECT: "rejected"}
REPAIR_WAITING = ("step {step}: failed; waiting for a repair until {deadline} (clusters kept: {clusters}{cost}): "
                  "{failure}")
REPAIR_COST = ", ${usd}/h"
REPAIR_ENDED = "step {step}: {action} by {requester}{detail}"
REPAIR_COMMIT = " at commit {commit}"
REPAIR_TIMED_OUT = "step {step}: no repair: {reason}"
REPAIR_RESULT = "repair: {action} by {requester} at {decided_at}{detail}; it had failed: {failure}"
QUOTA_WAITING = "step {step}: waiting for quota: {what}"
LIMITS = "limits: {note}"
# A commit as lines show it.
SHORT_COMMIT = 12
LOG_LINE = "    {line}"
CLUSTERS_DOWNED = "clusters downed: {clusters}"

# The most entries (branches) of one step that get a line each when their state
# changes; a step with more gets one summary line instead.
BRANCH_LINES_MAX = 20
# The order of the states in a summary line; states not listed follow, as they first appear.
STATE_SUMMARY_ORDER = (names.STATE_RUNNING, names.STATE_WAITING, names.STATE_WAITING_FOR_REPAIR,
                       names.STATE_WAITING_FOR_QUOTA,
                       names.STATE_SUCCEEDED, names.STATE_FAILED, names.STATE_CANCELLED, names.STATE_SKIPPED,
                       names.STATE_PENDING)
# The run has ended: the outcome, not a progress line, says how.
TERMINAL_PHASES = frozenset({names.PHASE_COMPLETED, names.PHASE_FAILED, names.PHASE_CANCELLED,
                             names.PHASE_TEARDOWN_FAILED})
# One letter per known state in the cursor, so that a sweep's cursor stays small.
_STATE_CODES = {names.STATE_PENDING: "p", names.STATE_RUNNING: "r", names.STATE_SUCCEEDED: "s", names.STATE_FAILED: "f",
                names.STATE_CANCELLED: "c", names.STATE_SKIPPED: "k", names.STATE_WAITING: "w",
                names.STATE_WAITING_FOR_REPAIR: "W"}
_CODE_STATES = {code: state for state, code in _STATE_CODES.items()}
_CURSOR_VERSION = 1
_JSON_ENCODINGS = (b"json/plain", b"json/protobuf")


def or_dash(text: str) -> str:
    return text or "-"


def seconds(value: float) -> str:
    """Rounded to a tenth, half up, shortest form: `1.3`, `4`."""
    rounded = math.floor(value * 10 + 0.5) / 10
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def number(value: float) -> str:
    """A metric as JavaScript's String(number) writes it: the shortest digits that
    read back as the same double; plain from 1e-6 up to 1e21, else with an exponent
    (`1e-7`, `1.5e+21`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    return ("-" if value < 0 else "") + _js_number(digits, int(exponent) + len(digits))


def _js_number(digits: str, point: int) -> str:
    """Digits d1d2...dk with the decimal point after `point` of them (0.d1d2... x 10^point),
    as ECMAScript's Number::toString lays them out."""
    k = len(digits)
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exp = point - 1
    return digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if exp >= 0 else "-") + str(abs(exp))


def metrics_text(metrics: Mapping[str, float]) -> str:
    """` name=value` for each metric, by name; appended to a step's line."""
    return "".join(METRIC.format(name=name, value=number(metrics[name])) for name in sorted(metrics))


def step_label(name: str, branch: str) -> str:
    """A step, or one branch of a swept step: `eval [3 (LR=3e-4,BATCH=64)]`."""
    return STEP_LABEL.format(name=name, branch=branch) if branch else name


# -- while following ----------------------------------------------------------------
def view_request(payload: Payload | None) -> pb.RunViewRequest:
    """The view query's argument: a RunViewRequest in JSON (json/protobuf or json/plain),
    or a JSON string, the cursor alone (`temporal workflow query --input '""'`); no
    argument, or anything else, is an empty request. Fields it does not know are
    ignored, as a newer client may send them."""
    if payload is None or payload.metadata.get("encoding") not in _JSON_ENCODINGS:
        return pb.RunViewRequest()
    try:
        doc = json.loads(payload.data)
        if isinstance(doc, str):
            return pb.RunViewRequest(cursor=doc)
        if isinstance(doc, dict):
            return json_format.ParseDict(doc, pb.RunViewRequest(), ignore_unknown_fields=True)
    except (ValueError, RecursionError, json_format.ParseError):  # ValueError: not UTF-8 or JSON, a lone surrogate
        pass
    return pb.RunViewRequest()


def render_view(
    progress: pb.SkyPilotWorkflowProgress, cursor: Any, heartbeats: Sequence[str] = (), starter: str = "",
    workflow_id: str = "",
) -> pb.RunView:
    """The lines a client prints for this progress, given what it printed before (the
    cursor of its last answer; "" the first time, and anything unreadable counts as
    ""): the progress line when it changed (none once the run has ended), the run's
    clusters when first known, each step's (or branch's) change of state, then the
    running steps' output lines that `heartbeats` (their details as JSON texts) hold
    and the client was not shown yet. A gate that starts waiting gets the commands that
    decide it (run `workflow_id`), in `starter`'s form (RunViewRequest.starter)."""
    seen = _Seen.read(cursor)
    lines: list[str] = []
    if progress.phase not in TERMINAL_PHASES:
        line = progress_line(progress)
        digest = hashlib.sha256(line.encode()).hexdigest()[:16]
        if digest != seen.line:
            lines.append(line)
            seen.line = digest
    if progress.clusters and not seen.clusters:
        lines.append(CLUSTERS.format(clusters=", ".join(progress.clusters)))
        lines += [LIMITS.format(note=note) for note in progress.limits]  # known with the clusters
        seen.clusters = True
    lines += step_changes(progress.steps, seen, starter, workflow_id)
    lines = [printable(line) for line in lines] + live_lines(heartbeats, seen.shown)
    return pb.RunView(lines=lines, cursor=seen.write())


def progress_line(p: pb.SkyPilotWorkflowProgress) -> str:
    """Phase, running steps, how many finished. With sweeps, `finished` counts the
    entries of `steps` (steps, and branches of swept steps) that are neither pending
    nor running, of all entries; finished results are named only outside sweeps."""
    if any(s.branch for s in p.steps):
        done = sum(1 for s in p.steps if s.state not in (names.STATE_PENDING, names.STATE_RUNNING))
        finished = PROGRESS_OF_TOTAL.format(finished=done, total=len(p.steps))
        named = [s for s in p.finished if not s.branch]
    else:
        finished = str(len(p.finished))
        if p.steps_total:
            finished = PROGRESS_OF_TOTAL.format(finished=finished, total=p.steps_total)
        named = list(p.finished)
    steps = "".join(PROGRESS_STEP.format(name=s.name, status=s.status) for s in named)
    cost = PROGRESS_COST.format(usd=usd(p.cost.running_usd + p.cost.idle_usd)) if p.cost.HasField(
        "running_usd") else ""
    return PROGRESS.format(phase=p.phase, step=or_dash(p.current_step), finished=finished, steps=steps, cost=cost)


def usd(value: float) -> str:
    """Dollars to the ten-thousandth: `0.0123`."""
    return f"{value:.4f}"


def step_changes(steps: Sequence[pb.StepProgress], seen: _Seen, starter: str = "", workflow_id: str = "") -> list[str]:
    """A step has one entry in `steps`; a swept step one per branch. An entry gets a
    line when its state changes (not when first seen pending), with its metrics. A
    select's pick gets one `winner` line. A step with more than BRANCH_LINES_MAX
    entries gets a summary line (how many branches are in each state) whenever those
    counts change."""
    groups: dict[str, list[pb.StepProgress]] = {}
    for s in steps:
        groups.setdefault(s.name, []).append(s)
    lines: list[str] = []
    for name, entries in groups.items():
        if len(entries) == 1 and is_pick(entries[0]):
            pick = entries[0]
            if seen.winners.get(name) != pick.branch:
                seen.winners[name] = pick.branch
                lines.append(STEP_WINNER.format(step=name, branch=pick.branch, metrics=metrics_text(pick.metrics)))
        elif len(entries) > BRANCH_LINES_MAX:
            counts = summary(entries)
            before = seen.summaries.get(name)
            seen.summaries[name] = counts
            if counts != before and (before is not None or any(s.state != names.STATE_PENDING for s in entries)):
                lines.append(STEP_SUMMARY.format(step=name, counts=counts))
        else:
            states_before = seen.states.get(name, [])
            for i, s in enumerate(entries):
                before = states_before[i] if i < len(states_before) else None
                if s.state != before and (before is not None or s.state != names.STATE_PENDING):
                    if s.kind == pb.STEP_KIND_APPROVAL:
                        lines += gate_lines(s, starter, workflow_id)
                        continue
                    if before == names.STATE_WAITING_FOR_REPAIR and s.repairs:
                        lines.append(repair_ended(s.repairs[-1]))
                    if s.state == names.STATE_WAITING_FOR_REPAIR:
                        lines += repair_lines(s, starter, workflow_id)
                        continue
                    if s.state == names.STATE_WAITING_FOR_QUOTA:
                        lines.append(QUOTA_WAITING.format(step=step_label(s.name, s.branch), what=s.waiting_for_quota))
                        continue
                    if s.reused_from:
                        lines.append(STEP_REUSED.format(step=s.name, run=s.reused_from,
                                                        metrics=metrics_text(s.metrics)))
                        continue
                    lines.append(STEP_STATE.format(step=step_label(s.name, s.branch), state=s.state,
                                                   metrics=metrics_text(s.metrics)) + recoveries_text(s))
            seen.states[name] = [s.state for s in entries]
    return lines


def gate_lines(s: pb.StepProgress, starter: str, workflow_id: str) -> list[str]:
    """A gate that starts waiting: since when, until when, who may decide, what it
    approves, and the commands that decide it. A decided gate: who decided, and why."""
    if s.state == names.STATE_WAITING:
        commands = gates.commands(workflow_id, s.name)
        approve, reject = commands.get(starter) or commands["temporal"]
        return [
            GATE_WAITING.format(
                step=s.name, since=s.waiting_since, deadline=s.deadline,
                approvers=GATE_APPROVERS.format(approvers=", ".join(s.approvers)) if s.approvers else "",
                winner=GATE_WINNER.format(branch=s.branch) if s.branch else "", metrics=metrics_text(s.metrics)),
            GATE_COMMAND.format(action="approve", command=approve),
            GATE_COMMAND.format(action="reject", command=reject),
        ]
    if s.HasField("approval"):
        a = s.approval
        reason = GATE_REASON.format(reason=a.reason) if a.reason else ""
        return [GATE_DECIDED.format(step=s.name, status=GATE_DONE.get(a.decision, a.decision), approver=a.approver,
                                    reason=reason)]
    return [STEP_STATE.format(step=s.name, state=s.state, metrics="")]


def repair_lines(s: pb.StepProgress, starter: str, workflow_id: str) -> list[str]:
    """A failed step that starts waiting for a repair: until when, what is kept up, why,
    and the commands that retry and abort it."""
    index = int(s.branch.split(" ", 1)[0]) if s.branch else None
    commands = repairs.commands(workflow_id, s.name, index)
    retry, abort = commands.get(starter) or commands["temporal"]
    return [
        REPAIR_WAITING.format(step=step_label(s.name, s.branch), deadline=s.deadline,
                              clusters=", ".join(s.clusters_kept) or "none", failure=s.failure,
                              cost=REPAIR_COST.format(usd=usd(s.kept_usd_per_hour))
                              if s.HasField("kept_usd_per_hour") else ""),
        GATE_COMMAND.format(action="retry", command=retry),
        GATE_COMMAND.format(action="abort", command=abort),
    ]


def repair_ended(r: pb.RepairRecord) -> str:
    step = step_label(r.step, r.branch)
    if r.action == repairs.TIMEOUT:
        return REPAIR_TIMED_OUT.format(step=step, reason=r.reason)
    return REPAIR_ENDED.format(step=step, action=r.action, requester=r.requester, detail=_repair_detail(r))


def _repair_detail(r: pb.RepairRecord) -> str:
    if r.commit:
        return REPAIR_COMMIT.format(commit=r.commit[:SHORT_COMMIT])
    return GATE_REASON.format(reason=r.reason) if r.reason else ""


def is_pick(s: pb.StepProgress) -> bool:
    """Whether the entry is a select step's pick: the winner's label, on a step with no cluster."""
    return s.winner and bool(s.branch) and not s.cluster_name


def summary(entries: Sequence[pb.StepProgress]) -> str:
    """`3 running, 12 succeeded, ...`: branches per state, in STATE_SUMMARY_ORDER, then
    any other state in the order it first appears."""
    counts: dict[str, int] = {}
    for s in entries:
        counts[s.state] = counts.get(s.state, 0) + 1
    order = [st for st in STATE_SUMMARY_ORDER if st in counts]
    order += [st for st in counts if st not in STATE_SUMMARY_ORDER]
    return ", ".join(STATE_COUNT.format(count=counts[st], state=st) for st in order)


class _Seen:
    """What a client has printed, as its cursor carries it: a digest of the last
    progress line, whether the clusters were listed, each entry's last state by step
    (in the order of `steps`), each select's winner, each big sweep's last summary and
    how many output lines of each step attempt it was shown (live_output.py)."""

    def __init__(self) -> None:
        self.line = ""
        self.clusters = False
        self.states: dict[str, list[str]] = {}
        self.winners: dict[str, str] = {}
        self.summaries: dict[str, str] = {}
        self.shown: dict[str, int] = {}

    @classmethod
    def read(cls, cursor: Any) -> _Seen:
        """The cursor's state; a fresh one for "" and for anything that is not a cursor
        this module wrote."""
        seen = cls()
        if not isinstance(cursor, str) or not cursor:
            return seen
        try:
            doc = json.loads(cursor)
            if _typed(_typed(doc, dict).get("v"), int) != _CURSOR_VERSION:
                raise ValueError("not a cursor of this version")
            seen.line = _typed(doc.get("l", ""), str)
            seen.clusters = _typed(doc.get("c", False), bool)
            seen.states = {_typed(k, str): _decode_states(v) for k, v in _typed(doc.get("s", {}), dict).items()}
            seen.winners = {_typed(k, str): _typed(v, str) for k, v in _typed(doc.get("w", {}), dict).items()}
            seen.summaries = {_typed(k, str): _typed(v, str) for k, v in _typed(doc.get("m", {}), dict).items()}
            seen.shown = {_typed(k, str): _typed(v, int) for k, v in _typed(doc.get("o", {}), dict).items()}
            seen.write().encode()  # a lone surrogate escaped in the JSON would fail the answer
        except (ValueError, RecursionError):  # garbage, or another shape: start over
            return cls()
        return seen

    def write(self) -> str:
        doc: dict[str, Any] = {"v": _CURSOR_VERSION, "l": self.line, "c": self.clusters}
        if self.states:
            doc["s"] = {name: _encode_states(states) for name, states in self.states.items()}
        if self.winners:
            doc["w"] = self.winners
        if self.summaries:
            doc["m"] = self.summaries
        if self.shown:
            doc["o"] = self.shown
        return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def _typed(value: Any, kind: type) -> Any:
    if type(value) is not kind:
        raise ValueError(f"want {kind.__name__}, got {type(value).__name__}")
    return value


def _encode_states(states: list[str]) -> str | list[str]:
    """A string of one letter per state when every state is a known one, else the list."""
    if all(s in _STATE_CODES for s in states):
        return "".join(_STATE_CODES[s] for s in states)
    return list(states)


def _decode_states(value: Any) -> list[str]:
    if not isinstance(value, str):
        return [_typed(s, str) for s in _typed(value, list)]
    if not all(c in _CODE_STATES for c in value):
        raise ValueError("not a state letter")
    return [_CODE_STATES[c] for c in value]


# -- at the end ----------------------------------------------------------------------
def result_lines(r: pb.SkyPilotWorkflowResult) -> list[str]:
    """Each step's result (a swept step's, branch by branch, with the branch), its
    metrics and log tail; a select step's winner; the clusters downed."""
    lines = [RESULT_HEADER.format(steps=len(r.steps), commit=or_dash(r.commit))]
    for s in r.steps:
        lines.append(result_line(s))
        if s.approval.reason:
            lines.append(LOG_LINE.format(line=GATE_REASON.format(reason=s.approval.reason).removeprefix(": ")))
        lines += [LOG_LINE.format(line=REPAIR_RESULT.format(
            action=r.action, requester=r.requester, decided_at=r.decided_at, detail=_repair_detail(r),
            failure=r.failure)) for r in s.repairs]
        lines += [LOG_LINE.format(line=line) for line in s.log_tail.rstrip("\n").splitlines()]
    if r.clusters_downed:
        lines.append(CLUSTERS_DOWNED.format(clusters=", ".join(r.clusters_downed)))
    c = r.cost
    if c.HasField("running_usd"):
        lines.append(RESULT_COST.format(running=usd(c.running_usd), idle=usd(c.idle_usd),
                                        reused=usd(c.reused_usd) if c.HasField("reused_usd") else "?"))
    elif c.note:
        lines.append(RESULT_COST_UNKNOWN.format(note=c.note))
    return [printable(line) for line in lines]


def recoveries_text(s: pb.StepResult | pb.StepProgress) -> str:
    """A managed step's recoveries once it ended ("" for other kinds, or one still running:
    its live output says when it recovers)."""
    if s.kind != pb.STEP_KIND_MANAGED:
        return ""
    ended = bool(s.status) if isinstance(s, pb.StepResult) else s.state in (names.STATE_SUCCEEDED, names.STATE_FAILED)
    if not ended:
        return ""
    last = RECOVERIES_LAST.format(at=s.last_recovered_at) if s.last_recovered_at else ""
    return RECOVERIES.format(count=s.recoveries, last=last)


def result_line(s: pb.StepResult) -> str:
    metrics = metrics_text(s.metrics)
    if s.kind == pb.STEP_KIND_SELECT:
        return RESULT_SELECT.format(step=s.name, branch=or_dash(s.branch), cluster=or_dash(s.cluster_name),
                                    metrics=metrics)
    idle = RESULT_IDLE.format(seconds=seconds(s.idle_cluster_seconds)) if s.idle_cluster_seconds else ""
    if s.kind == pb.STEP_KIND_APPROVAL:
        a = s.approval
        return RESULT_GATE.format(step=step_label(s.name, s.branch), status=GATE_DONE.get(a.decision, a.decision),
                                  approver=or_dash(a.approver), decided_at=or_dash(a.decided_at),
                                  waited=seconds(s.duration_seconds), idle=idle, metrics=metrics) + (
            RESULT_REUSED.format(run=s.reused_from) if s.reused_from else "")
    line = RESULT_STEP.format(step=step_label(s.name, s.branch), cluster=or_dash(s.cluster_name), job_id=s.job_id,
                              status=or_dash(s.status), duration=seconds(s.duration_seconds), idle=idle,
                              metrics=metrics)
    line += RESULT_STEP_COST.format(usd=usd(s.cost_usd)) if s.HasField("cost_usd") else ""
    line += recoveries_text(s)
    return line + (RESULT_REUSED.format(run=s.reused_from) if s.reused_from else "")
