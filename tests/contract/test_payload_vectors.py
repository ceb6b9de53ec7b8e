"""Golden payload vectors (tests/contract/vectors/*.json) through the Python SDK.

Each vector holds a Temporal Payload in Temporal's JSON form (base64 metadata and
data). The Python SDK's default payload converter must decode it into the generated
type, and re-encode it to the very same bytes: the vectors were written by this
converter. The Go and TypeScript tests check the same vectors with their SDKs, where
"the same" means the same JSON value (see docs/contract.md).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from google.protobuf import json_format
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter

from skypilot_temporal.v1 import pipeline_pb2 as pb

VECTORS = Path(__file__).parent / "vectors"
converter = DataConverter.default.payload_converter


def load(name: str) -> tuple[dict, Payload]:
    doc = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    payload = json_format.ParseDict(doc["payload"], Payload())
    assert json.loads(payload.data) == doc["json"], f'{name}: the readable "json" copy differs from the data'
    return doc, payload


def round_trip(name: str, message_type: type[Message]) -> Message:
    doc, payload = load(name)
    assert payload.metadata["encoding"] == b"json/protobuf"
    assert payload.metadata["messageType"].decode() == doc["messageType"] == message_type.DESCRIPTOR.full_name
    [value] = converter.from_payloads([payload], [message_type])
    assert isinstance(value, message_type)
    [again] = converter.to_payloads([value])
    assert dict(again.metadata) == dict(payload.metadata)
    assert again.data == payload.data  # byte for byte: the vectors are this SDK's output
    return value


def check_input_full(inp: pb.SkyPilotWorkflowInput) -> None:
    assert inp.cluster_prefix == "nightly"
    assert inp.repo_url == "https://github.com/example-org/ml-pipelines.git"
    assert inp.branch == "release/v2"
    assert inp.api_server_endpoint == "https://skypilot-api.example.com:46580"
    assert dict(inp.envs_override) == {
        "DATA_BUCKET_NAME": "example-ml-data", "EPOCHS": "3", "MODEL_NAME": "llama-3-8b",
    }
    assert list(inp.secret_env_names) == ["HF_TOKEN", "WANDB_API_KEY"]
    assert [
        (s.name, s.task_yaml, s.kind, s.cluster, s.timeout_seconds, s.heartbeat_timeout_seconds)
        for s in inp.steps
    ] == [
        ("preprocess", "tasks/data_preprocessing.yaml", pb.STEP_KIND_LAUNCH, "cpu", 1800, 90),
        ("train", "tasks/train.yaml", pb.STEP_KIND_LAUNCH, "gpu", 14400, 120),
        ("eval", "tasks/eval.yaml", pb.STEP_KIND_EXEC, "gpu", 3600, 60),
    ]
    assert inp.HasField("launch")
    assert inp.launch.idle_minutes_to_autodown == 45
    assert inp.launch.retry_until_up is True


def step_row(s: pb.StepResult) -> tuple:
    return (s.name, s.kind, s.cluster_name, s.job_id, s.status, s.duration_seconds, s.log_tail)


PREPROCESS = ("preprocess", pb.STEP_KIND_LAUNCH, "nightly-cpu", 1, "SUCCEEDED", 312.5,
              "Preprocessing 10 shards\nwrote 10 files to example-ml-data\n")


def test_input_full() -> None:
    check_input_full(round_trip("input-full.json", pb.SkyPilotWorkflowInput))


def test_result_full() -> None:
    r = round_trip("result-full.json", pb.SkyPilotWorkflowResult)
    assert [step_row(s) for s in r.steps] == [
        PREPROCESS,
        ("train", pb.STEP_KIND_LAUNCH, "nightly-gpu", 9007199254740993, "SUCCEEDED", 7200.0,
         'epoch 3/3 loss=0.412\tlr=3e-4\nsaved "best" checkpoint → /data/ckpt <step 900> & done\n'),
        ("eval", pb.STEP_KIND_EXEC, "nightly-gpu", 2, "SUCCEEDED", 0.125, "accuracy: 0.91 ✓"),
    ]
    assert list(r.clusters_downed) == ["nightly-cpu", "nightly-gpu"]
    assert r.commit == "3821bde8633dcff96cd80dc42cd3114300fe1baf"


def test_progress() -> None:
    p = round_trip("progress.json", pb.SkyPilotWorkflowProgress)
    assert (p.phase, p.current_step, p.steps_total) == ("running", "train", 3)
    assert [step_row(s) for s in p.finished] == [PREPROCESS]
    assert list(p.clusters_up) == ["nightly-gpu"]


def test_input_plain_is_the_same_message_as_input_full() -> None:
    doc, payload = load("input-plain.json")
    assert dict(payload.metadata) == {"encoding": b"json/plain"}
    assert doc["messageType"] == pb.SkyPilotWorkflowInput.DESCRIPTOR.full_name
    plain = json_format.Parse(payload.data, pb.SkyPilotWorkflowInput())
    check_input_full(plain)
    assert plain == round_trip("input-full.json", pb.SkyPilotWorkflowInput)


@pytest.mark.parametrize("name", ["input-full.json", "input-plain.json"])
def test_the_worker_decodes_both_input_encodings(name: str) -> None:
    """The worker's own payload converter accepts json/protobuf and json/plain input."""
    contract = pytest.importorskip("skypilot_temporal.contract.names")
    _, payload = load(name)
    [value] = contract.data_converter.payload_converter.from_payloads([payload], [pb.SkyPilotWorkflowInput])
    check_input_full(value)


