"""Managed jobs on the local executor: the worker's side (submit, follow, cancel, list).

The job's own supervisor (managed_job.py) runs, recovers and ends it; the worker
only records it, starts that supervisor, and reads what it records.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fcntl
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skypilot_temporal.executors import base
from skypilot_temporal.executors.base import Checkpoint, LogSink, ManagedJob, PermanentError, Submission
from skypilot_temporal.executors.local import job as local_job
from skypilot_temporal.executors.local import managed_job
from skypilot_temporal.ops.telemetry import sky_call

if TYPE_CHECKING:
    from skypilot_temporal.executors.local.executor import LocalExecutor

# The supervisor, run as job.py is (see executor._SUPERVISOR): beside job.py, away
# from site-packages and the worker's environment.
_MANAGED_SUPERVISOR = [
    sys.executable, "-I", "-S", "-c",
    f"import sys; sys.path.append({os.path.dirname(managed_job.__file__)!r}); "
    "import managed_job; sys.exit(managed_job.main(sys.argv[1:]))",
]
# How often wait_managed looks when no status change wakes it: the log reaches the
# run's heartbeats every two seconds at most.
_POLL_S = 1.0


def managed_root(root: Path) -> Path:
    return root / managed_job.MANAGED_DIR


def job_dir(root: Path, job_id: int) -> Path:
    return managed_root(root) / str(job_id)


def as_managed_job(job_id: int, name: str, record: Mapping[str, Any]) -> ManagedJob:
    return ManagedJob(
        job_id=job_id, name=name, status=record["status"], recoveries=int(record["recoveries"]),
        last_recovered_at=record["last_recovered_at"], failure_reason=record["failure_reason"],
    )


def recovery_policy(task: Any) -> dict[str, Any] | None:
    """The task's `resources.job_recovery`, checked: what the supervisor reads."""
    policies = [r.job_recovery for r in (getattr(task, "resources", None) or ()) if r.job_recovery]
    if not policies:
        return None
    policy = policies[0]
    if isinstance(policy, str):
        return {"strategy": policy, "max_restarts_on_errors": 0, "recover_on_exit_codes": []}
    restarts = policy.get("max_restarts_on_errors", 0)
    if restarts is None:
        restarts = 0
    if isinstance(restarts, bool) or not isinstance(restarts, int) or restarts < 0:
        raise PermanentError(
            f"resources.job_recovery.max_restarts_on_errors: {restarts!r} is not allowed "
            "(a whole number, 0 or more)"
        )
    codes = policy.get("recover_on_exit_codes")
    codes = [] if codes is None else [codes] if isinstance(codes, int) else codes
    if not isinstance(codes, list) or any(isinstance(c, bool) or not isinstance(c, int) for c in codes):
        raise PermanentError(
            f"resources.job_recovery.recover_on_exit_codes: {codes!r} is not allowed "
            "(an exit code or a list of exit codes)"
        )
    return {"strategy": policy.get("strategy"), "max_restarts_on_errors": restarts, "recover_on_exit_codes": codes}


def list_jobs(root: Path) -> list[ManagedJob]:
    """Every managed job of the root that is fully recorded (its name written last)."""
    found = []
    for name in local_job._listdir(managed_root(root)):
        path = managed_root(root) / name
        job_name = local_job.read_text(path / "name")
        if name.isdigit() and job_name:
            found.append(as_managed_job(int(name), job_name, managed_job.read_record(path)))
    return sorted(found, key=lambda j: j.job_id)


def newest_named(root: Path, job_name: str) -> int | None:
    ids = [j.job_id for j in list_jobs(root) if j.name == job_name]
    return max(ids, default=None)


def run_keys(root: Path) -> set[str]:
    """Runs with a managed job on record (its log is their data)."""
    return {
        key for name in local_job._listdir(managed_root(root))
        if (key := local_job.read_text(managed_root(root) / name / "run_key"))
    }


