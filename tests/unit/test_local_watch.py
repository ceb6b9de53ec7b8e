"""Status wake-ups for local jobs: a status written wakes its waiters, nothing else does."""

from __future__ import annotations

import asyncio
import shutil

from skypilot_temporal.executors.local_job import write_atomic
from skypilot_temporal.executors.local_watch import StatusWatch


async def woken(event: asyncio.Event, within: float = 2.0) -> bool:
    try:
        await asyncio.wait_for(event.wait(), within)
        return True
    except asyncio.TimeoutError:
        return False


async def test_a_status_written_wakes_every_waiter_of_that_job(tmp_path):
    watch = StatusWatch()
    first, second = watch.watch(tmp_path), watch.watch(tmp_path)
    assert first is not None and second is not None
    write_atomic(tmp_path / "pid", "123")  # other files of the job: no wake-up
    assert not await woken(first[1], within=0.2)
    write_atomic(tmp_path / "status", "RUNNING")
    assert await woken(first[1]) and await woken(second[1])
    watch.unwatch(first[0])
    watch.unwatch(second[0])
    assert watch._fd == -1  # no inotify instance kept while nothing is waited on


async def test_a_removed_job_directory_wakes_its_waiter(tmp_path):
    job = tmp_path / "job"
    job.mkdir()
    watch = StatusWatch()
    found = watch.watch(job)
    assert found is not None
    shutil.rmtree(job)
    assert await woken(found[1])
    watch.unwatch(found[0])


async def test_a_missing_directory_means_polling(tmp_path):
    watch = StatusWatch()
    assert watch.watch(tmp_path / "gone") is None
    assert watch._fd == -1
