"""The scrapes an operator's dashboard and alert rules are tested on: one real worker
(local executor) goes through the scenarios they are about, and its /metrics is scraped
after each one."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
from metrics_scrape import Sample, parse, scrape_text, value
from pipeline_helpers import pipeline_input, progress, start, wait_until
from support import DevServer, WorkerProcess, bucket_task, free_port, make_git_repo, worker_env
from temporalio.client import Client, WorkflowFailureError

from skypilot_temporal.contract.names import data_converter
from skypilot_temporal.v1 import pipeline_pb2 as pb

# Long enough for the housekeeping (every second here) to see its cluster up.
SLOW_TRAIN = bucket_task("train", """
ls /data/file_* > /dev/null
sleep 6
echo trained > /data/trained_model.txt
""")
FAILING_EVAL = "run: |\n  set -e\n  exit 3\n"
# Leaves a file behind that the test makes immutable: no down can remove the cluster.
STUCK_TRAIN = "run: |\n  set -e\n  mkdir -p stuck && touch stuck/file\n  sleep 4\n"


@dataclass
class ScenarioScrapes:
    """/metrics of one worker after each scenario, in the order they ran."""

    port: int
    namespace: str
    task_queue: str
    # Each scrape is also written here, as `<scenario>.txt`, for a failing test to be read by.
    directory: Path
    texts: dict[str, str] = field(default_factory=dict)

    def samples(self, scenario: str) -> list[Sample]:
        return parse(self.texts[scenario])

    def scraped(self, scenario: str) -> None:
        self.texts[scenario] = scrape_text(self.port)
        (self.directory / f"{scenario}.txt").write_text(self.texts[scenario])


async def _connect(server: DevServer) -> Client:
    # The port opens before the frontend is healthy: retry for a while on a slow host.
    for attempt in range(60):
        try:
            return await Client.connect(server.address, data_converter=data_converter)
        except RuntimeError as err:
            if "not healthy" not in str(err) or attempt == 59:
                raise
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


def _clusters_up(port: int) -> float:
    return value(port, "skypilot_temporal_clusters_up")


def _steps_running(port: int) -> float:
    return value(port, "temporal_worker_task_slots_used", worker_type="ActivityWorker")


@pytest_asyncio.fixture(scope="session")
async def scenario_scrapes(
    temporal_server: DevServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ScenarioScrapes]:
    """started (nothing ran yet), running (a step trains on its cluster), completed,
    cancelled, failed (a job exits 3), refused (a run asks for a secret the allowlist
    refuses), teardown_failed (a cluster no down can remove, left up)."""
    tmp = tmp_path_factory.mktemp("scenarios")
    client = await _connect(temporal_server)
    port, queue, work_dir = free_port(), f"test-{uuid.uuid4().hex[:8]}", tmp / "work"
    work_dir.mkdir()
    env = worker_env(temporal_server, work_dir, queue,
                     SKYPILOT_TEMPORAL_METRICS_ADDRESS=f"127.0.0.1:{port}",
                     SKYPILOT_TEMPORAL_HOUSEKEEPING_SECONDS="1",
                     SKYPILOT_TEMPORAL_SECRET_ALLOWLIST="ALLOWED_*",
                     # The team gauges are exported for the teams a quota names; the runs here
                     # (team `default`) go through it as every run of such a fleet does.
                     SKYPILOT_TEMPORAL_TEAM_QUOTAS="default=100")
    worker = WorkerProcess(env, tmp / "worker.log").start()
    scrapes = ScenarioScrapes(port, client.namespace, queue, tmp)
    stuck: list[Path] = []
    try:
        scrapes.scraped("started")

        repo = make_git_repo(tmp / "tasks", files={"train.yaml": SLOW_TRAIN})
        handle = await start(client, pipeline_input(repo), queue)
        await wait_until(lambda: _clusters_up(port) == 1 and _steps_running(port) == 1, timeout=90, every=0.1)
        scrapes.scraped("running")
        await handle.result()
        await wait_until(lambda: _clusters_up(port) == 0, timeout=10)
        scrapes.scraped("completed")

        cancelled = await start(client, pipeline_input(repo), queue)

        async def training() -> bool:
            return (await progress(cancelled)).current_step == "train"

        await wait_until(training, timeout=60)
        await cancelled.cancel()
        with pytest.raises(WorkflowFailureError):
            await cancelled.result()
        await wait_until(lambda: _clusters_up(port) == 0, timeout=10)
        scrapes.scraped("cancelled")

        failing = make_git_repo(tmp / "failing", files={"eval.yaml": FAILING_EVAL})
        with pytest.raises(WorkflowFailureError):
            await (await start(client, pipeline_input(failing), queue)).result()
        await wait_until(lambda: _clusters_up(port) == 0, timeout=10)
        scrapes.scraped("failed")

        with pytest.raises(WorkflowFailureError):
            await (await start(client, pipeline_input(repo, secret_env_names=["HOME"]), queue)).result()
        scrapes.scraped("refused")

        stuck_repo = make_git_repo(tmp / "stuck", files={"train.yaml": STUCK_TRAIN})
        steps = [pb.PipelineStep(name="train", task_yaml="train.yaml", kind=pb.STEP_KIND_LAUNCH)]
        inp = pipeline_input(stuck_repo, steps=steps, launch=pb.LaunchOptions(teardown_timeout_seconds=6))
        leaking = await start(client, inp, queue)
        root = work_dir / "local" / "clusters"
        await wait_until(lambda: bool(list(root.glob("*/home/stuck/file"))), timeout=60)
        stuck = list(root.glob("*/home/stuck"))
        subprocess.run(["chattr", "+i", str(stuck[0])], check=True)
        with pytest.raises(WorkflowFailureError) as failure:
            await leaking.result()
        assert failure.value.cause.type == "TeardownFailed"
        await wait_until(lambda: _clusters_up(port) == 1 and _steps_running(port) == 0, timeout=10)
        scrapes.scraped("teardown_failed")
        yield scrapes
    finally:
        for path in stuck:
            subprocess.run(["chattr", "-i", str(path)], check=False)
        for cluster_dir in (work_dir / "local" / "clusters").glob("*"):
            shutil.rmtree(cluster_dir, ignore_errors=True)
        worker.stop()