def supervisor_gone(path: Path) -> bool:
    """Whether the job's supervisor started and is no longer there (a zombie is gone:
    nobody may reap it where the worker runs as a container's first process)."""
    try:
        pid = int(local_job.read_text(path / "pid", "0") or 0)
    except ValueError:
        return False
    if pid <= 0:
        return False  # detached, and not yet recorded its pid
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    except (OSError, IndexError):
        return False
    return state in ("Z", "X")


# The managed-job methods of the port, for LocalExecutor (which delegates to them).
async def find(ex: LocalExecutor, job_name: str) -> int | None:
    with sky_call("jobs.queue"):
        return await asyncio.to_thread(newest_named, ex.root, job_name)


async def launch(
    ex: LocalExecutor, sub: Submission, checkpoint: Checkpoint, resume: dict[str, Any], log: LogSink
) -> int:
    with sky_call("jobs.launch", sub.cluster_name) as span:
        if ex._refusal:
            raise PermanentError(ex._refusal)
        if sub.kind != "managed":
            raise PermanentError(f"launch_managed: kind {sub.kind!r} is not allowed (only 'managed')")
        policy = recovery_policy(sub.task)
        resumed: int | None = resume.get("job_id")
        job_id: int
        if resumed is not None and job_dir(ex.root, resumed).is_dir():
            job_id, created = resumed, False
        else:  # none, or recorded by an earlier attempt and gone since: by name
            job_id, created = await asyncio.to_thread(_record, ex, sub, policy)
        span.set_attribute("skypilot.job_id", job_id)
        if created:
            log(f"provisioned local cluster {local_job.read_text(job_dir(ex.root, job_id) / 'cluster')} "
                f"for managed job {job_id}\n")
        checkpoint({"job_id": job_id}, urgent=False)
        return job_id


async def wait(
    ex: LocalExecutor, job_id: int, log: LogSink, secrets: Mapping[str, str],
    on_change: Callable[[ManagedJob], None],
) -> ManagedJob:
    from skypilot_temporal.executors.local.executor import _LogReader, _orphaned

    path = job_dir(ex.root, job_id)
    with sky_call("jobs.logs", job_id=job_id) as span:
        name = local_job.read_text(path / "name")
        if not name:
            raise base.ClusterGone(f"managed job {job_id} does not exist")
        reader = _LogReader(path / "log")
        watch = ex._status_watch.watch(path)
        changed = watch[1] if watch else asyncio.Event()
        seen: tuple[str, int] | None = None
        changes_read = 0
        try:
            while True:
                changed.clear()
                if not path.is_dir():
                    raise base.ClusterGone(f"managed job {job_id} no longer exists")
                current = as_managed_job(job_id, name, managed_job.read_record(path))
                if current.status not in managed_job.TERMINAL:
                    if current.status == "PENDING" and _orphaned(path):
                        # The submitting worker died before starting it.
                        await asyncio.to_thread(start, path, secrets)
                    elif (path / "started").exists() and await asyncio.to_thread(_lost, path):
                        current = as_managed_job(job_id, name, managed_job.read_record(path))
                behind = reader.drain(log)
                # Every change since the last look, in order, then the job as it is now.
                history = managed_job.read_history(path, changes_read)
                changes_read += len(history)
                for record in history:
                    if "status" not in record:
                        continue
                    step = as_managed_job(job_id, name, managed_job.read_record_from(record))
                    if (step.status, step.recoveries) != seen:
                        seen = (step.status, step.recoveries)
                        on_change(step)
                if (current.status, current.recoveries) != seen and not history:
                    seen = (current.status, current.recoveries)
                    on_change(current)
                if current.status in managed_job.TERMINAL:
                    while reader.drain(log):
                        pass
                    span.set_attribute("skypilot.status", current.status)
                    return current
                timer = asyncio.get_running_loop().call_later(0.0 if behind else _POLL_S, changed.set)
                try:
                    await changed.wait()
                finally:
                    timer.cancel()
        finally:
            reader.close()
            if watch:
                ex._status_watch.unwatch(watch[0])


