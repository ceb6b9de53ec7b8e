"""Pruning the local executor's tree: leftovers go, nothing a live cluster uses does."""

from __future__ import annotations

import os
import time
from pathlib import Path

from skypilot_temporal.executors.local import job as local_job
from skypilot_temporal.executors.local.prune import prune

MB = 1024 * 1024
DAY = 86400.0
NOW = time.time()


def make_file(path: Path, size: int = 0, age: float = 0.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))
    os.utime(path, (NOW - age, NOW - age))
    return path


def make_dir(path: Path, age: float = 0.0) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.utime(path, (NOW - age, NOW - age))
    return path


def bucket(root: Path, name: str, size: int, age: float) -> Path:
    make_file(root / "buckets" / name / "data.bin", size)
    return make_dir(root / "buckets" / name, age=age)


def tree(root: Path) -> None:
    """A cluster using one bucket, leftovers old and new, buckets idle old and new."""
    make_file(root / "clusters" / "c1" / "uses" / "in-use")
    make_file(root / "clusters" / "c1" / "jobs" / "1" / "status.4242.tmp", 1, age=2 * DAY)
    make_file(root / "clusters" / "c1" / "home" / "task-file.tmp", 1, age=2 * DAY)  # the task's
    make_file(root / "clusters" / "dead.provisioning" / "home" / "f", 1)
    make_dir(root / "clusters" / "dead.provisioning", age=2 * DAY)
    make_dir(root / "clusters" / "busy.provisioning")
    bucket(root, "in-use", MB, age=30 * DAY)
    bucket(root, "forgotten", MB, age=3 * DAY)
    bucket(root, "older-idle", MB, age=3600)
    bucket(root, "newer-idle", MB, age=60)


def names(root: Path, sub: str) -> set[str]:
    return {p.name for p in (root / sub).iterdir()}


def test_removes_leftovers_and_long_idle_buckets_only(tmp_path):
    root = tmp_path / "local"
    tree(root)
    report = prune(root, NOW, max_idle_seconds=DAY, max_bytes=100 * MB)

    assert sorted(report["removed"]) == [
        "buckets/forgotten",
        "clusters/c1/jobs/1/status.4242.tmp",
        "clusters/dead.provisioning",
    ]
    assert names(root, "buckets") == {"in-use", "older-idle", "newer-idle"}
    assert names(root, "clusters") == {"c1", "busy.provisioning"}
    assert (root / "clusters" / "c1" / "home" / "task-file.tmp").exists()
    assert 3 * MB <= report["bytes_after"] < report["bytes_before"] - MB
    # The sizes reported are the tree's: pruning again finds what the first left.
    again = prune(root, NOW, max_idle_seconds=DAY, max_bytes=100 * MB)
    assert again == {"removed": [], "bytes_before": report["bytes_after"], "bytes_after": report["bytes_after"]}


def test_over_the_size_limit_idle_buckets_go_oldest_first(tmp_path):
    root = tmp_path / "local"
    tree(root)
    total = prune(root, NOW, max_idle_seconds=DAY, max_bytes=100 * MB)["bytes_after"]
    report = prune(root, NOW, max_idle_seconds=DAY, max_bytes=total - MB // 2)
    assert report["removed"] == ["buckets/older-idle"]
    assert report["bytes_after"] <= total - MB // 2


def test_a_bucket_a_cluster_uses_stays_even_over_the_limit(tmp_path):
    root = tmp_path / "local"
    tree(root)
    report = prune(root, NOW, max_idle_seconds=DAY, max_bytes=0)
    assert names(root, "buckets") == {"in-use"}
    assert report["bytes_after"] >= MB


def test_a_bucket_is_idle_from_when_its_last_cluster_went_down(tmp_path):
    root = tmp_path / "local"
    tree(root)
    assert local_job.down_cluster(root / "clusters" / "c1")
    prune(root, time.time(), max_idle_seconds=DAY, max_bytes=100 * MB)
    assert "in-use" in names(root, "buckets")  # unused now, but only just
    prune(root, time.time() + 2 * DAY, max_idle_seconds=DAY, max_bytes=100 * MB)
    assert "in-use" not in names(root, "buckets")


def test_an_empty_or_missing_tree_is_fine(tmp_path):
    report = prune(tmp_path / "local", NOW, max_idle_seconds=DAY, max_bytes=0)
    assert report["removed"] == [] and report["bytes_after"] == report["bytes_before"]


def test_a_bucket_of_a_run_still_going_on_stays_between_its_steps(tmp_path):
    from skypilot_temporal.executors.local.mounts import record_run
    from skypilot_temporal.executors.local.prune import run_keys

    root = tmp_path / "local"
    handed_over = bucket(root, "handed-over", MB, age=2 * DAY)  # no cluster mounts it now
    done = bucket(root, "done", MB, age=2 * DAY)
    record_run(handed_over, "wf-1-run-a")
    record_run(done, "wf-2-run-b")
    assert run_keys(root) == {"wf-1-run-a", "wf-2-run-b"}
    report = prune(root, NOW, DAY, 0, open_runs={"wf-1-run-a"})
    assert handed_over.exists() and not done.exists()
    assert report["removed"] == ["buckets/done"]
    assert run_keys(root) == {"wf-1-run-a"}  # the ended run's record went with its bucket
