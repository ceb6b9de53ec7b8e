"""Steps of `kind: managed` on a real dev server and worker, local executor: the task
runs as a managed job with capacity of its own; a job killed from outside (the local
executor's simulated preemption) or failing as its job_recovery allows is brought back,
and the recoveries reach the result; cancel reaches the job; a worker killed mid-job
re-attaches to the one job. After every test no managed job of the run is left running
and no cluster is left (the executor's own records)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from faults import record_row
from pipeline_helpers import clusters, pipeline_input, progress, start, wait_until
from support import WorkerProcess, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError, CancelledError

from skypilot_temporal.contract.names import JOB_FAILED, VIEW_QUERY
from skypilot_temporal.executors.base import MANAGED_TERMINAL, ManagedJob
from skypilot_temporal.executors.local import managed as local_managed
from skypilot_temporal.pipeline.plan import default_cluster_prefix
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.workflows.view import result_lines

PREP = "name: prep\nrun: echo prepared\n"
# Prints a tick every 0.1 s for TRAIN_TICKS ticks, then its metric, then exits TRAIN_EXIT.
TRAIN = """name: train
resources:
  job_recovery:
    max_restarts_on_errors: {restarts}
run: |
  for i in $(seq 1 $TRAIN_TICKS); do echo "tick $i"; sleep 0.1; done
  echo "SKYPILOT_TEMPORAL_METRIC accuracy=0.9$TRAIN_EXIT"
  exit $TRAIN_EXIT
"""
REPORT = "name: report\nrun: echo reported\n"
HEARTBEAT_S = 3
RUN_LIMIT = 120.0  # bounds a run here; not a speed target


def repo(tmp_path: Path, restarts: int = 0) -> Path:
    return make_git_repo(tmp_path / f"tasks-{uuid.uuid4().hex[:6]}", files={
        "prep.yaml": PREP, "train.yaml": TRAIN.format(restarts=restarts), "report.yaml": REPORT})


def managed_input(repo_dir: Path, ticks: int, exit_code: int = 0, **fields) -> pb.SkyPilotWorkflowInput:
    steps = fields.pop("steps", None) or [
        pb.PipelineStep(name="prep", task_yaml="prep.yaml"),
        pb.PipelineStep(name="train", task_yaml="train.yaml", kind=pb.STEP_KIND_MANAGED, needs=["prep"],
                        heartbeat_timeout_seconds=HEARTBEAT_S),
        pb.PipelineStep(name="report", task_yaml="report.yaml", needs=["train"]),
    ]
    return pipeline_input(repo_dir, steps=steps, envs_override={"TRAIN_TICKS": str(ticks),
                                                                "TRAIN_EXIT": str(exit_code)}, **fields)


def run_jobs(work_dir: Path, workflow_id: str) -> list[ManagedJob]:
    """The run's managed jobs, as the local executor records them."""
    prefix = default_cluster_prefix(workflow_id)
    return [j for j in local_managed.list_jobs(work_dir / "local") if j.name.startswith(prefix + "-")]


def task_pid(work_dir: Path, job: ManagedJob) -> int | None:
    """The pid of the job's task now running (its latest attempt's), if it has one."""
    attempts = sorted((work_dir / "local" / "clusters" / f"{job.name}-{job.job_id}" / "jobs").glob("*/task.pid"),
                      key=lambda p: int(p.parent.name))
    try:
        return int(attempts[-1].read_text()) if attempts else None
    except (OSError, ValueError):
        return None


async def running_job(work_dir: Path, workflow_id: str, timeout: float = 60) -> ManagedJob:
    """The run's managed job once it runs its task."""
    async def runs() -> bool:
        jobs = run_jobs(work_dir, workflow_id)
        return len(jobs) == 1 and jobs[0].status == "RUNNING" and task_pid(work_dir, jobs[0]) is not None

    await wait_until(runs, timeout=timeout, every=0.05)
    return run_jobs(work_dir, workflow_id)[0]


