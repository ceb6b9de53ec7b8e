"""Managed jobs on the local executor: capacity of their own, brought back after a
preemption (the task killed from outside) or a failure the task's job_recovery allows,
never after a cancel, and their capacity gone once they end, with or without a worker."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from support import alive, wait_for

from skypilot_temporal.executors.base import (
    CANCELLED,
    FAILED,
    FAILED_SETUP,
    RECOVERING,
    SUCCEEDED,
    ManagedJob,
    PermanentError,
    Submission,
)
from skypilot_temporal.executors.local import job as local_job
from skypilot_temporal.executors.local import managed as local_managed
from skypilot_temporal.executors.local.executor import LocalExecutor
from skypilot_temporal.tasks.build import parse_task


@pytest_asyncio.fixture
async def executor(tmp_path: Path) -> AsyncIterator[LocalExecutor]:
    root = tmp_path / "work" / "local"
    (tmp_path / "repo").mkdir()
    executor = LocalExecutor(root, hide=(root.parent,))
    yield executor
    for job in await executor.managed_jobs():
        await executor.cancel_managed(job.job_id, job.name, {})
    pid_file = root / local_job.AGENT_PID
    if pid_file.exists() and alive(pid := int(pid_file.read_text())):
        os.kill(pid, signal.SIGKILL)


def managed_sub(tmp_path: Path, name: str, task: dict[str, Any], **kw: Any) -> Submission:
    return Submission("managed", name, name, parse_task({"name": name, **task}), tmp_path / "repo", **kw)


async def launch(executor: LocalExecutor, sub: Submission, resume: dict[str, Any] | None = None,
                 checkpoints: list[dict[str, Any]] | None = None) -> int:
    def checkpoint(update: dict[str, Any], urgent: bool = True) -> None:
        if checkpoints is not None:
            checkpoints.append(update)

    return await executor.launch_managed(sub, checkpoint, resume or {}, lambda s: None)


async def follow(executor: LocalExecutor, job_id: int) -> tuple[ManagedJob, str, list[ManagedJob]]:
    out: list[str] = []
    changes: list[ManagedJob] = []
    job = await asyncio.wait_for(executor.wait_managed(job_id, out.append, {}, changes.append), 20)
    return job, "".join(out), changes


def capacity(executor: LocalExecutor, name: str, job_id: int) -> Path:
    return executor.cluster_dir(f"{name}-{job_id}")


def task_pid_when(executor: LocalExecutor, name: str, job_id: int, attempt: int, line: str) -> int:
    """The task's pid of the attempt, once its log holds `line`."""
    log = executor.root / "managed" / str(job_id) / "log"
    wait_for(lambda: log.exists() and line in log.read_text())
    pid_file = capacity(executor, name, job_id) / "jobs" / str(attempt) / "task.pid"
    return int(wait_for(lambda: local_job.read_text(pid_file)))


async def test_a_managed_job_runs_setup_then_run_and_its_capacity_goes(executor, tmp_path):
    checkpoints: list[dict[str, Any]] = []
    sub = managed_sub(tmp_path, "ok", {"setup": "echo set-up", "run": "echo ran on $SKYPILOT_NUM_NODES node"})
    job_id = await launch(executor, sub, checkpoints=checkpoints)

    job, log, changes = await follow(executor, job_id)

    assert (job.job_id, job.name, job.status, job.recoveries, job.last_recovered_at) == (
        job_id, "ok", SUCCEEDED, 0, None)
    assert log.index("set-up") < log.index("ran on 1 node")
    assert checkpoints == [{"job_id": job_id}]
    assert changes[-1] == job
    assert not capacity(executor, "ok", job_id).exists()
    assert await executor.find_managed("ok") == job_id
    assert await executor.managed_jobs() == [job]


