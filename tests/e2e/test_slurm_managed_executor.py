"""Managed jobs on real SkyPilot and the local Slurm cluster, driving SkyPilotExecutor
directly: a run to its end with its log, a re-attach that finds the same job, a cancel,
and a preemption (scancel of the job's allocation) the jobs controller recovers from.

Needs the rig up with its managed-jobs switch (LOCAL_SLURM_MANAGED_JOBS=1, as `make e2e`
brings it up): the jobs controller inside the API server and its network-check stand-in.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from slurm_helpers import SLURM_DIR

from skypilot_temporal.executors.base import (
    CANCELLED,
    MANAGED_TERMINAL,
    RECOVERING,
    SUCCEEDED,
    ManagedJob,
    Submission,
)
from skypilot_temporal.executors.skypilot.executor import SkyPilotExecutor
from skypilot_temporal.tasks.build import parse_task

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

SSH_USER = os.environ.get("LOCAL_SLURM_SSH_USER", "skyslurm")
# A managed job here: ~25 s of provisioning, then its run; ~75 s more per recovery.
JOB_LIMIT_S = 600.0


def managed_switch_off() -> str | None:
    """Why the rig cannot run managed jobs, or None when it can."""
    config_path = SLURM_DIR / "sky-config.yaml"
    if not config_path.exists():
        return f"no {config_path}: the Slurm rig is not up"
    config = yaml.safe_load(config_path.read_text()) or {}
    if not ((config.get("jobs") or {}).get("controller") or {}).get("consolidation_mode"):
        return ("the Slurm rig runs without its managed-jobs switch: bring it up with "
                "LOCAL_SLURM_MANAGED_JOBS=1 tests/infra/slurm/up.sh (make e2e does)")
    pid_file = SLURM_DIR / "run" / "netcheck.pid"
    if not pid_file.exists() or not Path(f"/proc/{pid_file.read_text().strip()}").exists():
        return "the managed-jobs network-check stand-in is not running: run up.sh again with LOCAL_SLURM_MANAGED_JOBS=1"
    return None


class Recorder:
    """The executor's callbacks of one job: its log, checkpoints and state changes."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.checkpoints: list[tuple[dict[str, Any], bool]] = []
        self.changes: list[ManagedJob] = []

    def sink(self, text: str) -> None:
        self.log.append(text)

    def checkpoint(self, update: dict[str, Any], *, urgent: bool = True) -> None:
        self.checkpoints.append((dict(update), urgent))

    def on_change(self, job: ManagedJob) -> None:
        self.changes.append(job)

    def text(self) -> str:
        return "".join(self.log)

    def statuses(self) -> list[str]:
        return [j.status for j in self.changes]


class ManagedRun:
    """One test's executor and the managed jobs it named; checks that none is left."""

    def __init__(self, tmp_path: Path) -> None:
        self.executor = SkyPilotExecutor(threads=4)
        self.tmp_path = tmp_path
        self.prefix = f"e2e-mj-{uuid.uuid4().hex[:6]}"
        self.names: list[str] = []

    def submission(self, short: str, run: str, retry: bool = False, **resources: Any) -> Submission:
        name = f"{self.prefix}-{short}"
        if name not in self.names:
            self.names.append(name)
        task = parse_task({"name": name, "resources": {"infra": "slurm", "cpus": "1+", **resources}, "run": run})
        return Submission("managed", "", name, task, self.tmp_path, retry=retry)

    async def mine(self) -> list[ManagedJob]:
        return [j for j in await self.executor.managed_jobs() if j.name in self.names]

    async def clusters(self) -> list[str]:
        import sky

        records = await asyncio.to_thread(
            lambda: sky.get(sky.status(refresh=sky.StatusRefreshMode.FORCE, all_users=True)))
        return sorted(r["name"] for r in records if str(r["name"]).startswith(self.prefix))

    async def finish(self) -> None:
        """Cancels what a failed test left going, then checks that nothing is left."""
        going = [j for j in await self.mine() if j.status not in MANAGED_TERMINAL]
        for job in going:
            await self.executor.cancel_managed(job.job_id, job.name, {})
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            going = [j for j in await self.mine() if j.status not in MANAGED_TERMINAL]
            clusters = await self.clusters()
            if not going and not clusters:
                break
            await asyncio.sleep(5)
        assert not going, f"managed jobs left going: {going}"
        assert not clusters, f"clusters left up: {clusters}"


@pytest.fixture
async def managed(tmp_path: Path) -> AsyncIterator[ManagedRun]:
    reason = managed_switch_off()
    if reason:
        pytest.skip(reason)
    run = ManagedRun(tmp_path)
    yield run
    await run.finish()