async def nothing_left(work_dir: Path, workflow_id: str) -> list[ManagedJob]:
    """Every managed job of the run has ended and no cluster is left; returns the jobs."""
    async def settled() -> bool:
        return all(j.status in MANAGED_TERMINAL for j in run_jobs(work_dir, workflow_id)) and not clusters(work_dir)

    await wait_until(settled, timeout=30)
    return run_jobs(work_dir, workflow_id)


async def test_a_managed_step_is_one_managed_job_whose_capacity_goes_with_it(
    client, local_worker, task_queue, tmp_path, work_dir
):
    handle = await start(client, managed_input(repo(tmp_path), ticks=5), task_queue)
    result = await asyncio.wait_for(handle.result(), RUN_LIMIT)
    prep, train, report = result.steps
    assert [s.status for s in result.steps] == ["SUCCEEDED"] * 3
    (job,) = await nothing_left(work_dir, handle.id)
    assert (train.kind, train.cluster_name, train.job_id) == (pb.STEP_KIND_MANAGED, job.name, job.job_id)
    assert job.name == f"{default_cluster_prefix(handle.id)}-train-{job.name.rsplit('-', 1)[1]}"
    assert (job.status, train.recoveries, train.last_recovered_at) == ("SUCCEEDED", 0, "")
    assert train.metrics["accuracy"] == 0.9 and "tick 5" in train.log_tail
    assert "RUNNING" in train.log_tail and "SUCCEEDED" in train.log_tail
    # Managed capacity is not one of the run's clusters: only prep's and report's were downed.
    assert len(result.clusters_downed) == 2 and job.name not in result.clusters_downed
    # What every starter prints: the state line while following, the result's line at the end.
    view = await handle.query(VIEW_QUERY, pb.RunViewRequest(starter="python"), result_type=pb.RunView)
    assert "step train: succeeded accuracy=0.9 recoveries=0" in view.lines
    assert any(line.startswith(f"step train: cluster={job.name} job_id={job.job_id} status=SUCCEEDED")
               and line.endswith(" recoveries=0") for line in result_lines(result)), result_lines(result)


async def test_a_failing_job_restarts_as_its_job_recovery_allows_then_fails_the_run(
    client, local_worker, task_queue, tmp_path, work_dir
):
    handle = await start(client, managed_input(repo(tmp_path, restarts=1), ticks=2, exit_code=1), task_queue)
    with pytest.raises(WorkflowFailureError) as err:
        await asyncio.wait_for(handle.result(), RUN_LIMIT)
    cause = err.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == JOB_FAILED
    assert "ended FAILED after 1 recovery" in cause.message
    (job,) = await nothing_left(work_dir, handle.id)
    assert (job.status, job.recoveries) == ("FAILED", 1)
    train = next(s for s in (await progress(handle)).steps if s.name == "train")
    assert (train.state, train.recoveries) == ("failed", 1) and train.last_recovered_at.startswith("20")
    # report never ran; prep's cluster went down.
    assert not clusters(work_dir)


async def test_a_job_killed_from_outside_is_recovered_and_the_run_succeeds(
    client, local_worker, task_queue, tmp_path, work_dir
):
    handle = await start(client, managed_input(repo(tmp_path), ticks=40), task_queue)
    job = await running_job(work_dir, handle.id)
    pid = task_pid(work_dir, job)
    assert pid is not None
    killed = time.monotonic()
    os.killpg(pid, signal.SIGKILL)  # the task's session: its capacity is gone

    async def recovered() -> bool:
        jobs = run_jobs(work_dir, handle.id)
        return bool(jobs) and jobs[0].recoveries == 1 and jobs[0].status == "RUNNING"

    await wait_until(recovered, timeout=30, every=0.05)
    recovered_s = time.monotonic() - killed
    result = await asyncio.wait_for(handle.result(), RUN_LIMIT)
    closed_s = time.monotonic() - killed
    train = next(s for s in result.steps if s.name == "train")
    (after,) = await nothing_left(work_dir, handle.id)
    assert (after.job_id, after.status, after.recoveries) == (job.job_id, "SUCCEEDED", 1)
    assert (train.status, train.recoveries, train.job_id) == ("SUCCEEDED", 1, job.job_id)
    assert train.last_recovered_at.startswith("20") and "RECOVERING" in train.log_tail
    record_row("reliability_preemption", "local executor: the managed job's task SIGKILLed from outside "
               "while training", outcome="completed", recovered_s=recovered_s,
               recovered="the same managed job running its task again (recovery 1)", closed_s=closed_s,
               clusters_left=len(clusters(work_dir)), jobs="train 1 (managed)",
               notes=f"managed job {job.job_id}: RUNNING → RECOVERING → RUNNING → SUCCEEDED; recoveries 1 in the "
                     "step's result")