async def test_a_failure_is_restarted_as_often_as_max_restarts_on_errors_then_fails(executor, tmp_path):
    sub = managed_sub(tmp_path, "flaky", {
        "run": "echo attempt; exit 1", "resources": {"job_recovery": {"max_restarts_on_errors": 1}},
    })
    job_id = await launch(executor, sub)

    job, log, changes = await follow(executor, job_id)

    assert (job.status, job.recoveries) == (FAILED, 1)
    assert "code 1" in job.failure_reason
    assert log.count("attempt\n") == 2
    assert f"managed job {job_id}: run exited with code 1; restarting (1 of 1 restarts on errors)" in log
    assert RECOVERING in [c.status for c in changes]
    assert not capacity(executor, "flaky", job_id).exists()


async def test_a_code_in_recover_on_exit_codes_is_restarted_without_counting(executor, tmp_path):
    # Exits 3 once (a marker in its home), then 1: 3 is restarted though no restart on errors is allowed.
    sub = managed_sub(tmp_path, "codes", {
        "run": "if [ -e ~/once ]; then exit 1; fi; touch ~/once; exit 3",
        "resources": {"job_recovery": {"recover_on_exit_codes": [3]}},
    })
    job, log, _ = await follow(executor, await launch(executor, sub))

    assert (job.status, job.recoveries) == (FAILED, 1)
    assert "recover_on_exit_codes [3]" in log


async def test_a_failing_setup_ends_failed_setup(executor, tmp_path):
    sub = managed_sub(tmp_path, "nosetup", {"setup": "exit 2", "run": "echo never"})
    job, log, _ = await follow(executor, await launch(executor, sub))

    assert (job.status, job.recoveries) == (FAILED_SETUP, 0)
    assert "never" not in log


async def test_a_preempted_task_is_recovered_from_the_start_of_its_run(executor, tmp_path):
    sub = managed_sub(tmp_path, "preempted", {
        "setup": "echo setting-up",
        "run": "echo run-start; if [ -e ~/preempted-once ]; then echo finished; exit 0; fi; "
               "touch ~/preempted-once; echo waiting; sleep 60",
    })
    job_id = await launch(executor, sub)
    out: list[str] = []
    changes: list[ManagedJob] = []
    waiting = asyncio.create_task(executor.wait_managed(job_id, out.append, {}, changes.append))

    pid = await asyncio.to_thread(task_pid_when, executor, "preempted", job_id, 1, "waiting")
    before = time.time()
    os.kill(pid, signal.SIGKILL)
    job = await asyncio.wait_for(waiting, 20)

    log = "".join(out)
    assert (job.status, job.recoveries) == (SUCCEEDED, 1)
    assert job.last_recovered_at is not None and before <= job.last_recovered_at <= time.time()
    assert [c.status for c in changes].count(RECOVERING) == 1
    assert f"managed job {job_id}: preempted (killed by signal 9); recovering (recovery 1)" in log
    # Setup and run again, from the start, after the recovery line.
    after = log.split("recovering (recovery 1)", 1)[1]
    assert after.index("setting-up") < after.index("run-start") < after.index("finished")
    assert not capacity(executor, "preempted", job_id).exists()


async def test_a_cancelled_job_is_not_recovered_and_its_capacity_goes(executor, tmp_path):
    sub = managed_sub(tmp_path, "cancelled", {
        "run": "echo waiting; sleep 60", "resources": {"job_recovery": {"max_restarts_on_errors": 5}},
    })
    job_id = await launch(executor, sub)
    out: list[str] = []
    waiting = asyncio.create_task(executor.wait_managed(job_id, out.append, {}, lambda j: None))
    pid = await asyncio.to_thread(task_pid_when, executor, "cancelled", job_id, 1, "waiting")

    await executor.cancel_managed(job_id, "cancelled", {})
    job = await asyncio.wait_for(waiting, 20)

    assert (job.status, job.recoveries) == (CANCELLED, 0)
    assert not alive(pid)
    assert not capacity(executor, "cancelled", job_id).exists()
    assert "recovering" not in "".join(out) and "restarting" not in "".join(out)
    # Idempotent, and by name alone.
    await executor.cancel_managed(None, "cancelled", {})
    assert [j.status for j in await executor.managed_jobs()] == [CANCELLED]


