"""A failed step that waits for its repair (wait_for_repair_minutes), on a real dev
server and worker, local executor: the run keeps only the clusters the failed step and
the steps after it need, a `retry` clones the fixed repository and runs the failed step
on them without running the steps that succeeded again, an `abort` (or the wait running
out) fails the run as the step did and downs everything. The validators refuse what the
run cannot take, recording nothing."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from faults import LocalJobs
from pipeline_helpers import clusters, history_json, pipeline_input, progress, start, wait_until
from support import make_git_repo
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import WorkflowFailureError, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError, CancelledError

from skypilot_temporal.contract.names import ABORT_UPDATE, JOB_FAILED, RETRY_UPDATE, VIEW_QUERY
from skypilot_temporal.pipeline.plan import default_cluster_prefix
from skypilot_temporal.v1 import pipeline_pb2 as pb

BROKEN_EVAL = "name: eval\nrun: |\n  echo evaluating\n  echo 'NameError: accurcy' >&2\n  exit 3\n"
FIXED_EVAL = "name: eval\nrun: |\n  echo evaluating\n  echo 'SKYPILOT_TEMPORAL_METRIC accuracy=0.93'\n"


def broken_repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / f"tasks-{uuid.uuid4().hex[:6]}", files={"eval.yaml": BROKEN_EVAL})


def commit(repo: Path, files: dict[str, str]) -> str:
    for rel, text in files.items():
        (repo / rel).write_text(text)
    git = ["git", "-c", "user.email=tests@localhost", "-c", "user.name=tests"]
    subprocess.run(git + ["commit", "-qam", "fix"], cwd=repo, check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


async def retry(handle: WorkflowHandle, **fields: str) -> pb.RepairAnswer:
    fields.setdefault("requester", "alice")
    return await handle.execute_update(RETRY_UPDATE, pb.RetryRequest(**fields), result_type=pb.RepairAnswer)


async def abort(handle: WorkflowHandle, **fields: str) -> pb.RepairAnswer:
    fields.setdefault("requester", "bob")
    return await handle.execute_update(ABORT_UPDATE, pb.AbortRequest(**fields), result_type=pb.RepairAnswer)


async def refused(call, handle: WorkflowHandle, **fields: str) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await call(handle, **fields)
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    return cause.message


async def waiting_for_repair(handle: WorkflowHandle, step: str = "eval", timeout: float = 120) -> pb.StepProgress:
    async def now_waiting() -> bool:
        return any(s.name == step and s.state == "waiting_for_repair" for s in (await progress(handle)).steps)

    await wait_until(now_waiting, timeout=timeout)
    return next(s for s in (await progress(handle)).steps if s.name == step and s.state == "waiting_for_repair")


async def update_events(handle: WorkflowHandle) -> list[str]:
    events = json.loads(await history_json(handle))["events"]
    return [e["eventType"] for e in events if "UPDATE" in e["eventType"]]


async def test_failed_eval_waits_on_the_train_cluster_and_a_retry_of_the_fix_succeeds(
    client, local_worker, task_queue, tmp_path, work_dir
):
    repo = broken_repo(tmp_path)
    handle = await start(client, pipeline_input(repo, launch=pb.LaunchOptions(wait_for_repair_minutes=30)),
                         task_queue)
    jobs = LocalJobs(work_dir, default_cluster_prefix(handle.id))
    try:
        assert "waits for a repair" in await refused(retry, handle)  # not read its pipeline yet, or running

        async def running() -> bool:
            return (await progress(handle)).phase == "running"

        await wait_until(running, timeout=60)
        assert "the run waits for no repair now" in await refused(retry, handle)
        entry = await waiting_for_repair(handle)
        p = await progress(handle)
        train = next(c for c in p.clusters if "-train-" in c)
        assert p.phase == "waiting_for_repair"
        # Only the cluster eval (and nothing after it) runs on is up: preprocess's went down.
        assert list(entry.clusters_kept) == [train] and clusters(work_dir) == [train]
        assert entry.failure.startswith("step 'eval' failed: ") and entry.deadline > entry.waiting_since
        meta = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
        assert meta.current_details.startswith("waiting for a repair of eval until 20") and train in \
            meta.current_details
        view = await handle.query(VIEW_QUERY, pb.RunViewRequest(starter="python"), result_type=pb.RunView)
        assert any(line.startswith("step eval: failed; waiting for a repair until") for line in view.lines)
        assert f"  retry: skypilot-temporal-start retry {handle.id} --step eval" in view.lines

        assert "no step named 'deploy'" in await refused(retry, handle, step="deploy")
        assert "step 'preprocess' does not wait for a repair" in await refused(retry, handle, step="preprocess")
        assert "commit: 'abc' must be a full commit id" in await refused(retry, handle, commit="abc")
        assert "requester: ' ' must be" in await refused(retry, handle, requester=" ")
        assert await update_events(handle) == []

        fixed = commit(repo, {"eval.yaml": FIXED_EVAL})
        retried_at = time.monotonic()
        answer = await retry(handle)
        (record,) = answer.repairs
        assert (record.step, record.action, record.requester, record.commit) == ("eval", "retry", "alice", fixed)
        assert record.failure == entry.failure

        result = await handle.result()
        since_retry = time.monotonic() - retried_at
    finally:
        await jobs.stop()
    assert result.commit == fixed
    ev = next(s for s in result.steps if s.name == "eval")
    # Its duration is the fixed run's alone: the failed attempt has its own result, the wait is idle time.
    assert ev.duration_seconds <= since_retry and ev.idle_cluster_seconds > 0
    assert ev.status == "SUCCEEDED" and ev.metrics["accuracy"] == pytest.approx(0.93)
    assert [(r.action, r.requester, r.commit) for r in ev.repairs] == [("retry", "alice", fixed)]
    assert any(line.startswith("    repair: retry by alice at ") for line in result.lines)
    # The local executor prices nothing: the cost is unknown, never zero, and says so.
    assert not result.cost.HasField("running_usd") and not ev.HasField("cost_usd")
    assert result.lines[-1] == "cost: " + result.cost.note
    assert result.cost.note.startswith("unknown: 2 clusters have no price (the local executor prices nothing")
    # The executor's own records: preprocess and train ran once; eval twice (the failure, the fix).
    assert jobs.jobs() == {"preprocess": 1, "train": 1, "eval": 1, "eval-r1": 1}
    assert clusters(work_dir) == []


async def test_abort_fails_the_run_as_the_step_did_and_a_fix_that_reshapes_the_pipeline_is_refused(
    client, local_worker, task_queue, tmp_path, work_dir
):
    pipeline = ("steps:\n  - {name: preprocess, task_yaml: data_preprocessing.yaml}\n"
                "  - {name: train, task_yaml: train.yaml, needs: preprocess}\n"
                "  - {name: eval, kind: exec, cluster: train, task_yaml: eval.yaml, needs: train,"
                " wait_for_repair_minutes: 30}\n")
    repo = make_git_repo(tmp_path / "tasks", files={"eval.yaml": BROKEN_EVAL, "pipeline.yaml": pipeline})
    handle = await start(client, pipeline_input(repo), task_queue)
    await waiting_for_repair(handle)
    commit(repo, {"pipeline.yaml": pipeline.replace("cluster: train, ", "cluster: preprocess, ")
                  .replace("needs: train,", "needs: [train, preprocess],")})
    message = await refused(retry, handle)
    assert message.startswith("the retry was refused; still waiting: the pipeline at commit ")
    assert "changes the run's steps (eval" in message
    assert (await progress(handle)).phase == "waiting_for_repair"

    answer = await abort(handle, reason="the data is wrong, not the code")
    assert [(r.step, r.action, r.requester) for r in answer.repairs] == [("eval", "abort", "bob")]
    with pytest.raises(WorkflowFailureError) as err:
        await handle.result()
    cause = err.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == JOB_FAILED
    first = cause.message.splitlines()[0]
    assert first.startswith("step 'eval' failed: ")
    assert first.endswith("; abort by bob: the data is wrong, not the code)")
    assert "NameError: accurcy" in cause.message  # the log tail still comes with it
    assert clusters(work_dir) == []


@pytest.mark.slow  # two worker restarts and a re-attach: `make e2e`
async def test_a_worker_killed_while_the_run_waits_and_during_the_retry_loses_nothing(
    client, local_worker, task_queue, tmp_path, work_dir
):
    pipeline = ("steps:\n  - {name: preprocess, task_yaml: data_preprocessing.yaml}\n"
                "  - {name: train, task_yaml: train.yaml}\n"
                "  - {name: eval, kind: exec, cluster: train, task_yaml: eval.yaml, heartbeat_timeout_seconds: 5,"
                " wait_for_repair_minutes: 30}\n")
    slow_fix = "name: eval\nrun: |\n  sleep 4\n  echo 'SKYPILOT_TEMPORAL_METRIC accuracy=0.93'\n"
    repo = make_git_repo(tmp_path / "tasks", files={"eval.yaml": BROKEN_EVAL, "pipeline.yaml": pipeline})
    handle = await start(client, pipeline_input(repo), task_queue)
    jobs = LocalJobs(work_dir, default_cluster_prefix(handle.id))
    try:
        await waiting_for_repair(handle)
        local_worker.kill()
        local_worker.start()
        fixed = commit(repo, {"eval.yaml": slow_fix})
        retried = asyncio.ensure_future(retry(handle))
        await wait_until(lambda: jobs.status("eval-r1") == "RUNNING", timeout=120)
        local_worker.kill()  # the fixed job keeps running; the next worker re-attaches to it
        local_worker.start()
        (record,) = (await retried).repairs
        result = await handle.result()
    finally:
        await jobs.stop()
    assert record.commit == fixed and result.commit == fixed
    assert jobs.jobs() == {"preprocess": 1, "train": 1, "eval": 1, "eval-r1": 1}
    assert next(s for s in result.steps if s.name == "eval").status == "SUCCEEDED"
    assert clusters(work_dir) == []


@pytest.mark.slow  # waits out a one-minute wait: `make e2e`
async def test_a_wait_that_runs_out_fails_the_run_as_the_step_did_torn_down(
    client, local_worker, task_queue, tmp_path, work_dir
):
    handle = await start(client, pipeline_input(broken_repo(tmp_path), launch=pb.LaunchOptions(
        wait_for_repair_minutes=1)), task_queue)
    await waiting_for_repair(handle)
    cause = await failure_of(handle)
    assert cause.type == JOB_FAILED
    assert cause.message.splitlines()[0].endswith("; no retry within 1 min (wait_for_repair_minutes))")
    assert "timeout: no retry" not in cause.message and clusters(work_dir) == []


async def failure_of(handle: WorkflowHandle) -> ApplicationError:
    with pytest.raises(WorkflowFailureError) as err:
        await handle.result()
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


SWEPT = """steps:
  - name: train
    task_yaml: train.yaml
    sweep: {matrix: {LR: ["0.1", "0.2", "0.3"]}}
  - name: eval
    kind: exec
    cluster: train
    task_yaml: eval.yaml
    needs: [train]
    wait_for_repair_minutes: 30
  - name: best
    kind: select
    select: {metric: accuracy}
    needs: [eval]
