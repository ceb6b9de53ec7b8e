"""The local executor: SkyPilot's cluster/job model on the worker's own host.

A cluster is a directory; `exec` reuses it. Jobs run under a detached supervisor
(local_job.py). Bucket mounts (`name:`/`store:`) are backed by one local directory
per bucket name, so data flows between clusters as through a real bucket; absolute
mount points are private to the job (sandbox.py). For development and tests: tasks
run with the worker's privileges.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skypilot_temporal.executors import local_job, sandbox
from skypilot_temporal.executors.base import (
    CANCELLED,
    TERMINAL,
    Checkpoint,
    ClusterGone,
    LogSink,
    PermanentError,
    Submission,
    TransientError,
)
from skypilot_temporal.repo import RepoError, resolve_inside

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_POLL_S = 0.25


class LocalExecutor:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._reapers: set[asyncio.Task[Any]] = set()

    # -- layout ---------------------------------------------------------------
    def cluster_dir(self, cluster_name: str) -> Path:
        return self.root / "clusters" / cluster_name

    def bucket_dir(self, bucket: str) -> Path:
        if not _SAFE.match(bucket):
            raise PermanentError(f"file_mounts: bucket name {bucket!r} is not a valid name")
        return self.root / "buckets" / bucket

    def _jobs(self, cluster_name: str) -> Path:
        return self.cluster_dir(cluster_name) / "jobs"

    # -- port -----------------------------------------------------------------
    async def find_job(self, cluster_name: str, job_name: str) -> int | None:
        for job_dir in self._jobs(cluster_name).glob("*"):
            if local_job.read_text(job_dir / "name") == job_name and job_dir.name.isdigit():
                return int(job_dir.name)
        return None

    async def submit(
        self, sub: Submission, checkpoint: Checkpoint, resume: dict[str, Any], log: LogSink
    ) -> int:
        cdir = self.cluster_dir(sub.cluster_name)
        if sub.kind == "exec" and not cdir.is_dir():
            raise ClusterGone(f"cluster {sub.cluster_name} does not exist")
        task = sub.task
        if sub.kind == "launch" and not cdir.is_dir():
            await asyncio.to_thread(self._provision, cdir, task, sub)
            if sub.autodown_minutes is not None:
                await self._spawn("autodown", str(cdir), str(sub.autodown_minutes))
            log(f"provisioned local cluster {sub.cluster_name} at {cdir}\n")
        spec = await asyncio.to_thread(self._job_spec, cdir, task, sub)
        job_id, job_dir = _new_job_dir(cdir / "jobs")
        local_job.write_atomic(job_dir / "spec.json", json.dumps(spec))
        local_job.write_atomic(job_dir / "status", "PENDING")
        # The name is written last: find_job only sees fully prepared jobs.
        local_job.write_atomic(job_dir / "name", sub.job_name)
        await self._spawn("run", str(job_dir), secrets=_secret_values(task))
        checkpoint({"job_id": job_id})
        return job_id

    async def wait_job(
        self, cluster_name: str, job_id: int, log: LogSink, secrets: Any = None
    ) -> str:
        job_dir = self._jobs(cluster_name) / str(job_id)
        offset = 0
        while True:
            if not job_dir.is_dir():
                raise ClusterGone(f"job {job_id} on cluster {cluster_name} no longer exists")
            status = local_job.read_text(job_dir / "status", "PENDING")
            offset = _drain(job_dir / "log", offset, log)
            if status in TERMINAL:
                # The status is written after the last output: read the log to its end.
                while (new := _drain(job_dir / "log", offset, log)) != offset:
                    offset = new
                return status
            if status == "PENDING" and _orphaned(job_dir):
                # The submitting worker died between recording the job and starting it.
                await self._spawn("run", str(job_dir), secrets=secrets or {})
            await asyncio.sleep(_POLL_S)

    async def cancel(self, cluster_name: str, job_id: int | None, resume: dict[str, Any]) -> None:
        if job_id is None:
            return
        job_dir = self._jobs(cluster_name) / str(job_id)
        if local_job.read_text(job_dir / "status") in local_job.RUNNING_STATES:
            await asyncio.to_thread(local_job.kill_job, job_dir)
            if local_job.read_text(job_dir / "status") not in TERMINAL and job_dir.is_dir():
                local_job.write_atomic(job_dir / "status", CANCELLED)

    async def down(self, cluster_name: str) -> bool:
        cdir = self.cluster_dir(cluster_name)
        existed = await asyncio.to_thread(local_job.down_cluster, cdir)
        if cdir.exists():
            # Something keeps it (a busy mount, an immutable file): retried, then reported.
            raise TransientError(f"cluster {cluster_name}: {cdir} could not be removed")
        return existed

    # -- helpers (run in threads: they copy files) ------------------------------
    def _provision(self, cdir: Path, task: Any, sub: Submission) -> None:
        tmp = cdir.with_name(cdir.name + ".provisioning")
        shutil.rmtree(tmp, ignore_errors=True)
        (tmp / "home").mkdir(parents=True)
        (tmp / "jobs").mkdir()
        (tmp / "cluster.json").write_text(
            json.dumps({"created": time.time(), "autodown_minutes": sub.autodown_minutes})
        )
        workdir = task.workdir
        if isinstance(workdir, str) and workdir:
            src = _inside(sub.repo_dir, workdir, "workdir")
            shutil.copytree(src, tmp / "home" / "sky_workdir", symlinks=True)
        elif workdir:
            raise PermanentError("workdir: only a local directory is supported by the local executor")
        tmp.rename(cdir)

    def _job_spec(self, cdir: Path, task: Any, sub: Submission) -> dict[str, Any]:
        home = cdir / "home"
        private: dict[str, str] = {}
        for target, source in (task.file_mounts or {}).items():
            if isinstance(source, str) and "://" in source:
                bucket = source.split("://", 1)[1].split("/", 1)[0]
                self._place(home, target, self.bucket_dir(bucket), private, copy=False)
            else:
                src = _inside(sub.repo_dir, source, f"file_mounts[{target}]")
                self._place(home, target, src, private, copy=True)
        for target, storage in (task.storage_mounts or {}).items():
            bucket = self.bucket_dir(storage.name)
            bucket.mkdir(parents=True, exist_ok=True)
            if isinstance(storage.source, str) and "://" not in storage.source:
                src = _inside(sub.repo_dir, storage.source, f"file_mounts[{target}].source")
                shutil.copytree(src, bucket, dirs_exist_ok=True)
            self._place(home, target, bucket, private, copy=False)
        if private and not sandbox.available():
            raise PermanentError(
                f"file_mounts: mount points {sorted(private)} need bubblewrap on the worker "
                "(apt-get install bubblewrap)"
            )
        workdir = home / "sky_workdir"
        envs = {k: "" if v is None else str(v) for k, v in (task.envs or {}).items()}
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "HOME": str(home),
            "USER": os.environ.get("USER", "root"),
            "SKYPILOT_TASK_ID": sub.job_name,
            "SKYPILOT_CLUSTER_INFO": json.dumps({"cluster_name": sub.cluster_name}),
            "SKYPILOT_NODE_RANK": "0",
            "SKYPILOT_NUM_NODES": "1",
            "SKYPILOT_NODE_IPS": "127.0.0.1",
            **envs,
        }
        return {
            "setup": task.setup,
            "run": task.run if isinstance(task.run, str) else None,
            "cwd": str(workdir if workdir.is_dir() else home),
            "env": env,
            # Names only: the values reach the supervisor in its environment (_spawn).
            "secret_names": sorted(_secret_values(task)),
            "argv_prefix": sandbox.bwrap_argv(private) if private else [],
        }

    @staticmethod
    def _place(home: Path, target: str, src: Path, private: dict[str, str], copy: bool) -> None:
        """Absolute targets become private mounts; `~/x` and relative ones live in HOME."""
        if target.startswith("/"):
            private[target] = str(src)
            return
        dest = home / (target[2:] if target.startswith("~/") else target)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists() or dest.is_symlink():
            return
        if copy:
            if src.is_dir():
                shutil.copytree(src, dest, symlinks=True)
            else:
                shutil.copy2(src, dest)
        else:
            dest.symlink_to(src)

    async def _spawn(self, *args: str, secrets: Mapping[str, str] | None = None) -> None:
        # Secret values go to the supervisor in its environment, never into a file; it
        # gets nothing else of the worker's environment.
        env = {k: os.environ[k] for k in ("PATH", "PYTHONPATH", "LANG") if k in os.environ}
        env.update(secrets or {})
        # A new session: the job survives the worker, and can be killed as a group.
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "skypilot_temporal.executors.local_job", *args, env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        reaper = asyncio.ensure_future(proc.wait())
        self._reapers.add(reaper)
        reaper.add_done_callback(self._reapers.discard)


def _secret_values(task: Any) -> dict[str, str]:
    # SkyPilot holds secrets as SecretStr, whose str() is '**********'.
    values = {}
    for name, value in (getattr(task, "secrets", None) or {}).items():
        reveal = getattr(value, "get_secret_value", None)
        values[name] = "" if value is None else str(reveal() if reveal else value)
    return values


def _inside(root: Path, rel: str, what: str) -> Path:
    try:
        path = resolve_inside(root, os.path.expanduser(rel), what)
    except RepoError as err:
        raise PermanentError(str(err)) from None
    if not path.exists():
        raise PermanentError(f"{what}: {rel!r} does not exist in the repository")
    return path


def _new_job_dir(jobs: Path) -> tuple[int, Path]:
    # mkdir is atomic: concurrent submitters never get the same id.
    while True:
        ids = [int(p.name) for p in jobs.glob("*") if p.name.isdigit()]
        job_id = max(ids, default=0) + 1
        try:
            (jobs / str(job_id)).mkdir()
            return job_id, jobs / str(job_id)
        except FileExistsError:
            continue


def _orphaned(job_dir: Path, after_s: float = 10.0) -> bool:
    try:
        started = (job_dir / "started").exists()
        return not started and time.time() - (job_dir / "name").stat().st_mtime > after_s
    except FileNotFoundError:
        return False


def _drain(path: Path, offset: int, log: LogSink) -> int:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            chunk = f.read(1 << 20)
    except FileNotFoundError:
        return offset
    if chunk:
        log(chunk.decode(errors="replace"))
    return offset + len(chunk)
