"""Fixtures on real parts: one Temporal dev server per session, a worker per test."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import Client

sys.path.insert(0, str(Path(__file__).parent))

from support import DevServer, WorkerProcess, make_git_repo, start_dev_server, stop_process, worker_env

from skypilot_temporal.contract.names import data_converter


@pytest.fixture(scope="session")
def temporal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    server = start_dev_server(tmp_path_factory.mktemp("temporal") / "server.log")
    yield server
    stop_process(server.proc)


@pytest_asyncio.fixture
async def client(temporal_server: DevServer) -> Client:
    # The port opens before the frontend is healthy: retry for a while on a slow host.
    for attempt in range(60):
        try:
            return await Client.connect(temporal_server.address, data_converter=data_converter)
        except RuntimeError as err:
            if "not healthy" not in str(err) or attempt == 59:
                raise
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


@pytest.fixture
def task_queue() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / "tasks")


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    d = tmp_path / "work"
    d.mkdir()
    return d


@dataclass
class SharedWorker:
    worker: WorkerProcess
    task_queue: str
    work_dir: Path


@pytest.fixture(scope="module")
def shared_worker(temporal_server: DevServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedWorker]:
    """One local-executor worker for a whole module of short tests."""
    tmp = tmp_path_factory.mktemp("shared")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    (tmp / "work").mkdir()
    worker = WorkerProcess(worker_env(temporal_server, tmp / "work", queue), tmp / "worker.log").start()
    yield SharedWorker(worker, queue, tmp / "work")
    worker.stop()


@pytest.fixture
def local_worker(
    temporal_server: DevServer, work_dir: Path, task_queue: str, tmp_path: Path
) -> Iterator[WorkerProcess]:
    """A worker with the local executor; stopped (and checked for leaks) after the test."""
    worker = WorkerProcess(
        worker_env(temporal_server, work_dir, task_queue, SECRET_TOKEN="s3cr3t-value-42",
                   SKYPILOT_TEMPORAL_SECRET_ALLOWLIST="SECRET_*,NOT_DEFINED_ANYWHERE"),
        tmp_path / "worker.log",
    ).start()
    yield worker
    worker.stop()
