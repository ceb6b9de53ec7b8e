"""Local-executor workers on several hosts serve one task queue, each with a work dir
of its own: every activity of a run after its clone goes to the queue of the work dir
that holds the run's clusters (placement.py), so an exec or a down never lands on a
worker that cannot see the cluster. Two workers with separate work dirs on one dev
server stand for two hosts."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from pathlib import Path

from pipeline_helpers import clusters, history_json, pipeline_input, start
from support import WorkerProcess, make_git_repo, worker_env

from skypilot_temporal.activities.placement import ID_FILE, work_dir_queue

RUNS = 8


def started_by(events: list[dict]) -> list[tuple[str, str, str]]:
    """(activity type, task queue it was scheduled on, identity of the worker that
    started it), per activity attempt that started."""
    scheduled = {e["eventId"]: e["activityTaskScheduledEventAttributes"]
                 for e in events if "activityTaskScheduledEventAttributes" in e}
    out = []
    for e in events:
        started = e.get("activityTaskStartedEventAttributes")
        if started:
            s = scheduled[started["scheduledEventId"]]
            out.append((s["activityType"]["name"], s["taskQueue"]["name"], started["identity"]))
    return out


async def test_every_step_of_a_run_reaches_the_work_dir_that_holds_its_clusters(
    client, temporal_server, tmp_path: Path
):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    hosts = {name: tmp_path / f"host-{name}" for name in ("a", "b")}
    for work in hosts.values():
        work.mkdir()
    # Few activity slots each: the runs' clones spread over both workers.
    workers = {name: WorkerProcess(worker_env(temporal_server, work, queue,
                                              SKYPILOT_TEMPORAL_MAX_CONCURRENT_ACTIVITIES="2"),
                                   tmp_path / f"worker-{name}.log").start()
               for name, work in hosts.items()}
    try:
        placement = {name: work_dir_queue(queue, work / "local") for name, work in hosts.items()}
        assert placement["a"] != placement["b"]
        repo = make_git_repo(tmp_path / "tasks")
        inputs = [pipeline_input(repo, envs_override={"DATA_BUCKET_NAME": f"bucket-{i}",
                                                      "SECONDS_PER_FILE": "0.05"}) for i in range(RUNS)]
        handles = await asyncio.gather(*(start(client, inp, queue) for inp in inputs))
        results = await asyncio.gather(*(h.result() for h in handles))
        for result in results:
            assert [s.status for s in result.steps] == ["SUCCEEDED"] * 3

        cloned_by = set()
        for handle in handles:
            attempts = started_by(json.loads(await history_json(handle))["events"])
            (clone_queue, clone_worker), = {(q, w) for name, q, w in attempts if name == "run_git_clone"}
            assert clone_queue == queue
            host = next(n for n, w in workers.items() if clone_worker.startswith(f"{w.proc.pid}@"))
            cloned_by.add(host)
            # Everything after the clone: on the queue of that worker's work dir, run by it.
            later = [(q, w) for name, q, w in attempts if name != "run_git_clone"]
            assert len(later) == 5, attempts
            assert {q for q, _ in later} == {placement[host]}, attempts
            assert {w for _, w in later} == {clone_worker}, attempts
        assert cloned_by == {"a", "b"}, "both workers took runs"
        assert clusters(hosts["a"]) == [] and clusters(hosts["b"]) == []
    finally:
        for worker in workers.values():
            worker.stop()


def test_workers_sharing_a_work_dir_share_its_queue(tmp_path: Path):
    root = tmp_path / "work" / "local"
    names: list[str] = []
    starters = [threading.Thread(target=lambda: names.append(work_dir_queue("q", root))) for _ in range(8)]
    for t in starters:
        t.start()
    for t in starters:
        t.join()
    # However many start at once: one id, made once, and kept.
    assert len(set(names)) == 1 and names[0].startswith("q@")
    assert work_dir_queue("q", root) == names[0]
    assert [p.name for p in root.iterdir()] == [ID_FILE]
    assert work_dir_queue("q", tmp_path / "elsewhere") != names[0]
