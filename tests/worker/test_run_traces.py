"""A run's trace as the worker makes it, for runs nobody traced: started with the plain
`temporal` CLI (no trace context), on the local executor and a real dev server, the
worker exporting OTLP/HTTP to a receiver in this process.

Such a run is one trace of its own: its workflow span is the root and lasts the run;
a span per step and per cluster down under it; every activity and SkyPilot call under
those, carrying the workflow id and the step. Failures mark the spans from the failed
job up to the root. Progress queries and housekeeping sweeps are not traced. A worker
killed mid-run leaves the trace whole: the next worker replays the run into the same
spans.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from otlp_receiver import OtlpReceiver, Span, trace_of
from support import VENV_BIN, DevServer, WorkerProcess, make_git_repo, worker_env

from skypilot_temporal.contract.activity_types import RUN_GIT_CLONE, RUN_SKY_DOWN, RUN_SKY_EXEC, RUN_SKY_LAUNCH
from skypilot_temporal.contract.names import WORKFLOW_TYPE

TASKS = {
    "train.yaml": "name: train\nrun: sleep 1; echo trained\n",
    "eval.yaml": "name: eval\nrun: echo evaluated\n",
    "broken-eval.yaml": "name: eval\nrun: echo failing; exit 3\n",
    "long-train.yaml": "name: train\nrun: sleep 12; echo trained\n",
}
WORKFLOW_SPAN = f"RunWorkflow:{WORKFLOW_TYPE}"
ERROR = "STATUS_CODE_ERROR"


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as r:
        yield r


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_git_repo(tmp_path_factory.mktemp("traced-tasks") / "tasks", files=TASKS)


def traced_env(server: DevServer, work: Path, queue: str, endpoint: str) -> dict[str, str]:
    env = worker_env(server, work, queue, OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, OTEL_BSP_SCHEDULE_DELAY="200",
                     # A sweep a second, each of which would be a trace if housekeeping were traced.
                     SKYPILOT_TEMPORAL_HOUSEKEEPING_SECONDS="1")
    return {k: v for k, v in env.items() if not k.startswith("OTEL_") or k in ("OTEL_EXPORTER_OTLP_ENDPOINT",
                                                                               "OTEL_BSP_SCHEDULE_DELAY")}


@pytest.fixture(scope="module")
def traced_worker(
    temporal_server: DevServer, receiver: OtlpReceiver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[WorkerProcess, str]]:
    tmp = tmp_path_factory.mktemp("traced-worker")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    (tmp / "work").mkdir()
    worker = WorkerProcess(traced_env(temporal_server, tmp / "work", queue, receiver.endpoint),
                           tmp / "worker.log").start()
    assert "tracing on" in worker.log()
    yield worker, queue
    worker.stop()


def temporal(server: DevServer, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "temporal"), *args, "--address", server.address],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def start(server: DevServer, queue: str, repo: Path, eval_yaml: str = "eval.yaml",
          train_yaml: str = "train.yaml", heartbeat_s: int = 0) -> str:
    wid = f"untraced-{uuid.uuid4().hex[:8]}"
    train = {"name": "train", "taskYaml": train_yaml, "kind": "STEP_KIND_LAUNCH"}
    if heartbeat_s:
        train["heartbeatTimeoutSeconds"] = heartbeat_s
    body = {"repoUrl": str(repo), "clusterPrefix": "tr", "steps": [
        train, {"name": "eval", "taskYaml": eval_yaml, "kind": "STEP_KIND_EXEC", "cluster": "train"}]}
    proc = temporal(server, "workflow", "start", "--type", WORKFLOW_TYPE, "--task-queue", queue,
                    "--workflow-id", wid, "--input", json.dumps(body))
    assert proc.returncode == 0, proc.stderr
    return wid


def run_trace(receiver: OtlpReceiver, wid: str) -> tuple[Span, list[Span]]:
    """The run's workflow span and every span of its trace, once its last down arrived."""
    def arrived(spans: list[Span]) -> bool:
        return any(s.name == WORKFLOW_SPAN and s.attributes.get("temporalWorkflowID") == wid for s in spans)
    spans = receiver.wait_for(arrived, timeout=60)
    [root] = [s for s in spans if s.name == WORKFLOW_SPAN and s.attributes.get("temporalWorkflowID") == wid]
    # The spans of the run's activities ended before its workflow span: in by now, or
    # in the next export batch.
    time.sleep(1)
    return root, list(trace_of(receiver.snapshot(), root.trace_id))


