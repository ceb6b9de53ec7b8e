"""Determinism: recorded histories replay against the current workflow code.

histories/default_pipeline.json was recorded from a real run of the default pipeline
(regenerate: SKYPILOT_TEMPORAL_RECORD_HISTORY=1 pytest tests/worker/test_replay.py).
A change that would break in-flight workflows fails here.

The worker runs its workflows outside Temporal's sandbox by default (worker.py says
why); these replays run inside it, so a non-deterministic call in the workflow code
(clock, randomness, I/O) fails here too.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline_helpers import pipeline_input, start, wait_until
from support import ROOT, WorkerProcess, make_git_repo, worker_env
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from skypilot_temporal.contract.names import data_converter
from skypilot_temporal.worker import workflow_runner
from skypilot_temporal.workflows.branch import SkyPilotBranchWorkflow
from skypilot_temporal.workflows.run import SkyPilotWorkflow

RECORDED = Path(__file__).parent / "histories" / "default_pipeline.json"


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