def test_input_sweep() -> None:
    inp = round_trip("input-sweep.json", pb.SkyPilotWorkflowInput)
    assert inp.launch.provision_ahead is True and inp.launch.teardown_timeout_seconds == 900
    pre, train, ev, best = inp.steps
    # An optional bool set to false travels (unset would mean "the run's default").
    assert pre.HasField("provision_ahead") and pre.provision_ahead is False
    assert not train.HasField("provision_ahead")
    assert list(train.needs) == ["preprocess"] and dict(train.envs) == {"OPTIM": "adamw"}
    assert [(a.name, list(a.values)) for a in train.sweep.matrix] == [("LR", ["1e-3", "3e-4"]), ("BATCH", ["32", "64"])]
    assert [dict(b.envs) for b in train.sweep.include] == [{"LR": "1e-2", "BATCH": "16"}]
    assert train.sweep.max_parallel == 2
    assert train.sweep.on_failure.mode == pb.BRANCH_FAILURE_MODE_KEEP_GOING
    assert train.sweep.on_failure.min_succeeded == 3
    assert (ev.kind, ev.cluster, list(ev.needs)) == (pb.STEP_KIND_EXEC, "train", ["train"])
    assert (best.kind, best.select.metric, best.select.goal, best.select.step) == (
        pb.STEP_KIND_SELECT, "accuracy", pb.SELECT_GOAL_MAXIMIZE, "eval")


def test_progress_sweep() -> None:
    p = round_trip("progress-sweep.json", pb.SkyPilotWorkflowProgress)
    assert (p.phase, p.current_step, p.steps_total) == ("running", "train, eval", 4)
    assert [(s.name, s.branch, s.state, s.winner) for s in p.steps] == [
        ("preprocess", "", "succeeded", False),
        ("train", "0 (LR=1e-3,BATCH=32)", "succeeded", False),
        ("eval", "0 (LR=1e-3,BATCH=32)", "succeeded", True),
        ("train", "1 (LR=1e-3,BATCH=64)", "running", False),
    ]
    assert dict(p.steps[2].metrics) == {"accuracy": 0.9125}
    [done] = p.finished
    assert (done.branch, dict(done.metrics), done.idle_cluster_seconds) == (
        "0 (LR=1e-3,BATCH=32)", {"accuracy": 0.9125}, 12.25)


def test_every_vector_is_covered() -> None:
    # view.json and live.json are the worker renderer's (test_starter_vectors.py), not payloads.
    assert sorted(p.name for p in VECTORS.glob("*.json")) == [
        "input-full.json", "input-plain.json", "input-sweep.json", "live.json", "progress-sweep.json",
        "progress.json", "result-full.json", "view.json",
    ]


def test_the_cli_example_in_the_docs_is_a_valid_input() -> None:
    """docs/contract.md's `temporal workflow start --input '...'` parses as the worker parses it."""
    contract = pytest.importorskip("skypilot_temporal.contract.names")
    docs = (Path(__file__).resolve().parents[2] / "docs" / "contract.md").read_text(encoding="utf-8")
    [text] = re.findall(r"temporal workflow start[^`]*?--input '(\{.*\})'", docs)
    payload = Payload(metadata={"encoding": b"json/plain"}, data=text.encode())
    [value] = contract.data_converter.payload_converter.from_payloads([payload], [pb.SkyPilotWorkflowInput])
    assert value.repo_url and [s.kind for s in value.steps] == [pb.STEP_KIND_LAUNCH, pb.STEP_KIND_EXEC]
    # And the updates sent with `temporal workflow update execute`: the decision, the retry and the abort.
    updates = dict(re.findall(r"temporal workflow update execute[^`]*?--name (\w+) \\?\s*--input '(\{.*\})'", docs))
    assert sorted(updates) == ["abort", "decide", "retry"]

    def parsed(name: str, kind):
        payload = Payload(metadata={"encoding": b"json/plain"}, data=updates[name].encode())
        [value] = contract.data_converter.payload_converter.from_payloads([payload], [kind])
        return value

    decision = parsed("decide", pb.ApprovalDecision)
    assert (decision.gate, decision.decision, decision.approver) == ("approve-deploy", "approve", "alice")
    assert (parsed("retry", pb.RetryRequest).step, parsed("abort", pb.AbortRequest).reason) == (
        "eval", "the data is wrong")
