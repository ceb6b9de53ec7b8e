"""A long-lived worker does not pile up checkouts and local leftovers."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from pipeline_helpers import pipeline_input, start, wait_until
from support import WorkerProcess, make_git_repo, worker_env

from skypilot_temporal.tasks.repo import tree_bytes

BOUND = 6 * 1024 * 1024  # each run leaves a 2.5 MB bucket behind


def checkouts(work_dir: Path) -> list[str]:
    root = work_dir / "checkouts"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


async def test_many_runs_leave_a_bounded_work_dir(client, temporal_server, task_queue, tmp_path, work_dir):
    env = worker_env(temporal_server, work_dir, task_queue,
                     SKYPILOT_TEMPORAL_HOUSEKEEPING_SECONDS="1",
                     SKYPILOT_TEMPORAL_MAX_WORK_DIR_BYTES=str(BOUND))
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    good = make_git_repo(tmp_path / "good")
    bad = make_git_repo(tmp_path / "bad", files={"eval.yaml": "run: echo\nnot_a_field: 1\n"})
    peak = 0
    try:
        for batch in range(3):
            handles = []
            for i in range(4):
                envs = {"DATA_BUCKET_NAME": f"bucket-{batch}-{i}", "SECONDS_PER_FILE": "0.01"}
                handles.append(await start(client, pipeline_input(good, envs_override=envs), task_queue))
            # A run refused at clone time never reaches a down: the sweep removes its checkout.
            handles.append(await start(client, pipeline_input(bad), task_queue))
            results = await asyncio.gather(*(h.result() for h in handles), return_exceptions=True)
            assert sum(not isinstance(r, BaseException) for r in results) == 4
            peak = max(peak, len(checkouts(work_dir)))
        await wait_until(lambda: checkouts(work_dir) == [], timeout=15)
        # Buckets of ended runs are idle leftovers: past the bound, the oldest go.
        deadline = time.monotonic() + 15
        while tree_bytes(work_dir) > BOUND and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        assert tree_bytes(work_dir) <= BOUND, sorted(p.name for p in (work_dir / "local" / "buckets").iterdir())
    finally:
        worker.stop()
    assert peak <= 5
    assert "housekeeping: removed" in worker.log()


async def test_final_down_releases_the_checkout_at_once(client, shared_worker, example_repo):
    handle = await start(client, pipeline_input(example_repo), shared_worker.task_queue)
    await handle.result()
    run_dirs = [p for p in checkouts(shared_worker.work_dir) if handle.id in p]
    assert run_dirs == []