"""
SWEPT_TRAIN = "name: train\nenvs:\n  LR: '0'\nrun: |\n  echo trained with $LR\n"
# Broken for one branch only: the other two go on while it waits.
SWEPT_EVAL = ("name: eval\nenvs:\n  LR: '0'\nrun: |\n"
              "  if [ \"$LR\" = 0.2 ]; then echo 'ZeroDivisionError' >&2; exit 3; fi\n"
              "  echo \"SKYPILOT_TEMPORAL_METRIC accuracy=$LR\"\n")
SWEPT_EVAL_FIXED = "name: eval\nenvs:\n  LR: '0'\nrun: |\n  echo \"SKYPILOT_TEMPORAL_METRIC accuracy=$LR\"\n"


async def test_a_failed_branch_waits_while_the_others_go_on_and_a_retry_of_that_branch_repairs_it(
    client, local_worker, task_queue, tmp_path, work_dir
):
    repo = make_git_repo(tmp_path / "swept", files={"pipeline.yaml": SWEPT, "train.yaml": SWEPT_TRAIN,
                                                     "eval.yaml": SWEPT_EVAL})
    handle = await start(client, pipeline_input(repo), task_queue)
    jobs = LocalJobs(work_dir, default_cluster_prefix(handle.id))
    try:
        entry = await waiting_for_repair(handle)
        assert entry.branch == "1 (LR=0.2)" and len(entry.clusters_kept) == 1

        async def others_done() -> bool:
            states = {s.branch: s.state for s in (await progress(handle)).steps if s.name == "eval"}
            return states == {"0 (LR=0.1)": "succeeded", "1 (LR=0.2)": "waiting_for_repair",
                              "2 (LR=0.3)": "succeeded"}

        await wait_until(others_done, timeout=120)
        view = await handle.query(VIEW_QUERY, pb.RunViewRequest(starter="ts"), result_type=pb.RunView)
        assert any(line.startswith("step eval [1 (LR=0.2)]: failed; waiting for a repair until")
                   for line in view.lines)
        assert (f"  retry: npx ts-node ts-starter/start.ts retry {handle.id} --step eval --sweep-branch 1"
                in view.lines)
        assert "branch: no branch 0 waits for a repair (waiting: eval [1 (LR=0.2)])" in await refused(
            retry, handle, branch="0")
        fixed = commit(repo, {"eval.yaml": SWEPT_EVAL_FIXED})
        (record,) = (await retry(handle, step="eval", branch="1")).repairs
        assert (record.step, record.branch, record.commit) == ("eval", "1 (LR=0.2)", fixed)
        result = await handle.result()
    finally:
        await jobs.stop()
    evals = {s.branch: (s.status, s.metrics["accuracy"]) for s in result.steps if s.name == "eval"}
    assert evals == {"0 (LR=0.1)": ("SUCCEEDED", 0.1), "1 (LR=0.2)": ("SUCCEEDED", 0.2),
                     "2 (LR=0.3)": ("SUCCEEDED", 0.3)}
    assert next(s for s in result.steps if s.name == "best").branch == "2 (LR=0.3)"
    assert jobs.jobs() == {"train-b0": 1, "train-b1": 1, "train-b2": 1, "eval-b0": 1, "eval-b1": 1,
                           "eval-b1-r1": 1, "eval-b2": 1}
    assert clusters(work_dir) == []


@pytest.mark.slow  # `make e2e`: cancel's teardown is the run's usual one, tested in make test elsewhere
async def test_cancel_while_waiting_for_a_repair_tears_everything_down(
    client, local_worker, task_queue, tmp_path, work_dir
):
    handle = await start(client, pipeline_input(broken_repo(tmp_path), launch=pb.LaunchOptions(
        wait_for_repair_minutes=30)), task_queue)
    await waiting_for_repair(handle)
    assert len(clusters(work_dir)) == 1
    await handle.cancel()
    with pytest.raises(WorkflowFailureError) as err:
        await handle.result()
    assert isinstance(err.value.cause, CancelledError)
    assert (await progress(handle)).phase == "cancelled" and clusters(work_dir) == []
