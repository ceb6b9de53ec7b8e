"""Writes tests/contract/vectors/*.json with the Python SDK's default payload converter.

    .venv/bin/python tests/contract/make_vectors.py

Run it only when the contract changes (a new field belongs in the FULL vectors), then
update the field checks of the three tests (test_payload_vectors.py, payload_vectors_test.go,
payload-vectors.test.ts) and review the diff of the vectors: they are the cross-language
golden record of what travels through Temporal. See docs/contract.md.
"""

from __future__ import annotations

import json
from pathlib import Path

from google.protobuf import json_format
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter

from skypilot_temporal.v1 import pipeline_pb2 as pb

OUT = Path(__file__).resolve().parent / "vectors"


def write(name: str, description: str, message_type: str, payload: Payload) -> None:
    # Temporal's JSON form of a Payload: metadata values and data in base64.
    payload_json = json_format.MessageToDict(payload)
    payload_json["metadata"] = dict(sorted(payload_json["metadata"].items()))
    doc = {
        "description": description,
        "messageType": message_type,
        "payload": payload_json,
        # The same data, parsed, for people reading the vector.
        "json": json.loads(payload.data),
    }
    (OUT / f"{name}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT / name}.json")


def write_message(name: str, description: str, message: Message) -> None:
    [payload] = DataConverter.default.payload_converter.to_payloads([message])
    write(name, description, message.DESCRIPTOR.full_name, payload)


