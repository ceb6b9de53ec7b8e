"""Plain JSON from the `temporal` CLI, secrets kept out of history, the progress query."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from pipeline_helpers import BUCKET_ENV, history_text, pipeline_input, start
from support import VENV_BIN, make_git_repo
from temporalio.client import WorkflowFailureError

from skypilot_temporal.contract.names import WORKFLOW_TYPE
from skypilot_temporal.v1 import pipeline_pb2 as pb

SECRET = "s3cr3t-value-42"  # set in the worker's environment by the local_worker fixture


def cli_start(server, task_queue: str, payload: dict) -> str:
    workflow_id = f"cli-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        [str(VENV_BIN / "temporal"), "workflow", "start", "--address", server.address,
         "--type", WORKFLOW_TYPE, "--task-queue", task_queue, "--workflow-id", workflow_id,
         "--input", json.dumps(payload)],
        check=True, capture_output=True, timeout=60,
    )
    return workflow_id


async def test_plain_json_from_the_cli_runs_the_pipeline(
    client, temporal_server, shared_worker, example_repo: Path
):
    workflow_id = cli_start(temporal_server, shared_worker.task_queue, {
        "repo_url": str(example_repo),
        "envs_override": BUCKET_ENV,
        "launch": {"idle_minutes_to_autodown": 5},
    })
    handle = client.get_workflow_handle(workflow_id, result_type=pb.SkyPilotWorkflowResult)
    result = await handle.result()
    assert [s.status for s in result.steps] == ["SUCCEEDED"] * 3


@pytest.mark.parametrize("payload,expected", [
    ({"repo_url": "x", "repoUrl2": "y"}, 'unknown field "repoUrl2"'),
    ({"repo_url": 42, "repoUrl2": "y", "launch": {"idle": 5}, "steps": [{"name": "a", "taskYml": "t.yaml"}]},
     'unknown field "launch.idle", "repoUrl2", "steps[0].taskYml" (allowed: '),
    ({"repo_url": "x", "steps": "not-a-list"}, "steps"),
    ({"repo_url": 42}, "repo_url"),
], ids=["unknown-field", "unknown-fields-all-named", "mistyped-list", "mistyped-string"])
async def test_plain_json_with_unknown_or_mistyped_fields_is_rejected(
    client, temporal_server, shared_worker, payload, expected
):
    workflow_id = cli_start(temporal_server, shared_worker.task_queue, payload)
    handle = client.get_workflow_handle(workflow_id)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert "invalid SkyPilotWorkflowInput" in message and expected in message, message


async def test_secret_values_never_enter_history_or_logs(
    client, local_worker, task_queue, tmp_path: Path
):
    repo = make_git_repo(tmp_path / "secret", files={
        "data_preprocessing.yaml": "run: |\n  set -euo pipefail\n  echo \"token is $SECRET_TOKEN\"\n  mkdir -p /data\n",
    })
    inp = pipeline_input(repo, secret_env_names=["SECRET_TOKEN"],
                         steps=[pb.PipelineStep(name="show", task_yaml="data_preprocessing.yaml",
                                                kind=pb.STEP_KIND_LAUNCH)])
    handle = await start(client, inp, task_queue)
    result = await handle.result()
    # The job saw the value; everything that left the worker has it masked.
    assert "token is ***" in result.steps[0].log_tail
    history = await history_text(handle)
    assert "SECRET_TOKEN" in history  # the name is there
    assert SECRET not in history      # the value is not
    assert SECRET not in local_worker.log()
    assert "token is ***" in local_worker.log()
