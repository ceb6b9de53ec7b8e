"""Housekeeping of the local executor's tree: what piles up when nobody removes it.

- `clusters/*.provisioning`: a launch that died while copying its workdir;
- `*.tmp`: a write or a staged copy that died half-way (in worker-owned places only,
  never inside a cluster's home, which belongs to its tasks);
- buckets no existing cluster uses: after `max_idle_seconds` since their last use, and
  oldest first while the tree is larger than `max_bytes`;
- the records of managed jobs (`managed/ID`: their logs) that ended more than
  `max_idle_seconds` ago, of runs no longer going on. A managed job still going on
  keeps its record and its capacity (a cluster its own supervisor downs).

A bucket a cluster records in `uses/`, or a run still going on recorded in
`bucket-runs/` (its data between steps), is never removed, whatever its age or size.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from pathlib import Path
from typing import Any

from skypilot_temporal.executors.local import managed_job
from skypilot_temporal.executors.local.mounts import bucket_lock


def run_keys(root: Path) -> set[str]:
    """Every run recorded as having used a bucket."""
    return {f.read_text() for b in _entries(root / "bucket-runs") for f in _entries(b) if f.is_file()}


def prune(
    root: Path, now: float, max_idle_seconds: float, max_bytes: int, open_runs: Collection[str] = ()
) -> dict[str, Any]:
    """Returns {"removed": [paths relative to root], "bytes_before", "bytes_after"}.

    `open_runs`: run keys still going on (or not known to have ended)."""
    clusters, buckets = root / "clusters", root / "buckets"
    sizes = _sizes(root, by_bucket_under=root / "buckets")
    before = sum(sizes.values())
    removed: list[Path] = []
    freed = 0

    def remove(path: Path, size: int | None = None) -> None:
        nonlocal freed
        if size is None:
            size = sum(_sizes(path).values())
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path.relative_to(root))
        freed += size

    def stale(path: Path) -> bool:
        try:
            return now - path.lstat().st_mtime > max_idle_seconds
        except FileNotFoundError:
            return False

    for path in _entries(clusters):
        if path.name.endswith(".provisioning") and stale(path):
            remove(path)
    for path in _leftover_tmp(root):
        if stale(path):
            remove(path)
    for path in _entries(root / managed_job.MANAGED_DIR):
        if not path.name.isdigit():
            continue
        ended = managed_job.read_record(path)["status"] in managed_job.TERMINAL
        run_key = managed_job.job.read_text(path / "run_key")
        if ended and stale(path / "record") and run_key not in open_runs:
            # Its capacity went when it ended; whatever a killed supervisor left goes too.
            managed_job.down_capacity(path)
            remove(path)

    with bucket_lock(root, exclusive=True):
        # Read under the lock: a job being submitted records its buckets under it.
        used = {m.name for c in _entries(clusters) for m in _entries(c / "uses")}
        for records in _entries(root / "bucket-runs"):
            live = [f for f in _entries(records) if f.is_file() and f.read_text() in open_runs]
            if live:
                used.add(records.name)
            elif not (buckets / records.name).exists():
                shutil.rmtree(records, ignore_errors=True)
        idle = sorted(
            (b.stat().st_mtime, b) for b in _entries(buckets) if b.is_dir() and b.name not in used
        )
        kept = []
        for mtime, bucket in idle:
            if now - mtime > max_idle_seconds:
                remove(bucket, sizes.get(bucket.name, 0))
                shutil.rmtree(root / "bucket-runs" / bucket.name, ignore_errors=True)
            else:
                kept.append(bucket)
        for bucket in kept:  # oldest first
            if before - freed <= max_bytes:
                break
            remove(bucket, sizes.get(bucket.name, 0))
            shutil.rmtree(root / "bucket-runs" / bucket.name, ignore_errors=True)
    return {
        "removed": [str(p) for p in removed],
        "bytes_before": before,
        "bytes_after": before - freed,
    }


def _entries(path: Path) -> list[Path]:
    try:
        return sorted(path.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []


def _leftover_tmp(root: Path) -> list[Path]:
    """`*.tmp` where the executor writes: the tree's top, each managed job's record,
    each cluster, its job directories and staged mounts."""
    places = [root, *_entries(root / managed_job.MANAGED_DIR)]
    for cluster in _entries(root / "clusters"):
        places += [cluster, cluster / "mounts", *_entries(cluster / "jobs")]
    return [p for place in places for p in _entries(place) if p.name.endswith(".tmp")]


def _sizes(root: Path, by_bucket_under: Path | None = None) -> dict[str, int]:
    """Bytes on disk of `root` and what is under it: by bucket name for what is under
    `by_bucket_under`, as "" for the rest. Symlinks are not followed; a file linked
    twice counts once."""
    sizes: dict[str, int] = {}
    seen: set[tuple[int, int]] = set()
    buckets = str(by_bucket_under) if by_bucket_under else None

    def walk(path: str, key: str) -> None:
        try:
            entries = list(os.scandir(path))
        except OSError:
            return
        # The walk goes down from the top: what is under a bucket is reached through
        # the bucket, an entry of `by_bucket_under`, and counts under its name.
        in_buckets = not key and path == buckets
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            name = entry.name if in_buckets else key
            sizes[name] = sizes.get(name, 0) + st.st_blocks * 512
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, name)

    try:
        top = root.lstat()
    except FileNotFoundError:
        return sizes
    sizes[""] = top.st_blocks * 512
    if root.is_dir() and not root.is_symlink():
        walk(str(root), "")
    return sizes
