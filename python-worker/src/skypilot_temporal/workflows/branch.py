"""SkyPilotBranchWorkflow: one branch of a sweep, a child of the run.

The branch owns its cluster for its whole life: it launches it, runs its steps on it
one after another, reports each to the run, waits for the run's verdict when steps
follow the sweep's SELECT, and downs the cluster — also when it is cancelled (the
run was cancelled, failed fast, or was terminated: a child is cancelled when its
parent closes). A failed step ends the branch, not the run: the run decides by the
sweep's failure policy.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from skypilot_temporal.contract import branch_types
    from skypilot_temporal.contract.activity_types import StepInput, StepOutcome
    from skypilot_temporal.contract.branch_types import (
        BranchEvent,
        BranchInput,
        BranchRepair,
        BranchResult,
        BranchStep,
    )
    from skypilot_temporal.contract.names import (
        BRANCH_WORKFLOW_TYPE,
        PHASE_CANCELLED,
        PHASE_COMPLETED,
        PHASE_FAILED,
        PHASE_RUNNING,
        PHASE_TEARDOWN,
        PHASE_TEARDOWN_FAILED,
        PHASE_WAITING_FOR_REPAIR,
        PROGRESS_QUERY,
        STATE_FAILED,
        STATE_RUNNING,
        STATE_SUCCEEDED,
        STATE_WAITING_FOR_REPAIR,
        TEARDOWN_FAILED,
    )
    from skypilot_temporal.v1 import pipeline_pb2 as pb
    from skypilot_temporal.workflows.costs import per_hour
    from skypilot_temporal.workflows.progress import failed_outcome, step_result
    from skypilot_temporal.workflows.steps import (
        Clusters,
        failure_text,
        is_cancellation,
        managed_recoveries,
        run_step,
        step_cost,
        step_duration,
    )
    from skypilot_temporal.workflows.view import step_label

# What a branch tells the run about a step: enough for progress and selection.
_REPORTED_TAIL = 600


@workflow.defn(name=BRANCH_WORKFLOW_TYPE)
class SkyPilotBranchWorkflow:
    def __init__(self) -> None:
        self._verdict: bool | None = None
        self._repair: BranchRepair | None = None
        self._progress = pb.SkyPilotWorkflowProgress(phase=PHASE_RUNNING)
        self._clusters = Clusters("", 0)

    @workflow.signal(name=branch_types.VERDICT_SIGNAL)
    def verdict(self, won: bool) -> None:
        self._verdict = won

    @workflow.signal(name=branch_types.REPAIR_SIGNAL)
    def repair(self, repair: BranchRepair) -> None:
        self._repair = repair

    @workflow.query(name=PROGRESS_QUERY)
    def progress(self) -> pb.SkyPilotWorkflowProgress:
        p = pb.SkyPilotWorkflowProgress()
        p.CopyFrom(self._progress)
        p.clusters_up[:] = self._clusters.up
        p.clusters_left[:] = list(self._clusters.left)
        return p

    @workflow.run
    async def run(self, inp: BranchInput) -> BranchResult:
        self._clusters = Clusters(inp.run.api_server_endpoint, inp.run.teardown_timeout_s)
        self._clusters.task_queue = inp.run.task_queue
        self._progress.clusters[:] = [inp.cluster_name]
        self._progress.steps_total = len(inp.steps) + len(inp.after)
        result = BranchResult(index=inp.index, ok=True)
        try:
            await self._steps(inp, inp.steps, result, last_before_verdict=True)
            if result.ok and inp.await_verdict:
                await workflow.wait_condition(lambda: self._verdict is not None)
                result.won = bool(self._verdict)
                if result.won:
                    await self._steps(inp, inp.after, result, last_before_verdict=False)
        except BaseException as err:
            self._set_phase(PHASE_TEARDOWN)
            await self._clusters.teardown()
            if self._clusters.left:
                raise self._teardown_failure() from None
            self._set_phase(PHASE_CANCELLED if is_cancellation(err) else PHASE_FAILED)
            raise
        self._set_phase(PHASE_TEARDOWN)
        await self._clusters.teardown()
        if self._clusters.left:
            raise self._teardown_failure()
        result.downed = list(self._clusters.downed)
        self._set_phase(PHASE_COMPLETED if result.ok else PHASE_FAILED)
        return result

    async def _steps(
        self, inp: BranchInput, steps: list[BranchStep], result: BranchResult, last_before_verdict: bool
    ) -> None:
        for i, st in enumerate(steps):
            self._progress.current_step = st.name
            lane_done = last_before_verdict and i == len(steps) - 1
            if st.kind == "launch":
                self._clusters.started(inp.cluster_name)
            tries = 0
            while True:
                try:
                    outcome = await run_step(
                        _step_input(inp, st, tries), st.kind, st.timeout_s, st.heartbeat_timeout_s,
                        f"{st.name} [{inp.label}]: {st.kind} {st.task_yaml} on {inp.cluster_name}",
                        inp.run.task_queue,
                    )
                    break
                except (ActivityError, ApplicationError) as err:
                    if is_cancellation(err):
                        raise
                    outcome = _failed_outcome(err, st, inp)
                    error = failure_text(err)
                    managed_recoveries(st.name, outcome.recoveries, inp.run.metrics_step_label)
                self._progress.finished.append(step_result(outcome, branch=inp.label))
                repair = await self._wait_for_repair(inp, st, outcome, error) if st.repair_minutes else None
                if repair is None or repair.action != "retry":
                    result.ok, result.failed_step = False, st.name
                    result.error = error + (f" ({repair.ended})" if repair is not None and repair.ended else "")
                    result.outcomes.append(outcome)
                    await self._report(inp, BranchEvent(inp.index, st.name, STATE_FAILED, _compact(outcome),
                                                        result.error, lane_done=last_before_verdict))
                    return
                # Run again from the commit the retry cloned, as that commit declares the step.
                inp.run = dataclasses.replace(inp.run, commit=repair.commit)
                st = next((b for b in repair.steps if b.name == st.name), st)
                self._apply(inp, repair.steps)
                tries += 1
            assert isinstance(outcome, StepOutcome)
            step_duration(st.kind, st.name, outcome.duration_seconds, inp.run.metrics_step_label)
            managed_recoveries(st.name, outcome.recoveries, inp.run.metrics_step_label)
            if outcome.usd_per_hour is not None:
                step_cost(st.kind, st.name, per_hour(outcome.usd_per_hour, outcome.duration_seconds),
                          inp.run.metrics_step_label)
            result.outcomes.append(outcome)
            self._progress.finished.append(step_result(outcome, branch=inp.label))
            await self._report(inp, BranchEvent(inp.index, st.name, STATE_SUCCEEDED, _compact(outcome),
                                                lane_done=lane_done))
        self._progress.current_step = ""

    async def _wait_for_repair(self, inp: BranchInput, st: BranchStep, outcome: StepOutcome,
                               error: str) -> BranchRepair | None:
        """Tells the run the step waits for its repair, keeps the cluster, and waits for the
        run's answer; None when the wait runs out (the run records it as a timeout)."""
        self._repair = None
        self._set_phase(PHASE_WAITING_FOR_REPAIR)
        # The cluster's autodown past the wait: no worker left still loses no cluster, nor keeps it long.
        self._clusters.keep_up_through([inp.cluster_name], st.repair_minutes, inp.run.autodown_minutes)
        await self._report(inp, BranchEvent(inp.index, st.name, STATE_WAITING_FOR_REPAIR, _compact(outcome), error))
        try:
            await workflow.wait_condition(lambda: self._repair is not None and self._repair.step == st.name,
                                          timeout=timedelta(minutes=st.repair_minutes))
        except asyncio.TimeoutError:
            self._set_phase(PHASE_RUNNING)
            return BranchRepair(st.name, "timeout",
                                ended=f"no retry within {st.repair_minutes} min (wait_for_repair_minutes)")
        self._set_phase(PHASE_RUNNING)
        repair = self._repair
        if repair is not None and repair.action == "retry":
            await self._report(inp, BranchEvent(inp.index, st.name, STATE_RUNNING))
        return repair

    def _apply(self, inp: BranchInput, steps: list[BranchStep]) -> None:
        """The branch's steps still to run, as the retry's commit declares them."""
        by_name = {b.name: b for b in steps}
        inp.steps = [by_name.get(b.name, b) for b in inp.steps]
        inp.after = [by_name.get(b.name, b) for b in inp.after]

    async def _report(self, inp: BranchInput, event: BranchEvent) -> None:
        parent = workflow.get_external_workflow_handle(inp.parent_workflow_id, run_id=inp.parent_run_id)
        try:
            await parent.signal(branch_types.BRANCH_EVENT_SIGNAL, event)
        except Exception as err:  # noqa: BLE001 - a closed run cancels this branch anyway
            workflow.logger.warning("branch %s could not report to its run: %s", inp.index, err)

    def _teardown_failure(self) -> ApplicationError:
        self._set_phase(PHASE_TEARDOWN_FAILED)
        left = "; ".join(f"{c} ({why})" for c, why in self._clusters.left.items())
        return ApplicationError(
            f"teardown failed: clusters still up: {', '.join(self._clusters.left)}. Last errors: {left}",
            list(self._clusters.left),  # the first detail: the clusters still up, for clients
            type=TEARDOWN_FAILED,
            non_retryable=True,
        )

    def _set_phase(self, phase: str) -> None:
        self._progress.phase = phase
        workflow.set_current_details(f"phase: {phase}")


