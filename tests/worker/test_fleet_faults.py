"""Two workers on one task queue (local executor, real dev server): the one running
training dies, or freezes past its heartbeat timeout and comes back; the other takes
the step over and re-attaches to the same job. The scenarios are in tests/faults.py
(shared with the Slurm versions) and record rows of docs/reliability.md."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from faults import LocalRig, freeze_one_of_two, kill_one_of_two


@pytest.fixture
def rig(client, temporal_server, task_queue, work_dir, tmp_path) -> Iterator[LocalRig]:
    r = LocalRig(client, temporal_server, task_queue, work_dir, tmp_path)
    yield r
    r.stop_workers()


async def test_worker_killed_for_good_the_other_takes_over_the_job(rig):
    await kill_one_of_two(rig)


async def test_stalled_worker_resuming_does_not_cancel_the_reattached_job(rig):
    await freeze_one_of_two(rig)
