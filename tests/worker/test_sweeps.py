"""Pipelines declared in the task repository: graphs, sweeps, select — on the local
executor through a real dev server and worker."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from pathlib import Path

import pytest
from pipeline_helpers import activity_names, clusters, pipeline_input, progress, start, wait_until
from support import ROOT, VENV_BIN, make_git_repo, processes_with_env
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import CancelledError

from skypilot_temporal.contract.names import DEFAULT_TASK_QUEUE, WORKFLOW_TYPE

SWEEP = ROOT / "examples" / "sweep"

# Each branch's training records when it ran, in a bucket that outlives its cluster.
TIMED_TRAIN = """name: train
resources:
  cpus: 1+
envs:
  LR: "1e-3"
  BATCH: "32"
  EPOCHS: "2"
  SECONDS_PER_EPOCH: "0.5"
  TIMES_BUCKET:
  MARK: none
file_mounts:
  /times:
    name: $TIMES_BUCKET
    store: s3
run: |
  set -euo pipefail
  echo "start $(date +%s.%N)" >> "/times/$LR-$BATCH"
  if [ "$LR" = "diverge" ]; then echo "loss is NaN"; exit 1; fi
  for epoch in $(seq 1 "$EPOCHS"); do sleep "$SECONDS_PER_EPOCH"; done
  echo "lr=$LR batch=$BATCH epochs=$EPOCHS" > ~/model.txt
  echo "end $(date +%s.%N)" >> "/times/$LR-$BATCH"