def _step_input(inp: BranchInput, st: BranchStep, repair: int = 0) -> StepInput:
    # The run of a step after its n-th repair is a job of its own (-rN), as in the run.
    head, _, tag = st.job_name.rpartition("-")
    job_name = f"{head}-r{repair}-{tag}" if repair else st.job_name
    # A managed step's capacity is its job's, named after the job.
    cluster = job_name if st.kind == "managed" else inp.cluster_name
    step = inp.run.step_input(st.name, cluster, job_name, st.task_yaml, st.kind == "launch", st.envs)
    step.label = step_label(st.name, inp.label)  # its live output is named as its state lines are
    return step


def _failed_outcome(err: BaseException, st: BranchStep, inp: BranchInput) -> StepOutcome:
    cause = getattr(err, "cause", None) or err
    details = cause.details[0] if isinstance(cause, ApplicationError) and cause.details else None
    if isinstance(details, dict):
        return failed_outcome(st.name, inp.cluster_name, details)
    return StepOutcome(st.name, inp.cluster_name, 0, "", 0.0, failure_text(err))


def _compact(outcome: StepOutcome) -> StepOutcome:
    """The outcome as the run keeps it: a 500-branch sweep must stay far below the
    history's limits, so only the end of the log tail travels."""
    return dataclasses.replace(outcome, log_tail=outcome.log_tail[-_REPORTED_TAIL:], metrics=dict(outcome.metrics))
