"""Fixtures for the pipeline on real SkyPilot and the local Slurm cluster.

Needs tests/infra/slurm/up.sh to have run (make e2e / make test do it); the tests are
skipped unless SKYPILOT_TEMPORAL_E2E=1, which those targets set.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ROOT, WorkerProcess, make_git_repo, worker_env

SLURM_DIR = Path(os.environ.get("LOCAL_SLURM_DIR", "/tmp/skypilot-temporal-slurm"))


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SKYPILOT_TEMPORAL_E2E") == "1":
        return
    skip = pytest.mark.skip(reason="real SkyPilot on Slurm: run `make e2e` (sets SKYPILOT_TEMPORAL_E2E=1)")
    for item in items:
        if "slurm" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def slurm_repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / "tasks", source=ROOT / "examples" / "slurm")


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A directory shared by every cluster of one run (host path on the one node)."""
    d = SLURM_DIR / "data" / f"e2e-{uuid.uuid4().hex[:8]}"
    yield d


@pytest.fixture
def sky_worker(temporal_server, task_queue, work_dir: Path, tmp_path: Path) -> Iterator[WorkerProcess]:
    env = worker_env(temporal_server, work_dir, task_queue, SKYPILOT_TEMPORAL_EXECUTOR="skypilot")
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    yield worker
    worker.stop()


class QueueWatcher:
    """Polls `sky.queue` of the given clusters while a run goes on, keeping every job
    record seen: evidence from SkyPilot itself, gathered before teardown removes it."""

    def __init__(self, clusters: list[str]) -> None:
        self.clusters = clusters
        self.jobs: dict[str, dict[int, dict]] = {c: {} for c in clusters}
        self._task: asyncio.Task | None = None

    async def _poll(self) -> None:
        import sky

        while True:
            for cluster in self.clusters:
                try:
                    records = await asyncio.to_thread(lambda c=cluster: sky.get(sky.queue(c, all_users=True)))
                except Exception:  # noqa: BLE001 - not up yet, or already down
                    continue
                for r in records:
                    self.jobs[cluster][int(r["job_id"])] = {
                        "job_name": r["job_name"], "status": str(getattr(r["status"], "value", r["status"])),
                    }
            await asyncio.sleep(1.0)

    def start(self) -> "QueueWatcher":
        self._task = asyncio.ensure_future(self._poll())
        return self

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def sky_clusters(prefix: str) -> list[str]:
    """Clusters SkyPilot knows with this prefix (refreshed from Slurm)."""
    import sky

    def status() -> list:
        return sky.get(sky.status(refresh=sky.StatusRefreshMode.FORCE, all_users=True))

    return sorted(r["name"] for r in await asyncio.to_thread(status) if r["name"].startswith(prefix))
