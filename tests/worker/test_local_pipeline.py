"""The default pipeline on the local executor, through a real dev server and worker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_helpers import activity_attempts, activity_names, clusters, history_json, pipeline_input, progress, start
from support import make_git_repo
from temporalio.client import WorkflowFailureError, WorkflowHandle

from skypilot_temporal.v1 import pipeline_pb2 as pb

SEED_ORDER = [
    "run_git_clone",
    "run_sky_launch", "run_sky_down",
    "run_sky_launch", "run_sky_exec", "run_sky_down",
]


async def test_default_pipeline_runs_seed_steps_and_downs_every_cluster(
    client, local_worker, task_queue, example_repo: Path, work_dir: Path
):
    handle = await start(client, pipeline_input(example_repo), task_queue)
    result = await handle.result()

    assert [s.name for s in result.steps] == ["preprocess", "train", "eval"]
    assert {s.status for s in result.steps} == {"SUCCEEDED"}
    preprocess, train, evaluation = result.steps
    # eval is exec'd on the train cluster: the second job there.
    assert evaluation.cluster_name == train.cluster_name != preprocess.cluster_name
    assert (train.job_id, evaluation.job_id) == (1, 2)
    assert result.clusters_downed == [preprocess.cluster_name, train.cluster_name]
    assert await activity_names(handle) == SEED_ORDER
    # preprocess's cluster goes down while train's launches: one workflow task
    # scheduled both.
    scheduled = [e["activityTaskScheduledEventAttributes"] for e in
                 json.loads(await history_json(handle))["events"] if "activityTaskScheduledEventAttributes" in e]
    assert scheduled[2]["workflowTaskCompletedEventId"] == scheduled[3]["workflowTaskCompletedEventId"]
    assert clusters(work_dir) == []

    # Data handed over through the bucket: preprocess -> train -> eval.
    bucket = work_dir / "local" / "buckets" / "test-bucket"
    assert len(list(bucket.glob("file_*"))) == 10
    assert "2 epochs on 10 files" in (bucket / "trained_model.txt").read_text()
    report = (bucket / "evaluation_report.txt").read_text()
    assert "accuracy: 0.9" in report
    assert "accuracy: 0.9" in evaluation.log_tail
    assert "epoch 2/2" in train.log_tail
    # The host's own /data was never touched.
    assert not Path("/data/evaluation_report.txt").exists()

    p = await progress(handle)
    assert p.phase == "completed" and len(p.finished) == 3 and not p.clusters_up
    assert len(result.commit) == 40


async def _failed_at(client, task_queue: str, tmp_path: Path, work_dir: Path, files: dict[str, str],
                     step: str) -> tuple[WorkflowHandle, str]:
    """Runs the default pipeline with `files` over the example's: the run must fail,
    naming `step`, and leave no cluster. Returns the run and its message."""
    repo = make_git_repo(tmp_path / "repo", files=files)
    handle = await start(client, pipeline_input(repo), task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert f"step '{step}' failed" in message
    assert clusters(work_dir) == []
    return handle, message


async def test_failing_step_names_it_is_not_retried_and_still_tears_down(
    client, local_worker, task_queue, tmp_path: Path, work_dir: Path
):
    train = "name: train\nrun: |\n  set -euo pipefail\n  echo 'loss exploded at epoch 1'\n  exit 3\n"
    handle, message = await _failed_at(client, task_queue, tmp_path, work_dir, {"train.yaml": train}, "train")
    assert "ended FAILED" in message
    assert "loss exploded at epoch 1" in message  # the job's log tail
    attempts = await activity_attempts(handle)
    assert [a for a in attempts if a[0] == "run_sky_launch"] == [("run_sky_launch", 1)] * 2
    names = await activity_names(handle)
    assert "run_sky_exec" not in names
    assert names[-1] == "run_sky_down"
    p = await progress(handle)
    assert p.phase == "failed"
    assert [(s.name, s.status) for s in p.finished] == [("preprocess", "SUCCEEDED"), ("train", "FAILED")]


async def test_failing_setup_reports_failed_setup(
    client, local_worker, task_queue, tmp_path: Path, work_dir: Path
):
    files = {"data_preprocessing.yaml": "setup: exit 7\nrun: echo never\n"}
    _, message = await _failed_at(client, task_queue, tmp_path, work_dir, files, "preprocess")
    assert "FAILED_SETUP" in message


async def test_history_keeps_only_a_bounded_log_tail(
    client, local_worker, task_queue, tmp_path: Path
):
    # ~5 MB of output: far beyond what a result may carry.
    noisy = "name: noisy\nrun: |\n  set -euo pipefail\n  seq 1 50000 | sed 's/^/line /; s/$/ " + "x" * 90 + "/'\n"
    repo = make_git_repo(tmp_path / "noisy", files={"noisy.yaml": noisy})
    steps = [pb.PipelineStep(name="noisy", task_yaml="noisy.yaml", kind=pb.STEP_KIND_LAUNCH)]
    handle = await start(client, pipeline_input(repo, steps=steps), task_queue)
    result = await handle.result()
    tail = result.steps[0].log_tail
    assert "line 50000 " in tail
    assert len(tail.encode()) <= 8 * 1024
    history = await handle.fetch_history()
    assert len(history.to_json()) < 200_000


async def test_a_task_asking_for_several_nodes_runs_once_and_says_so(
    client, local_worker, task_queue, tmp_path: Path, work_dir: Path
):
    multi = ("name: multi\nnum_nodes: 3\nrun: |\n  set -euo pipefail\n"
             "  echo \"node $SKYPILOT_NODE_RANK of $SKYPILOT_NUM_NODES\"\n")
    repo = make_git_repo(tmp_path / "multi", files={"multi.yaml": multi})
    steps = [pb.PipelineStep(name="multi", task_yaml="multi.yaml", kind=pb.STEP_KIND_LAUNCH)]
    result = await (await start(client, pipeline_input(repo, steps=steps), task_queue)).result()
    tail = result.steps[0].log_tail
    assert "num_nodes is 3: a local cluster is one node, so the task runs once, as node 0 of 1" in tail, tail
    assert tail.count("node 0 of 1") == 2, tail  # the note, and the one run of the task
    assert clusters(work_dir) == []


async def test_a_step_that_names_no_kind_launches(
    client, local_worker, task_queue, tmp_path: Path, work_dir: Path
):
    """STEP_KIND_UNSPECIFIED (a JSON step without "kind") means a launch, as a pipeline
    file's step without `kind` does."""
    repo = make_git_repo(tmp_path / "plain", files={
        "first.yaml": "name: first\nrun: echo first ran\n",
        "second.yaml": "name: second\nrun: echo second ran\n",
    })
    steps = [pb.PipelineStep(name="first", task_yaml="first.yaml"),
             pb.PipelineStep(name="second", task_yaml="second.yaml", kind=pb.STEP_KIND_EXEC, cluster="first")]
    assert steps[0].kind == pb.STEP_KIND_UNSPECIFIED
    handle = await start(client, pipeline_input(repo, steps=steps), task_queue)
    result = await handle.result()
    assert [(s.name, s.kind, s.status) for s in result.steps] == [
        ("first", pb.STEP_KIND_LAUNCH, "SUCCEEDED"), ("second", pb.STEP_KIND_EXEC, "SUCCEEDED")]
    assert "first ran" in result.steps[0].log_tail and "second ran" in result.steps[1].log_tail
    assert await activity_names(handle) == ["run_git_clone", "run_sky_launch", "run_sky_exec", "run_sky_down"]
    assert clusters(work_dir) == []
