"""Status wake-ups for local jobs: a status written wakes its waiters, nothing else does."""

from __future__ import annotations

import asyncio
import os
import shutil

from skypilot_temporal.executors.local.job import write_atomic
from skypilot_temporal.executors.local.watch import StatusWatch


async def woken(event: asyncio.Event, within: float = 2.0) -> bool:
    try:
        await asyncio.wait_for(event.wait(), within)
        return True
    except asyncio.TimeoutError:
        return False


async def closed(fd: int, within: float = 5.0) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != "anon_inode:inotify":
                return True  # the number was closed and already reused
        except FileNotFoundError:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_a_status_written_wakes_every_waiter_of_that_job(tmp_path):
    watch = StatusWatch()
    first, second = watch.watch(tmp_path), watch.watch(tmp_path)
    assert first is not None and second is not None
    write_atomic(tmp_path / "pid", "123")  # other files of the job: no wake-up
    assert not await woken(first[1], within=0.2)
    write_atomic(tmp_path / "status", "RUNNING")
    assert await woken(first[1]) and await woken(second[1])
    fd = watch._fd
    watch.unwatch(first[0])
    watch.unwatch(second[0])
    assert watch._fd == -1  # no inotify instance kept while nothing is waited on
    # ...and the instance is closed, by a thread (a close waits for the kernel).
    assert await closed(fd)


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
