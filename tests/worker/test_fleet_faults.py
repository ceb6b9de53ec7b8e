"""Two workers on one task queue: a stalled worker that comes back must not cancel the
job its replacement re-attached to (local executor, real dev server)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from pipeline_helpers import activity_attempts, pipeline_input, seed_steps, start, wait_until
from support import WorkerProcess, make_git_repo, worker_env

TRAIN = """name: train
envs:
  DATA_BUCKET_NAME:
file_mounts:
  /data:
    name: $DATA_BUCKET_NAME
    store: s3
run: |
  set -euo pipefail
  echo "training starts"
  for i in $(seq 1 ${STEPS:-150}); do sleep 0.1; done
  echo trained > /data/trained_model.txt
"""


def train_status(work_dir: Path) -> str:
    for status in (work_dir / "local" / "clusters").glob("*-train-*/jobs/1/status"):
        return status.read_text().strip()
    return ""


async def test_stalled_worker_resuming_does_not_cancel_the_reattached_job(
    client, temporal_server, task_queue, tmp_path, work_dir
):
    workers = [
        WorkerProcess(worker_env(temporal_server, work_dir, task_queue), tmp_path / f"worker{i}.log").start()
        for i in range(2)
    ]
    try:
        repo = make_git_repo(tmp_path / "tasks", files={"train.yaml": TRAIN})
        handle = await start(client, pipeline_input(repo, steps=seed_steps(heartbeat_s=3)), task_queue)
        await wait_until(lambda: train_status(work_dir) == "RUNNING", timeout=60)
        running = next(w for w in workers if "train.yaml (attempt 1)" in w.log())
        other = next(w for w in workers if w is not running)
        assert running.proc is not None
        os.kill(running.proc.pid, signal.SIGSTOP)
        try:
            # Past the heartbeat timeout the other worker takes the step over (attempts
            # first land on the frozen worker's open polls until those expire).
            await wait_until(lambda: "re-attaching to job 1" in other.log(), timeout=180)
        finally:
            os.kill(running.proc.pid, signal.SIGCONT)
        result = await handle.result()
    finally:
        for w in workers:
            w.stop()
    assert [(s.name, s.status, s.job_id) for s in result.steps] == [
        ("preprocess", "SUCCEEDED", 1), ("train", "SUCCEEDED", 1), ("eval", "SUCCEEDED", 2)]
    # The stalled attempt only stopped waiting; it never cancelled the job.
    # (Resumed, it finds its attempt superseded and stops, or the job already ended
    # and its late result is refused by the server; either way it cancels nothing.)
    assert "cancelling job" not in running.log() and "downing" not in running.log()
    launches = [a for a in await activity_attempts(handle) if a[0] == "run_sky_launch"]
    assert max(attempt for _, attempt in launches) >= 2
