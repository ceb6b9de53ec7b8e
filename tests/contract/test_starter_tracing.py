"""One trace per run, from the starter's start to every SkyPilot call.

Each starter (Go, TypeScript, Python) starts a short pipeline on the real worker (local
executor, real dev server), the starter and the worker both exporting OTLP/HTTP
(protobuf) to a receiver in this process. The trace must hold the starter's run span as
its root, the start span under it, the workflow under that, every activity under the
workflow, and inside each activity a span per executor call (launch, exec, tail, down)
with the cluster and the job id. The starter's spans must have arrived by the time it
exits (it flushes).
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from otlp_receiver import OtlpReceiver, Span, trace_of
from support import DevServer, WorkerProcess, make_git_repo, worker_env

from skypilot_temporal.contract.activity_types import RUN_GIT_CLONE, RUN_SKY_DOWN, RUN_SKY_EXEC, RUN_SKY_LAUNCH
from skypilot_temporal.contract.names import WORKFLOW_TYPE
from skypilot_temporal.v1 import starter_cli as cli

ROOT = Path(__file__).resolve().parents[2]
STARTER_SERVICE = "skypilot-temporal-starter"
WORKER_SERVICE = "skypilot-temporal-worker"
# The workflow id attribute, as Temporal's tracing interceptors and the starters write it.
WORKFLOW_ID_KEYS = (cli.TRACING_WORKFLOW_ID_ATTRIBUTE,)
PIPELINE = {
    "steps": [
        {"name": "train", "taskYaml": "train.yaml", "kind": "STEP_KIND_LAUNCH"},
        {"name": "eval", "taskYaml": "eval.yaml", "kind": "STEP_KIND_EXEC", "cluster": "train"},
    ],
}
TASKS = {"train.yaml": "name: train\nrun: echo trained\n", "eval.yaml": "name: eval\nrun: echo evaluated\n"}


def otel_env(endpoint: str) -> dict[str, str]:
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        # Short export batches: the test waits for the worker's spans.
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    }


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as r:
        yield r


@pytest.fixture(scope="module")
def traced_worker(
    temporal_server: DevServer, receiver: OtlpReceiver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[WorkerProcess, str]]:
    tmp = tmp_path_factory.mktemp("traced")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    (tmp / "work").mkdir()
    env = worker_env(temporal_server, tmp / "work", queue, **otel_env(receiver.endpoint))
    env = {k: v for k, v in env.items() if not k.startswith("OTEL_") or k in otel_env("")}
    worker = WorkerProcess(env, tmp / "worker.log").start()
    assert "tracing on" in worker.log()
    yield worker, queue
    worker.stop()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("pipeline")
    repo = make_git_repo(tmp / "tasks", files=TASKS)
    input_file = tmp / "input.json"
    input_file.write_text(json.dumps(PIPELINE))
    return repo, input_file


def starter_env(server: DevServer, queue: str, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_", "OTEL_"))}
    env["TEMPORAL_CONFIG_FILE"] = str(ROOT / "tests" / "contract" / "no-such-temporal.toml")
    env.update(TEMPORAL_ADDRESS=server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=queue, **otel_env(endpoint))
    return env


def workflow_id_of(span: Span) -> str | None:
    return next((span.attributes[k] for k in WORKFLOW_ID_KEYS if k in span.attributes), None)


def describe(spans: list[Span]) -> str:
    return "\n".join(f"{s.service} {s.name} {s.span_id} <- {s.parent_id or '-'} {s.attributes}" for s in spans)


@pytest.mark.parametrize("lang", ["go", "ts", "python"])
def test_one_trace_from_the_starter_to_every_skypilot_call(
    lang, starters, temporal_server, traced_worker, receiver, pipeline
) -> None:
    worker, queue = traced_worker
    repo, input_file = pipeline
    wid = f"traced-{lang}-{uuid.uuid4().hex[:8]}"
    proc = subprocess.run(
        [*starters[lang], "--input", str(input_file), "--repo", str(repo), "--cluster-prefix", "trace",
         "--workflow-id", wid, "--quiet"],
        cwd=ROOT, env=starter_env(temporal_server, queue, receiver.endpoint), capture_output=True, text=True,
        timeout=300, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr, worker.log()[-3000:])
    assert proc.stderr == "", proc.stderr
    assert proc.stdout.startswith("workflow completed: 2 steps, commit "), proc.stdout
    assert not receiver.errors, receiver.errors

    # The starter flushed before it exited: its spans are here already, the run's span
    # the root of a new trace and the start span its child.
    started = [s for s in receiver.snapshot() if s.service == STARTER_SERVICE and workflow_id_of(s) == wid]
    assert sorted(s.name for s in started) == sorted([cli.TRACING_RUN_SPAN, cli.TRACING_START_SPAN]), \
        describe(receiver.snapshot())
    [root] = [s for s in started if s.name == f"RunPipeline:{WORKFLOW_TYPE}"]
    [start] = [s for s in started if s.name == f"StartWorkflow:{WORKFLOW_TYPE}"]
    assert root.parent_id == "" and start.parent_id == root.span_id and start.trace_id == root.trace_id
    assert {s.encoding for s in started} == {"protobuf"}

    def complete(spans: list[Span]) -> bool:
        # The workflow's span ends with the run, after every other span of the worker's, and
        # the worker exports spans in the order they end: once it is in, they all are.
        return f"RunWorkflow:{WORKFLOW_TYPE}" in [s.name for s in trace_of(spans, start.trace_id)]
    spans = list(trace_of(receiver.wait_for(complete), start.trace_id))
    by_id = {s.span_id: s for s in spans}
    trace = describe(spans)

    # The workflow is the starter span's child, in the worker.
    [run] = [s for s in spans if s.name == f"RunWorkflow:{WORKFLOW_TYPE}"]
    assert run.service == WORKER_SERVICE and run.parent_id == start.span_id, trace
    assert workflow_id_of(run) == wid, trace

    # The workflow's span lasts the run: the starter's root outlasts it (it follows the
    # run to its result), and every span the worker made for the run lies within it.
    worker_spans = [s for s in spans if s.service == WORKER_SERVICE]
    assert all(run.start_ns <= s.start_ns and s.end_ns <= run.end_ns for s in worker_spans), trace
    assert root.start_ns <= run.start_ns and run.end_ns <= root.end_ns, trace
    assert root.status_code == "STATUS_CODE_UNSET" and root.attributes["skypilot_temporal.outcome"] == "completed"

    # Every activity of the run is in the trace: scheduled by the workflow (StartActivity,
    # under the step's span, or the workflow's for the clone and under a Down for a
    # down) and run by the worker (RunActivity, its child), each with the workflow id.
    activities = [s for s in spans if s.name.startswith("RunActivity:")]
    names = sorted(s.name.split(":", 1)[1] for s in activities)
    assert names == sorted([RUN_GIT_CLONE, RUN_SKY_LAUNCH, RUN_SKY_EXEC, RUN_SKY_DOWN]), trace
    expected_parent = {RUN_GIT_CLONE: run.name, RUN_SKY_LAUNCH: "Step:train", RUN_SKY_EXEC: "Step:eval",
                       RUN_SKY_DOWN: "Down"}
    for activity in activities:
        kind = activity.name.split(":", 1)[1]
        scheduled = by_id[activity.parent_id]
        assert scheduled.name == f"StartActivity:{kind}", trace
        assert by_id[scheduled.parent_id].name == expected_parent[kind] and workflow_id_of(scheduled) == wid, trace
        assert activity.service == WORKER_SERVICE and workflow_id_of(activity) == wid, trace
    assert all(s.parent_id == run.span_id for s in spans if s.name.startswith("Step:") or s.name == "Down"), trace

    # Inside each activity, a span per executor call, as the activity's children.
    def calls(activity_type: str) -> list[Span]:
        [activity] = [s for s in activities if s.name == f"RunActivity:{activity_type}"]
        children = [s for s in spans if s.parent_id == activity.span_id]
        return sorted(children, key=lambda s: s.start_ns)

    cluster = next(s.attributes["skypilot.cluster"] for s in spans if s.name == "skypilot.launch")
    assert cluster.startswith("trace-train-"), trace
    launch, tail = calls(RUN_SKY_LAUNCH)
    assert (launch.name, tail.name) == ("skypilot.launch", "skypilot.tail"), trace
    on_train = {"temporalWorkflowID": wid, "skypilot_temporal.step": "train"}
    assert launch.attributes == {"skypilot.call": "launch", "skypilot.cluster": cluster, "skypilot.job_id": 1,
                                 **on_train}
    assert tail.attributes == {"skypilot.call": "tail", "skypilot.cluster": cluster, "skypilot.job_id": 1,
                               "skypilot.status": "SUCCEEDED", "skypilot.exit_code": 0, **on_train}
    exec_, tail = calls(RUN_SKY_EXEC)
    assert (exec_.name, tail.name) == ("skypilot.exec", "skypilot.tail"), trace
    assert exec_.attributes == {"skypilot.call": "exec", "skypilot.cluster": cluster, "skypilot.job_id": 2,
                                "temporalWorkflowID": wid, "skypilot_temporal.step": "eval"}
    assert tail.attributes["skypilot.job_id"] == 2 and tail.attributes["skypilot.exit_code"] == 0
    [down] = calls(RUN_SKY_DOWN)
    assert down.name == "skypilot.down", trace
    assert down.attributes == {"skypilot.call": "down", "skypilot.cluster": cluster, "skypilot.existed": True,
                               "temporalWorkflowID": wid}
    # Calls end within their activity; everything arrived as OTLP/protobuf.
    for call in (launch, exec_, down):
        parent = by_id[call.parent_id]
        assert parent.start_ns <= call.start_ns and call.end_ns <= parent.end_ns, trace
    assert {s.encoding for s in spans} == {"protobuf"}
    # The progress polls are not part of the run's trace, nor traces of their own.
    assert not [s for s in spans if s.name.startswith("QueryWorkflow:")], trace
    assert not [s for s in receiver.snapshot() if s.name.startswith("HandleQuery:")], trace
