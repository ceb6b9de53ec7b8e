"""Cancellation and a worker killed mid-step, on the local executor."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pipeline_helpers import activity_attempts, activity_names, clusters, pipeline_input, progress, seed_steps, start, wait_until
from support import make_git_repo
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import CancelledError

SLOW_TRAIN = """name: train
envs:
  DATA_BUCKET_NAME:
  MARKER: none
file_mounts:
  /data:
    name: $DATA_BUCKET_NAME
    store: s3
run: |
  echo "training with $MARKER"
  for i in $(seq 1 ${STEPS:-600}); do sleep 0.1; done
  echo trained > /data/trained_model.txt
"""


def train_job_status(work_dir: Path, job: int = 1) -> str:
    for status in (work_dir / "local" / "clusters").glob(f"*-train-*/jobs/{job}/status"):
        return status.read_text().strip()
    return ""


def processes_with(marker: str) -> list[int]:
    """PIDs whose environment carries `marker` (the jobs of one test)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


async def test_cancel_during_training_cancels_the_job_and_tears_down(
    client, local_worker, task_queue, tmp_path: Path, work_dir: Path
):
    marker = f"cancel-marker-{tmp_path.name}"
    repo = make_git_repo(tmp_path / "slow", files={"train.yaml": SLOW_TRAIN})
    handle = await start(client, pipeline_input(repo, envs_override={"MARKER": marker}), task_queue)
    await wait_until(lambda: train_job_status(work_dir) == "RUNNING", timeout=60)
    assert processes_with(marker)

    await handle.cancel()
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    assert isinstance(failure.value.cause, CancelledError)

    assert clusters(work_dir) == []
    assert processes_with(marker) == []
    names = await activity_names(handle)
    assert names[-1] == "run_sky_down" and "run_sky_exec" not in names
    assert (await progress(handle)).phase == "cancelled"


async def test_worker_killed_mid_training_restarts_and_reattaches_without_duplicate_job(
    client, local_worker, task_queue, tmp_path: Path, work_dir: Path
):
    repo = make_git_repo(tmp_path / "slow", files={"train.yaml": SLOW_TRAIN})
    inp = pipeline_input(repo, envs_override={"STEPS": "60"}, steps=seed_steps(heartbeat_s=3))
    handle = await start(client, inp, task_queue)
    await wait_until(lambda: train_job_status(work_dir) == "RUNNING", timeout=60)

    local_worker.kill()
    assert train_job_status(work_dir) == "RUNNING"  # the job outlives the worker
    local_worker.start()

    result = await handle.result()
    assert [(s.name, s.status, s.job_id) for s in result.steps] == [
        ("preprocess", "SUCCEEDED", 1),
        ("train", "SUCCEEDED", 1),
        # Job 2 on the train cluster: the training job was not submitted twice.
        ("eval", "SUCCEEDED", 2),
    ]
    launches = [a for a in await activity_attempts(handle) if a[0] == "run_sky_launch"]
    assert launches[-1][1] >= 2  # train ran a second attempt, which re-attached
    assert "re-attaching to job 1" in local_worker.log()
    assert clusters(work_dir) == []
