"""What both workflows (a run and each branch of a sweep) do with steps and clusters:
run a step's activity within its budget, and down clusters until none is left.

Deterministic workflow code: every effect is an activity; waits are durable timers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

with workflow.unsafe.imports_passed_through():
    from skypilot_temporal.contract.activity_types import (
        RUN_SKY_DOWN,
        RUN_SKY_EXEC,
        RUN_SKY_KEEP_UP,
        RUN_SKY_LAUNCH,
        RUN_SKY_MANAGED,
        RUN_SKY_PROVISION,
        DownInput,
        DownResult,
        KeepUpInput,
        KeepUpResult,
        ProvisionOutcome,
        StepInput,
        StepOutcome,
    )
    from skypilot_temporal.contract.metrics import MANAGED_RECOVERIES, STEP_COST, STEP_DURATION
    from skypilot_temporal.contract.names import STEP_TIMED_OUT, TEARDOWN_FAILED
    from skypilot_temporal.pipeline.dag import LAUNCH, MANAGED
    from skypilot_temporal.v1 import pipeline_pb2 as pb
    from skypilot_temporal.workflows import spans


def doubling_retry(first_s: float, longest_s: float, attempts: int = 0) -> RetryPolicy:
    """Retries `first_s` apart, then twice as far each time up to `longest_s`; at most
    `attempts` attempts (0: no limit but the activity's timeouts)."""
    return RetryPolicy(
        initial_interval=timedelta(seconds=first_s),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=longest_s),
        maximum_attempts=attempts,
    )


# A step retries for as long as its budget lasts (timeout_seconds), not a number of
# times: a frozen worker's open polls can swallow several attempts in a row, each lost
# only after the heartbeat timeout, and that must not fail a healthy job.
STEP_RETRY = doubling_retry(2, 15)
# Teardown keeps trying for its whole budget: a leaked cluster costs money.
DOWN_RETRY = doubling_retry(2, 30)
SHORT_HEARTBEAT = timedelta(seconds=30)
KEEP_UP_TIMEOUT = timedelta(minutes=5)
# A kept cluster's autodown: the wait it is kept through, and this much more.
KEEP_UP_SLACK_MINUTES = 15
# The activity's own timeout is longer than the budget: the budget's timer must win,
# so that the activity sees the run's cancel and cancels its job.
BUDGET_GRACE_S = 60


def activity_kind(kind: pb.StepKind, provisioned: bool = False) -> str:
    """The activity a step of `kind` runs: a LAUNCH whose cluster was provisioned ahead
    only execs on it."""
    if kind == MANAGED:
        return "managed"
    return "launch" if kind == LAUNCH and not provisioned else "exec"


class StepFailed(Exception):
    """A step of the run failed: its name, and the failure a client sees. Whoever needs
    the step (a metric's label) reads `step`, never the message."""

    def __init__(self, step: str, failure: ApplicationError) -> None:
        super().__init__(failure.message)
        self.step = step
        self.failure = failure


async def run_step(
    inp: StepInput, kind: str, timeout_s: int, heartbeat_s: int, summary: str, task_queue: str = ""
) -> StepOutcome | ProvisionOutcome:
    """Runs a launch, exec, provision or managed activity within the step's whole budget, on
    `task_queue` ("": the run's own).

    Cancelling the caller cancels the activity and waits for it to cancel its job.
    A budget that runs out does the same, then raises StepTimedOut.
    """
    attributes = {"skypilot_temporal.step": inp.step, "skypilot_temporal.step_kind": kind,
                  "skypilot.cluster": inp.cluster_name, "skypilot_temporal.branch": inp.label}
    with spans.span(f"Step:{inp.step}", attributes):
        return await _run_step(inp, kind, timeout_s, heartbeat_s, summary, task_queue)


