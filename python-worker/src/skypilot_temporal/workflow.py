"""SkyPilotWorkflow: the pipeline's steps as activities, with guaranteed teardown.

Deterministic: no I/O, clock or randomness here; every effect is an activity.
A cluster is downed as soon as no later step needs it (while the next step already
launches); on failure or cancellation every cluster the run may have started is
downed, shielded from the cancellation. A teardown that runs out of its budget fails
the run, naming every cluster still up: it never gives up silently.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

with workflow.unsafe.imports_passed_through():
    from skypilot_temporal.activity_types import (
        RUN_GIT_CLONE,
        RUN_SKY_DOWN,
        RUN_SKY_EXEC,
        RUN_SKY_LAUNCH,
        CloneInput,
        CloneResult,
        DownInput,
        DownResult,
        StepInput,
        StepOutcome,
    )
    from skypilot_temporal.contract import (
        INVALID_INPUT,
        PHASE_CANCELLED,
        PHASE_CLONE,
        PHASE_COMPLETED,
        PHASE_FAILED,
        PHASE_RUNNING,
        PHASE_STARTING,
        PHASE_TEARDOWN,
        PHASE_TEARDOWN_FAILED,
        PROGRESS_QUERY,
        STEP_TIMED_OUT,
        TEARDOWN_FAILED,
        WORKFLOW_TYPE,
    )
    from skypilot_temporal.pipeline import LAUNCH, InvalidInput, Plan, PlannedStep, build_plan
    from skypilot_temporal.v1 import pipeline_pb2 as pb

# A step retries for as long as its budget lasts (timeout_seconds), not a number of
# times: a frozen worker's open polls can swallow several attempts in a row, each lost
# only after the heartbeat timeout, and that must not fail a healthy job.
STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=15),
    maximum_attempts=0,
)
# A clone fails for good quickly: an unreachable repository is reported in seconds.
CLONE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=4,
)
# Teardown keeps trying for its whole budget: a leaked cluster costs money.
DOWN_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=0,
)
CLONE_TIMEOUT = timedelta(minutes=5)
SHORT_HEARTBEAT = timedelta(seconds=30)
BUDGET_GRACE_S = 60


@workflow.defn(name=WORKFLOW_TYPE)
class SkyPilotWorkflow:
    def __init__(self) -> None:
        self._progress = pb.SkyPilotWorkflowProgress(phase=PHASE_STARTING)
        # Clusters this run may have started and not yet downed, in launch order.
        self._up: list[str] = []
        # Downs in flight, by cluster: each cluster is downed by one activity at a time.
        self._downing: dict[str, asyncio.Task[None]] = {}
        # Clusters whose down ran out of budget, with the last error.
        self._left: dict[str, str] = {}
        # The step whose activity is running, named in a failure.
        self._current = ""

    @workflow.query(name=PROGRESS_QUERY)
    def progress(self) -> pb.SkyPilotWorkflowProgress:
        p = pb.SkyPilotWorkflowProgress()
        p.CopyFrom(self._progress)
        p.clusters_up[:] = self._up
        p.clusters_left[:] = list(self._left)
        return p

    @workflow.run
    async def run(self, inp: pb.SkyPilotWorkflowInput) -> pb.SkyPilotWorkflowResult:
        info = workflow.info()
        try:
            plan = build_plan(inp, info.workflow_id, info.run_id)
        except InvalidInput as err:
            self._set_phase(PHASE_FAILED)
            raise ApplicationError(str(err), type=INVALID_INPUT, non_retryable=True) from None
        self._progress.steps_total = len(plan.steps)
        self._progress.clusters[:] = plan.clusters
        run_key = f"{info.workflow_id}-{info.run_id}"
        result = pb.SkyPilotWorkflowResult()

        try:
            self._set_phase(PHASE_CLONE)
            self._current = "clone"
            clone = await self._clone(inp, plan, run_key)
            result.commit = clone.commit
            self._set_phase(PHASE_RUNNING)
            for index, step in enumerate(plan.steps):
                outcome = await self._run_step(inp, plan, step, clone.commit, run_key)
                result.steps.append(outcome)
                self._progress.finished.append(outcome)
                self._progress.current_step = ""
                last = index == len(plan.steps) - 1
                for cluster in plan.release_after.get(index, []):
                    # Not awaited: the next step launches while this cluster goes down.
                    self._start_down(cluster, plan, result, run_key if last else "")
            # Shielded: a cancel arriving now goes to teardown, which waits for these.
            while self._downing:
                await asyncio.shield(next(iter(self._downing.values())))
        except BaseException as err:
            cancelled = _is_cancellation(err)
            self._set_phase(PHASE_TEARDOWN)
            await self._teardown(plan, result, run_key)
            if self._left:
                raise self._teardown_failure(result, err) from None
            self._set_phase(PHASE_CANCELLED if cancelled else PHASE_FAILED)
            if not cancelled and isinstance(err, ActivityError) and isinstance(err.cause, ApplicationError):
                raise self._step_failure(err.cause) from err
            raise
        if self._left:
            raise self._teardown_failure(result, None)
        self._set_phase(PHASE_COMPLETED)
        return result

    async def _clone(self, inp: pb.SkyPilotWorkflowInput, plan: Plan, run_key: str) -> CloneResult:
        return await workflow.execute_activity(
            RUN_GIT_CLONE,
            CloneInput(
                repo_url=inp.repo_url,
                branch=inp.branch,
                task_yamls=plan.task_yamls,
                run_key=run_key,
                envs_override=dict(inp.envs_override),
                secret_env_names=list(inp.secret_env_names),
            ),
            result_type=CloneResult,
            start_to_close_timeout=CLONE_TIMEOUT,
            heartbeat_timeout=SHORT_HEARTBEAT,
            retry_policy=CLONE_RETRY,
            summary=f"clone {inp.repo_url} {inp.branch}".strip(),
        )

    def _step_failure(self, cause: ApplicationError) -> ApplicationError:
        """The failure a client sees: names the step, carries the job's log tail."""
        message = f"step {self._current!r} failed: {cause.message}"
        outcome = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
        if outcome:
            self._progress.finished.append(
                pb.StepResult(
                    name=self._current,
                    cluster_name=str(outcome.get("cluster_name", "")),
                    job_id=int(outcome.get("job_id") or 0),
                    status=str(outcome.get("status", "")),
                    duration_seconds=float(outcome.get("duration_seconds") or 0),
                    log_tail=str(outcome.get("log_tail", "")),
                )
            )
            if outcome.get("log_tail"):
                message += "\n--- log tail ---\n" + str(outcome["log_tail"])
        return ApplicationError(message, type=cause.type, non_retryable=True)

    def _teardown_failure(
        self, result: pb.SkyPilotWorkflowResult, err: BaseException | None
    ) -> ApplicationError:
        self._set_phase(PHASE_TEARDOWN_FAILED)
        left = "; ".join(f"{c} ({why})" for c, why in self._left.items())
        message = f"teardown failed: clusters still up: {', '.join(self._left)}. Last errors: {left}"
        if err is None:
            done = ", ".join(f"{s.name} {s.status}" for s in result.steps)
            message += f". The steps themselves completed: {done}"
        elif _is_cancellation(err):
            message += ". The run had been cancelled"
        else:
            cause = err.cause if isinstance(err, ActivityError) else err
            text = cause.message if isinstance(cause, ApplicationError) else str(cause)
            message += f". The run had failed in step {self._current!r}: {text}"
        return ApplicationError(message, type=TEARDOWN_FAILED, non_retryable=True)

    async def _run_step(
        self, inp: pb.SkyPilotWorkflowInput, plan: Plan, step: PlannedStep, commit: str, run_key: str
    ) -> pb.StepResult:
        self._progress.current_step = step.name
        self._current = step.name
        launch = step.kind == LAUNCH
        if launch and step.cluster_name not in self._up:
            # Recorded before the launch: a launch that fails midway may leave it up.
            self._up.append(step.cluster_name)
        started = workflow.now()
        verb = "launch" if launch else "exec"
        handle = workflow.start_activity(
            RUN_SKY_LAUNCH if launch else RUN_SKY_EXEC,
            StepInput(
                step=step.name,
                cluster_name=step.cluster_name,
                job_name=step.job_name,
                task_yaml=step.task_yaml,
                repo_url=inp.repo_url,
                branch=inp.branch,
                commit=commit,
                run_key=run_key,
                envs_override=dict(inp.envs_override),
                secret_env_names=list(inp.secret_env_names),
                api_server_endpoint=inp.api_server_endpoint,
                autodown_minutes=plan.autodown_minutes if launch else None,
                retry_until_up=plan.retry_until_up,
            ),
            result_type=StepOutcome,
            # Longer than the budget: the budget's timer below must win, so that the
            # activity sees the run's cancel and cancels its job.
            start_to_close_timeout=timedelta(seconds=step.timeout_s + BUDGET_GRACE_S),
            heartbeat_timeout=timedelta(seconds=step.heartbeat_timeout_s),
            retry_policy=STEP_RETRY,
            # Wait for the activity to cancel its SkyPilot request/job before teardown.
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
            summary=f"{step.name}: {verb} {step.task_yaml} on {step.cluster_name}",
        )
        try:
            # The budget spans every attempt: a timer here, not a per-attempt timeout.
            done, _ = await workflow.wait([handle], timeout=step.timeout_s)
        except asyncio.CancelledError:
            handle.cancel()
            await _settle(handle)
            raise
        if not done:
            handle.cancel()
            await _settle(handle)
            raise ApplicationError(
                f"step {step.name!r} ran out of its budget of {step.timeout_s} s "
                "(timeout_seconds, across retries); its job was cancelled",
                type=STEP_TIMED_OUT,
                non_retryable=True,
            )
        outcome: StepOutcome = handle.result()
        return pb.StepResult(
            name=outcome.step,
            kind=step.kind,
            cluster_name=outcome.cluster_name,
            job_id=outcome.job_id,
            status=outcome.status,
            duration_seconds=round((workflow.now() - started).total_seconds(), 3),
            log_tail=outcome.log_tail,
        )

    def _start_down(self, cluster: str, plan: Plan, result: pb.SkyPilotWorkflowResult, release: str) -> None:
        if cluster not in self._downing:
            self._downing[cluster] = asyncio.ensure_future(self._down(cluster, plan, result, release))

    async def _down(self, cluster: str, plan: Plan, result: pb.SkyPilotWorkflowResult, release: str) -> None:
        budget = timedelta(seconds=plan.teardown_timeout_s)
        try:
            await workflow.execute_activity(
                RUN_SKY_DOWN,
                DownInput(cluster_name=cluster, api_server_endpoint=plan.api_server_endpoint,
                          release_run_key=release),
                result_type=DownResult,
                start_to_close_timeout=budget,
                schedule_to_close_timeout=budget,
                heartbeat_timeout=SHORT_HEARTBEAT,
                retry_policy=DOWN_RETRY,
                summary=f"down {cluster}",
            )
        except ActivityError as err:
            cause = err.cause
            why = cause.message if isinstance(cause, ApplicationError) else str(cause or err)
            workflow.logger.error("teardown of %s gave up: %s", cluster, why)
            self._left[cluster] = why or type(cause).__name__
            return
        finally:
            self._downing.pop(cluster, None)
        self._up.remove(cluster)
        result.clusters_downed.append(cluster)

    async def _teardown(self, plan: Plan, result: pb.SkyPilotWorkflowResult, run_key: str) -> None:
        """Downs every cluster still up, all at once, even while the run is cancelled."""
        pending = [c for c in reversed(self._up) if c not in self._left]
        for i, cluster in enumerate(pending):
            self._start_down(cluster, plan, result, run_key if i == len(pending) - 1 else "")
        # Through repeated cancellation of the run: teardown is never abandoned.
        while self._downing:
            await _settle(next(iter(self._downing.values())))

    def _set_phase(self, phase: str) -> None:
        self._progress.phase = phase
        workflow.set_current_details(f"phase: {phase}")


async def _settle(task: asyncio.Task) -> None:
    """Waits until `task` is done, ignoring its outcome and any further cancellation
    of the run (a second cancel must not abandon teardown)."""
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            continue
        except Exception:  # noqa: BLE001 - the caller reads the task's outcome
            break


def _is_cancellation(err: BaseException) -> bool:
    return isinstance(err, (asyncio.CancelledError, CancelledError)) or (
        isinstance(err, ActivityError) and isinstance(err.cause, CancelledError)
    )
