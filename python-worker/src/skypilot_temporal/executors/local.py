"""The local executor: SkyPilot's cluster/job model on the worker's own host.

A cluster is a directory; `exec` reuses it. Jobs run under a detached supervisor
(local_job.py) and outlive the worker. Bucket mounts (`name:`/`store:`) are backed by
one local directory per bucket name, so data flows between clusters as through a real
bucket; absolute mount points are private to the job (sandbox.py). For development and
tests: tasks run with the worker's privileges.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import logging
import marshal
import os
import re
import shutil
import subprocess
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
)
from skypilot_temporal.repo import RepoError, resolve_inside

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# wait_job polls the job's files: often while a job is young (most steps are short),
# then less and less, so a long job costs the worker next to nothing.
_POLL_FIRST_S = 0.05
_POLL_MAX_S = 1.0
_POLL_GROWTH = 1.5
# local_job.py away from site-packages and the worker's environment. Imported rather
# than run as a script: Python keeps an imported module's bytecode, and compiles a
# script on every run (a third of the supervisor's start-up).
_SUPERVISOR = [
    sys.executable, "-I", "-S", "-c",
    f"import sys; sys.path.append({os.path.dirname(local_job.__file__)!r}); "
    "import local_job; sys.exit(local_job.main(sys.argv[1:]))",
]


class LocalExecutor:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._bash = shutil.which("bash", path=os.defpath) or shutil.which("bash") or "/bin/bash"

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
        # One hop to a thread for the whole submission: it copies files and waits for
        # the supervisor to detach, and the event loop has other runs to serve.
        job_id, provisioned = await asyncio.to_thread(self._submit, sub)
        if provisioned:
            log(f"provisioned local cluster {sub.cluster_name} at {self.cluster_dir(sub.cluster_name)}\n")
        checkpoint({"job_id": job_id})
        return job_id

    async def wait_job(
        self, cluster_name: str, job_id: int, log: LogSink, secrets: Mapping[str, str]
    ) -> str:
        job_dir = self._jobs(cluster_name) / str(job_id)
        reader = _LogReader(job_dir / "log")
        delay, last = _POLL_FIRST_S, ""
        try:
            while True:
                if not job_dir.is_dir():
                    raise ClusterGone(f"job {job_id} on cluster {cluster_name} no longer exists")
                status = local_job.read_text(job_dir / "status", "PENDING")
                reader.drain(log)
                if status in TERMINAL:
                    # The status is written after the last output: read the log to its end.
                    reader.drain(log)
                    return status
                if status == "PENDING" and _orphaned(job_dir):
                    # The submitting worker died between recording the job and starting
                    # it: start it here, handing this attempt's secrets.
                    await asyncio.to_thread(self._start, job_dir, secrets)
                delay = _POLL_FIRST_S if status != last else min(delay * _POLL_GROWTH, _POLL_MAX_S)
                last = status
                await asyncio.sleep(delay)
        finally:
            reader.close()

    async def cancel(self, cluster_name: str, job_id: int | None, resume: dict[str, Any]) -> None:
        if job_id is None:
            return
        job_dir = self._jobs(cluster_name) / str(job_id)
        if local_job.read_text(job_dir / "status") in local_job.RUNNING_STATES:
            await asyncio.to_thread(local_job.kill_job, job_dir)
            if local_job.read_text(job_dir / "status") not in TERMINAL and job_dir.is_dir():
                local_job.write_atomic(job_dir / "status", CANCELLED)

    async def down(self, cluster_name: str) -> bool:
        return await asyncio.to_thread(local_job.down_cluster, self.cluster_dir(cluster_name))

    # -- helpers (run in threads: they copy files and wait for processes) --------
    def _submit(self, sub: Submission) -> tuple[int, bool]:
        cdir = self.cluster_dir(sub.cluster_name)
        provisioned = False
        if sub.kind == "exec" and not cdir.is_dir():
            raise ClusterGone(f"cluster {sub.cluster_name} does not exist")
        if sub.kind == "launch" and not cdir.is_dir():
            self._provision(cdir, sub)
            if sub.autodown_minutes is not None:
                self._detached("autodown", str(cdir), str(sub.autodown_minutes))
            provisioned = True
        spec = self._job_spec(cdir, sub)
        job_id, job_dir = _new_job_dir(cdir / "jobs")
        local_job.write_atomic(job_dir / "spec", marshal.dumps(spec))
        local_job.write_atomic(job_dir / "status", "PENDING")
        # The name is written last: find_job only sees fully prepared jobs.
        local_job.write_atomic(job_dir / "name", sub.job_name)
        self._start(job_dir, _secret_values(sub.task))
        return job_id, provisioned

    def _provision(self, cdir: Path, sub: Submission) -> None:
        tmp = cdir.with_name(cdir.name + ".provisioning")
        shutil.rmtree(tmp, ignore_errors=True)
        (tmp / "home").mkdir(parents=True)
        (tmp / "jobs").mkdir()
        (tmp / "cluster.json").write_text(
            json.dumps({"created": time.time(), "autodown_minutes": sub.autodown_minutes})
        )
        workdir = sub.task.workdir
        if isinstance(workdir, str) and workdir:
            src = _inside(sub.repo_dir, workdir, "workdir")
            shutil.copytree(src, tmp / "home" / "sky_workdir", symlinks=True)
        elif workdir:
            raise PermanentError("workdir: only a local directory is supported by the local executor")
        tmp.rename(cdir)

    def _job_spec(self, cdir: Path, sub: Submission) -> dict[str, Any]:
        task = sub.task
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
        bwrap = shutil.which(sandbox.BWRAP)
        if private and bwrap is None:
            raise PermanentError(
                f"file_mounts: mount points {sorted(private)} need bubblewrap on the worker "
                "(apt-get install bubblewrap)"
            )
        workdir = home / "sky_workdir"
        secret_names = sorted(getattr(task, "secrets", None) or {})
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
        for name in secret_names:
            # Secret values never reach the disk: the supervisor gets them on a pipe.
            env.pop(name, None)
        prefix = [bwrap, *sandbox.bwrap_argv(private)[1:], "--"] if private else []
        return {
            "setup": task.setup if isinstance(task.setup, str) else None,
            "run": task.run if isinstance(task.run, str) else None,
            "cwd": str(workdir if workdir.is_dir() else home),
            "env": env,
            "secret_names": secret_names,
            "argv": [*prefix, self._bash, "-c"],
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

    def _start(self, job_dir: Path, secrets: Mapping[str, str]) -> None:
        self._detached("run", str(job_dir), stdin=marshal.dumps(dict(secrets)))

    @staticmethod
    def _detached(*args: str, stdin: bytes | None = None) -> None:
        """Starts local_job.py, hands it `stdin`, and waits until it has detached (it
        leaves at once, so no process of the worker's is left to reap)."""
        proc = subprocess.Popen(
            [*_SUPERVISOR, *args],
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={},
        )
        proc.communicate(stdin)
        if proc.returncode != 0:
            raise RuntimeError(f"local_job.py {args[0]} {args[1]} exited with code {proc.returncode}")


def _inside(root: Path, rel: str, what: str) -> Path:
    try:
        path = resolve_inside(root, os.path.expanduser(rel), what)
    except RepoError as err:
        raise PermanentError(str(err)) from None
    if not path.exists():
        raise PermanentError(f"{what}: {rel!r} does not exist in the repository")
    return path


def _secret_values(task: Any) -> dict[str, str]:
    # SkyPilot wraps secret values (pydantic SecretStr); the task needs the value.
    values = {}
    for name, value in (getattr(task, "secrets", None) or {}).items():
        reveal = getattr(value, "get_secret_value", None)
        values[name] = reveal() if reveal else "" if value is None else str(value)
    return values


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


class _LogReader:
    """Follows a job's log from where it left off; the file stays open between polls."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: Any = None
        # A character split across two reads is decoded whole.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def drain(self, sink: LogSink) -> None:
        if self._file is None:
            try:
                self._file = open(self._path, "rb")
            except FileNotFoundError:
                return
        while chunk := self._file.read(1 << 20):
            sink(self._decoder.decode(chunk))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
