"""The starters' own spans are the same in Go, TypeScript and Python, and never hold a
starter's exit past the flush bound.

Each starter runs as users run it (tests/contract/conftest.py) against a real dev server
and a real worker (local executor), exporting OTLP/HTTP to a receiver in this process.
The worker does not trace: only the starters' spans are looked at here (the run span, the
root of the run's trace, and the start span under it); test_starter_tracing.py follows
the trace into the worker.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from otlp_receiver import OtlpReceiver, Span
from support import DevServer, free_port, held_until_released, make_git_repo

from skypilot_temporal.v1 import starter_cli as cli

ROOT = Path(__file__).resolve().parents[2]
TEMPORAL = Path(sys.executable).parent / "temporal"
LANGS = ("go", "ts", "python")
TASKS = {
    "ok.yaml": "name: ok\nrun: echo ok\n",
    "fail.yaml": "name: fail\nrun: exit 1\n",
    "held.yaml": "name: held\nrun: |\n" + held_until_released(1200),
}
WORKFLOW_ID, RUN_ID = cli.TRACING_WORKFLOW_ID_ATTRIBUTE, cli.TRACING_RUN_ID_ATTRIBUTE
OUTCOME, FAILURE_TYPE = cli.TRACING_OUTCOME_ATTRIBUTE, cli.TRACING_FAILURE_TYPE_ATTRIBUTE
CLIENT, UNSET, ERROR = "SPAN_KIND_CLIENT", "STATUS_CODE_UNSET", "STATUS_CODE_ERROR"
# Both spans as every starter must make them: (name, kind, status, attribute keys).
START_SHAPE = (f"StartWorkflow:{cli.WORKFLOW_TYPE}", CLIENT, UNSET, [WORKFLOW_ID])


def run_shape(status: str, *keys: str) -> tuple[str, str, str, list[str]]:
    return f"RunPipeline:{cli.WORKFLOW_TYPE}", CLIENT, status, sorted([WORKFLOW_ID, RUN_ID, OUTCOME, *keys])


def shape(span: Span) -> tuple[str, str, str, list[str]]:
    return span.name, span.kind, span.status_code, sorted(span.attributes)


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as r:
        yield r


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_git_repo(tmp_path_factory.mktemp("spans") / "tasks", files=TASKS)


def pipeline(tmp_path: Path, step: str) -> str:
    """An input file of one step, `step`, running `<step>.yaml`."""
    path = tmp_path / f"{step}.json"
    path.write_text(json.dumps({"steps": [{"name": step, "taskYaml": f"{step}.yaml", "kind": "STEP_KIND_LAUNCH"}]}))
    return str(path)


def starter_env(server: DevServer, task_queue: str, endpoint: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_", "OTEL_"))}
    env.update(TEMPORAL_ADDRESS=server.address, TEMPORAL_CONFIG_FILE=str(ROOT / "tests/contract/no-such-temporal.toml"),
               SKYPILOT_TEMPORAL_TASK_QUEUE=task_queue, OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
               OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf", PYTHONUNBUFFERED="1", **extra)
    return env


def spans_of(receiver: OtlpReceiver, workflow_id: str) -> tuple[Span, Span]:
    """The starter's run span and start span for `workflow_id`, as they arrived by its exit."""
    mine = [s for s in receiver.snapshot() if s.service == cli.TRACING_SERVICE_NAME
            and s.attributes.get(WORKFLOW_ID) == workflow_id]
    names = sorted(s.name for s in mine)
    assert names == sorted([cli.TRACING_RUN_SPAN, cli.TRACING_START_SPAN]), names
    [run] = [s for s in mine if s.name == cli.TRACING_RUN_SPAN]
    [start] = [s for s in mine if s.name == cli.TRACING_START_SPAN]
    assert run.parent_id == "" and start.parent_id == run.span_id and start.trace_id == run.trace_id
    return run, start


def described(server: DevServer, workflow_id: str) -> dict:
    out = subprocess.run([str(TEMPORAL), "workflow", "describe", "-w", workflow_id, "--address", server.address,
                          "-o", "json"], capture_output=True, text=True, check=True, timeout=60).stdout
    return json.loads(out)["workflowExecutionInfo"]


def unix_ns(timestamp: str) -> int:
    """An RFC 3339 time from the server, to the microsecond, in nanoseconds."""
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return (int(moment.timestamp()) * 1_000_000 + moment.microsecond) * 1000


def lines_of(proc: subprocess.Popen) -> queue.Queue[str | None]:
    """The process's stdout lines as they come; None at its end."""
    out: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in proc.stdout:
            out.put(line.rstrip("\n"))
        out.put(None)

    threading.Thread(target=read, daemon=True).start()
    return out


