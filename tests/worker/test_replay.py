"""Determinism: recorded histories replay against the current workflow code.

histories/default_pipeline.json was recorded from a real run of the default pipeline
and histories/approved_gate.json from one that waited at an approval gate and was
approved, histories/repaired_eval.json from one whose eval failed, waited for its repair and
was retried (regenerate them: SKYPILOT_TEMPORAL_RECORD_HISTORY=1 pytest tests/worker/test_replay.py).
A change that would break in-flight workflows fails here.

The worker runs its workflows outside Temporal's sandbox by default (worker.py says
why); these replays run inside it, so a non-deterministic call in the workflow code
(clock, randomness, I/O) fails here too.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline_helpers import pipeline_input, progress, start, wait_until
from support import ROOT, WorkerProcess, make_git_repo, worker_env
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from skypilot_temporal.contract.names import DECIDE_UPDATE, RETRY_UPDATE, data_converter
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.worker import workflow_runner
from skypilot_temporal.workflows.branch import SkyPilotBranchWorkflow
from skypilot_temporal.workflows.run import SkyPilotWorkflow

RECORDED = Path(__file__).parent / "histories" / "default_pipeline.json"
# A run of examples/gated that waited at its gate and was approved through the decide update.
RECORDED_GATE = Path(__file__).parent / "histories" / "approved_gate.json"
# A run whose eval failed, waited for its repair, and was retried at the fixed commit.
RECORDED_REPAIR = Path(__file__).parent / "histories" / "repaired_eval.json"


def replayer() -> Replayer:
    return Replayer(
        workflows=[SkyPilotWorkflow, SkyPilotBranchWorkflow],
        data_converter=data_converter,
        workflow_runner=workflow_runner(sandboxed=True),
    )


async def test_recorded_history_replays():
    history = WorkflowHistory.from_json("recorded", RECORDED.read_text())
    await replayer().replay_workflow(history)


async def test_fresh_history_replays(client, shared_worker, example_repo):
    handle = await start(client, pipeline_input(example_repo), shared_worker.task_queue)
    await handle.result()
    history = await handle.fetch_history()
    if os.environ.get("SKYPILOT_TEMPORAL_RECORD_HISTORY") == "1":
        RECORDED.write_text(history.to_json())
    await replayer().replay_workflow(history)


async def test_recorded_approved_gate_replays():
    history = WorkflowHistory.from_json("recorded-gate", RECORDED_GATE.read_text())
    await replayer().replay_workflow(history)


async def test_a_run_approved_at_its_gate_replays(client, shared_worker, tmp_path):
    repo = make_git_repo(tmp_path / "gated", source=ROOT / "examples" / "gated")
    handle = await start(client, pipeline_input(repo), shared_worker.task_queue)

    async def waiting() -> bool:
        return any(s.state == "waiting" for s in (await progress(handle)).steps)

    await wait_until(waiting, timeout=120)
    await handle.execute_update(DECIDE_UPDATE, pb.ApprovalDecision(decision="approve", approver="alice",
                                                                   reason="looks right"))
    await handle.result()
    history = await handle.fetch_history()
    assert any(e.HasField("workflow_execution_update_accepted_event_attributes") for e in history.events)
    if os.environ.get("SKYPILOT_TEMPORAL_RECORD_HISTORY") == "1":
        RECORDED_GATE.write_text(history.to_json())
    await replayer().replay_workflow(history)


async def test_recorded_repaired_run_replays():
    history = WorkflowHistory.from_json("recorded-repair", RECORDED_REPAIR.read_text())
    await replayer().replay_workflow(history)


async def test_a_repaired_run_and_a_run_resuming_it_replay(client, shared_worker, tmp_path):
    from test_repair import BROKEN_EVAL, FIXED_EVAL, commit

    repo = make_git_repo(tmp_path / "tasks", files={"eval.yaml": BROKEN_EVAL})
    handle = await start(client, pipeline_input(repo, launch=pb.LaunchOptions(wait_for_repair_minutes=30)),
                         shared_worker.task_queue)

    async def waiting() -> bool:
        return (await progress(handle)).phase == "waiting_for_repair"

    await wait_until(waiting, timeout=120)
    commit(repo, {"eval.yaml": FIXED_EVAL})
    await handle.execute_update(RETRY_UPDATE, pb.RetryRequest(requester="alice"))
    await handle.result()
    history = await handle.fetch_history()
    if os.environ.get("SKYPILOT_TEMPORAL_RECORD_HISTORY") == "1":
        RECORDED_REPAIR.write_text(history.to_json())
    await replayer().replay_workflow(history)
    resumed = await start(client, pipeline_input(repo, resume_from=handle.id), shared_worker.task_queue)
    assert all(s.reused_from == handle.id for s in (await resumed.result()).steps)
    await replayer().replay_workflow(await resumed.fetch_history())


async def test_a_sweep_and_its_branches_replay_in_the_sandbox(client, shared_worker, tmp_path):
    """The example sweep, shortened: the run and every branch (child workflows)."""
    repo = make_git_repo(tmp_path / "sweep", source=ROOT / "examples" / "sweep")
    inp = pipeline_input(repo, envs_override={"EPOCHS": "1", "SECONDS_PER_EPOCH": "0"})
    handle = await start(client, inp, shared_worker.task_queue)
    await handle.result()
    children = []

    async def all_branches_listed() -> bool:
        children[:] = [c async for c in client.list_workflows(f"ParentWorkflowId = '{handle.id}'")]
        return len(children) == 6  # one branch per LR x BATCH

    await wait_until(all_branches_listed, timeout=30)
    await replayer().replay_workflow(await handle.fetch_history())
    for child in children:
        await replayer().replay_workflow(
            await client.get_workflow_handle(child.id, run_id=child.run_id).fetch_history())


async def test_a_worker_with_the_sandbox_on_runs_the_default_pipeline(
    client, temporal_server, task_queue, example_repo, work_dir, tmp_path
):
    env = worker_env(temporal_server, work_dir, task_queue, SKYPILOT_TEMPORAL_WORKFLOW_SANDBOX="1")
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        handle = await start(client, pipeline_input(example_repo), task_queue)
        result = await handle.result()
    finally:
        worker.stop()
    assert [s.name for s in result.steps] == ["preprocess", "train", "eval"]
    assert {s.status for s in result.steps} == {"SUCCEEDED"}
    assert "workflows in Temporal's sandbox" in worker.log()