async def test_cancel_mid_job_cancels_the_managed_job(client, local_worker, task_queue, tmp_path, work_dir):
    handle = await start(client, managed_input(repo(tmp_path), ticks=600), task_queue)
    job = await running_job(work_dir, handle.id)
    await handle.cancel()
    with pytest.raises(WorkflowFailureError) as err:
        await asyncio.wait_for(handle.result(), RUN_LIMIT)
    assert isinstance(err.value.cause, CancelledError)
    (after,) = await nothing_left(work_dir, handle.id)
    assert (after.job_id, after.status, after.recoveries) == (job.job_id, "CANCELLED", 0)
    assert "cancelling job" in local_worker.log()


async def test_a_managed_sweep_runs_each_branch_as_a_job_of_its_own(
    client, local_worker, task_queue, tmp_path, work_dir
):
    steps = [pb.PipelineStep(name="train", task_yaml="train.yaml", kind=pb.STEP_KIND_MANAGED,
                             sweep=pb.Sweep(matrix=[pb.SweepAxis(name="LR", values=["1e-3", "1e-4"])],
                                            max_parallel=1))]
    handle = await start(client, managed_input(repo(tmp_path), ticks=2, steps=steps), task_queue)
    result = await asyncio.wait_for(handle.result(), RUN_LIMIT)
    jobs = await nothing_left(work_dir, handle.id)
    assert sorted(j.status for j in jobs) == ["SUCCEEDED", "SUCCEEDED"]
    assert len({j.name for j in jobs}) == 2 and all("-train-b" in j.name for j in jobs)
    assert [s.status for s in result.steps if s.name == "train"] == ["SUCCEEDED", "SUCCEEDED"]


@pytest.mark.slow
async def test_worker_killed_mid_job_re_attaches_to_the_one_job(client, temporal_server, task_queue, tmp_path,
                                                                work_dir):
    worker = WorkerProcess(worker_env(temporal_server, work_dir, task_queue), tmp_path / "worker.log").start()
    try:
        handle = await start(client, managed_input(repo(tmp_path), ticks=80), task_queue)
        job = await running_job(work_dir, handle.id)
        killed = time.monotonic()
        worker.kill()
        await asyncio.sleep(1)
        await asyncio.to_thread(worker.start)
        result = await asyncio.wait_for(handle.result(), RUN_LIMIT)
        closed_s = time.monotonic() - killed
    finally:
        worker.stop()
    (after,) = await nothing_left(work_dir, handle.id)
    train = next(s for s in result.steps if s.name == "train")
    assert (after.job_id, after.status, train.job_id, train.recoveries) == (job.job_id, "SUCCEEDED", job.job_id, 0)
    assert f"re-attaching to managed job {job.job_id}" in worker.log()
    record_row("reliability_preemption", "local executor: worker SIGKILLed while the managed job trains, "
               "restarted at once", outcome="completed", recovered="the step's next attempt re-attached to the "
               "managed job by its id", closed_s=closed_s, clusters_left=len(clusters(work_dir)),
               jobs="train 1 (managed)", notes=f"one managed job ({after.job_id}) in the executor's records")