async def _run_step(
    inp: StepInput, kind: str, timeout_s: int, heartbeat_s: int, summary: str, task_queue: str
) -> StepOutcome | ProvisionOutcome:
    name = {"launch": RUN_SKY_LAUNCH, "exec": RUN_SKY_EXEC, "provision": RUN_SKY_PROVISION,
            "managed": RUN_SKY_MANAGED}[kind]
    handle = workflow.start_activity(
        name,
        inp,
        result_type=ProvisionOutcome if kind == "provision" else StepOutcome,
        start_to_close_timeout=timedelta(seconds=timeout_s + BUDGET_GRACE_S),
        heartbeat_timeout=timedelta(seconds=heartbeat_s),
        retry_policy=STEP_RETRY,
        cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        summary=summary,
        task_queue=task_queue or None,
    )
    try:
        # The budget spans every attempt: a timer here, not a per-attempt timeout.
        done, _ = await workflow.wait([handle], timeout=timeout_s)
    except asyncio.CancelledError:
        handle.cancel()
        await settle(handle)
        raise
    if not done:
        handle.cancel()
        await settle(handle)
        raise ApplicationError(
            f"ran out of its budget of {timeout_s} s (timeout_seconds, across retries); "
            "its job was cancelled",
            type=STEP_TIMED_OUT,
            non_retryable=True,
        )
    return handle.result()


class Clusters:
    """The clusters a workflow may have started and must down: each down runs at most
    once at a time, runs in the background, and never gives up silently."""

    def __init__(self, endpoint: str, teardown_timeout_s: int) -> None:
        self.endpoint = endpoint
        self.budget = timedelta(seconds=teardown_timeout_s)
        # May be up and not yet downed, in launch order.
        self.up: list[str] = []
        # Downs in flight, by cluster.
        self.downing: dict[str, asyncio.Task[None]] = {}
        # Clusters whose down ran out of budget, with the last error.
        self.left: dict[str, str] = {}
        self.downed: list[str] = []
        self.on_change: Callable[[], None] = lambda: None
        # Told of each cluster once it is down (its slot goes back, slots.py).
        self.on_downed: Callable[[str], None] = lambda cluster: None
        # Where the downs go: where the run's clusters live (placement.py); "" = the run's queue.
        self.task_queue = ""
        # Autodown changes in flight (keep_up): nobody waits for them.
        self.background: list[asyncio.Task[None]] = []

    def started(self, cluster: str) -> None:
        """Recorded before a launch: a launch that fails midway may leave it up."""
        if cluster not in self.up:
            self.up.append(cluster)
            self.on_change()

    def down(self, cluster: str, release_run_key: str = "") -> None:
        """Starts the down of `cluster` in the background (once)."""
        if cluster in self.up and cluster not in self.downing and cluster not in self.left:
            self.downing[cluster] = asyncio.ensure_future(self._down(cluster, release_run_key))

    async def _down(self, cluster: str, release_run_key: str) -> None:
        with spans.span("Down", {"skypilot.cluster": cluster}) as span:
            await self._down_once(cluster, release_run_key, span)

    async def _down_once(self, cluster: str, release_run_key: str, span: spans.trace.Span) -> None:
        try:
            await workflow.execute_activity(
                RUN_SKY_DOWN,
                DownInput(cluster_name=cluster, api_server_endpoint=self.endpoint,
                          release_run_key=release_run_key),
                result_type=DownResult,
                start_to_close_timeout=self.budget,
                schedule_to_close_timeout=self.budget,
                heartbeat_timeout=SHORT_HEARTBEAT,
                retry_policy=DOWN_RETRY,
                summary=f"down {cluster}",
                task_queue=self.task_queue or None,
            )
        except ActivityError as err:
            cause = err.cause
            why = cause.message if isinstance(cause, ApplicationError) else str(cause or err)
            workflow.logger.error("teardown of %s gave up: %s", cluster, why)
            spans.failed(span, TEARDOWN_FAILED, why)
            self.left[cluster] = why or type(cause).__name__
            return
        finally:
            self.downing.pop(cluster, None)
        self.up.remove(cluster)
        self.downed.append(cluster)
        self.on_downed(cluster)
        self.on_change()

    def keep_up_through(self, clusters: list[str], wait_minutes: int, autodown_minutes: int | None) -> None:
        """Moves the clusters' autodown past a wait: a run whose workers are all gone
        still loses no cluster before its wait ends, nor keeps one long after. A run
        without autodown keeps none; one longer than the wait is left as it is."""
        idle = wait_minutes + KEEP_UP_SLACK_MINUTES
        if autodown_minutes is None or idle <= autodown_minutes:
            return
        for cluster in clusters:
            self.keep_up(cluster, idle)

    def keep_up(self, cluster: str, idle_minutes: int) -> None:
        """Sets `cluster`'s autodown to `idle_minutes` in the background; best effort: the
        run downs it anyway, the autodown only guards against every worker gone."""
        self.background.append(asyncio.ensure_future(self._keep_up(cluster, idle_minutes)))

    async def _keep_up(self, cluster: str, idle_minutes: int) -> None:
        try:
            await workflow.execute_activity(
                RUN_SKY_KEEP_UP,
                KeepUpInput(cluster_name=cluster, api_server_endpoint=self.endpoint, minutes=idle_minutes),
                result_type=KeepUpResult,
                start_to_close_timeout=KEEP_UP_TIMEOUT,
                heartbeat_timeout=SHORT_HEARTBEAT,
                retry_policy=doubling_retry(2, 30, attempts=5),
                summary=f"autodown {cluster} after {idle_minutes} idle min",
                task_queue=self.task_queue or None,
            )
        except ActivityError as err:
            workflow.logger.warning("autodown of %s not moved: %s", cluster, err.cause or err)

    async def wait(self) -> None:
        """Waits for the downs in flight; a cancel of the run goes to the caller."""
        while self.downing:
            await asyncio.shield(next(iter(self.downing.values())))

    async def teardown(self, release_run_key: str = "") -> None:
        """Downs every cluster still up, all at once, through repeated cancellation."""
        pending = [c for c in reversed(self.up) if c not in self.left]
        for i, cluster in enumerate(pending):
            self.down(cluster, release_run_key if i == len(pending) - 1 else "")
        while self.downing:
            await settle(next(iter(self.downing.values())))


