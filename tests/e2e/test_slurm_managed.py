"""Steps of `kind: managed` through the real worker -> real SkyPilot API server (its jobs
controller) -> local Slurm: a run to its end, the job's allocation scancelled mid-run
(a preemption, as the jobs controller sees one) and recovered, a cancel of the run, and
a worker SIGKILLed mid-job that re-attaches. The evidence is SkyPilot's own records:
sky.jobs.queue_v2 (polled while the run goes on, and after), sky status and squeue.
After every test no managed job of the run is left going and no cluster is left.

Needs the rig up with its managed-jobs switch (LOCAL_SLURM_MANAGED_JOBS=1, as `make e2e`
brings it up); tests/worker/test_managed_steps.py runs the same scenarios on the local
executor.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from faults import record_row
from pipeline_helpers import activity_attempts, pipeline_input, start, wait_until
from slurm_helpers import sky_clusters
from support import WorkerProcess, make_git_repo, worker_env
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import CancelledError
from test_slurm_managed_executor import allocations, managed_switch_off

from skypilot_temporal.contract.activity_types import RUN_SKY_MANAGED
from skypilot_temporal.contract.names import LIVE_OUTPUT_KEY
from skypilot_temporal.executors.base import CANCELLED, MANAGED_TERMINAL, RECOVERING, SUCCEEDED
from skypilot_temporal.pipeline.plan import default_cluster_prefix
from skypilot_temporal.starter.follow import read_heartbeats
from skypilot_temporal.v1 import pipeline_pb2 as pb

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

PREP = """name: prep
resources:
  infra: slurm
  cpus: 1+
run: echo prepared
"""
# Prints TRAIN_TICKS ticks, TICK_SECONDS apart, then its metric.
TRAIN = """name: train
resources:
  infra: slurm
  cpus: 1+
run: |
  for i in $(seq 1 $TRAIN_TICKS); do echo "tick $i"; sleep $TICK_SECONDS; done
  echo "SKYPILOT_TEMPORAL_METRIC accuracy=0.93"
"""
# As the other Slurm scenarios: a shorter heartbeat timeout than the default 60 s keeps
# a lost worker's step from waiting a minute for its retry.
HEARTBEAT_S = 20
# A managed job here: ~25 s of provisioning, then its run; ~75 s more per recovery.
RUN_LIMIT = 600.0  # bounds a scenario, not a speed target
RUNNING_LIMIT = 300.0  # from the run's start until its managed job runs its task
SETTLE_LIMIT = 180.0  # for what is left to end after the run did
RUNNING = "RUNNING"  # a managed job's state while its task runs (ManagedJobStatus)
_FIELDS = ["job_id", "job_name", "status", "recovery_count", "last_recovered_at"]


def status_of(record: Any) -> str:
    return str(getattr(record["status"], "value", record["status"]))


async def run_jobs(prefix: str) -> list[Any]:
    """SkyPilot's records (sky.jobs.queue_v2) of the run's managed jobs, by job id."""
    import sky

    def ask() -> list[Any]:
        result = sky.get(sky.jobs.queue_v2(refresh=False, all_users=True, name_match=prefix, fields=_FIELDS))
        return list((result[0] if isinstance(result, tuple) else result) or [])

    records = await asyncio.to_thread(ask)
    return sorted((r for r in records if str(r["job_name"]).startswith(prefix + "-")), key=lambda r: int(r["job_id"]))


def run_allocations(prefix: str) -> list[str]:
    """The run's Slurm jobs: every cluster SkyPilot makes here (a managed job's too) is one,
    named after the cluster, which begins with the run's prefix."""
    return [job_id for job_id, name in allocations().items() if name.startswith(prefix)]


