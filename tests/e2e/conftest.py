"""Fixtures for the pipeline on real SkyPilot and the local Slurm cluster.

Needs tests/infra/slurm/up.sh to have run (make e2e / make test do it); the tests are
skipped unless SKYPILOT_TEMPORAL_E2E=1, which those targets set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from slurm_helpers import SLURM_DIR
from support import ROOT, WorkerProcess, make_git_repo, worker_env


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


@pytest.fixture
def slurm_rig(client, temporal_server, task_queue, work_dir: Path, tmp_path: Path):
    """The fault scenarios' view of this executor (tests/faults.py, slurm_rig.py)."""
    from slurm_rig import SlurmRig

    rig = SlurmRig(client, temporal_server, task_queue, work_dir, tmp_path, SKYPILOT_TEMPORAL_EXECUTOR="skypilot")
    yield rig
    rig.stop_workers()