def describe(spans: list[Span]) -> str:
    return "\n".join(f"{s.name} {s.span_id} <- {s.parent_id or '-'} {s.status_code} {s.attributes}"
                     for s in sorted(spans, key=lambda s: s.start_ns))


def step_of(span: Span, by_id: dict[str, Span]) -> str:
    """The step of the Step span above `span`, or ""."""
    while span.parent_id in by_id:
        span = by_id[span.parent_id]
        if span.name.startswith("Step:"):
            return span.attributes["skypilot_temporal.step"]
    return ""


def test_a_run_nobody_traced_is_one_trace_under_a_workflow_span_lasting_the_run(
    temporal_server, traced_worker, receiver, repo
) -> None:
    _, queue = traced_worker
    wid = start(temporal_server, queue, repo)
    # The progress polls of a starter or the UI: not traced.
    for _ in range(3):
        assert temporal(temporal_server, "workflow", "query", "-w", wid, "--type", "progress").returncode == 0
    result = temporal(temporal_server, "workflow", "result", "-w", wid)
    assert result.returncode == 0, result.stdout + result.stderr
    root, spans = run_trace(receiver, wid)
    trace = describe(spans)
    by_id = {s.span_id: s for s in spans}

    # The root, lasting the run: every other span of the run lies within it.
    assert root.parent_id == "" and root.service == "skypilot-temporal-worker", trace
    assert root.status_code != ERROR, trace
    assert all(root.start_ns <= s.start_ns and s.end_ns <= root.end_ns for s in spans), trace
    # Every span the worker made for this run is in this trace.
    mine = [s for s in receiver.snapshot() if s.attributes.get("temporalWorkflowID") == wid]
    assert {s.trace_id for s in mine} == {root.trace_id}, describe(mine)

    # A span per step and per down, children of the root, named and labelled.
    steps = {s.name: s for s in spans if s.name.startswith("Step:")}
    assert sorted(steps) == ["Step:eval", "Step:train"], trace
    cluster = steps["Step:train"].attributes["skypilot.cluster"]
    assert cluster.startswith("tr-train-"), trace
    assert steps["Step:train"].attributes == {
        "temporalWorkflowID": wid, "skypilot_temporal.step": "train", "skypilot_temporal.step_kind": "launch",
        "skypilot.cluster": cluster}
    assert steps["Step:eval"].attributes["skypilot_temporal.step_kind"] == "exec"
    [down] = [s for s in spans if s.name == "Down"]
    assert down.attributes == {"temporalWorkflowID": wid, "skypilot.cluster": cluster}
    assert all(s.parent_id == root.span_id for s in [*steps.values(), down]), trace

    # Each activity is in it, under its step (the clone under the root), with the step.
    activities = {s.name.split(":", 1)[1]: s for s in spans if s.name.startswith("RunActivity:")}
    assert sorted(activities) == sorted([RUN_GIT_CLONE, RUN_SKY_LAUNCH, RUN_SKY_EXEC, RUN_SKY_DOWN]), trace
    assert step_of(activities[RUN_SKY_LAUNCH], by_id) == "train"
    assert activities[RUN_SKY_LAUNCH].attributes["skypilot_temporal.step"] == "train"
    assert step_of(activities[RUN_SKY_EXEC], by_id) == "eval"
    assert by_id[by_id[activities[RUN_GIT_CLONE].parent_id].parent_id] is root

    # Every SkyPilot call carries the workflow id, and the step when a step made it.
    calls = [s for s in spans if s.name.startswith("skypilot.")]
    assert sorted(s.name for s in calls) == sorted(
        ["skypilot.launch", "skypilot.tail", "skypilot.exec", "skypilot.tail", "skypilot.down"]), trace
    for call in calls:
        assert call.attributes["temporalWorkflowID"] == wid, trace
        assert call.attributes.get("skypilot_temporal.step", "") == step_of(call, by_id), trace

    # Neither the queries nor the housekeeping sweeps (one a second) made spans.
    everything = receiver.snapshot()
    assert not [s for s in everything if s.name.startswith("HandleQuery")], describe(everything)
    assert not [s for s in everything if s.name == "skypilot.status"], describe(everything)