"""


def sweep_repo(tmp_path: Path, pipeline: str | None = None, **files: str) -> Path:
    extra = {"train.yaml": TIMED_TRAIN, **files}
    if pipeline is not None:
        extra["pipeline.yaml"] = pipeline
    return make_git_repo(tmp_path / f"sweep-{uuid.uuid4().hex[:6]}", source=SWEEP, files=extra)


def times(work_dir: Path, bucket: str) -> dict[str, tuple[float, float]]:
    out = {}
    for f in (work_dir / "local" / "buckets" / bucket).iterdir():
        stamps = dict(line.split() for line in f.read_text().splitlines())
        out[f.name] = (float(stamps["start"]), float(stamps.get("end", stamps["start"])))
    return out


def most_at_once(intervals: list[tuple[float, float]]) -> int:
    edges = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    level = peak = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


def accuracy(lr: str, batch: int) -> float:
    import math

    d = abs(math.log10(float(lr)) + 3.5)
    return 0.95 - 0.08 * d - 0.0004 * (batch - 48) ** 2 / 48


def eight_branches(max_parallel: int = 3, extra: str = "") -> str:
    text = (SWEEP / "pipeline.yaml").read_text()
    text = text.replace('LR: ["1e-3", "3e-4", "1e-4"]', 'LR: ["1e-3", "3e-4", "1e-4", "3e-5"]')
    text = text.replace("max_parallel: 3", f"max_parallel: {max_parallel}")
    return text + extra


async def test_eight_branches_three_at_a_time_select_the_best_and_export_it_alone(
    client, local_worker, task_queue, tmp_path, work_dir
):
    bucket = f"times-{uuid.uuid4().hex[:6]}"
    export = (SWEEP / "export.yaml").read_text().replace('echo "exporting', 'sleep 15\n  echo "exporting')
    repo = sweep_repo(tmp_path, eight_branches(), **{"export.yaml": export})
    handle = await start(client, pipeline_input(repo, envs_override={"TIMES_BUCKET": bucket}), task_queue)

    # Every losing cluster goes down as soon as the winner is known: while the winner
    # still exports (15 s), only its cluster is left.
    async def selected() -> bool:
        return any(s.name == "best" and s.state == "succeeded" for s in (await progress(handle)).steps)

    await wait_until(selected, timeout=180)
    await wait_until(lambda: len(clusters(work_dir)) == 1, timeout=12)
    assert not (await progress(handle)).phase == "completed"
    result = await handle.result()

    ran = times(work_dir, bucket)
    assert len(ran) == 8 and most_at_once(list(ran.values())) <= 3
    expected = {(lr, b): accuracy(lr, b) for lr in ("1e-3", "3e-4", "1e-4", "3e-5") for b in (32, 64)}
    best = max(expected, key=lambda k: expected[k])
    evals = [s for s in result.steps if s.name == "eval"]
    assert len(evals) == 8 and all(s.status == "SUCCEEDED" for s in evals)
    for s in evals:
        lr, batch = s.branch.split("(")[1].rstrip(")").replace("LR=", "").replace("BATCH=", "").split(",")
        assert s.metrics["accuracy"] == pytest.approx(expected[(lr, int(batch))], abs=1e-4)
    select = next(s for s in result.steps if s.name == "best")
    assert select.branch.endswith(f"(LR={best[0]},BATCH={best[1]})")
    exports = [s for s in result.steps if s.name == "export"]
    assert len(exports) == 1 and exports[0].branch == select.branch
    assert f"lr={best[0]} batch={best[1]}" in exports[0].log_tail
    assert clusters(work_dir) == []

    p = await progress(handle)
    assert p.phase == "completed"
    winner_rows = [s for s in p.steps if s.winner]
    assert {s.name for s in winner_rows} == {"train", "eval", "best", "export"}
    skipped = [s for s in p.steps if s.name == "export" and s.state == "skipped"]
    assert len(skipped) == 7


@pytest.mark.parametrize("policy,min_ok,outcome,lrs", [
    ("fail_fast", 0, "failed", '["1e-3", "diverge", "1e-4"]'),
    ("keep_going", 2, "completed", '["1e-3", "diverge", "1e-4"]'),
    # The failed branch ends last, just before the selection: it waits for no verdict.
    ("keep_going", 2, "completed", '["1e-3", "1e-4", "diverge"]'),
    ("keep_going", 3, "failed", '["1e-3", "diverge", "1e-4"]'),
])
async def test_a_failing_branch_under_each_policy(
    client, local_worker, task_queue, tmp_path, work_dir, policy, min_ok, outcome, lrs
):
    on_failure = f"mode: {policy}" + (f", min_succeeded: {min_ok}" if min_ok else "")
    pipeline = (SWEEP / "pipeline.yaml").read_text()
    pipeline = pipeline.replace('LR: ["1e-3", "3e-4", "1e-4"]', f"LR: {lrs}")
    diverged = f"{json.loads(lrs).index('diverge')} (LR=diverge,BATCH=32)"
    pipeline = pipeline.replace("BATCH: [32, 64]", "BATCH: [32]")
    pipeline = pipeline.replace(
        "on_failure:\n        mode: keep_going        # a diverged run does not sink the sweep...\n"
        "        min_succeeded: 2        # ...as long as two runs make it",
        f"on_failure: {{{on_failure}}}")
    repo = sweep_repo(tmp_path, pipeline)
    handle = await start(client, pipeline_input(repo, envs_override={"TIMES_BUCKET": f"t-{uuid.uuid4().hex[:6]}",
                                                                     "SECONDS_PER_EPOCH": "1"}), task_queue)
    if outcome == "completed":
        result = await handle.result()
        trains = {s.branch: s for s in result.steps if s.name == "train"}
        assert sorted(s.status for s in trains.values()) == ["FAILED", "SUCCEEDED", "SUCCEEDED"]
        assert "loss is NaN" in trains[diverged].log_tail  # a failure says why
        assert next(s for s in result.steps if s.name == "best").branch != diverged
        # Every branch's cluster was downed, and is listed.
        assert len(result.clusters_downed) == 3
    else:
        with pytest.raises(WorkflowFailureError) as failure:
            await handle.result()
        message = failure.value.cause.message
        if policy == "fail_fast":
            assert f"failed in branch {diverged} of sweep 'train' (on_failure: fail fast)" in message
        else:
            assert "sweep 'train': 2 of 3 branches succeeded; at least 3 needed" in message
        assert "loss is NaN" in message or "FAILED" in message
    p = await progress(handle)
    assert p.phase == outcome
    states = {(s.name, s.branch): s.state for s in p.steps}
    assert states[("train", diverged)] == "failed"
    assert clusters(work_dir) == []


async def test_cancel_mid_sweep_leaves_no_cluster_and_no_process(
    client, local_worker, task_queue, tmp_path, work_dir
):
    mark = f"sweep-cancel-{uuid.uuid4().hex[:8]}"
    repo = sweep_repo(tmp_path)
    inp = pipeline_input(repo, envs_override={"TIMES_BUCKET": f"t-{uuid.uuid4().hex[:6]}", "MARK": mark,
                                              "SECONDS_PER_EPOCH": "20"})
    handle = await start(client, inp, task_queue)

    async def three_training() -> bool:
        return sum(s.name == "train" and s.state == "running" for s in (await progress(handle)).steps) == 3

    await wait_until(three_training, timeout=120)
    await handle.cancel()
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    assert isinstance(failure.value.cause, CancelledError)
    assert clusters(work_dir) == []
    assert processes_with_env(mark) == []
    states = {s.state for s in (await progress(handle)).steps if s.name == "train"}
    assert states <= {"cancelled", "pending", "skipped"}


async def test_worker_killed_mid_sweep_reattaches_every_branch(
    client, local_worker, task_queue, tmp_path, work_dir
):
    pipeline = (SWEEP / "pipeline.yaml").read_text().replace("BATCH: [32, 64]", "BATCH: [32]")
    pipeline = pipeline.replace("task_yaml: train.yaml", "task_yaml: train.yaml\n    heartbeat_timeout_seconds: 3")
    repo = sweep_repo(tmp_path, pipeline)
    inp = pipeline_input(repo, envs_override={"TIMES_BUCKET": f"t-{uuid.uuid4().hex[:6]}",
                                              "SECONDS_PER_EPOCH": "4"})
    handle = await start(client, inp, task_queue)

    async def three_training() -> bool:
        return sum(s.name == "train" and s.state == "running" for s in (await progress(handle)).steps) == 3

    await wait_until(three_training, timeout=120)
    await asyncio.sleep(1)
    local_worker.kill()
    local_worker.start()
    result = await handle.result()
    trains = [s for s in result.steps if s.name == "train"]
    evals = [s for s in result.steps if s.name == "eval"]
    # One training job per branch (job 1 on each branch's cluster), eval job 2.
    assert [s.job_id for s in trains] == [1, 1, 1] and [s.job_id for s in evals] == [2, 2, 2]
    assert local_worker.log().count("re-attaching to job 1") >= 1
    assert clusters(work_dir) == []


async def test_a_plain_json_client_starts_a_sweep(client, local_worker, task_queue, tmp_path, work_dir):
    """The `temporal` CLI with json/plain: steps with a sweep, no pipeline file."""
    repo = sweep_repo(tmp_path)
    body = {
        "repoUrl": str(repo),
        "envsOverride": {"TIMES_BUCKET": f"t-{uuid.uuid4().hex[:6]}", "SECONDS_PER_EPOCH": "0.1"},
        "steps": [
            {"name": "train", "taskYaml": "train.yaml", "kind": "STEP_KIND_LAUNCH",
             "sweep": {"matrix": [{"name": "LR", "values": ["1e-3", "3e-4"]}], "maxParallel": 2}},
            {"name": "eval", "taskYaml": "eval.yaml", "kind": "STEP_KIND_EXEC", "cluster": "train"},
            {"name": "best", "kind": "STEP_KIND_SELECT", "select": {"metric": "accuracy",
                                                                     "goal": "SELECT_GOAL_MAXIMIZE"}},
        ],
    }
    workflow_id = f"plain-sweep-{uuid.uuid4().hex[:8]}"
    address = client.service_client.config.target_host
    proc = await asyncio.to_thread(subprocess.run, [
        str(VENV_BIN / "temporal"), "workflow", "execute", "--address", address, "--type", WORKFLOW_TYPE,
        "--task-queue", task_queue, "--workflow-id", workflow_id, "--input", json.dumps(body), "-o", "json",
    ], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert next(s for s in result["steps"] if s["name"] == "best")["branch"] == "1 (LR=3e-4)"
    assert clusters(work_dir) == []
    assert task_queue != DEFAULT_TASK_QUEUE


async def test_a_bad_pipeline_file_fails_at_clone_naming_file_step_and_field(
    client, local_worker, task_queue, tmp_path, work_dir
):
    bad = (SWEEP / "pipeline.yaml").read_text().replace("needs: [eval]", "needs: [evaluate]")
    handle = await start(client, pipeline_input(sweep_repo(tmp_path, bad)), task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    assert failure.value.cause.type == "InvalidTask"  # the repository's file, not the input
    assert "pipeline.yaml: steps[2] (best).needs: 'evaluate' is not a step" in failure.value.cause.message
    assert await activity_names(handle) == ["run_git_clone"]
    assert clusters(work_dir) == []


async def test_steps_in_the_input_win_over_the_pipeline_file(client, local_worker, task_queue, tmp_path):
    from skypilot_temporal.v1 import pipeline_pb2 as pb

    steps = [pb.PipelineStep(name="solo", task_yaml="train.yaml", kind=pb.STEP_KIND_LAUNCH)]
    inp = pipeline_input(sweep_repo(tmp_path), steps=steps,
                         envs_override={"TIMES_BUCKET": f"t-{uuid.uuid4().hex[:6]}", "SECONDS_PER_EPOCH": "0.1"})
    result = await (await start(client, inp, task_queue)).result()
    assert [s.name for s in result.steps] == ["solo"]


@pytest.mark.slow
async def test_a_500_branch_sweep_stays_under_the_history_limits(client, local_worker, task_queue, tmp_path, work_dir):
    """No-op branches: the run's own history grows by ~10 events a branch (each branch
    is a child workflow with a history of its own), far below Temporal's warning
    limits of 10,240 events and 10 MiB."""
    values = ", ".join(f'"{i}"' for i in range(500))
    pipeline = (f"steps:\n  - {{name: train, task_yaml: noop.yaml, sweep: {{matrix: {{I: [{values}]}}}}}}\n"
                "  - {name: eval, kind: exec, cluster: train, task_yaml: noop.yaml, needs: [train]}\n")
    repo = make_git_repo(tmp_path / "wide", source=SWEEP, files={
        "pipeline.yaml": pipeline, "noop.yaml": "run: |\n  set -euo pipefail\n  test -n \"$I\"\n"})
    handle = await start(client, pipeline_input(repo), task_queue)
    result = await asyncio.wait_for(handle.result(), 900)
    assert sum(s.name == "eval" and s.status == "SUCCEEDED" for s in result.steps) == 500
    history = await handle.fetch_history()
    assert len(history.events) < 10_240 and sum(e.ByteSize() for e in history.events) < 10 * 1024 * 1024
    assert clusters(work_dir) == []
