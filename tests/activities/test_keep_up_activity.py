"""run_sky_keep_up: a kept cluster's autodown is the new length, a missing one is
reported rather than failed, and input it cannot take fails at once, naming why,
without reaching the executor."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from support import alive
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from skypilot_temporal.activities.pipeline_activities import PipelineActivities
from skypilot_temporal.config.settings import Settings
from skypilot_temporal.contract.activity_types import KeepUpInput, KeepUpResult
from skypilot_temporal.contract.names import ENDPOINT_MISMATCH, INVALID_INPUT
from skypilot_temporal.executors.base import SUCCEEDED, Submission
from skypilot_temporal.executors.local import job as local_job
from skypilot_temporal.executors.local.executor import LocalExecutor
from skypilot_temporal.tasks.build import parse_task

ENDPOINT = "http://127.0.0.1:46580"


def settings(tmp_path: Path, executor: str) -> Settings:
    return Settings.from_env({
        "SKYPILOT_TEMPORAL_WORK_DIR": str(tmp_path / "work"),
        "SKYPILOT_TEMPORAL_EXECUTOR": executor,
        "SKYPILOT_TEMPORAL_ENV_FILE": str(tmp_path / "none.env"),
    })


class Refusing(LocalExecutor):
    """An executor this activity must not reach."""

    async def keep_up(self, cluster_name: str, minutes: int) -> bool:
        raise AssertionError(f"keep_up({cluster_name!r}, {minutes!r}) reached the executor")


async def test_the_activity_keeps_a_launched_cluster_and_reports_a_missing_one(tmp_path):
    root = tmp_path / "work" / "local"
    executor = LocalExecutor(root, hide=(root.parent,))
    acts = PipelineActivities(settings(tmp_path, "local"), executor)
    assert acts.run_sky_keep_up in acts.all()
    (tmp_path / "repo").mkdir()
    sub = Submission("launch", "c1", "job", parse_task({"name": "job", "run": "true"}), tmp_path / "repo",
                     autodown_minutes=30)
    job_id = await executor.submit(sub, lambda c, urgent=True: None, {}, lambda s: None)
    try:
        assert await executor.wait_job("c1", job_id, lambda s: None, {}) == SUCCEEDED
        kept = await ActivityEnvironment().run(acts.run_sky_keep_up, KeepUpInput("c1", "", 240))
        assert kept == KeepUpResult(cluster_name="c1", kept=True)
        meta = json.loads((executor.cluster_dir("c1") / "cluster.json").read_text())
        assert meta["autodown_minutes"] == 240
    finally:
        assert await executor.down("c1")
        # The agent keep_up made sure of: nothing of it outlives the test.
        if alive(pid := int((root / local_job.AGENT_PID).read_text())):
            os.kill(pid, signal.SIGKILL)
    gone = await ActivityEnvironment().run(acts.run_sky_keep_up, KeepUpInput("c1", "", 240))
    assert gone == KeepUpResult(cluster_name="c1", kept=False)


@pytest.mark.parametrize("minutes", [0, -1, True, 1.5])
async def test_minutes_below_one_or_not_whole_fail_at_once(tmp_path, minutes):
    acts = PipelineActivities(settings(tmp_path, "local"), Refusing(tmp_path / "local", trusted=True))
    with pytest.raises(ApplicationError) as failure:
        await ActivityEnvironment().run(acts.run_sky_keep_up, KeepUpInput("c1", "", minutes))
    assert failure.value.type == INVALID_INPUT and failure.value.non_retryable
    assert failure.value.message == (
        f"minutes: {minutes!r} is not allowed; it is a whole number of idle minutes, 1 or more")


async def test_an_endpoint_other_than_the_workers_is_refused(tmp_path):
    acts = PipelineActivities(settings(tmp_path, "skypilot"), Refusing(tmp_path / "local", trusted=True),
                              endpoint=ENDPOINT)
    other = "http://127.0.0.1:1"
    with pytest.raises(ApplicationError) as failure:
        await ActivityEnvironment().run(acts.run_sky_keep_up, KeepUpInput("c1", other, 240))
    assert failure.value.type == ENDPOINT_MISMATCH and failure.value.non_retryable
    assert f"api_server_endpoint: {other!r} is not served by this worker" in failure.value.message
