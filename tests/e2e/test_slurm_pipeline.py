"""The pipeline through the real worker -> real SkyPilot API server -> local Slurm.

Each scenario is checked against SkyPilot itself (sky.queue while the run goes on,
sky.status after it), not only against the workflow's own result.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from pathlib import Path

import pytest
from faults import cancel_during
from pipeline_helpers import activity_attempts, history_json, pipeline_input, progress, start, wait_until
from slurm_helpers import SLURM_DIR, QueueWatcher, requests_on, sky_clusters
from support import ROOT, WorkerProcess, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError

from skypilot_temporal.contract.names import DECIDE_UPDATE
from skypilot_temporal.pipeline.plan import default_cluster_prefix
from skypilot_temporal.v1 import pipeline_pb2 as pb

pytestmark = pytest.mark.slurm
RUN_LIMIT = 600  # seconds: bounds a scenario, not a speed target
OK_STATES = {"INIT", "PENDING", "SETTING_UP", "RUNNING", "SUCCEEDED"}


def inputs(repo: Path, data_dir: Path, **envs: str):
    return pipeline_input(repo, envs_override={"DATA_DIR": str(data_dir), **envs})


async def watch(handle) -> tuple[str, QueueWatcher]:
    """The run's cluster names as its progress query gives them, and a queue watcher."""
    await wait_until(lambda: _has_clusters(handle), timeout=60)
    names = list((await progress(handle)).clusters)
    return default_cluster_prefix(handle.id), QueueWatcher(names).start()


async def _has_clusters(handle, count: int = 2) -> bool:
    return len((await progress(handle)).clusters) == count


def cluster(watcher: QueueWatcher, short: str) -> str:
    """The run's cluster for a step's short cluster name (`{prefix}-{short}-{run tag}`)."""
    return next(c for c in watcher.clusters if f"-{short}-" in c)


async def result_of(handle):
    return await asyncio.wait_for(handle.result(), RUN_LIMIT)