async def wait_for(predicate, what: str, timeout: float = JOB_LIMIT_S, every: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(every)


def allocations() -> dict[str, str]:
    """The Slurm jobs of the rig's SSH user (every SkyPilot cluster here is one): id -> name."""
    out = subprocess.run(["squeue", "-h", "-u", SSH_USER, "-o", "%i %j"], check=True,
                         capture_output=True, text=True).stdout
    return dict(line.split(maxsplit=1) for line in out.splitlines() if line.strip())


async def test_a_managed_job_runs_to_success_with_its_log_streamed(managed: ManagedRun):
    rec = Recorder()
    sub = managed.submission("ok", "for i in 1 2 3; do echo managed-line-$i; sleep 1; done")
    job_id = await managed.executor.launch_managed(sub, rec.checkpoint, {}, rec.sink)
    # The request is checkpointed at once, the job id once known.
    assert rec.checkpoints[0][0].keys() == {"request_id"} and rec.checkpoints[0][1] is True
    assert rec.checkpoints[-1][0] == {"request_id": rec.checkpoints[0][0]["request_id"], "job_id": job_id}
    job = await asyncio.wait_for(managed.executor.wait_managed(job_id, rec.sink, {}, rec.on_change), JOB_LIMIT_S)
    print(f"\nmanaged job {job_id}: {rec.statuses()}")
    assert (job.job_id, job.name, job.status, job.recoveries) == (job_id, sub.job_name, SUCCEEDED, 0)
    assert job.failure_reason == ""
    assert rec.statuses()[-1] == SUCCEEDED
    for i in (1, 2, 3):
        assert f"managed-line-{i}" in rec.text(), rec.text()[-2000:]


async def test_a_retry_finds_the_same_job_and_submits_no_second(managed: ManagedRun):
    rec = Recorder()
    sub = managed.submission("again", "echo started; sleep 20; echo done")
    job_id = await managed.executor.launch_managed(sub, rec.checkpoint, {}, rec.sink)
    request_id = rec.checkpoints[0][0]["request_id"]
    assert await managed.executor.find_managed(sub.job_name) == job_id
    # A later attempt: with nothing checkpointed, with the request only, with the job.
    retry = managed.submission("again", "echo started; sleep 20; echo done", retry=True)
    for resume in ({}, {"request_id": request_id}, {"job_id": job_id}):
        again = Recorder()
        assert await managed.executor.launch_managed(retry, again.checkpoint, resume, again.sink) == job_id, resume
    assert [j.job_id for j in await managed.mine()] == [job_id]
    job = await asyncio.wait_for(managed.executor.wait_managed(job_id, rec.sink, {}, rec.on_change), JOB_LIMIT_S)
    assert job.status == SUCCEEDED
    assert [j.job_id for j in await managed.mine()] == [job_id]


async def test_a_cancel_mid_run_ends_the_job_cancelled(managed: ManagedRun):
    rec = Recorder()
    sub = managed.submission("cancel", "echo started; sleep 600")
    job_id = await managed.executor.launch_managed(sub, rec.checkpoint, {}, rec.sink)
    waiting = asyncio.ensure_future(managed.executor.wait_managed(job_id, rec.sink, {}, rec.on_change))
    await wait_for(lambda: "started" in rec.text() or waiting.done(), "the job's run to start")
    assert not waiting.done(), waiting.result()
    await managed.executor.cancel_managed(job_id, sub.job_name, {})
    job = await asyncio.wait_for(waiting, 180)
    assert job.status == CANCELLED, rec.statuses()
    # Idempotent, and never raises: by id again, and by name only.
    await managed.executor.cancel_managed(job_id, sub.job_name, {})
    await managed.executor.cancel_managed(None, sub.job_name, {})
    assert [(j.job_id, j.status) for j in await managed.mine()] == [(job_id, CANCELLED)]


async def test_a_preempted_job_is_recovered_and_succeeds(managed: ManagedRun):
    rec = Recorder()
    sub = managed.submission("preempt", "echo run-started; sleep 30; echo run-done")
    job_id = await managed.executor.launch_managed(sub, rec.checkpoint, {}, rec.sink)
    waiting = asyncio.ensure_future(managed.executor.wait_managed(job_id, rec.sink, {}, rec.on_change))
    await wait_for(lambda: "run-started" in rec.text() or waiting.done(), "the job's run to start")
    assert not waiting.done(), waiting.result()
    before = allocations()
    mine = [i for i, name in before.items() if sub.job_name in name]
    assert len(mine) == 1, before
    # Slurm takes the allocation away, as a preemption would.
    subprocess.run(["scancel", mine[0]], check=True)
    job = await asyncio.wait_for(waiting, JOB_LIMIT_S)
    print(f"\nmanaged job {job_id}: {[(j.status, j.recoveries) for j in rec.changes]}")
    assert RECOVERING in rec.statuses()
    assert (job.status, job.recoveries) == (SUCCEEDED, 1)
    assert job.last_recovered_at is not None and job.last_recovered_at > 0
    assert rec.text().count("run-started") >= 1 and "run-done" in rec.text()
