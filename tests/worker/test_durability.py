"""Faults on the local executor, through a real dev server and worker: the worker
killed inside each activity, the dev server killed, cancellation at each kind of step,
and a cancel among busy runs. The scenarios are in tests/faults.py (the Slurm versions
in tests/e2e/test_slurm_faults.py run the same code); each records a row of
docs/reliability.md."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from faults import (
    PHASES,
    LocalRig,
    cancel_during,
    cancel_under_load,
    kill_temporal_during_training,
    kill_worker_during,
)


@pytest.fixture
def rig(client, temporal_server, task_queue, work_dir, tmp_path) -> Iterator[LocalRig]:
    r = LocalRig(client, temporal_server, task_queue, work_dir, tmp_path)
    yield r
    r.stop_workers()


# Clone and down retry after their fixed 30 s heartbeat timeout: minutes in all, so
# `make e2e` runs them; the steps' (3 s here) are quick.
SLOW_PHASES = ("clone", "down preprocess", "down train")


@pytest.mark.parametrize("phase", [pytest.param(p, marks=pytest.mark.slow) if p in SLOW_PHASES else p
                                   for p in PHASES])
async def test_worker_killed_inside_each_activity_restarts_and_completes(rig, phase):
    await kill_worker_during(rig, phase)


@pytest.mark.parametrize("when", ["launch", "training", "exec", "double"])
async def test_cancel_cancels_the_job_and_leaves_no_cluster(rig, when):
    await cancel_during(rig, when)


async def test_temporal_server_killed_during_training_run_completes(rig):
    await kill_temporal_during_training(rig)


async def test_cancel_among_busy_runs_with_one_thread_is_not_starved(rig):
    # One thread for everything the worker hands to threads (SDK calls, file work).
    await cancel_under_load(rig, runs=3, train_s=60, SKYPILOT_TEMPORAL_SDK_THREADS="1")
