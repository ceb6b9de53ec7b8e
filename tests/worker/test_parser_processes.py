"""The worker's parser processes (SkyPilot's task parser off the worker's GIL): one by
default, replaced when one dies without failing a run, gone with a SIGKILLed worker,
and none when the operator asks for threads."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from pipeline_helpers import clusters, pipeline_input, start
from support import WorkerProcess, children, is_parser, make_git_repo, worker_env


def parsers(worker_pid: int) -> list[int]:
    return [c for c in children(worker_pid) if is_parser(c)]


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)
    return value


async def run_pipeline(client, task_queue: str, repo: Path):
    return await (await start(client, pipeline_input(repo), task_queue)).result()


async def test_a_dead_parser_is_replaced_and_no_run_fails(client, local_worker, task_queue, tmp_path, work_dir):
    (first,) = wait_for(lambda: parsers(local_worker.proc.pid))
    os.kill(first, signal.SIGKILL)
    repo = make_git_repo(tmp_path / "tasks")
    # The clone that finds the pool broken builds in a thread; the one after uses the
    # new process.
    for _ in range(2):
        result = await run_pipeline(client, task_queue, repo)
        assert [s.status for s in result.steps] == ["SUCCEEDED"] * 3
    (second,) = wait_for(lambda: parsers(local_worker.proc.pid))
    assert second != first
    assert "a parser process died" in local_worker.log()
    assert clusters(work_dir) == []


async def test_a_killed_worker_leaves_no_parser_behind(temporal_server, work_dir, task_queue, tmp_path):
    worker = WorkerProcess(worker_env(temporal_server, work_dir, task_queue), tmp_path / "worker.log").start()
    try:
        (parser,) = wait_for(lambda: parsers(worker.proc.pid))
        worker.kill()
        wait_for(lambda: gone(parser))
    finally:
        worker.stop()


async def test_no_parser_process_when_the_operator_asks_for_threads(
    client, temporal_server, work_dir, task_queue, tmp_path
):
    worker = WorkerProcess(
        worker_env(temporal_server, work_dir, task_queue, SKYPILOT_TEMPORAL_PARSER_PROCESSES="0"),
        tmp_path / "worker.log",
    ).start()
    try:
        result = await run_pipeline(client, task_queue, make_git_repo(tmp_path / "tasks"))
        assert [s.status for s in result.steps] == ["SUCCEEDED"] * 3
        assert parsers(worker.proc.pid) == []
    finally:
        worker.stop()
