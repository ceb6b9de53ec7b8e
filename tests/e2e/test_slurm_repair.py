"""A failed step repaired on real SkyPilot and the local Slurm cluster: eval's task is
broken, the run waits for its repair with train's cluster alone up, the fix is committed
and retried from the Python starter, and eval runs again on that cluster. SkyPilot's own
request records and queues are the evidence that nothing else ran again; the rig's
slurm.pricing is the reference for what each step and the run cost."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
from pathlib import Path

import pytest
from pipeline_helpers import pipeline_input, progress, start, wait_until
from slurm_helpers import requests_on, rig_prices, sky_clusters
from support import ROOT, VENV_BIN
from test_slurm_pipeline import RUN_LIMIT, assert_no_cluster_left, cluster, result_of, watch

from skypilot_temporal.contract.names import (
    PHASE_CANCELLED,
    PHASE_COMPLETED,
    PHASE_FAILED,
    PHASE_TEARDOWN_FAILED,
    PHASE_WAITING_FOR_REPAIR,
    STATE_WAITING_FOR_REPAIR,
)
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

# make e2e: three minutes of real SkyPilot; make test keeps the Slurm pipeline run and
# covers repairs on the local executor (tests/worker/test_repair.py).
pytestmark = [pytest.mark.slurm, pytest.mark.slow]
GIT = ["git", "-c", "user.email=tests@localhost", "-c", "user.name=tests"]
EVAL = "eval.yaml"
BROKEN = "set -euo pipefail\n  echo 'NameError: accurcy' >&2\n  exit 3\n"
REQUESTER = "e2e-repair"
ENDED = (PHASE_COMPLETED, PHASE_FAILED, PHASE_CANCELLED, PHASE_TEARDOWN_FAILED)


def commit(repo: Path, text: str, message: str) -> str:
    (repo / EVAL).write_text(text)
    subprocess.run(GIT + ["commit", "-qam", message], cwd=repo, check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


def starter_retry(address: str, workflow_id: str) -> subprocess.CompletedProcess:
    """`skypilot-temporal-start retry RUN_ID`, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_"))}
    env.update(TEMPORAL_ADDRESS=address, SKYPILOT_TEMPORAL_APPROVER=REQUESTER,
               TEMPORAL_CONFIG_FILE=str(ROOT / "tests" / "contract" / "no-such-temporal.toml"))
    return subprocess.run([str(VENV_BIN / "skypilot-temporal-start"), "retry", workflow_id], env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def job_requests(names: list[tuple[str, str]]) -> list[str]:
    return sorted(n for n, _ in names if n in ("sky.launch", "sky.exec"))


async def test_a_failed_eval_waits_on_trains_cluster_and_its_retried_fix_completes_the_run(
    client, temporal_server, sky_worker, task_queue, slurm_repo, data_dir
):
    fixed_text = (slurm_repo / EVAL).read_text()
    commit(slurm_repo, fixed_text.replace("set -euo pipefail\n", BROKEN, 1), "break eval")
    inp = pipeline_input(slurm_repo, envs_override={"DATA_DIR": str(data_dir)},
                         launch=pb.LaunchOptions(wait_for_repair_minutes=30))
    handle = await start(client, inp, task_queue)
    prefix, watcher = await watch(handle)
    pre, train = cluster(watcher, "preprocess"), cluster(watcher, "train")
    try:
        async def waiting_for_repair() -> bool:
            phase = (await progress(handle)).phase
            assert phase not in ENDED, f"the run ended ({phase}) instead of waiting for a repair"
            return phase == PHASE_WAITING_FOR_REPAIR

        await wait_until(waiting_for_repair, timeout=RUN_LIMIT, every=1.0)
        waiting_seen = time.monotonic()

        # SkyPilot's view: train's cluster alone is up; preprocess's was downed once it
        # was no longer needed (its down may still be finishing when the wait begins).
        async def train_alone() -> bool:
            return await sky_clusters(prefix) == [train]

        await wait_until(train_alone, timeout=60, every=3)
        waiting = await progress(handle)
        entry = next(s for s in waiting.steps if s.name == "eval")
        assert entry.state == STATE_WAITING_FOR_REPAIR and list(entry.clusters_kept) == [train]
        assert entry.failure.startswith("step 'eval' failed: "), entry.failure
        assert list(waiting.clusters_up) == [train]
        # What the run has cost so far: preprocess, train and eval's failed attempt.
        assert [(r.name, r.status) for r in waiting.finished] == [
            ("preprocess", "SUCCEEDED"), ("train", "SUCCEEDED"), ("eval", "FAILED")]
        assert waiting.cost.HasField("running_usd") and waiting.cost.running_usd > 0
        assert waiting.cost.running_usd == pytest.approx(sum(r.cost_usd for r in waiting.finished), abs=1e-6)

        fixed = commit(slurm_repo, fixed_text, "fix eval")
        retry_sent = time.monotonic()
        done = await asyncio.to_thread(starter_retry, temporal_server.address, handle.id)
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        assert done.stdout == cli.retry_accepted(steps="eval", workflow_id=handle.id, commit=fixed[:12],
                                                 requester=REQUESTER) + "\n"
        result = await result_of(handle)
    except BaseException:
        # Rather than keep train's cluster for a repair that will not come: cancelled, it
        # downs its clusters.
        with contextlib.suppress(Exception):
            await handle.cancel()
            await asyncio.wait_for(handle.result(), 120)
        raise
    finally:
        await watcher.stop()
    waited = retry_sent - waiting_seen

    assert result.commit == fixed
    assert [(s.name, s.cluster_name, s.job_id, s.status) for s in result.steps] == [
        ("preprocess", pre, 1, "SUCCEEDED"), ("train", train, 1, "SUCCEEDED"), ("eval", train, 3, "SUCCEEDED")]
    ev = result.steps[2]
    assert [(r.action, r.requester, r.commit) for r in ev.repairs] == [("retry", REQUESTER, fixed)]
    assert "accuracy: 0." in (data_dir / "evaluation_report.txt").read_text()

    # SkyPilot's request records: one launch per cluster; eval's two attempts are execs
    # on train's cluster, the failed one and the fix.
    assert job_requests(await requests_on(pre)) == ["sky.launch"]
    assert job_requests(await requests_on(train)) == ["sky.exec", "sky.exec", "sky.launch"]
    # Its queues, polled while the run went on: preprocess and train one job each, then
    # eval (job 2) and its repaired run (job 3, a job of its own) on train's cluster.
    watcher.saw_only(pre, {1: f"{prefix}-preprocess-"})
    watcher.saw_only(train, {1: f"{prefix}-train-", 2: f"{prefix}-eval-", 3: f"{prefix}-eval-r1-"})
    assert 1 in watcher.jobs[train]
    # The failed job stayed in the queue through the wait.
    assert watcher.jobs[train][2]["status"] == "FAILED", watcher.jobs[train]

    # What each attempt cost, against the rig's price for its cluster.
    final = await progress(handle)
    finished = list(final.finished)
    assert [(r.name, r.cluster_name, r.job_id, r.status) for r in finished] == [
        ("preprocess", pre, 1, "SUCCEEDED"), ("train", train, 1, "SUCCEEDED"), ("eval", train, 2, "FAILED"),
        ("eval", train, 3, "SUCCEEDED")]
    prices = await rig_prices([pre, train])
    assert set(prices) == {pre, train} and all(p > 0 for p in prices.values()), prices
    for r in finished:
        assert r.usd_per_hour == pytest.approx(prices[r.cluster_name]), (r.name, r.job_id, prices)
        assert r.cost_usd == pytest.approx(r.usd_per_hour * r.duration_seconds / 3600, abs=1e-6), r
    # Train's cluster stood idle through the wait, at its price, on eval's result.
    assert ev.idle_cluster_seconds >= waited > 0
    assert ev.idle_cost_usd > 0
    assert ev.idle_cost_usd == pytest.approx(ev.usd_per_hour * ev.idle_cluster_seconds / 3600, abs=1e-6)
    # The run's cost: every attempt's running cost, the wait's idle cost; the result's
    # is the progress's at the end.
    assert result.cost == final.cost
    assert result.cost.HasField("running_usd") and result.cost.running_usd > waiting.cost.running_usd
    assert result.cost.running_usd == pytest.approx(sum(r.cost_usd for r in finished), abs=1e-6)
    assert result.cost.idle_usd == pytest.approx(ev.idle_cost_usd, abs=1e-6)
    assert result.cost.note == ""
    print(f"\nrepair on slurm: waited {waited:.1f}s; " + "; ".join(
        f"{r.name} job {r.job_id} {r.status} {r.duration_seconds:.1f}s ${r.cost_usd:.6f}"
        f"{f' idle {r.idle_cluster_seconds:.1f}s ${r.idle_cost_usd:.6f}' if r.idle_cluster_seconds else ''}"
        for r in finished) + f"; run running ${result.cost.running_usd:.6f} idle ${result.cost.idle_usd:.6f}")
    await assert_no_cluster_left(prefix, within=0)