def test_a_failed_run_is_marked_error_from_the_failed_job_up_to_the_root(
    temporal_server, traced_worker, receiver, repo
) -> None:
    _, queue = traced_worker
    wid = start(temporal_server, queue, repo, eval_yaml="broken-eval.yaml")
    result = temporal(temporal_server, "workflow", "result", "-w", wid, "-o", "json")
    assert result.returncode != 0 and '"JobFailed"' in result.stdout, result.stdout
    root, spans = run_trace(receiver, wid)
    trace = describe(spans)
    by_id = {s.span_id: s for s in spans}

    # From the failed job's tail up: its activity, its step, the run.
    [tail] = [s for s in spans if s.name == "skypilot.tail" and s.attributes["skypilot_temporal.step"] == "eval"]
    assert tail.status_code == ERROR and tail.attributes["skypilot.status"] == "FAILED", trace
    chain = []
    span = tail
    while span.parent_id:
        span = by_id[span.parent_id]
        chain.append(span)
    assert chain[-1] is root, trace
    for name in (f"RunActivity:{RUN_SKY_EXEC}", "Step:eval", WORKFLOW_SPAN):
        [marked] = [s for s in chain if s.name == name]
        assert marked.status_code == ERROR, trace
    step = next(s for s in chain if s.name == "Step:eval")
    assert step.attributes["skypilot_temporal.failure_type"] == "JobFailed", trace
    assert root.attributes["skypilot_temporal.failure_type"] == "JobFailed", trace
    assert "JobFailed" in root.status_message or "failed" in root.status_message, trace
    # What succeeded stays unmarked; the teardown after the failure is in the trace.
    [train] = [s for s in spans if s.name == "Step:train"]
    assert train.status_code != ERROR, trace
    [down] = [s for s in spans if s.name == "Down"]
    assert down.status_code != ERROR and down.parent_id == root.span_id, trace


def test_a_worker_killed_mid_run_leaves_one_trace_with_one_workflow_span(
    temporal_server, receiver, repo, tmp_path
) -> None:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    (tmp_path / "work").mkdir()
    env = traced_env(temporal_server, tmp_path / "work", queue, receiver.endpoint)
    first = WorkerProcess(env, tmp_path / "first.log").start()
    try:
        wid = start(temporal_server, queue, repo, train_yaml="long-train.yaml", heartbeat_s=4)
        deadline = time.monotonic() + 60
        while "job 1 submitted" not in first.log():
            assert time.monotonic() < deadline, first.log()
            time.sleep(0.2)
        time.sleep(2)
    finally:
        first.kill()
    second = WorkerProcess(env, tmp_path / "second.log").start()
    try:
        result = temporal(temporal_server, "workflow", "result", "-w", wid, timeout=180)
        assert result.returncode == 0, result.stdout + result.stderr + second.log()[-3000:]
        root, spans = run_trace(receiver, wid)
    finally:
        second.stop()
    trace = describe(spans)
    # One workflow span, exported once (by the worker that finished the run), still the
    # root of everything both workers did for the run.
    mine = [s for s in receiver.snapshot() if s.attributes.get("temporalWorkflowID") == wid]
    assert [s.name for s in mine].count(WORKFLOW_SPAN) == 1, describe(mine)
    assert {s.trace_id for s in mine} == {root.trace_id}, describe(mine)
    assert root.parent_id == "" and all(root.start_ns <= s.start_ns for s in spans), trace
    assert [s.name for s in spans].count("Step:train") == 1, trace
    assert [s.name for s in spans].count("Step:eval") == 1, trace


def test_housekeeping_is_traced_only_when_the_operator_asks(temporal_server, tmp_path) -> None:
    with OtlpReceiver() as own:
        (tmp_path / "work").mkdir()
        env = traced_env(temporal_server, tmp_path / "work", f"test-{uuid.uuid4().hex[:8]}", own.endpoint)
        worker = WorkerProcess({**env, "SKYPILOT_TEMPORAL_TRACE_HOUSEKEEPING": "1"}, tmp_path / "worker.log").start()
        try:
            # A sweep a second counts the clusters up: a skypilot.status span each, a trace each.
            spans = own.wait_for(lambda spans: len([s for s in spans if s.name == "skypilot.status"]) >= 2)
        finally:
            worker.stop()
    sweeps = [s for s in spans if s.name == "skypilot.status"]
    assert all(s.parent_id == "" for s in sweeps) and len({s.trace_id for s in sweeps}) == len(sweeps)