def main() -> None:
    inp = pb.SkyPilotWorkflowInput(
        cluster_prefix="nightly",
        repo_url="https://github.com/example-org/ml-pipelines.git",
        branch="release/v2",
        envs_override={"MODEL_NAME": "llama-3-8b", "DATA_BUCKET_NAME": "example-ml-data", "EPOCHS": "3"},
        secret_env_names=["HF_TOKEN", "WANDB_API_KEY"],
        api_server_endpoint="https://skypilot-api.example.com:46580",
        steps=[
            pb.PipelineStep(name="preprocess", task_yaml="tasks/data_preprocessing.yaml", kind=pb.STEP_KIND_LAUNCH,
                            cluster="cpu", timeout_seconds=1800, heartbeat_timeout_seconds=90),
            pb.PipelineStep(name="train", task_yaml="tasks/train.yaml", kind=pb.STEP_KIND_LAUNCH,
                            cluster="gpu", timeout_seconds=14400, heartbeat_timeout_seconds=120),
            pb.PipelineStep(name="eval", task_yaml="tasks/eval.yaml", kind=pb.STEP_KIND_EXEC,
                            cluster="gpu", timeout_seconds=3600, heartbeat_timeout_seconds=60),
        ],
        launch=pb.LaunchOptions(idle_minutes_to_autodown=45, retry_until_up=True),
    )
    write_message("input-full", "SkyPilotWorkflowInput with every field set: three steps (LAUNCH, LAUNCH, "
                  "EXEC), launch options, a three-key map.", inp)

    steps = [
        pb.StepResult(name="preprocess", kind=pb.STEP_KIND_LAUNCH, cluster_name="nightly-cpu", job_id=1,
                      status="SUCCEEDED", duration_seconds=312.5,
                      log_tail="Preprocessing 10 shards\nwrote 10 files to example-ml-data\n"),
        pb.StepResult(name="train", kind=pb.STEP_KIND_LAUNCH, cluster_name="nightly-gpu", job_id=9007199254740993,
                      status="SUCCEEDED", duration_seconds=7200.0,
                      log_tail=('epoch 3/3 loss=0.412\tlr=3e-4\n'
                                'saved "best" checkpoint → /data/ckpt <step 900> & done\n')),
        pb.StepResult(name="eval", kind=pb.STEP_KIND_EXEC, cluster_name="nightly-gpu", job_id=2,
                      status="SUCCEEDED", duration_seconds=0.125, log_tail="accuracy: 0.91 ✓"),
    ]
    result = pb.SkyPilotWorkflowResult(steps=steps, clusters_downed=["nightly-cpu", "nightly-gpu"],
                                       commit="3821bde8633dcff96cd80dc42cd3114300fe1baf")
    write_message("result-full", "SkyPilotWorkflowResult with every field set. job_id 9007199254740993 (2^53+1) "
                  "checks that int64 travels as a JSON string and survives JavaScript; 7200.0 is a whole double; "
                  "the log tail has a tab, quotes, <, >, & and non-ASCII text.", result)

    progress = pb.SkyPilotWorkflowProgress(phase="running", current_step="train", finished=[steps[0]],
                                           clusters_up=["nightly-gpu"], steps_total=3)
    write_message("progress", "SkyPilotWorkflowProgress while the second of three steps runs.", progress)

    sweep = pb.SkyPilotWorkflowInput(
        repo_url="https://github.com/example-org/sweeps.git",
        envs_override={"EPOCHS": "3"},
        launch=pb.LaunchOptions(provision_ahead=True, teardown_timeout_seconds=900),
        steps=[
            pb.PipelineStep(name="preprocess", task_yaml="prep.yaml", kind=pb.STEP_KIND_LAUNCH, provision_ahead=False),
            pb.PipelineStep(
                name="train", task_yaml="train.yaml", kind=pb.STEP_KIND_LAUNCH, needs=["preprocess"],
                envs={"OPTIM": "adamw"},
                sweep=pb.Sweep(
                    matrix=[pb.SweepAxis(name="LR", values=["1e-3", "3e-4"]),
                            pb.SweepAxis(name="BATCH", values=["32", "64"])],
                    include=[pb.BranchEnvs(envs={"LR": "1e-2", "BATCH": "16"})],
                    max_parallel=2,
                    on_failure=pb.BranchFailurePolicy(mode=pb.BRANCH_FAILURE_MODE_KEEP_GOING, min_succeeded=3),
                ),
            ),
            pb.PipelineStep(name="eval", task_yaml="eval.yaml", kind=pb.STEP_KIND_EXEC, cluster="train",
                            needs=["train"]),
            pb.PipelineStep(name="best", kind=pb.STEP_KIND_SELECT, needs=["eval"],
                            select=pb.Select(metric="accuracy", goal=pb.SELECT_GOAL_MAXIMIZE, step="eval")),
        ],
    )
    write_message("input-sweep", "SkyPilotWorkflowInput of a graph: needs, per-step envs, a sweep (matrix, "
                  "include, max_parallel, keep-going policy), a SELECT step, provisioning ahead (run-wide on, "
                  "explicitly off for one step: an optional bool that is set to false).", sweep)

    live = pb.SkyPilotWorkflowProgress(phase="running", current_step="train, eval", steps_total=4,
                                       clusters=["sw-preprocess-1a2b3c4d", "sw-train-b0-1a2b3c4d"])
    live.steps.add(name="preprocess", state="succeeded", cluster_name="sw-preprocess-1a2b3c4d")
    live.steps.add(name="train", branch="0 (LR=1e-3,BATCH=32)", state="succeeded",
                   cluster_name="sw-train-b0-1a2b3c4d")
    ev = live.steps.add(name="eval", branch="0 (LR=1e-3,BATCH=32)", state="succeeded",
                        cluster_name="sw-train-b0-1a2b3c4d", winner=True)
    ev.metrics["accuracy"] = 0.9125
    live.steps.add(name="train", branch="1 (LR=1e-3,BATCH=64)", state="running", cluster_name="sw-train-b1-1a2b3c4d")
    done = live.finished.add(name="eval", kind=pb.STEP_KIND_EXEC, cluster_name="sw-train-b0-1a2b3c4d", job_id=2,
                             status="SUCCEEDED", duration_seconds=4.5, branch="0 (LR=1e-3,BATCH=32)",
                             idle_cluster_seconds=12.25)
    done.metrics["accuracy"] = 0.9125
    write_message("progress-sweep", "SkyPilotWorkflowProgress of a sweep: steps per branch with states, "
                  "metrics and the winner flag; a finished branch step with metrics and idle_cluster_seconds.", live)

    # What a client without generated code sends, e.g. `temporal workflow start --input '...'`:
    # the JSON text as written, fields in declaration order (map keys sorted, for a stable file).
    plain = json_format.MessageToDict(inp)
    plain["envsOverride"] = dict(sorted(plain["envsOverride"].items()))
    write("input-plain", "The input of input-full.json as a client without generated code sends it (e.g. "
          "temporal workflow start --input): encoding json/plain, no messageType, proto JSON field names. "
          "Decodes to the same message as input-full.json.", pb.SkyPilotWorkflowInput.DESCRIPTOR.full_name,
          Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(plain, ensure_ascii=False).encode()))


if __name__ == "__main__":
    main()