def wait_for_line(lines: queue.Queue[str | None], prefix: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        assert line is not None, f"the starter ended before printing {prefix!r}"
        if line.startswith(prefix):
            return


@pytest.mark.parametrize("lang", LANGS)
def test_a_completed_runs_spans_are_the_same_in_every_starter(
    lang, starters, temporal_server, shared_worker, receiver, repo, tmp_path
) -> None:
    wid = f"spans-ok-{lang}-{uuid.uuid4().hex[:8]}"
    proc = subprocess.run(
        [*starters[lang], "--repo", str(repo), "--input", pipeline(tmp_path, "ok"), "--workflow-id", wid, "--quiet"],
        cwd=ROOT, env=starter_env(temporal_server, shared_worker.task_queue, receiver.endpoint),
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0 and proc.stderr == "", (proc.stdout, proc.stderr)
    run, start = spans_of(receiver, wid)
    assert shape(run) == run_shape(UNSET) and shape(start) == START_SHAPE
    info = described(temporal_server, wid)
    assert run.attributes == {WORKFLOW_ID: wid, RUN_ID: info["execution"]["runId"], OUTCOME: cli.OUTCOME_COMPLETED}
    assert start.attributes == {WORKFLOW_ID: wid}
    # The run span covers the whole start-and-follow: from before the start to after the run closed.
    assert run.start_ns <= start.start_ns and start.end_ns <= run.end_ns
    assert run.start_ns <= unix_ns(info["startTime"]) and unix_ns(info["closeTime"]) <= run.end_ns


@pytest.mark.parametrize("lang", LANGS)
def test_a_failed_jobs_run_span_is_an_error_with_the_failure_type(
    lang, starters, temporal_server, shared_worker, receiver, repo, tmp_path
) -> None:
    wid = f"spans-fail-{lang}-{uuid.uuid4().hex[:8]}"
    proc = subprocess.run(
        [*starters[lang], "--repo", str(repo), "--input", pipeline(tmp_path, "fail"), "--workflow-id", wid, "--quiet"],
        cwd=ROOT, env=starter_env(temporal_server, shared_worker.task_queue, receiver.endpoint),
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    run, start = spans_of(receiver, wid)
    assert shape(run) == run_shape(ERROR, FAILURE_TYPE) and shape(start) == START_SHAPE
    assert run.attributes[OUTCOME] == cli.OUTCOME_FAILED and run.attributes[FAILURE_TYPE] == "JobFailed"
    # The description: the failure type, then the line the starter printed about the failure.
    said = run.status_message.removeprefix("JobFailed: ")
    assert said.startswith("workflow failed: step 'fail' failed") and said != run.status_message, run.status_message
    assert " ".join(proc.stderr.split()).startswith(said), (said, proc.stderr)


# The Python starter's exit after SIGINT overran 30 s twice in a full `make test` (never alone):
# under investigation, it runs in `make e2e` meanwhile.
@pytest.mark.parametrize("lang", [lang if lang != "python" else pytest.param(lang, marks=pytest.mark.slow)
                                  for lang in LANGS])
def test_an_interrupted_starter_leaves_the_run_going_and_says_so_on_its_span(
    lang, starters, temporal_server, shared_worker, receiver, repo, tmp_path
) -> None:
    wid, prefix = f"spans-int-{lang}-{uuid.uuid4().hex[:8]}", f"int{lang}"
    proc = subprocess.Popen(
        [*starters[lang], "--repo", str(repo), "--input", pipeline(tmp_path, "held"), "--workflow-id", wid,
         "--cluster-prefix", prefix],
        cwd=ROOT, env=starter_env(temporal_server, shared_worker.task_queue, receiver.endpoint),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        wait_for_line(lines_of(proc), "progress: ")  # following: its first poll is done
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130, proc.stderr.read()
        assert proc.stderr.read() == cli.interrupted(workflow_id=wid) + "\n"
    finally:
        if proc.poll() is None:
            proc.kill()
        release(shared_worker.work_dir, f"{prefix}-held-")
    run, start = spans_of(receiver, wid)
    assert shape(run) == run_shape(UNSET) and shape(start) == START_SHAPE
    assert run.attributes[OUTCOME] == cli.OUTCOME_DETACHED


def release(work_dir: Path, cluster_prefix: str, timeout: float = 120) -> None:
    """Lets the held step end, once its cluster exists: the run completes on its own."""
    deadline = time.monotonic() + timeout
    while not (clusters := list((work_dir / "local" / "clusters").glob(f"{cluster_prefix}*"))):
        assert time.monotonic() < deadline, f"no cluster {cluster_prefix}* appeared"
        time.sleep(0.2)
    (clusters[0] / "home").mkdir(exist_ok=True)
    (clusters[0] / "home" / "release").touch()


@pytest.fixture
def silent_collector() -> Iterator[str]:
    """A collector that takes every connection (the kernel accepts for a listening
    socket) and never answers."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(64)
        yield f"http://127.0.0.1:{listening.getsockname()[1]}"


@pytest.mark.parametrize("collector", ["silent", "unreachable"])
@pytest.mark.parametrize("lang", LANGS)
def test_no_collector_holds_the_starters_exit_past_the_bound(
    lang, collector, starters, temporal_server, silent_collector
) -> None:
    endpoint = silent_collector if collector == "silent" else f"http://127.0.0.1:{free_port()}"
    wid = f"spans-hang-{lang}-{uuid.uuid4().hex[:8]}"
    # The exporters' own timeout is far past the bound: the bound must hold whatever it says.
    env = starter_env(temporal_server, f"spans-no-worker-{uuid.uuid4().hex[:8]}", endpoint,
                      OTEL_EXPORTER_OTLP_TIMEOUT="30000")
    proc = subprocess.Popen(
        [*starters[lang], "--repo", "https://github.com/example-org/x.git", "--workflow-id", wid, "--no-wait"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        wait_for_line(lines_of(proc), "ui: ")  # its last line: what is left is ending the run's span and flushing
        printed = time.monotonic()
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
        held = time.monotonic() - printed
    finally:
        if proc.poll() is None:
            proc.kill()
        subprocess.run([str(TEMPORAL), "workflow", "terminate", "-w", wid, "--address", temporal_server.address,
                        "--reason", "test"], capture_output=True, timeout=60)
    # A hang bound, not a speed target: the flush bound (5 s) with room for a busy host,
    # well under the exporters' 10 s default and the 30 s asked for here.
    assert held < cli.TRACING_FLUSH_TIMEOUT_SECONDS + 4, f"{lang} exited {held:.1f}s after its last line"
