"""The worker's Prometheus endpoint: Temporal's SDK metrics and the pipeline's own,
scraped while runs go on (local executor, real dev server)."""

from __future__ import annotations

import asyncio
import re
import urllib.request

import pytest
from pipeline_helpers import pipeline_input, progress, start, wait_until
from support import WorkerProcess, bucket_task, free_port, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError

SLOW_TRAIN = bucket_task("train", """
ls /data/file_* > /dev/null
sleep 4
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

        # A run refused a secret, a run whose job fails.
        refused = await start(client, pipeline_input(repo, secret_env_names=["HOME"]), task_queue)
        failing = make_git_repo(tmp_path / "failing", files={"eval.yaml": "run: |\n  set -e\n  exit 3\n"})
        failed = await start(client, pipeline_input(failing), task_queue)
        for h in (refused, failed):
            with pytest.raises(WorkflowFailureError):
                await h.result()
        after = scrape(port)
    finally:
        worker.stop()
    assert total(after, "skypilot_temporal_runs_completed_total") == 1
    assert total(after, "skypilot_temporal_runs_failed_total", failure_type="JobFailed", step="eval") == 1
    assert total(after, "skypilot_temporal_runs_failed_total", failure_type="InvalidInput", step="clone") == 1
    assert total(after, "skypilot_temporal_secrets_refused_total") == 1
    assert total(after, "skypilot_temporal_step_duration_count", kind="exec", step="eval") >= 1
    # Every step and SkyPilot call lands in a finite bucket (train: about 4 s, its tail
    # too), where the SDK's default buckets ended at 10 s; no series carries the SDK's
    # service_name.
    for family in ("skypilot_temporal_step_duration", "skypilot_temporal_sky_call_latency"):
        finite = total(after, f"{family}_bucket", le="86400")
        assert finite == total(after, f"{family}_count") > 0, family
    assert total(after, "skypilot_temporal_step_duration_bucket", step="train", le="1") == 0
    assert total(after, "skypilot_temporal_step_duration_bucket", step="train", le="60") >= 1
    assert not [k for k in after if "service_name=" in k]
    # Temporal's own SDK metrics come from the same endpoint.
    assert total(after, "temporal_workflow_completed_total") >= 1
    assert total(after, "temporal_activity_execution_latency_count") >= 5
    await asyncio.sleep(0)
