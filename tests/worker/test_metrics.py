"""The worker's Prometheus endpoint: Temporal's SDK metrics and the pipeline's own,
scraped while runs go on (local executor, real dev server)."""

from __future__ import annotations

import asyncio
import re
import urllib.request

import pytest
from metrics_scrape import documented_metrics, named, parse, scrape_text
from pipeline_helpers import pipeline_input, progress, start, wait_until
from support import WorkerProcess, bucket_task, free_port, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError

from skypilot_temporal.contract.names import BRANCH_WORKFLOW_TYPE, WORKFLOW_TYPE
from skypilot_temporal.v1 import pipeline_pb2 as pb

# Past 30 s: the SDK's default buckets end at 10 s, where such a step would land in +Inf.
SLOW_TRAIN = bucket_task("train", """
ls /data/file_* > /dev/null
sleep 31
echo trained > /data/trained_model.txt
""")


def scrape(port: int) -> dict[str, float]:
    """`name{labels}` -> value, for the samples of the skypilot_temporal_ and temporal_ families."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    out: dict[str, float] = {}
    for line in text.splitlines():
        m = re.match(r"^((?:skypilot_temporal|temporal)_[a-z_]+)(\{[^}]*\})? (\S+)$", line)
        if m:
            out[m[1] + (m[2] or "")] = float(m[3])
    return out


def total(samples: dict[str, float], name: str, **labels: str) -> float:
    want = [f'{k}="{v}"' for k, v in labels.items()]
    return sum(v for k, v in samples.items()
               if k.split("{")[0] == name and all(w in k for w in want))


async def test_metrics_move_as_runs_go(client, temporal_server, task_queue, tmp_path, work_dir):
    port = free_port()
    env = worker_env(temporal_server, work_dir, task_queue,
                     SKYPILOT_TEMPORAL_METRICS_ADDRESS=f"127.0.0.1:{port}",
                     SKYPILOT_TEMPORAL_HOUSEKEEPING_SECONDS="1",
                     SKYPILOT_TEMPORAL_SECRET_ALLOWLIST="ALLOWED_*")
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        assert f"metrics on http://127.0.0.1:{port}/metrics" in worker.log()
        before = scrape(port)
        repo = make_git_repo(tmp_path / "tasks", files={"train.yaml": SLOW_TRAIN})
        handle = await start(client, pipeline_input(repo), task_queue)

        async def training() -> bool:
            return (await progress(handle)).current_step == "train"

        await wait_until(training, timeout=60)
        # While it trains, the sweep sees its one cluster up.
        await wait_until(lambda: total(scrape(port), "skypilot_temporal_clusters_up") == 1, timeout=10)
        during = scrape(port)
        started = "skypilot_temporal_runs_started_total"
        assert total(during, started) == total(before, started) + 1
        assert total(during, "skypilot_temporal_step_duration_count", kind="launch") >= 1
        await handle.result()
        await wait_until(lambda: total(scrape(port), "skypilot_temporal_clusters_up") == 0, timeout=10)

        # A run refused a secret, a run whose task YAML is no mapping, a run whose job fails.
        refused = await start(client, pipeline_input(repo, secret_env_names=["HOME"]), task_queue)
        invalid = make_git_repo(tmp_path / "invalid", files={"eval.yaml": "- not\n- a mapping\n"})
        invalid_task = await start(client, pipeline_input(invalid), task_queue)
        failing = make_git_repo(tmp_path / "failing", files={"eval.yaml": "run: |\n  set -e\n  exit 3\n"})
        failed = await start(client, pipeline_input(failing), task_queue)
        for h in (refused, invalid_task, failed):
            with pytest.raises(WorkflowFailureError):
                await h.result()
        after = scrape(port)
    finally:
        worker.stop()
    assert total(after, "skypilot_temporal_runs_completed_total") == 1
    assert total(after, "skypilot_temporal_runs_failed_total", failure_type="JobFailed", step="eval") == 1
    assert total(after, "skypilot_temporal_runs_failed_total", failure_type="InvalidInput", step="clone") == 1
    assert total(after, "skypilot_temporal_runs_failed_total", failure_type="InvalidTask", step="clone") == 1
    assert total(after, "skypilot_temporal_runs_failed_total", failure_type="InvalidRepo") == 0
    assert total(after, "skypilot_temporal_secrets_refused_total") == 1
    assert total(after, "skypilot_temporal_step_duration_count", kind="exec", step="eval") >= 1
    # Every step and SkyPilot call lands in a finite bucket (train: over 30 s, its tail
    # too), where the SDK's default buckets ended at 10 s; no series carries the SDK's
    # service_name.
    for family in ("skypilot_temporal_step_duration", "skypilot_temporal_sky_call_latency"):
        finite = total(after, f"{family}_bucket", le="86400")
        assert finite == total(after, f"{family}_count") > 0, family
    # The slow train and its tail are the only samples over 30 s (the failing run trains
    # too, quickly), and both are counted in the 60 s bucket.
    trains = total(after, "skypilot_temporal_step_duration_count", step="train")
    assert total(after, "skypilot_temporal_step_duration_bucket", step="train", le="30") == trains - 1
    assert total(after, "skypilot_temporal_step_duration_bucket", step="train", le="60") == trains
    tails = total(after, "skypilot_temporal_sky_call_latency_count", call="tail")
    assert total(after, "skypilot_temporal_sky_call_latency_bucket", call="tail", le="30") == tails - 1
    assert total(after, "skypilot_temporal_sky_call_latency_bucket", call="tail", le="60") == tails
    assert not [k for k in after if "service_name=" in k]
    # Temporal's own SDK metrics come from the same endpoint.
    assert total(after, "temporal_workflow_completed_total") >= 1
    assert total(after, "temporal_activity_execution_latency_count") >= 5
    await asyncio.sleep(0)


def test_every_counter_and_gauge_is_exported_at_zero_from_the_start(scenario_scrapes):
    started = scenario_scrapes.samples("started")
    documented = {n: k for n, k in documented_metrics().items() if k != "histogram"}
    assert len(documented) >= 8
    for name in documented:
        exported = named(started, name)
        assert exported, f"{name} is not on /metrics right after the worker started"
        assert all(s.value == 0 for s in exported), exported


# Each counter or gauge whose labels are all known at the worker's start, and the
# scenario that moves it.
MOVED_BY = {
    "skypilot_temporal_runs_started_total": "running",
    "skypilot_temporal_runs_completed_total": "completed",
    "skypilot_temporal_runs_cancelled_total": "cancelled",
    "skypilot_temporal_secrets_refused_total": "refused",
    "skypilot_temporal_teardown_failures_total": "teardown_failed",
    "skypilot_temporal_clusters_up": "running",
}


def test_a_real_sample_moves_the_series_exported_at_zero(scenario_scrapes):
    """The first real sample lands on the series exported at 0 (the same labels), so
    `increase()` over it sees the change; a new series would start from nothing."""
    scenarios = list(scenario_scrapes.texts)
    for name, scenario in MOVED_BY.items():
        at_start = named(scenario_scrapes.samples("started"), name)
        before = named(scenario_scrapes.samples(scenarios[scenarios.index(scenario) - 1]), name)
        after = named(scenario_scrapes.samples(scenario), name)
        assert [s.series for s in after] == [s.series for s in before] == [s.series for s in at_start], name
        assert sum(s.value for s in after) == sum(s.value for s in before) + 1, name
    q = {"namespace": scenario_scrapes.namespace, "task_queue": scenario_scrapes.task_queue}
    assert named(scenario_scrapes.samples("started"), "skypilot_temporal_runs_started_total", **q,
                 workflow_type=WORKFLOW_TYPE)
    assert named(scenario_scrapes.samples("started"), "skypilot_temporal_secrets_refused_total", **q,
                 activity_type="run_git_clone")


def test_open_ended_labels_move_their_sum_exported_at_zero(scenario_scrapes):
    """A failed step and an error's class are labels no worker knows at its start: their
    first sample is a series of its own, and the sum over that label (what the alert
    rules take increase() of) moves from the 0 exported per failure type and call."""
    cases = [("failed", "skypilot_temporal_runs_failed_total", "failure_type", "JobFailed", "step", "eval"),
             ("teardown_failed", "skypilot_temporal_sky_call_errors_total", "call", "down", "error", "")]
    scenarios = list(scenario_scrapes.texts)
    for scenario, name, known, known_value, open_ended, open_value in cases:
        before = named(scenario_scrapes.samples(scenarios[scenarios.index(scenario) - 1]), name, **{known: known_value})
        after = named(scenario_scrapes.samples(scenario), name, **{known: known_value})
        assert [s.value for s in before] == [0] and not before[0].label(open_ended), before
        new = [s for s in after if s.label(open_ended)]
        assert len(new) == 1 and new[0].value >= 1, after
        assert not open_value or new[0].label(open_ended) == open_value, new


async def test_without_the_step_label_step_durations_are_by_kind_only(
    client, temporal_server, task_queue, tmp_path, work_dir
):
    port = free_port()
    env = worker_env(temporal_server, work_dir, task_queue,
                     SKYPILOT_TEMPORAL_METRICS_ADDRESS=f"127.0.0.1:{port}",
                     SKYPILOT_TEMPORAL_METRICS_STEP_LABEL="0")
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        repo = make_git_repo(tmp_path / "tasks", files={"prep.yaml": "run: echo prepared\n",
                                                         "sweep.yaml": "run: echo trained with $LR\n"})
        # A plain step (recorded by the run) and a sweep's two branches (each by its branch).
        steps = [
            pb.PipelineStep(name="prep", task_yaml="prep.yaml", kind=pb.STEP_KIND_LAUNCH),
            pb.PipelineStep(name="sweep", task_yaml="sweep.yaml", kind=pb.STEP_KIND_LAUNCH, needs=["prep"],
                            sweep=pb.Sweep(matrix=[pb.SweepAxis(name="LR", values=["1e-3", "3e-4"])])),
        ]
        await (await start(client, pipeline_input(repo, steps=steps), task_queue)).result()
        samples = parse(scrape_text(port))
    finally:
        worker.stop()
    counts = named(samples, "skypilot_temporal_step_duration_count")
    assert {(s.label("workflow_type"), s.label("kind"), s.value) for s in counts} == {
        (WORKFLOW_TYPE, "launch", 1), (BRANCH_WORKFLOW_TYPE, "launch", 2)}
    durations = [s for s in samples if s.name.startswith("skypilot_temporal_step_duration")]
    assert durations and not [s for s in durations if "step" in dict(s.labels)]
