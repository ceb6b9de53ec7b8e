"""The worker's parser processes (SkyPilot's task parser off the worker's GIL): one by
default, replaced when one dies without failing a run, gone with a SIGKILLed worker,
and none when the operator asks for threads."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from pipeline_helpers import clusters, pipeline_input, start
from support import WorkerProcess, alive, make_git_repo, wait_for, worker_env
from support import parser_processes as parsers


async def run_pipeline(client, task_queue: str, repo: Path):
    return await (await start(client, pipeline_input(repo), task_queue)).result()


async def test_a_dead_parser_is_replaced_and_no_run_fails(client, local_worker, task_queue, tmp_path, work_dir):
    (first,) = wait_for(lambda: parsers(local_worker.proc.pid), timeout=20)
    os.kill(first, signal.SIGKILL)
    repo = make_git_repo(tmp_path / "tasks")
    # The clone that finds the pool broken builds in a thread; the one after uses the
    # new process.
    for _ in range(2):
        result = await run_pipeline(client, task_queue, repo)
        assert [s.status for s in result.steps] == ["SUCCEEDED"] * 3
    (second,) = wait_for(lambda: parsers(local_worker.proc.pid), timeout=20)
    assert second != first
    assert "a parser process died" in local_worker.log()
    assert clusters(work_dir) == []


async def test_a_killed_worker_leaves_no_parser_behind(temporal_server, work_dir, task_queue, tmp_path):
    worker = WorkerProcess(worker_env(temporal_server, work_dir, task_queue), tmp_path / "worker.log").start()
    try:
        (parser,) = wait_for(lambda: parsers(worker.proc.pid), timeout=20)
        worker.kill()
        wait_for(lambda: not alive(parser), timeout=20)
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
