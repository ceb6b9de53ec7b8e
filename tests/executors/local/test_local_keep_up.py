"""keep_up on the local executor: a cluster's autodown becomes the new number of idle
minutes where the agent reads it (cluster.json), idle still counted from the end of its
last job, and nothing is left watching it with the launch's length.

The agent counts whole minutes and looks every 10 s, so these tests ask the agent's own
test (autodown_due) at a given time instead of waiting for a down."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from support import alive, wait_for

from skypilot_temporal.executors.base import SUCCEEDED, Submission
from skypilot_temporal.executors.local import job as local_job
from skypilot_temporal.executors.local.executor import LocalExecutor
from skypilot_temporal.tasks.build import parse_task

LAUNCH_MINUTES = 30
KEPT_MINUTES = 240


@pytest_asyncio.fixture
async def executor(tmp_path: Path) -> AsyncIterator[LocalExecutor]:
    root = tmp_path / "work" / "local"
    executor = LocalExecutor(root, hide=(root.parent,))
    yield executor
    await executor.down("c1")
    pid_file = root / local_job.AGENT_PID
    if pid_file.exists() and alive(pid := int(pid_file.read_text())):
        os.kill(pid, signal.SIGKILL)


async def launch(executor: LocalExecutor, tmp_path: Path) -> float:
    """Launches cluster c1 with the launch's autodown and a job that ends at once;
    returns when the job ended, as the agent reads it."""
    (tmp_path / "repo").mkdir()
    sub = Submission("launch", "c1", "job", parse_task({"name": "job", "run": "true"}), tmp_path / "repo",
                     autodown_minutes=LAUNCH_MINUTES)
    job_id = await executor.submit(sub, lambda c, urgent=True: None, {}, lambda s: None)
    assert await executor.wait_job("c1", job_id, lambda s: None, {}) == SUCCEEDED
    return (executor.cluster_dir("c1") / "jobs" / str(job_id) / "status").stat().st_mtime


def due_after(cdir: Path, ended: float, minutes: float) -> bool:
    """Whether the agent downs the cluster `minutes` after its last job ended."""
    return local_job.autodown_due(str(cdir), ended + minutes * 60)


async def test_keep_up_sets_the_autodown_the_agent_reads(executor, tmp_path):
    ended = await launch(executor, tmp_path)
    cdir = executor.cluster_dir("c1")
    assert due_after(cdir, ended, LAUNCH_MINUTES + 1)

    assert await executor.keep_up("c1", KEPT_MINUTES) is True

    assert json.loads((cdir / "cluster.json").read_text())["autodown_minutes"] == KEPT_MINUTES
    # Past the launch's autodown it stays; idle for the new length from its last job, it goes.
    assert not due_after(cdir, ended, LAUNCH_MINUTES + 1)
    assert not due_after(cdir, ended, KEPT_MINUTES - 1)
    assert due_after(cdir, ended, KEPT_MINUTES)
    # The agent, which downs it even with no worker left, runs.
    assert local_job._connectable(executor._agent_path())


async def test_keep_up_stops_a_watchdog_of_the_launchs_length(executor, tmp_path):
    await launch(executor, tmp_path)
    cdir = executor.cluster_dir("c1")
    # What a launch leaves when no agent can be had: a watchdog with the launch's length.
    executor._detached("autodown", str(cdir), str(LAUNCH_MINUTES))
    old = int(wait_for(lambda: local_job.read_text(cdir / "autodown.pid")))

    assert await executor.keep_up("c1", KEPT_MINUTES) is True

    wait_for(lambda: not alive(old))
    # The agent watches the cluster now, with the new length.
    assert not (cdir / "autodown.pid").exists()
    assert local_job._connectable(executor._agent_path())


async def test_without_an_agent_keep_up_starts_a_watchdog_of_the_new_length(executor, tmp_path, monkeypatch):
    await launch(executor, tmp_path)
    cdir = executor.cluster_dir("c1")
    monkeypatch.setattr(executor, "_agent_running", lambda: False)

    assert await executor.keep_up("c1", KEPT_MINUTES) is True

    pid = int(wait_for(lambda: local_job.read_text(cdir / "autodown.pid")))
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    assert argv[-4:-1] == [b"autodown", str(cdir).encode(), str(KEPT_MINUTES).encode()]


async def test_keep_up_on_a_missing_cluster_is_false_and_makes_none(executor):
    assert await executor.keep_up("c1", KEPT_MINUTES) is False
    assert not executor.cluster_dir("c1").exists()