def step_duration(kind: str, step: str, seconds: float, step_label: bool) -> None:
    """A step's duration, by kind (launch, exec, provision) and step name, on the workflow's
    replay-safe meter. A sweep's branches share their step's name: one series per step name.
    Without `step_label` (the cloning worker's SKYPILOT_TEMPORAL_METRICS_STEP_LABEL), by kind only."""
    labels = {"kind": kind, "step": step} if step_label else {"kind": kind}
    workflow.metric_meter().create_histogram_float(
        STEP_DURATION.name, STEP_DURATION.help, "s"
    ).with_additional_attributes(labels).record(seconds)


def step_cost(kind: str, step: str, usd: float, step_label: bool) -> None:
    """What a step cost, in millionths of a dollar (a Temporal counter counts whole
    numbers), labelled as step_duration is. Only steps whose cluster has a price."""
    labels = {"kind": kind, "step": step} if step_label else {"kind": kind}
    workflow.metric_meter().create_counter(STEP_COST.name, STEP_COST.help).with_additional_attributes(
        labels).add(round(usd * 1_000_000))


def managed_recoveries(step: str, recoveries: int, step_label: bool) -> None:
    """How many times a managed step's job was brought back (preempted, or restarted
    on a failure its job_recovery allows), labelled by step as step_duration is."""
    if recoveries:
        labels = {"step": step} if step_label else {}
        workflow.metric_meter().create_counter(
            MANAGED_RECOVERIES.name, MANAGED_RECOVERIES.help).with_additional_attributes(labels).add(recoveries)


async def settle(task: asyncio.Future) -> None:
    """Waits until `task` is done, ignoring its outcome and any further cancellation
    of the workflow (a second cancel must not abandon teardown)."""
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            continue
        except Exception:  # noqa: BLE001 - the caller reads the task's outcome
            break


def is_cancellation(err: BaseException) -> bool:
    return isinstance(err, (asyncio.CancelledError, CancelledError)) or (
        isinstance(err, ActivityError) and isinstance(err.cause, CancelledError)
    ) or (hasattr(err, "cause") and isinstance(getattr(err, "cause", None), CancelledError))


def failure_text(err: BaseException) -> str:
    """The message of an activity's (or child's) failure, without wrapper text."""
    cause = getattr(err, "cause", None) or err
    return cause.message if isinstance(cause, ApplicationError) else str(cause)
