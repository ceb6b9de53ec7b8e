"""A task's file mounts on the local executor, each made a host directory or file.

Buckets (`name:`/`store:`, or `s3://…` sources) are one directory per bucket name
under `buckets/`, so data flows between clusters as through a real bucket. Local
sources are copied once per cluster into its `mounts/`: the task never gets the
checkout itself. A cluster records each bucket it uses as `uses/<bucket>`, and pruning
never removes a bucket a cluster records; the record and the bucket are made under a
shared lock that pruning takes exclusively.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skypilot_temporal.executors.base import PermanentError
from skypilot_temporal.tasks.repo import RepoError, resolve_inside

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# Copies a local source into a bucket (which tasks may have written to).
Upload = Callable[[Path, Path], None]


@dataclass(frozen=True)
class Mount:
    target: str  # as the task wrote it: "/data", "~/data" or "data"
    source: Path  # the host directory or file behind it


def bucket_dir(buckets: Path, name: str) -> Path:
    if not _SAFE.match(name):
        raise PermanentError(f"file_mounts: bucket name {name!r} is not a valid name")
    return buckets / name


@contextmanager
def bucket_lock(root: Path, exclusive: bool) -> Iterator[None]:
    """Mounting holds it shared, pruning exclusively (across workers sharing `root`)."""
    lock = os.path.join(root, "buckets.lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except FileNotFoundError:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def resolve_mounts(
    task: Any, repo_dir: Path, cluster_dir: Path, buckets: Path, upload: Upload, run_key: str = ""
) -> list[Mount]:
    """The task's mounts; buckets are recorded as used by the cluster (and by the
    run, see `record_run`) and created. Call under `bucket_lock(..., exclusive=False)`."""
    mounts: list[Mount] = []
    for target, source in (task.file_mounts or {}).items():
        if isinstance(source, str) and "://" in source:
            name = source.split("://", 1)[1].split("/", 1)[0]
            mounts.append(Mount(target, _use_bucket(cluster_dir, bucket_dir(buckets, name), run_key)))
        else:
            src = inside(repo_dir, source, f"file_mounts[{target}]")
            mounts.append(Mount(target, _staged_copy(cluster_dir, target, src)))
    for target, storage in (task.storage_mounts or {}).items():
        bucket = _use_bucket(cluster_dir, bucket_dir(buckets, storage.name), run_key)
        if isinstance(storage.source, str) and "://" not in storage.source:
            upload(inside(repo_dir, storage.source, f"file_mounts[{target}].source"), bucket)
        mounts.append(Mount(target, bucket))
    return mounts


def inside(root: Path, rel: str, what: str) -> Path:
    try:
        path = resolve_inside(root, os.path.expanduser(rel), what)
    except RepoError as err:
        raise PermanentError(str(err)) from None
    if not path.exists():
        raise PermanentError(f"{what}: {rel!r} does not exist in the repository")
    return path


def _use_bucket(cluster_dir: Path, bucket: Path, run_key: str) -> Path:
    # Each step of a cluster mounts the same buckets: what is recorded already is
    # looked at, not written again.
    uses = os.path.join(cluster_dir, "uses")
    mark = os.path.join(uses, bucket.name)
    if not os.path.exists(mark):
        os.makedirs(uses, exist_ok=True)
        os.close(os.open(mark, os.O_WRONLY | os.O_CREAT, 0o644))
    if not os.path.isdir(bucket):
        bucket.mkdir(parents=True, exist_ok=True)
    os.utime(bucket)  # last used now: pruning counts idle time from here
    if run_key:
        record_run(bucket, run_key)
    return bucket


def bucket_runs_dir(bucket: Path) -> Path:
    """Where a bucket's runs are recorded: beside the buckets, not in them (a task
    writes its buckets)."""
    return bucket.parent.parent / "bucket-runs" / bucket.name


def record_run(bucket: Path, run_key: str) -> None:
    """A run that mounted the bucket: while that run goes on, the bucket is its data
    between steps (no cluster may use it between one step's down and the next's
    launch), so pruning keeps it."""
    runs = bucket_runs_dir(bucket)
    record = runs / re.sub(r"[^A-Za-z0-9._-]", "_", run_key)
    if os.path.exists(record):
        return  # an earlier step of the run
    runs.mkdir(parents=True, exist_ok=True)
    record.write_text(run_key)


def _staged_copy(cluster_dir: Path, target: str, src: Path) -> Path:
    """A copy of `src` owned by the cluster, made once per mount target."""
    dest = cluster_dir / "mounts" / hashlib.sha256(target.encode()).hexdigest()[:16]
    if os.path.lexists(dest):
        return dest
    dest.parent.mkdir(exist_ok=True)
    # Copied aside and renamed: a crash never leaves a half copy to be reused.
    tmp = dest.with_name(f"{dest.name}.{os.getpid()}.tmp")
    if src.is_dir():
        shutil.copytree(src, tmp, symlinks=True)
    else:
        shutil.copy2(src, tmp)
    try:
        os.rename(tmp, dest)
    except OSError:  # a concurrent job of the cluster staged it first
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
    return dest
