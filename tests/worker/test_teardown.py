"""Clusters belong to one run, budgets end in teardown, and teardown never gives up
silently — on the local executor, through a real dev server and worker."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from faults import record_row
from pipeline_helpers import clusters, pipeline_input, progress, start, wait_until
from support import make_git_repo
from temporalio.client import WorkflowFailureError

from skypilot_temporal.v1 import pipeline_pb2 as pb

L, E = pb.STEP_KIND_LAUNCH, pb.STEP_KIND_EXEC

SLOW_TRAIN = """name: train
envs:
  DATA_BUCKET_NAME:
run: |
  set -euo pipefail
  echo "training"
  for i in $(seq 1 ${STEPS:-600}); do sleep 0.1; done
  echo trained
"""


def job_status(work_dir: Path, cluster_part: str, job: int = 1) -> str:
    for status in (work_dir / "local" / "clusters").glob(f"*-{cluster_part}-*/jobs/{job}/status"):
        return status.read_text().strip()
    return ""


async def test_two_runs_with_one_prefix_get_their_own_clusters(
    client, shared_worker, example_repo
):
    inp = pipeline_input(example_repo, cluster_prefix="team-a")
    a, b = await start(client, inp, shared_worker.task_queue), await start(client, inp, shared_worker.task_queue)
    ra, rb = await asyncio.gather(a.result(), b.result())
    names_a = {s.cluster_name for s in ra.steps}
    names_b = {s.cluster_name for s in rb.steps}
    assert len(names_a) == len(names_b) == 2 and not names_a & names_b
    assert all(n.startswith("team-a-") for n in names_a | names_b)
    # The progress query names them from the start: what to look for in `sky status`.
    assert set((await progress(a)).clusters) == names_a
    assert set(ra.clusters_downed) == names_a and set(rb.clusters_downed) == names_b
    assert clusters(shared_worker.work_dir) == []


async def test_step_budget_cancels_the_job_and_downs_the_clusters(
    client, local_worker, task_queue, tmp_path, work_dir
):
    repo = make_git_repo(tmp_path / "slow", files={"train.yaml": SLOW_TRAIN})
    steps = [pb.PipelineStep(name="train", task_yaml="train.yaml", kind=L, timeout_seconds=4)]
    handle = await start(client, pipeline_input(repo, steps=steps), task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert message.startswith("step 'train' failed: ran out of its budget of 4 s (timeout_seconds")
    assert failure.value.cause.type == "StepTimedOut"
    assert "run cancelled: cancelling job 1" in local_worker.log()
    assert clusters(work_dir) == []
    assert (await progress(handle)).phase == "failed"


async def test_teardown_that_cannot_finish_fails_the_run_naming_the_cluster(
    client, local_worker, task_queue, tmp_path, work_dir
):
    repo = make_git_repo(tmp_path / "stuck", files={"train.yaml": (
        "run: |\n  set -e\n  mkdir -p stuck && touch stuck/file\n  sleep 4\n")})
    steps = [pb.PipelineStep(name="train", task_yaml="train.yaml", kind=L)]
    inp = pipeline_input(repo, steps=steps, launch=pb.LaunchOptions(teardown_timeout_seconds=6))
    handle = await start(client, inp, task_queue)
    root = work_dir / "local" / "clusters"
    stuck: list[Path] = []
    try:
        # While the job runs, its cluster directory gets an immutable entry (as a busy
        # mount or a failing API server would): no down can remove it.
        await wait_until(lambda: bool(list(root.glob("*/home/stuck/file"))), timeout=60)
        stuck = list(root.glob("*/home/stuck"))
        subprocess.run(["chattr", "+i", str(stuck[0])], check=True)
        with pytest.raises(WorkflowFailureError) as failure:
            await handle.result()
        cluster = (await progress(handle)).clusters[0]
        message = failure.value.cause.message
        assert message.startswith(f"teardown failed: clusters still up: {cluster}.")
        assert "could not be removed" in message
        assert "The steps themselves completed: train SUCCEEDED" in message
        assert failure.value.cause.type == "TeardownFailed"
        p = await progress(handle)
        assert p.phase == "teardown_failed" and list(p.clusters_left) == [cluster]
        assert clusters(work_dir) == [cluster]
    finally:
        for path in stuck:
            subprocess.run(["chattr", "-i", str(path)], check=False)
        for cluster_dir in root.glob("*"):
            shutil.rmtree(cluster_dir, ignore_errors=True)  # its watchdog exits with it


async def test_terminate_right_after_cancel_still_leaves_no_cluster(
    client, local_worker, task_queue, tmp_path, work_dir
):
    # (A second cancel during teardown: tests/worker/test_durability.py, "double".)
    repo = make_git_repo(tmp_path / "slow", files={"train.yaml": SLOW_TRAIN})
    handle = await start(client, pipeline_input(repo), task_queue)
    await wait_until(lambda: job_status(work_dir, "train") == "RUNNING", timeout=60)
    await handle.cancel()
    await handle.terminate("operator gave up")
    deadline = time.monotonic() + 30
    while clusters(work_dir) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert clusters(work_dir) == []
    # The SDK (temporalio 1.34) cannot evict a run terminated while its step's activity
    # is still cancelling; the worker still stops when asked, within its drain limit.
    started = time.monotonic()
    await asyncio.to_thread(local_worker.stop)
    assert local_worker.proc is not None and local_worker.proc.returncode in (0, 1)
    assert time.monotonic() - started < 29, local_worker.log()[-2000:]


async def test_terminate_without_cancel_is_cleaned_up_by_the_running_step(
    client, local_worker, task_queue, tmp_path, work_dir
):
    repo = make_git_repo(tmp_path / "slow", files={"train.yaml": SLOW_TRAIN})
    steps = [pb.PipelineStep(name="train", task_yaml="train.yaml", kind=L, heartbeat_timeout_seconds=4)]
    handle = await start(client, pipeline_input(repo, steps=steps), task_queue)
    await wait_until(lambda: job_status(work_dir, "train") == "RUNNING", timeout=60)
    await handle.terminate("gone")
    # The step's heartbeat finds the run closed: it cancels its job and downs its cluster.
    await wait_until(lambda: clusters(work_dir) == [], timeout=30)
    assert "the run is closed without teardown" in local_worker.log()


@pytest.mark.slow  # an idle minute by design
async def test_autodown_downs_an_idle_cluster_when_no_worker_is_left(
    client, local_worker, task_queue, tmp_path, work_dir
):
    repo = make_git_repo(tmp_path / "slow", files={"train.yaml": SLOW_TRAIN})
    steps = [pb.PipelineStep(name="train", task_yaml="train.yaml", kind=L)]
    inp = pipeline_input(repo, steps=steps, envs_override={"STEPS": "20"},
                         launch=pb.LaunchOptions(idle_minutes_to_autodown=1))
    handle = await start(client, inp, task_queue)
    await wait_until(lambda: job_status(work_dir, "train") == "RUNNING", timeout=60)
    local_worker.kill()  # and no worker comes back
    killed = time.monotonic()
    await wait_until(lambda: job_status(work_dir, "train") == "SUCCEEDED", timeout=30)
    idle_since = time.monotonic()
    assert len(clusters(work_dir)) == 1
    jobs = len(list((work_dir / "local" / "clusters").glob("*-train-*/jobs/*")))
    # The local agent (it outlives the worker) downs it after one idle minute (it checks
    # every 10 s).
    await wait_until(lambda: clusters(work_dir) == [], timeout=100, every=0.5)
    gone = time.monotonic()
    assert 55 <= gone - idle_since <= 100
    await handle.terminate("no worker left")
    record_row("reliability", "autodown, idle_minutes_to_autodown=1: worker SIGKILLed while training, never restarted",
               outcome="cluster downed by the local agent; run terminated afterwards",
               recovered_s=gone - killed, recovered="no cluster left",
               clusters_left=len(clusters(work_dir)), jobs=f"train {jobs}",
               notes=f"the job ended {idle_since - killed:.1f} s after the kill; "
                     f"cluster gone {gone - idle_since:.1f} s after it went idle")
