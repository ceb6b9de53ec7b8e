"""Determinism: recorded histories replay against the current workflow code.

histories/default_pipeline.json was recorded from a real run of the default pipeline
(regenerate: SKYPILOT_TEMPORAL_RECORD_HISTORY=1 pytest tests/worker/test_replay.py).
A change that would break in-flight workflows fails here.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline_helpers import pipeline_input, start
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from skypilot_temporal.contract import data_converter
from skypilot_temporal.worker import workflow_runner
from skypilot_temporal.workflow import SkyPilotWorkflow

RECORDED = Path(__file__).parent / "histories" / "default_pipeline.json"


def replayer() -> Replayer:
    return Replayer(
        workflows=[SkyPilotWorkflow],
        data_converter=data_converter,
        workflow_runner=workflow_runner(),
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
