"""Where a run is, step by step and branch by branch: what the progress query answers,
what selects a sweep's winner, and what the result lists. Deterministic (workflow
code): fed by the workflow and by its branches' signals, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from temporalio.exceptions import ApplicationError

from skypilot_temporal.contract.activity_types import StepOutcome
from skypilot_temporal.contract.branch_types import BranchEvent, BranchResult
from skypilot_temporal.contract.names import (
    DECISION_APPROVE,
    DECISION_REJECT,
    JOB_FAILED,
    METRIC_MARKER,
    STATE_CANCELLED,
    STATE_FAILED,
    STATE_PENDING,
    STATE_RUNNING,
    STATE_SKIPPED,
    STATE_SUCCEEDED,
    STATE_WAITING_FOR_QUOTA,
    STATE_WAITING_FOR_REPAIR,
)
from skypilot_temporal.pipeline.dag import APPROVAL, MANAGED, SELECT, Sweep
from skypilot_temporal.pipeline.plan import Plan
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.workflows.costs import kept_cost, price, run_cost
from skypilot_temporal.workflows.gates import Gates, rfc3339
from skypilot_temporal.workflows.repairs import RETRY, Repairs, wait_key
from skypilot_temporal.workflows.slots import QuotaWait, RunSlots
from skypilot_temporal.workflows.steps import Clusters, StepFailed, failure_text

# A gate's StepResult.status, by decision: as SkyPilot writes a job's (SUCCEEDED, FAILED).
GATE_STATUS = {DECISION_APPROVE: "APPROVED", DECISION_REJECT: "REJECTED"}


@dataclass
class BranchState:
    started: bool = False
    downed: list[str] = field(default_factory=list)
    # Step name -> (state, outcome) as the branch reported them.
    steps: dict[str, tuple[str, StepOutcome | None]] = field(default_factory=dict)
    lane_done: bool = False
    failed: bool = False
    error: str = ""
    failed_step: str = ""
    finished: bool = False
    cancelled: bool = False


@dataclass
class SweepState:
    sweep: Sweep
    kinds: dict[str, pb.StepKind]
    branches: dict[int, BranchState] = field(default_factory=dict)
    winner: int | None = None

    def branch(self, i: int) -> BranchState:
        return self.branches.setdefault(i, BranchState())

    # -- fed by the workflow and the branches' events ---------------------------
    def child_started(self, i: int) -> None:
        self.branch(i).started = True

    def event(self, ev: BranchEvent) -> None:
        b = self.branch(ev.index)
        b.steps[ev.step] = (ev.state, ev.outcome)
        if ev.state == STATE_FAILED:
            b.failed, b.error, b.failed_step = True, ev.error, ev.step
        if ev.lane_done or ev.state == STATE_FAILED:
            b.lane_done = True

    def child_finished(self, i: int, result: BranchResult | BaseException) -> None:
        b = self.branch(i)
        b.finished = True
        if isinstance(result, BaseException):
            cause = getattr(result, "cause", None)
            if type(cause).__name__ == "CancelledError":
                b.cancelled = True
            else:
                b.failed, b.error = True, b.error or failure_text(result)
            return
        b.downed = list(result.downed)
        for outcome in result.outcomes:
            ok = outcome.status == "SUCCEEDED"
            b.steps[outcome.step] = (STATE_SUCCEEDED if ok else STATE_FAILED, outcome)
        if not result.ok:
            b.failed, b.error, b.failed_step = True, result.error, result.failed_step

    # -- read by the workflow --------------------------------------------------
    def lane_done(self, i: int) -> bool:
        return self.branch(i).lane_done

    def lane_ok(self, i: int) -> bool:
        b = self.branch(i)
        return not b.failed and not b.cancelled and all(
            b.steps.get(s, ("", None))[0] == STATE_SUCCEEDED for s in self.sweep.lane
        )

    def any_failed(self) -> bool:
        return any(b.failed for b in self.branches.values())

    def failure(self, sweep: Sweep) -> StepFailed:
        i, b = next((i, b) for i, b in sorted(self.branches.items()) if b.failed)
        step = b.failed_step or sweep.step
        return _job_failed(
            step,
            f"step {step!r} failed in branch {sweep.branches[i].label} of sweep {sweep.step!r} "
            f"(on_failure: fail fast): {b.error}",
        )

    def too_few(self, sweep: Sweep, succeeded: int) -> StepFailed:
        failed = [f"{sweep.branches[i].label}: {b.error}" for i, b in sorted(self.branches.items()) if b.failed]
        return _job_failed(
            sweep.step,
            f"sweep {sweep.step!r}: {succeeded} of {len(sweep.branches)} branches succeeded; "
            f"at least {sweep.min_succeeded} needed (on_failure). Failed: " + "; ".join(failed),
        )

    def select(self, sweep: Sweep, candidates: list[int]) -> int | None:
        """The branch whose metric step reported the best value; None if none did."""
        sel = sweep.selection
        assert sel is not None
        scored = []
        for i in candidates:
            _, outcome = self.branch(i).steps.get(sel.metric_step, ("", None))
            if outcome is not None and sel.metric in outcome.metrics:
                scored.append((outcome.metrics[sel.metric], i))
        if not scored:
            return None
        # Ties go to the lowest branch index: the same answer on every replay.
        best = max(scored, key=lambda s: (s[0] if sel.maximize else -s[0], -s[1]))
        self.winner = best[1]
        return best[1]

    def no_metric(self, sweep: Sweep) -> StepFailed:
        sel = sweep.selection
        assert sel is not None
        return _job_failed(
            sel.step,
            f"step {sel.step!r}: no branch of sweep {sweep.step!r} reported the metric "
            f"{sel.metric!r} in step {sel.metric_step!r} (a job reports it with a line "
            f"`{METRIC_MARKER} {sel.metric}=<number>`)",
        )

    def winner_failed(self, sweep: Sweep, i: int, outcome: BranchResult | BaseException) -> StepFailed:
        b = self.branch(i)
        error = failure_text(outcome) if isinstance(outcome, BaseException) else b.error
        step = b.failed_step or sweep.step
        return _job_failed(
            step, f"step {step!r} failed on the winner ({sweep.branches[i].label}) of sweep {sweep.step!r}: {error}"
        )


def _job_failed(step: str, message: str) -> StepFailed:
    return StepFailed(step, ApplicationError(message, type=JOB_FAILED, non_retryable=True))


def step_result(
    outcome: StepOutcome, kind: pb.StepKind = pb.STEP_KIND_UNSPECIFIED, branch: str = ""
) -> pb.StepResult:
    """A step's result as the run's result and progress list it (and a branch's progress)."""
    r = pb.StepResult(
        name=outcome.step, kind=kind, cluster_name=outcome.cluster_name, job_id=outcome.job_id,
        status=outcome.status, duration_seconds=outcome.duration_seconds, log_tail=outcome.log_tail,
        branch=branch,
    )
    r.metrics.update(outcome.metrics)
    price(r, outcome.usd_per_hour)
    r.recoveries, r.last_recovered_at = outcome.recoveries, outcome.last_recovered_at
    return r


def failed_outcome(step: str, cluster: str, details: dict) -> StepOutcome:
    """A failed step's outcome as its failure's first detail carries it (the activity's
    StepOutcome, as JSON)."""
    return StepOutcome(
        step=step,
        cluster_name=str(details.get("cluster_name") or cluster),
        job_id=int(details.get("job_id") or 0),
        status=str(details.get("status", "")),
        duration_seconds=float(details.get("duration_seconds") or 0),
        log_tail=str(details.get("log_tail", "")),
        metrics={k: float(v) for k, v in (details.get("metrics") or {}).items()},
        usd_per_hour=float(details["usd_per_hour"]) if details.get("usd_per_hour") is not None else None,
        recoveries=int(details.get("recoveries") or 0),
        last_recovered_at=str(details.get("last_recovered_at") or ""),
    )


@dataclass
class _Single:
    state: str = STATE_PENDING
    cluster: str = ""
    result: pb.StepResult | None = None


class RunProgress:
    def __init__(self) -> None:
        self._plan: Plan | None = None
        self._singles: dict[str, _Single] = {}
        self._sweeps: dict[str, SweepState] = {}
        self._finished: list[pb.StepResult] = []
        self.gates = Gates(None)
        self.repairs = Repairs()
        # Each step's key (pipeline/resume.py), recorded in its result.
        self.keys: dict[str, str] = {}
        # Each cluster's price per hour, as its steps reported it (None: unknown).
        self.rates: dict[str, float | None] = {}
        # The run's slots (slots.py): which clusters wait for room; the team, the limits' notes.
        self.slots: RunSlots | None = None
        self.team = ""
        self.limits: list[str] = []
        # The waits for a repair a step went through: cluster-seconds kept, and their cost.
        self._repair_idle: dict[str, tuple[float, float | None]] = {}

    def planned(self, plan: Plan) -> None:
        self._plan = plan
        self.gates = Gates(plan.steps)
        self.repairs.steps = tuple(st.name for st in plan.steps)
        kinds = {st.name: st.kind for st in plan.steps}
        for st in plan.steps:
            if st.kind == APPROVAL:
                self._singles[st.name] = _Single()
            elif not st.sweep and st.kind != SELECT:
                self._singles[st.name] = _Single(
                    cluster=plan.job_name(st.name) if st.kind == MANAGED else plan.cluster_name(st.cluster))
        for name, sweep in plan.dag.sweeps.items():
            self._sweeps[name] = SweepState(sweep, kinds)

    def sweep(self, name: str) -> SweepState:
        return self._sweeps[name]

    def branch_clusters_downed(self) -> list[str]:
        return [c for s in self._sweeps.values() for _, b in sorted(s.branches.items()) for c in b.downed]

    # -- steps outside sweeps ---------------------------------------------------
    def provisioning(self, name: str, cluster: str) -> None:
        self._singles[name].cluster = cluster

    def step_running(self, name: str, cluster: str) -> None:
        self._singles[name].state = STATE_RUNNING

    def step_done(
        self, name: str, outcome: StepOutcome, duration: float, idle_seconds: float, kind: pb.StepKind
    ) -> None:
        r = step_result(outcome, kind)
        # As the workflow measured it: from the step's needs met to its end, retries included.
        r.duration_seconds = round(duration, 3)
        r.idle_cluster_seconds = round(idle_seconds, 3)
        self._learn(outcome)
        price(r, outcome.usd_per_hour)
        waited, usd = self._repair_idle.pop(name, (0.0, 0.0))
        if waited:
            r.idle_cluster_seconds = round(r.idle_cluster_seconds + waited, 3)
            if usd is None or not r.HasField("usd_per_hour"):
                r.ClearField("idle_cost_usd")
            else:
                r.idle_cost_usd = round(r.idle_cost_usd + usd, 6)
        r.repairs.extend(self.repairs.history.get(name, []))
        r.key = self.keys.get(name, "")
        self._singles[name].state = STATE_SUCCEEDED
        self._singles[name].result = r
        self._finished.append(r)

    def step_failed(self, name: str, cluster: str, outcome: dict) -> None:
        single = self._singles.get(name)
        if single is None:
            return
        single.state = STATE_FAILED
        if outcome:
            failed = failed_outcome(name, cluster, outcome)
            self._learn(failed)
            r = single.result = step_result(failed)
            r.repairs.extend(self.repairs.history.get(name, []))
            r.key = self.keys.get(name, "")
            self._finished.append(r)

    def step_reused(self, name: str, r: pb.StepResult) -> None:
        """A step a resumed run reuses: the ended run's result stands for it."""
        self._singles[name].state = STATE_SUCCEEDED
        self._singles[name].result = r
        self._finished.append(r)
        g = self.gates.get(name)
        if g is not None:
            g.state, g.record = STATE_SUCCEEDED, r.approval

    def repair_waiting(self, name: str) -> None:
        self._singles[name].state = STATE_WAITING_FOR_REPAIR

    def _learn(self, outcome: StepOutcome) -> None:
        if outcome.usd_per_hour is not None or outcome.cluster_name not in self.rates:
            self.rates[outcome.cluster_name] = outcome.usd_per_hour

    def repair_closed(self, name: str, record: pb.RepairRecord | None, waited: float = 0.0,
                      kept: list[str] | None = None) -> None:
        """The wait is over: a retry runs the step again; an abort or a timeout leaves it
        failed; no record (the run was cancelled) leaves it cancelled. The clusters kept
        through it stood idle for `waited` seconds."""
        kept = kept or []
        before, usd = self._repair_idle.get(name, (0.0, 0.0))
        cost = kept_cost(waited, kept, self.rates)
        self._repair_idle[name] = (before + waited * len(kept),
                                   None if usd is None or cost is None else usd + cost)
        single = self._singles[name]
        single.state = STATE_CANCELLED if record is None else (
            STATE_RUNNING if record.action == RETRY else STATE_FAILED)
        if single.result is not None:
            del single.result.repairs[:]
            single.result.repairs.extend(self.repairs.history.get(name, []))

    # -- approval gates ---------------------------------------------------------------
    def needs_metrics(self, needs: tuple[str, ...]) -> tuple[dict[str, float], str]:
        """What a gate shows of the steps it needs: their metrics (named `step.metric`
        when it needs several steps) and the branch a needed select picked."""
        metrics: dict[str, float] = {}
        branch = ""
        for name in needs:
            single = self._singles.get(name)
            found: dict[str, float] = {}
            if single is not None and single.result is not None:
                found = dict(single.result.metrics)
            elif self._plan is not None and self._plan.dag.step(name).kind == SELECT:
                state = self._selected_by(name)
                if state.winner is not None:
                    r = self._select_result(state)
                    found, branch = dict(r.metrics), r.branch
            for key, value in found.items():
                metrics[key if len(needs) == 1 else f"{name}.{key}"] = value
        return metrics, branch

    def gate_closed(self, name: str, waited: float, idle_seconds: float, kept: list[str] | None = None) -> None:
        """The gate's decision (or its end without one) in the progress and the result."""
        self.gates.close(name)
        g = self.gates.get(name)
        assert g is not None
        self._singles[name].state = g.state
        if g.record is None:
            return
        r = pb.StepResult(name=name, kind=APPROVAL, status=GATE_STATUS[g.record.decision],
                          duration_seconds=round(waited, 3), idle_cluster_seconds=round(idle_seconds, 3),
                          branch=g.branch, approval=g.record, key=self.keys.get(name, ""))
        r.metrics.update(g.metrics)
        cost = kept_cost(waited, kept or [], self.rates)
        if cost is not None and idle_seconds:
            r.idle_cost_usd = cost
        self._singles[name].result = r
        self._finished.append(r)

    def branch_clusters_up(self) -> list[str]:
        """The clusters of sweep branches started and not finished."""
        if self._plan is None:
            return []
        return [self._plan.cluster_name(s.sweep.cluster, i) for s in self._sweeps.values()
                for i, b in sorted(s.branches.items()) if b.started and not b.finished]

    def sweep_states(self) -> list[SweepState]:
        return list(self._sweeps.values())

    def branch_event(self, event: BranchEvent) -> None:
        for state in self._sweeps.values():
            # Branch events name their step; the sweep is the one whose lane has it.
            if event.step in state.sweep.lane or event.step in state.sweep.after:
                state.event(event)
                if event.outcome is not None:
                    self._learn(event.outcome)
                    # Without its log tail: a 500-branch sweep answers a progress
                    # query every second (the branch's own run has the tail).
                    r = self._branch_result(state, event.index, event.outcome)
                    r.log_tail = ""
                    self._finished.append(r)
                return

    # -- answers ------------------------------------------------------------------
    def _branch_result(self, state: SweepState, i: int, outcome: StepOutcome) -> pb.StepResult:
        kind = state.kinds.get(outcome.step, pb.STEP_KIND_UNSPECIFIED)
        return step_result(outcome, kind, state.sweep.branches[i].label)

    def cost(self) -> pb.RunCost:
        """What the run has cost so far: every attempt and branch it recorded."""
        return run_cost(self._finished)

    def results(self) -> list[pb.StepResult]:
        """Every step's result in the plan's order; a swept step's, branch by branch."""
        out: list[pb.StepResult] = []
        if self._plan is None:
            return out
        for st in self._plan.steps:
            single = self._singles.get(st.name)
            if single is not None:
                if single.result is not None:
                    out.append(single.result)
                continue
            if st.kind == SELECT:
                state = self._selected_by(st.name)
                if state.winner is not None:
                    out.append(self._select_result(state))
                continue
            state = self._sweeps[st.sweep]
            for i, b in sorted(state.branches.items()):
                _, outcome = b.steps.get(st.name, ("", None))
                if outcome is not None:
                    r = self._branch_result(state, i, outcome)
                    if i != state.winner and outcome.status == "SUCCEEDED":
                        r.log_tail = ""  # the branch's own run keeps it; a failure says why
                    out.append(r)
        return out

    def _selected_by(self, step: str) -> SweepState:
        """The sweep whose SELECT step is `step`."""
        return next(s for s in self._sweeps.values() if s.sweep.selection and s.sweep.selection.step == step)

    def _select_result(self, state: SweepState) -> pb.StepResult:
        sel = state.sweep.selection
        assert sel is not None and state.winner is not None
        r = pb.StepResult(name=sel.step, kind=SELECT, status="SUCCEEDED",
                          branch=state.sweep.branches[state.winner].label)
        _, outcome = state.branch(state.winner).steps.get(sel.metric_step, ("", None))
        if outcome is not None:
            r.metrics.update(outcome.metrics)
            r.cluster_name = outcome.cluster_name
        return r

    def render(self, phase: str, clusters: Clusters) -> pb.SkyPilotWorkflowProgress:
        p = pb.SkyPilotWorkflowProgress(phase=phase)
        p.clusters_up[:] = clusters.up
        p.clusters_left[:] = list(clusters.left)
        p.finished.extend(self._finished)
        p.cost.CopyFrom(self.cost())
        p.team = self.team
        p.limits[:] = self.limits
        if self._plan is None:
            return p
        quota = {(w.step, w.branch): w for w in self.slots.waits.values()} if self.slots is not None else {}
        p.steps_total = len(self._plan.steps)
        p.clusters[:] = self._plan.clusters
        running: list[str] = []
        for st in self._plan.steps:
            if st.name in self._singles:
                single = self._singles[st.name]
                if single.state == STATE_RUNNING:
                    running.append(st.name)
                entry = p.steps.add(name=st.name, kind=st.kind, state=single.state, cluster_name=single.cluster)
                if single.result is not None:
                    entry.metrics.update(single.result.metrics)
                    entry.reused_from = single.result.reused_from
                    entry.recoveries = single.result.recoveries
                    entry.last_recovered_at = single.result.last_recovered_at
                if st.kind == APPROVAL:
                    self._gate_entry(entry, st.name)
                else:
                    self._repair_entry(entry, st.name)
                    _quota_entry(entry, quota.get((st.name, None)))
                continue
            if st.kind == SELECT:
                state = self._selected_by(st.name)
                entry = p.steps.add(name=st.name, kind=SELECT,
                                    state=STATE_SUCCEEDED if state.winner is not None else STATE_PENDING)
                if state.winner is not None:
                    entry.branch = state.sweep.branches[state.winner].label
                    entry.winner = True
                    entry.metrics.update(self._select_result(state).metrics)
                continue
            state = self._sweeps[st.sweep]
            for branch in state.sweep.branches:
                b = state.branches.get(branch.index, BranchState())
                s = self._branch_step_state(state, b, st.name, branch.index)
                if s == STATE_RUNNING and st.name not in running:
                    running.append(st.name)
                entry = p.steps.add(
                    name=st.name, kind=st.kind, branch=branch.label, state=s,
                    cluster_name=(self._plan.job_name(st.name, branch.index) if st.kind == MANAGED
                                  else self._plan.cluster_name(state.sweep.cluster, branch.index)),
                    winner=state.winner == branch.index,
                )
                _, outcome = b.steps.get(st.name, ("", None))
                if outcome is not None:
                    entry.metrics.update(outcome.metrics)
                    entry.recoveries, entry.last_recovered_at = outcome.recoveries, outcome.last_recovered_at
                entry.repairs.extend(self.repairs.history.get(wait_key(st.name, branch.index), []))
                if s == STATE_WAITING_FOR_REPAIR:
                    self._waiting_entry(entry, wait_key(st.name, branch.index))
                if st.name == st.sweep:
                    _quota_entry(entry, quota.get((st.name, branch.index)))
        p.current_step = ", ".join(running)
        return p

    def _gate_entry(self, entry: pb.StepProgress, name: str) -> None:
        g = self.gates.get(name)
        assert g is not None
        entry.state = g.state
        entry.approvers[:] = g.approvers
        if g.since is not None and g.deadline is not None:
            entry.waiting_since, entry.deadline = rfc3339(g.since), rfc3339(g.deadline)
            entry.branch = g.branch
            entry.metrics.update(g.metrics)
        if g.record is not None:
            entry.approval.CopyFrom(g.record)

    def _repair_entry(self, entry: pb.StepProgress, name: str) -> None:
        entry.repairs.extend(self.repairs.history.get(name, []))
        self._waiting_entry(entry, name)

    def _waiting_entry(self, entry: pb.StepProgress, key: str) -> None:
        w = self.repairs.waits.get(key)
        if w is not None and w.record is None:
            entry.waiting_since, entry.deadline = rfc3339(w.since), rfc3339(w.deadline)
            entry.failure = w.failure
            entry.clusters_kept[:] = w.clusters_kept
            hourly = kept_cost(3600, w.clusters_kept, self.rates)
            if hourly is not None and w.clusters_kept:
                entry.kept_usd_per_hour = hourly

    def _branch_step_state(self, state: SweepState, b: BranchState, name: str, index: int) -> str:
        if name in b.steps:
            return b.steps[name][0]
        if b.cancelled:
            return STATE_CANCELLED
        if b.failed or (b.finished and name not in b.steps):
            return STATE_SKIPPED
        after = name in state.sweep.after
        if after and state.winner is not None and state.winner != index:
            return STATE_SKIPPED
        if not b.started:
            return STATE_PENDING
        order = state.sweep.lane + state.sweep.after
        first_open = next((s for s in order if s not in b.steps), None)
        if first_open == name and (not after or state.winner == index):
            return STATE_RUNNING
        return STATE_PENDING


def _quota_entry(entry: pb.StepProgress, wait: QuotaWait | None) -> None:
    """A step (or branch) whose cluster waits for room: what for, and since when."""
    if wait is not None and entry.state in (STATE_PENDING, STATE_RUNNING):
        entry.state = STATE_WAITING_FOR_QUOTA
        entry.waiting_for_quota = wait.line
        entry.waiting_since = rfc3339(wait.since)
