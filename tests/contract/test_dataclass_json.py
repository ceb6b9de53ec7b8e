"""The activities' dataclasses through the worker's converter: the same JSON and the
same values and errors as the SDK's own converter (histories stay replayable)."""

from __future__ import annotations

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter

from skypilot_temporal.contract.activity_types import CloneInput, CloneResult, DownInput, StepInput, StepOutcome
from skypilot_temporal.contract.branch_types import BranchEvent, BranchInput, BranchResult, BranchStep, RunContext
from skypilot_temporal.contract.names import data_converter

SDK = DataConverter.default.payload_converter
OURS = data_converter.payload_converter

OUTCOME = StepOutcome(step="train", cluster_name="c-1", job_id=3, status="SUCCEEDED",
                      duration_seconds=1.5, log_tail="loss 0.1\n", metrics={"loss": 0.1, "acc": 1})
CONTEXT = RunContext(repo_url="https://git.example/r", branch="main", commit="a" * 40, run_key="wf-run",
                     envs_override={"A": "1"}, secret_env_names=["TOKEN"], api_server_endpoint="",
                     autodown_minutes=None, retry_until_up=False, teardown_timeout_s=600)
VALUES = [
    CloneInput(repo_url="https://git.example/r", branch="", steps={"steps": [{"name": "a"}]}, run_key="k"),
    CloneResult(commit="b" * 40, pipeline={"steps": [{"name": "a"}]}, pipeline_file="pipeline.yaml"),
    StepInput(step="train", cluster_name="c-1", job_name="j", task_yaml="train.yaml", repo_url="u",
              branch="main", commit="c" * 40, run_key="k", envs_override={"A": "1"},
              secret_env_names=["TOKEN"], autodown_minutes=5, step_envs={"LR": "0.1"}),
    OUTCOME,
    DownInput(cluster_name="c-1", release_run_key="k"),
    BranchInput(parent_workflow_id="w", parent_run_id="r", sweep="lr", index=2, label="lr=0.1",
                cluster_name="c-2", run=CONTEXT,
                steps=[BranchStep(name="t", kind="launch", task_yaml="t.yaml", job_name="j",
                                  timeout_s=60, heartbeat_timeout_s=30, envs={"LR": "0.1"})]),
    BranchEvent(index=2, step="t", state="SUCCEEDED", outcome=OUTCOME),
    BranchResult(index=2, ok=True, outcomes=[OUTCOME, OUTCOME], downed=["c-2"]),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_same_json_and_same_value_as_the_sdk(value) -> None:
    ours, sdk = OURS.to_payloads([value])[0], SDK.to_payloads([value])[0]
    assert ours.data == sdk.data and ours.metadata == sdk.metadata
    decoded = OURS.from_payloads([sdk], [type(value)])[0]
    # Equal dataclasses: nested ones (an outcome, a branch's steps) came back as such.
    assert decoded == SDK.from_payloads([sdk], [type(value)])[0] == value


@pytest.mark.parametrize("data", [
    b'{"step":1,"cluster_name":"c","job_id":1,"status":"s","duration_seconds":1,"log_tail":""}',
    b'{"step":"s","cluster_name":"c","job_id":"x","status":"s","duration_seconds":1,"log_tail":""}',
    b'["not", "an", "object"]',
    b'{"cluster_name":"c"}',
], ids=["mistyped str", "mistyped int", "not an object", "missing fields"])
def test_same_error_as_the_sdk_naming_the_field(data: bytes) -> None:
    payload = Payload(metadata={"encoding": b"json/plain"}, data=data)
    errors = []
    for converter in (OURS, SDK):
        with pytest.raises(TypeError) as caught:
            converter.from_payloads([payload], [StepOutcome])
        errors.append((str(caught.value), str(caught.value.__cause__)))
    assert errors[0] == errors[1]


def test_unknown_fields_are_ignored_as_the_sdk_does() -> None:
    data = b'{"cluster_name":"c","existed":true,"added_later":1}'
    payload = Payload(metadata={"encoding": b"json/plain"}, data=data)
    from skypilot_temporal.contract.activity_types import DownResult

    assert OURS.from_payloads([payload], [DownResult])[0] == DownResult(cluster_name="c", existed=True)


def test_a_clone_result_recorded_with_a_field_it_does_not_have_decodes() -> None:
    """Histories recorded a CloneResult with task_names; they still replay."""
    data = b'{"commit":"c","task_names":{"train.yaml":"train"},"pipeline":null,"pipeline_file":"","task_queue":"q"}'
    payload = Payload(metadata={"encoding": b"json/plain"}, data=data)
    assert OURS.from_payloads([payload], [CloneResult])[0] == CloneResult(commit="c", task_queue="q")