async def assert_no_cluster_left(prefix: str, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while (left := await sky_clusters(prefix)) and time.monotonic() < deadline:
        await asyncio.sleep(3)
    assert left == [], f"clusters left after {within}s: {left}"


async def test_pipeline_completes_on_slurm(client, sky_worker, task_queue, slurm_repo, data_dir):
    started = time.monotonic()
    handle = await start(client, inputs(slurm_repo, data_dir), task_queue)
    prefix, watcher = await watch(handle)
    try:
        result = await result_of(handle)
    finally:
        await watcher.stop()
    print(f"\nslurm pipeline wall time: {time.monotonic() - started:.1f}s")

    assert [(s.name, s.status) for s in result.steps] == [
        ("preprocess", "SUCCEEDED"), ("train", "SUCCEEDED"), ("eval", "SUCCEEDED")]
    # One job on preprocess's cluster; train, then eval, on train's: in the result and
    # in SkyPilot's request records (one launch per cluster, one exec).
    pre, train = cluster(watcher, "preprocess"), cluster(watcher, "train")
    assert [(s.cluster_name, s.job_id) for s in result.steps] == [(pre, 1), (train, 1), (train, 2)]
    assert sorted(n for n, _ in await requests_on(pre) if n in ("sky.launch", "sky.exec")) == ["sky.launch"]
    assert sorted(n for n, _ in await requests_on(train) if n in ("sky.launch", "sky.exec")) == [
        "sky.exec", "sky.launch"]
    # SkyPilot's own queues, polled every second or two before teardown removed them:
    # only those jobs (a short one may end between two polls), never a failed state.
    watcher.saw_only(pre, {1: f"{prefix}-preprocess-"})
    watcher.saw_only(train, {1: f"{prefix}-train-", 2: f"{prefix}-eval-"})
    assert 1 in watcher.jobs[train]
    assert watcher.statuses_seen() <= OK_STATES, watcher.statuses_seen()
    # Data written by preprocess was read by train and eval.
    assert len(list(data_dir.glob("file_*"))) == 10
    assert "files: 10" in (data_dir / "trained_model.txt").read_text()
    assert "accuracy: 0." in (data_dir / "evaluation_report.txt").read_text()
    await assert_no_cluster_left(prefix, within=0)


@pytest.mark.slow  # make test runs a failing eval on Slurm in test_slurm_repair.py; this one in `make e2e`
async def test_failing_job_fails_the_step_once_and_leaves_no_cluster(
    client, sky_worker, task_queue, slurm_repo, data_dir
):
    failing = "set -euo pipefail\n  echo 'diverged: loss is NaN'\n  exit 1"
    (slurm_repo / "train.yaml").write_text(
        (slurm_repo / "train.yaml").read_text().replace("set -euo pipefail", failing, 1)
    )
    subprocess.run(
        ["git", "-c", "user.email=t@l", "-c", "user.name=t", "commit", "-qam", "fail"], cwd=slurm_repo, check=True
    )
    handle = await start(client, inputs(slurm_repo, data_dir), task_queue)
    prefix, watcher = await watch(handle)
    try:
        with pytest.raises(WorkflowFailureError) as failure:
            await result_of(handle)
    finally:
        await watcher.stop()
    message = failure.value.cause.message
    assert "step 'train' failed" in message and "diverged: loss is NaN" in message
    # The failed job ran once: one launch request, one job, one activity attempt.
    assert [n for n, _ in await requests_on(cluster(watcher, "train"))].count("sky.launch") == 1
    assert len(watcher.jobs[cluster(watcher, "train")]) <= 1
    launches = [a for a in await activity_attempts(handle) if a[0] == "run_sky_launch"]
    assert launches == [("run_sky_launch", 1), ("run_sky_launch", 1)]
    await assert_no_cluster_left(prefix, within=0)


@pytest.mark.slow  # minutes long: `make e2e`
async def test_cancel_during_training_cancels_the_job_and_leaves_no_cluster(slurm_rig):
    # SkyPilot's records must show sky.cancel of the job, then sky.down of its cluster
    # (tests/faults.py; the other cancel scenarios are in test_slurm_faults.py).
    times = await cancel_during(slurm_rig, "training")
    print(f"\ncancel -> job cancelled: {times['job']:.1f}s, no cluster left: {times['clusters']:.1f}s")


@pytest.mark.slow
async def test_four_pipelines_at_once_on_one_worker(client, sky_worker, task_queue, tmp_path):
    started = time.monotonic()
    handles = []
    for i in range(4):
        repo = make_git_repo(tmp_path / f"tasks{i}", source=ROOT / "examples" / "slurm")
        data = SLURM_DIR / "data" / f"e2e-par-{tmp_path.name}-{i}"
        handles.append(await start(client, inputs(repo, data), task_queue))
    results = await asyncio.gather(*(result_of(h) for h in handles))
    print(f"\n4 pipelines at once: {time.monotonic() - started:.1f}s")
    for result in results:
        assert [s.status for s in result.steps] == ["SUCCEEDED"] * 3
    for handle in handles:
        events = json.loads(await history_json(handle))["events"]
        assert not [e for e in events if e.get("eventType") == "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT"]
        await assert_no_cluster_left(default_cluster_prefix(handle.id), within=0)


@pytest.mark.slow  # minutes long: `make e2e`
async def test_an_allowed_secret_reaches_the_task_with_its_value(
    client, temporal_server, task_queue, work_dir, tmp_path
):
    import hashlib

    from pipeline_helpers import history_text

    secret = f"sk-{tmp_path.name}-value"
    env = worker_env(temporal_server, work_dir, task_queue, SKYPILOT_TEMPORAL_EXECUTOR="skypilot",
                     E2E_TOKEN=secret, SKYPILOT_TEMPORAL_SECRET_ALLOWLIST="E2E_*")
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    repo = make_git_repo(tmp_path / "secret", source=ROOT / "examples" / "slurm", files={"secret.yaml": (
        "resources:\n  infra: slurm\n  cpus: 1+\n"
        "run: |\n  set -euo pipefail\n"
        '  got=$(printf %s "$E2E_TOKEN" | sha256sum | cut -d" " -f1)\n'
        '  [ "$got" = "$EXPECTED_SHA" ] || { echo "secret mismatch"; exit 1; }\n'
        "  echo secret ok\n")})
    steps = [pb.PipelineStep(name="check", task_yaml="secret.yaml", kind=pb.STEP_KIND_LAUNCH)]
    inp = pipeline_input(repo, steps=steps, secret_env_names=["E2E_TOKEN"],
                         envs_override={"EXPECTED_SHA": hashlib.sha256(secret.encode()).hexdigest()})
    try:
        handle = await start(client, inp, task_queue)
        result = await result_of(handle)
    finally:
        worker.stop()
    assert result.steps[0].status == "SUCCEEDED" and "secret ok" in result.steps[0].log_tail
    assert secret not in await history_text(handle) and secret not in worker.log()
    await assert_no_cluster_left(default_cluster_prefix(handle.id), within=0)


@pytest.mark.slow  # minutes long: `make e2e`
async def test_a_sweep_trains_and_evaluates_each_branch_on_its_cluster_and_selects(
    client, sky_worker, task_queue, tmp_path
):
    """examples/sweep as written, cut to 3 branches at most 2 at a time and no export."""
    pipeline = (ROOT / "examples" / "sweep" / "pipeline.yaml").read_text()
    pipeline = pipeline.replace("BATCH: [32, 64]", "BATCH: [48]").replace("max_parallel: 3", "max_parallel: 2")
    pipeline = pipeline[: pipeline.index("  - name: export")]
    repo = make_git_repo(tmp_path / "sweep", source=ROOT / "examples" / "sweep", files={"pipeline.yaml": pipeline})
    handle = await start(client, pipeline_input(repo, envs_override={"SECONDS_PER_EPOCH": "2"}), task_queue)
    names = await _branch_clusters(handle)
    watcher = QueueWatcher(names).start()
    try:
        result = await result_of(handle)
    finally:
        await watcher.stop()
    trains = [s for s in result.steps if s.name == "train"]
    evals = [s for s in result.steps if s.name == "eval"]
    assert [s.status for s in trains + evals] == ["SUCCEEDED"] * 6
    # On each branch's cluster, train (job 1) then eval (job 2), and nothing else.
    assert sorted((s.cluster_name, s.job_id) for s in trains) == [(c, 1) for c in sorted(names)]
    assert sorted((s.cluster_name, s.job_id) for s in evals) == [(c, 2) for c in sorted(names)]
    for cluster in names:
        # SkyPilot's request records (kept after teardown): one launch, one exec.
        made = [n for n, _ in await requests_on(cluster)]
        assert made.count("sky.launch") == 1 and made.count("sky.exec") == 1, (cluster, made)
        # Its queue, polled every few seconds: a short eval on a losing branch, downed
        # as soon as the selection is made, can run between two polls; whatever the
        # queue showed must be those two jobs.
        watcher.saw_only(cluster, {1: "-train-", 2: "-eval-"})
        assert 1 in watcher.jobs[cluster]
    assert next(s for s in result.steps if s.name == "best").branch == "1 (LR=3e-4,BATCH=48)"
    for cluster in names:
        assert await sky_clusters(cluster) == []


async def _branch_clusters(handle) -> list[str]:
    await wait_until(lambda: _has_clusters(handle, 3), timeout=120)
    return list((await progress(handle)).clusters)


@pytest.mark.slow  # minutes long: `make e2e`
async def test_an_approval_gate_waits_with_only_the_cluster_a_later_step_needs(
    client, sky_worker, task_queue, slurm_repo, data_dir
):
    """preprocess -> train -> eval -> gate -> deploy (exec on train's cluster): while the run
    waits, SkyPilot has the train cluster alone; once approved, deploy runs there and
    every cluster comes down."""
    (slurm_repo / "pipeline.yaml").write_text(
        "steps:\n"
        "  - {name: preprocess, task_yaml: data_preprocessing.yaml}\n"
        "  - {name: train, task_yaml: train.yaml, needs: [preprocess]}\n"
        "  - {name: eval, kind: exec, cluster: train, task_yaml: eval.yaml, needs: [train]}\n"
        "  - {name: ship-it, kind: approval, needs: [eval], approvers: [alice]}\n"
        "  - {name: deploy, kind: exec, cluster: train, task_yaml: eval.yaml, needs: [ship-it]}\n")
    subprocess.run(["git", "-c", "user.email=t@l", "-c", "user.name=t", "add", "pipeline.yaml"], cwd=slurm_repo,
                   check=True)
    subprocess.run(["git", "-c", "user.email=t@l", "-c", "user.name=t", "commit", "-qm", "gate"], cwd=slurm_repo,
                   check=True)
    handle = await start(client, inputs(slurm_repo, data_dir), task_queue)

    async def waiting() -> bool:
        return any(s.name == "ship-it" and s.state == "waiting" for s in (await progress(handle)).steps)

    await wait_until(waiting, timeout=RUN_LIMIT)
    prefix = default_cluster_prefix(handle.id)
    up = await sky_clusters(prefix)
    assert len(up) == 1 and "-train-" in up[0], up
    await handle.execute_update(DECIDE_UPDATE, pb.ApprovalDecision(decision="approve", approver="alice", reason="ok"))
    result = await result_of(handle)
    steps = {s.name: s for s in result.steps}
    assert steps["ship-it"].status == "APPROVED" and steps["ship-it"].idle_cluster_seconds > 0
    assert (steps["deploy"].cluster_name, steps["deploy"].job_id, steps["deploy"].status) == (up[0], 3, "SUCCEEDED")
    await assert_no_cluster_left(prefix, within=0)
