"""A launch/exec step's outcome carries what its cluster costs per hour, as the executor
prices it: when the job succeeded and, in the failure's detail, when it failed; unknown
(None) where the executor has no price, and where the lookup fails or takes too long,
which never fails the step."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest
from support import alive, make_git_repo
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from skypilot_temporal.activities import pipeline_activities
from skypilot_temporal.activities.pipeline_activities import PipelineActivities
from skypilot_temporal.config.settings import Settings
from skypilot_temporal.contract.activity_types import StepInput, StepOutcome
from skypilot_temporal.contract.names import JOB_FAILED
from skypilot_temporal.executors.local import job as local_job
from skypilot_temporal.executors.local.executor import LocalExecutor

TASKS = {"ok.yaml": "name: ok\nrun: echo done\n", "fails.yaml": "name: fails\nrun: exit 3\n"}


class Priced(LocalExecutor):
    """The local executor, with a price for its clusters (or a lookup that fails or hangs)."""

    def __init__(self, root: Path, price: float | None = None, lookup: str = "answers") -> None:
        super().__init__(root, trusted=True)
        self.price = price
        self.lookup = lookup
        self.asked: list[str] = []

    async def hourly_cost(self, cluster_name: str) -> float | None:
        self.asked.append(cluster_name)
        if self.lookup == "raises":
            raise ConnectionError("API server restarting")
        if self.lookup == "hangs":
            await asyncio.sleep(3600)
        return self.price


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / "tasks", files=TASKS)


def activities(tmp_path: Path, executor: LocalExecutor) -> PipelineActivities:
    settings = Settings.from_env({
        "SKYPILOT_TEMPORAL_WORK_DIR": str(tmp_path / "work"),
        "SKYPILOT_TEMPORAL_EXECUTOR": "local",
        "SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS": "1",
        "SKYPILOT_TEMPORAL_ENV_FILE": str(tmp_path / "none.env"),
    })
    return PipelineActivities(settings, executor)


def step(repo: Path, task_yaml: str, cluster: str) -> StepInput:
    return StepInput(step="train", cluster_name=cluster, job_name=f"job-{cluster}", task_yaml=task_yaml,
                     repo_url=str(repo), branch="", commit="", run_key=f"run-{cluster}",
                     envs_override={}, secret_env_names=[])


async def run_steps(executor: LocalExecutor, acts: PipelineActivities, *steps: tuple[str, StepInput]) -> list:
    """Runs each (launch|exec, input) step; what each returned or raised. Downs the
    clusters and ends the host agent the jobs started."""
    ends: list = []
    try:
        for kind, inp in steps:
            fn = acts.run_sky_launch if kind == "launch" else acts.run_sky_exec
            try:
                ends.append(await ActivityEnvironment().run(fn, inp))
            except ApplicationError as err:
                ends.append(err)
    finally:
        for cluster in {inp.cluster_name for _, inp in steps}:
            await executor.down(cluster)
        agent = executor.root / local_job.AGENT_PID
        if agent.exists() and alive(pid := int(agent.read_text())):
            os.kill(pid, signal.SIGKILL)
    return ends


async def test_the_outcome_carries_the_price_whether_the_job_succeeded_or_failed(tmp_path, repo):
    executor = Priced(tmp_path / "work" / "local", price=0.37)
    acts = activities(tmp_path, executor)
    ok, failed, again = await run_steps(
        executor, acts, ("launch", step(repo, "ok.yaml", "c1")), ("launch", step(repo, "fails.yaml", "c2")),
        ("exec", step(repo, "ok.yaml", "c1")))
    assert isinstance(ok, StepOutcome) and ok.status == "SUCCEEDED" and ok.usd_per_hour == 0.37
    assert isinstance(again, StepOutcome) and again.usd_per_hour == 0.37
    assert isinstance(failed, ApplicationError) and failed.type == JOB_FAILED
    [detail] = failed.details
    assert isinstance(detail, StepOutcome) and detail.status == "FAILED" and detail.usd_per_hour == 0.37
    # Each step asked about its own cluster, once its job had ended.
    assert executor.asked == ["c1", "c2", "c1"]


async def test_a_lookup_that_fails_or_hangs_leaves_the_price_unknown_and_the_step_whole(
    tmp_path, repo, monkeypatch
):
    monkeypatch.setattr(pipeline_activities, "_PRICE_TIMEOUT_S", 0.5)
    raising = Priced(tmp_path / "a" / "local", price=0.37, lookup="raises")
    hanging = Priced(tmp_path / "b" / "local", price=0.37, lookup="hangs")
    [raised] = await run_steps(raising, activities(tmp_path / "a", raising), ("launch", step(repo, "ok.yaml", "c1")))
    # The hang is an hour long: a step that waited it out would fail here.
    [hung] = await asyncio.wait_for(
        run_steps(hanging, activities(tmp_path / "b", hanging), ("launch", step(repo, "ok.yaml", "c1"))), 60)
    for outcome, executor in ((raised, raising), (hung, hanging)):
        assert isinstance(outcome, StepOutcome), outcome
        assert outcome.status == "SUCCEEDED" and outcome.usd_per_hour is None
        assert executor.asked == ["c1"]


async def test_an_executor_without_prices_reports_none_never_zero(tmp_path, repo):
    executor = LocalExecutor(tmp_path / "work" / "local", trusted=True)
    [outcome] = await run_steps(executor, activities(tmp_path, executor), ("launch", step(repo, "ok.yaml", "c1")))
    assert isinstance(outcome, StepOutcome) and outcome.status == "SUCCEEDED"
    assert outcome.usd_per_hour is None