class ManagedQueue:
    """Polls queue_v2 for the run's managed jobs every two seconds while it goes on,
    keeping each change of (status, recoveries) with the time it was first seen."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: dict[int, list[tuple[str, int, float]]] = {}
        self._task: asyncio.Task | None = None

    async def scan(self) -> list[Any]:
        records = await run_jobs(self.prefix)
        for r in records:
            key = (status_of(r), int(r.get("recovery_count") or 0))
            changes = self.seen.setdefault(int(r["job_id"]), [])
            if not changes or changes[-1][:2] != key:
                changes.append((*key, time.monotonic()))
        return records

    async def _poll(self) -> None:
        while True:
            with contextlib.suppress(Exception):  # the API server busy: ask again next time
                await self.scan()
            await asyncio.sleep(2.0)

    def statuses(self, job_id: int) -> list[str]:
        return [s for s, _, _ in self.seen.get(job_id, [])]

    def first_seen(self, job_id: int, status: str, recoveries: int) -> float | None:
        return next((t for s, r, t in self.seen.get(job_id, []) if (s, r) == (status, recoveries)), None)

    def start(self) -> ManagedQueue:
        self._task = asyncio.ensure_future(self._poll())
        return self

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


class LiveOutput:
    """The step's live output lines, read from the run's heartbeats as the starters read
    them, every second while the run goes on; every line seen is kept."""

    def __init__(self, client: Client, handle: WorkflowHandle) -> None:
        self.client = client
        self.handle = handle
        self.lines: list[str] = []
        self._task: asyncio.Task | None = None

    async def _poll(self) -> None:
        while True:
            for beat in await read_heartbeats(self.client, self.handle):
                for line in json.loads(beat).get(LIVE_OUTPUT_KEY, {}).get("lines", []):
                    if line not in self.lines:
                        self.lines.append(line)
            await asyncio.sleep(1.0)

    def has(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def start(self) -> LiveOutput:
        self._task = asyncio.ensure_future(self._poll())
        return self

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


class ManagedRuns:
    """The runs one test started; whatever a failing test left going is cancelled."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.handles: list[WorkflowHandle] = []

    async def start(self, inp: pb.SkyPilotWorkflowInput, task_queue: str) -> tuple[WorkflowHandle, str]:
        handle = await start(self.client, inp, task_queue)
        self.handles.append(handle)
        return handle, default_cluster_prefix(handle.id)

    async def cleanup(self) -> None:
        import sky

        for handle in self.handles:
            prefix = default_cluster_prefix(handle.id)
            with contextlib.suppress(Exception):  # ended already, or the cancel itself failed
                await handle.cancel()
                await asyncio.wait_for(handle.result(), 120)
            with contextlib.suppress(Exception):  # no worker took the cancel: the jobs are cancelled below
                await handle.terminate("the test ended")
            going = [int(r["job_id"]) for r in await run_jobs(prefix) if status_of(r) not in MANAGED_TERMINAL]
            if going:
                await asyncio.to_thread(lambda ids=going: sky.get(sky.jobs.cancel(job_ids=ids)))


@pytest.fixture
def jobs_controller() -> None:
    reason = managed_switch_off()
    if reason:
        pytest.skip(reason)


@pytest.fixture
async def runs(jobs_controller, client) -> AsyncIterator[ManagedRuns]:
    """Requested after the test's worker, so that the cancel reaches a worker still up."""
    tracked = ManagedRuns(client)
    yield tracked
    await tracked.cleanup()


def task_repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / f"managed-{uuid.uuid4().hex[:6]}", files={"prep.yaml": PREP, "train.yaml": TRAIN})


def managed_input(repo: Path, ticks: int, tick_s: int = 1, prep: bool = False) -> pb.SkyPilotWorkflowInput:
    steps = [pb.PipelineStep(name="prep", task_yaml="prep.yaml", kind=pb.STEP_KIND_LAUNCH,
                             heartbeat_timeout_seconds=HEARTBEAT_S)] if prep else []
    steps.append(pb.PipelineStep(name="train", task_yaml="train.yaml", kind=pb.STEP_KIND_MANAGED,
                                 needs=["prep"] if prep else [], heartbeat_timeout_seconds=HEARTBEAT_S))
    return pipeline_input(repo, steps=steps, envs_override={"TRAIN_TICKS": str(ticks), "TICK_SECONDS": str(tick_s)})


async def training(prefix: str, live: LiveOutput, handle: WorkflowHandle) -> Any:
    """The run's one managed job once SkyPilot says it runs and its task has printed."""
    found: list[Any] = []

    async def runs_its_task() -> bool:
        assert not await ended(handle), "the run ended before its managed job ran"
        found[:] = [r for r in await run_jobs(prefix) if status_of(r) == RUNNING]
        # The live output holds the latest lines only: any tick says the task runs.
        return bool(found) and live.has("tick ")

    try:
        await wait_until(runs_its_task, timeout=RUNNING_LIMIT, every=2.0)
    except TimeoutError:
        raise AssertionError(f"no managed job of the run ran its task within {RUNNING_LIMIT:.0f} s: "
                             f"{[(r['job_id'], status_of(r)) for r in await run_jobs(prefix)]}, "
                             f"live output {live.lines[-5:]}") from None
    (job,) = found
    return job