async def test_launching_a_name_again_reattaches_to_its_job(executor, tmp_path):
    sub = managed_sub(tmp_path, "once", {"run": "echo once; sleep 1"})
    first = await launch(executor, sub)

    again = await launch(executor, managed_sub(tmp_path, "once", {"run": "echo once; sleep 1"}, retry=True))
    resumed = await launch(executor, managed_sub(tmp_path, "once", {"run": "echo once"}), resume={"job_id": first})

    assert first == again == resumed
    job, log, _ = await follow(executor, first)
    assert job.status == SUCCEEDED and log.count("once\n") == 1
    assert [j.job_id for j in await executor.managed_jobs()] == [first]


async def test_ids_are_unique_among_the_roots_managed_jobs(executor, tmp_path):
    ids = [await launch(executor, managed_sub(tmp_path, f"n{i}", {"run": "true"})) for i in range(3)]
    assert ids == [1, 2, 3]
    for job_id in ids:
        assert (await follow(executor, job_id))[0].status == SUCCEEDED


async def test_the_supervisor_ends_the_job_and_takes_its_capacity_with_no_worker_waiting(executor, tmp_path):
    sub = managed_sub(tmp_path, "alone", {
        "run": "echo attempt; sleep 0.5; exit 1", "resources": {"job_recovery": {"max_restarts_on_errors": 1}},
    })
    job_id = await launch(executor, sub)
    assert capacity(executor, "alone", job_id).is_dir()

    def ended() -> list[ManagedJob]:
        return [j for j in asyncio.run(executor.managed_jobs()) if j.status == FAILED]

    [job] = await asyncio.to_thread(wait_for, ended, 20)
    assert job.recoveries == 1
    assert not capacity(executor, "alone", job_id).exists()


async def test_only_a_managed_submission_is_launched_as_one(executor, tmp_path):
    sub = Submission("launch", "plain", "plain", parse_task({"name": "plain", "run": "true"}), tmp_path / "repo")
    with pytest.raises(PermanentError, match="kind 'launch' is not allowed"):
        await launch(executor, sub)
    assert await executor.managed_jobs() == []


async def test_waiting_on_an_unknown_managed_job_says_so(executor):
    from skypilot_temporal.executors.base import ClusterGone

    with pytest.raises(ClusterGone, match="managed job 7"):
        await executor.wait_managed(7, lambda s: None, {}, lambda j: None)


async def test_a_job_its_worker_never_started_is_started_by_the_next_wait_with_its_secrets(executor, tmp_path,
                                                                                          monkeypatch):
    # The submitting worker dies between recording the job and starting its supervisor.
    monkeypatch.setattr(local_managed, "start", lambda path, secrets: None)
    sub = managed_sub(tmp_path, "orphan", {"run": 'echo "token=$TOKEN"', "secrets": {"TOKEN": "first"}})
    job_id = await launch(executor, sub)
    monkeypatch.undo()
    name = executor.root / "managed" / str(job_id) / "name"
    os.utime(name, (time.time() - 60, time.time() - 60))

    out: list[str] = []
    job = await asyncio.wait_for(executor.wait_managed(job_id, out.append, {"TOKEN": "again"}, lambda j: None), 20)

    assert job.status == SUCCEEDED
    assert "token=again" in "".join(out)


async def test_prune_keeps_a_running_managed_job_and_removes_an_old_ended_one(executor, tmp_path):
    ended = await launch(executor, managed_sub(tmp_path, "ended", {"run": "true"}, run_key="run-a"))
    assert (await follow(executor, ended))[0].status == SUCCEEDED
    running = await launch(executor, managed_sub(tmp_path, "running", {"run": "echo waiting; sleep 60"},
                                                 run_key="run-b"))
    await asyncio.to_thread(task_pid_when, executor, "running", running, 1, "waiting")
    assert executor.run_keys() >= {"run-a", "run-b"}

    report = await asyncio.to_thread(executor.prune, time.time() + 3600, 60, 1 << 40, ())

    assert f"managed/{ended}" in report["removed"]
    assert [(j.job_id, j.status) for j in await executor.managed_jobs()] == [(running, "RUNNING")]
    assert capacity(executor, "running", running).is_dir()