async def cancel(ex: LocalExecutor, job_id: int | None, job_name: str, resume: dict[str, Any]) -> None:
    with sky_call("jobs.cancel", job_id=job_id) as span:
        try:
            if job_id is None:
                job_id = resume.get("job_id")
            if job_id is None and job_name:
                job_id = await asyncio.to_thread(newest_named, ex.root, job_name)
            if job_id is None:
                return
            span.set_attribute("skypilot.job_id", job_id)
            await asyncio.to_thread(_cancel, job_dir(ex.root, job_id))
        except Exception as err:  # noqa: BLE001 - best effort, as the port says
            span.set_attribute("skypilot.cancel_error", str(err))


async def all_jobs(ex: LocalExecutor) -> list[ManagedJob]:
    with sky_call("jobs.queue"):
        return await asyncio.to_thread(list_jobs, ex.root)


# -- helpers (blocking: run in threads) ------------------------------------
def _record(ex: LocalExecutor, sub: Submission, policy: dict[str, Any] | None) -> tuple[int, bool]:
    """The job named sub.job_name: the one on record, else a new one, recorded with
    its capacity and its supervisor started. Under a lock of the root, so that two
    submissions of one name make one job."""
    from skypilot_temporal.executors.local.executor import _new_job_dir, _secret_values

    jobs = managed_root(ex.root)
    jobs.mkdir(parents=True, exist_ok=True)
    with open(jobs / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = newest_named(ex.root, sub.job_name)
        if existing is not None:
            return existing, False
        job_id, path = _new_job_dir(jobs)
        cluster = f"{sub.cluster_name}-{job_id}"
        cdir = ex.cluster_dir(cluster)
        try:
            capacity = dataclasses.replace(sub, cluster_name=cluster, autodown_minutes=None)
            ex._provision(cdir, capacity)
            spec = {**ex._job_spec(cdir, capacity), "job_recovery": policy}
            local_job.write_atomic(path / "spec", local_job.encode(spec))
            local_job.write_atomic(path / "cluster", cluster)
            local_job.write_atomic(path / "run_key", sub.run_key)
            managed_job.write_record(path, status="PENDING")
            # The name is written last: find_managed only sees fully prepared jobs.
            local_job.write_atomic(path / "name", sub.job_name)
        except BaseException:
            local_job.down_cluster(cdir)
            shutil.rmtree(path, ignore_errors=True)
            raise
    start(path, _secret_values(sub.task))
    return job_id, True


def start(path: Path, secrets: Mapping[str, str]) -> None:
    """Starts the managed job's supervisor, handing it the job's secret values."""
    _detached(str(path), local_job.encode({"secrets": dict(secrets)}))


def _detached(path: str, stdin: bytes) -> None:
    import subprocess

    proc = subprocess.Popen(
        [*_MANAGED_SUPERVISOR, "managed", path], stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={},
    )
    proc.communicate(stdin)
    if proc.returncode != 0:
        raise RuntimeError(f"managed_job.py managed {path} exited with code {proc.returncode}")


def _lost(path: Path) -> bool:
    """A job whose supervisor died before recording its end (the host restarted, it
    was killed) ends FAILED_CONTROLLER, as SkyPilot's does when its controller
    fails, and its capacity goes. True if so."""
    if not supervisor_gone(path):
        return False
    if managed_job.read_record(path)["status"] in managed_job.TERMINAL:
        return False  # it recorded its end just before leaving
    managed_job.down_capacity(path)
    if (path / managed_job.CANCEL_MARK).exists():
        managed_job.write_record(path, status=base.CANCELLED)
    else:
        managed_job.write_record(path, status="FAILED_CONTROLLER",
                                 failure_reason="the managed job's supervisor ended before the job")
    return True


def _cancel(path: Path) -> None:
    """Stops the supervisor first (it must not recover what is being cancelled), then
    the task, then takes the capacity and records CANCELLED."""
    if not (path / "name").exists():
        return
    if managed_job.read_record(path)["status"] in managed_job.TERMINAL:
        return
    # Seen by a supervisor between attempts, or one not started yet.
    local_job.write_atomic(path / managed_job.CANCEL_MARK, str(time.time()))
    local_job.kill_job(path)
    managed_job.down_capacity(path)
    if managed_job.read_record(path)["status"] not in managed_job.TERMINAL:
        managed_job.write_record(path, status=base.CANCELLED)