async def ended(handle: WorkflowHandle) -> bool:
    return (await handle.describe()).status != WorkflowExecutionStatus.RUNNING


async def settled(prefix: str, until: Callable[[list[Any]], bool] | None = None) -> list[Any]:
    """Waits (bounded) until no managed job of the run is going, no cluster and no
    Slurm allocation of it is left, and `until` holds of its jobs; returns the jobs."""
    jobs: list[Any] = []

    async def quiet() -> bool:
        jobs[:] = await run_jobs(prefix)
        if any(status_of(r) not in MANAGED_TERMINAL for r in jobs) or (until and not until(jobs)):
            return False
        return not await sky_clusters(prefix) and not run_allocations(prefix)

    try:
        await wait_until(quiet, timeout=SETTLE_LIMIT, every=3.0)
    except TimeoutError:
        raise AssertionError(f"after {SETTLE_LIMIT:.0f} s: managed jobs {[(r['job_id'], status_of(r)) for r in jobs]}, "
                             f"clusters {await sky_clusters(prefix)}, allocations {run_allocations(prefix)}") from None
    return jobs


async def watched(client: Client, handle: WorkflowHandle, prefix: str,
                  body: Callable[[ManagedQueue, LiveOutput], Awaitable[Any]]) -> Any:
    queue, live = ManagedQueue(prefix).start(), LiveOutput(client, handle).start()
    try:
        return await body(queue, live)
    finally:
        await queue.stop()
        await live.stop()


def step(result: pb.SkyPilotWorkflowResult, name: str) -> pb.StepResult:
    return next(s for s in result.steps if s.name == name)


async def test_a_managed_step_runs_as_one_managed_job_and_leaves_nothing(
    jobs_controller, client, sky_worker, runs, task_queue, tmp_path
):
    handle, prefix = await runs.start(managed_input(task_repo(tmp_path), ticks=5, prep=True), task_queue)

    async def body(queue: ManagedQueue, live: LiveOutput) -> pb.SkyPilotWorkflowResult:
        return await asyncio.wait_for(handle.result(), RUN_LIMIT)

    result = await watched(client, handle, prefix, body)
    assert [(s.name, s.status) for s in result.steps] == [("prep", "SUCCEEDED"), ("train", "SUCCEEDED")]
    train = step(result, "train")
    (job,) = await settled(prefix)
    # SkyPilot's record of the one managed job is the step's.
    assert (train.kind, train.cluster_name, train.job_id) == (pb.STEP_KIND_MANAGED, job["job_name"], int(job["job_id"]))
    assert (status_of(job), int(job.get("recovery_count") or 0)) == (SUCCEEDED, 0)
    assert (train.recoveries, train.last_recovered_at) == (0, "")
    assert train.metrics["accuracy"] == pytest.approx(0.93)
    assert "tick 5" in train.log_tail
    assert f"managed job {train.job_id} ({train.cluster_name}): SUCCEEDED" in train.log_tail
    # Only prep's cluster was the run's to down: the managed job's capacity went with it.
    assert len(result.clusters_downed) == 1 and "-prep-" in result.clusters_downed[0]


async def test_a_scancelled_allocation_is_recovered_and_the_run_succeeds(
    jobs_controller, client, sky_worker, runs, task_queue, tmp_path
):
    handle, prefix = await runs.start(managed_input(task_repo(tmp_path), ticks=18, tick_s=5), task_queue)

    async def body(queue: ManagedQueue, live: LiveOutput) -> tuple:
        job = await training(prefix, live, handle)
        job_id = int(job["job_id"])
        (allocation,) = run_allocations(prefix)
        # Slurm takes the allocation away, as a preemption would.
        await asyncio.to_thread(subprocess.run, ["scancel", allocation], check=True)
        scancelled = time.monotonic()

        async def running_again() -> bool:
            await queue.scan()
            return queue.first_seen(job_id, RUNNING, 1) is not None

        await wait_until(running_again, timeout=RUN_LIMIT, every=1.0)
        recovered_s = queue.first_seen(job_id, RUNNING, 1) - scancelled
        result = await asyncio.wait_for(handle.result(), RUN_LIMIT)
        closed_s = time.monotonic() - scancelled
        await queue.scan()
        return job_id, allocation, result, recovered_s, closed_s, queue.statuses(job_id), list(live.lines)

    job_id, allocation, result, recovered_s, closed_s, statuses, lines = await watched(client, handle, prefix, body)
    print(f"\nmanaged job {job_id}: {statuses}; recovered after {recovered_s:.1f}s, closed after {closed_s:.1f}s")
    train = step(result, "train")
    (after,) = await settled(prefix)
    assert (int(after["job_id"]), status_of(after), int(after["recovery_count"])) == (job_id, SUCCEEDED, 1)
    assert (train.status, train.job_id, train.recoveries) == ("SUCCEEDED", job_id, 1)
    assert train.last_recovered_at.startswith("20")
    # RECOVERING in SkyPilot's queue, in the step's live output and its log tail.
    assert RECOVERING in statuses, statuses
    recovering = f"managed job {job_id} ({train.cluster_name}): {RECOVERING}"
    assert any(line.startswith(recovering) for line in lines), lines
    assert recovering in train.log_tail and "tick 18" in train.log_tail
    record_row("reliability_preemption", "Slurm: the managed job's allocation scancelled while training",
               outcome="completed", recovered_s=recovered_s,
               recovered="the same managed job running its task again (recovery 1)", closed_s=closed_s,
               clusters_left=len(await sky_clusters(prefix)), jobs="train 1 (managed)",
               notes=f"managed job {job_id} in sky.jobs.queue_v2: {' → '.join(statuses)}; Slurm job {allocation} "
                     "scancelled; recoveries 1 in the step's result; RECOVERING in its live output")


async def test_cancel_of_the_run_mid_job_cancels_the_managed_job(
    jobs_controller, client, sky_worker, runs, task_queue, tmp_path
):
    handle, prefix = await runs.start(managed_input(task_repo(tmp_path), ticks=600), task_queue)

    async def body(queue: ManagedQueue, live: LiveOutput) -> int:
        job = await training(prefix, live, handle)
        await handle.cancel()
        with pytest.raises(WorkflowFailureError) as err:
            await asyncio.wait_for(handle.result(), RUN_LIMIT)
        assert isinstance(err.value.cause, CancelledError), err.value.cause
        return int(job["job_id"])

    job_id = await watched(client, handle, prefix, body)
    (after,) = await settled(prefix, until=lambda jobs: all(status_of(r) == CANCELLED for r in jobs))
    assert (int(after["job_id"]), status_of(after)) == (job_id, CANCELLED)


async def test_worker_killed_mid_job_re_attaches_to_the_one_job(
    runs, client, temporal_server, task_queue, work_dir, tmp_path
):
    env = worker_env(temporal_server, work_dir, task_queue, SKYPILOT_TEMPORAL_EXECUTOR="skypilot")
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        handle, prefix = await runs.start(managed_input(task_repo(tmp_path), ticks=120), task_queue)

        async def body(queue: ManagedQueue, live: LiveOutput) -> tuple:
            job = await training(prefix, live, handle)
            killed = time.monotonic()
            worker.kill()
            await asyncio.sleep(1)
            await asyncio.to_thread(worker.start)
            result = await asyncio.wait_for(handle.result(), RUN_LIMIT)
            return int(job["job_id"]), result, time.monotonic() - killed

        job_id, result, closed_s = await watched(client, handle, prefix, body)
    finally:
        worker.stop()
    train = step(result, "train")
    (after,) = await settled(prefix)
    # Exactly one managed job of the step's name in SkyPilot's records: the one re-attached to.
    assert [int(r["job_id"]) for r in await run_jobs(prefix) if r["job_name"] == train.cluster_name] == [job_id]
    assert (int(after["job_id"]), status_of(after), int(after["recovery_count"] or 0)) == (job_id, SUCCEEDED, 0)
    assert (train.status, train.job_id, train.recoveries) == ("SUCCEEDED", job_id, 0)
    assert f"re-attaching to managed job {job_id}" in worker.log()
    # The server records the attempt that completed the activity: a later one than the killed worker's.
    (attempt,) = [a for name, a in await activity_attempts(handle) if name == RUN_SKY_MANAGED]
    assert attempt > 1
    record_row("reliability_preemption", "Slurm: worker SIGKILLed while the managed job trains, restarted at once",
               outcome="completed", recovered="the step's next attempt re-attached to the managed job by its id",
               closed_s=closed_s, clusters_left=len(await sky_clusters(prefix)), jobs="train 1 (managed)",
               notes=f"one managed job ({job_id}) of the step's name in sky.jobs.queue_v2, SUCCEEDED, recoveries 0; "
                     f"the step's activity completed by attempt {attempt}")
