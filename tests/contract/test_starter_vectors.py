"""The shared starter vectors (tests/contract/vectors/starter/*.json) through the Python
starter's own code, in process (the Go and TypeScript starters' tests run them too),
and the worker's renderer (workflows/view.py, live_output.py) over
tests/contract/vectors/view.json and live.json."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionResponse
from temporalio.client import WorkflowFailureError
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError, CancelledError, TerminatedError, TimeoutType
from temporalio.exceptions import TimeoutError as WorkflowTimedOut

from skypilot_temporal.contract.names import LIVE_STEPS_MAX, STEP_STATES, VIEW_QUERY, data_converter, is_env_name
from skypilot_temporal.starter import follow as follow_module
from skypilot_temporal.starter import run
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli
from skypilot_temporal.workflows.run import SkyPilotWorkflow
from skypilot_temporal.workflows.view import STATE_SUMMARY_ORDER, number, render_view, result_lines

VECTORS = Path(__file__).parent / "vectors"


def vectors(name: str) -> dict:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


INPUTS = vectors("starter/inputs.json")
OUTCOME = vectors("starter/outcome.json")
LIVE = vectors("live.json")
VIEW = vectors("view.json")


def fill(text: str) -> str:
    return text.replace("{vectors}", str(VECTORS.resolve()))


def test_env_names() -> None:
    assert [n for n in INPUTS["env_names"]["valid"] if not is_env_name(n)] == []
    assert [n for n in INPUTS["env_names"]["invalid"] if is_env_name(n)] == []


@pytest.mark.parametrize("case", INPUTS["cases"], ids=[c["name"] for c in INPUTS["cases"]])
async def test_input(case: dict, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    env = {"TEMPORAL_CONFIG_FILE": str(tmp_path / "none.toml"), **INPUTS["env"], **case.get("env", {})}
    status = await run([fill(a) for a in case["argv"]], env)
    out, err = capsys.readouterr()
    assert status == case["exit"], (out, err)
    assert fill(case.get("stdout", "")) in out and fill(case.get("stderr", "")) in err, (out, err)
    lines = err.splitlines()
    if case["exit"] == 2:
        assert len(lines) == 2 and lines[0].startswith("error: ") and lines[1] == cli.usage_hint() and not out
    elif case["exit"] == 1:
        assert len(lines) == 1 and lines[0].startswith("error: ") and not out


# -- following a run and its outcome (outcome.json) ---------------------------------
def failure_of(spec: dict) -> BaseException:
    kind = spec["kind"]
    if kind == "cancelled":
        return CancelledError("cancelled")
    if kind == "terminated":
        return TerminatedError("terminated")
    if kind == "timed_out":
        return WorkflowTimedOut("timed out", type=TimeoutType.START_TO_CLOSE, last_heartbeat_details=[])
    assert kind == "application", kind
    failure = ApplicationError(spec["message"], *spec.get("details", []), type=spec["type"])
    outer: BaseException = failure
    for message in spec.get("causes", []):
        outer.__cause__ = ApplicationError(message)
        outer = outer.__cause__
    return failure


def view_of(doc: dict | None) -> pb.RunView | None:
    return None if doc is None else json_format.ParseDict(doc, pb.RunView())


class FakeRun:
    """A run as the starter's follow() sees it through its workflow handle: the view
    query answers the case's `views` in order (None: the query fails), the run ends
    once they are all given, and the query after the end answers `final_view`. It has
    no running step: describing it fails, unless `described` is given (a
    DescribeWorkflowExecutionResponse's raw description)."""

    id = "skypilot-pipeline-test"

    def __init__(self, case: dict, described: Any = None) -> None:
        self.answers = [view_of(v) for v in case["views"]] + [view_of(case["final_view"])]
        self.requests: list[pb.RunViewRequest] = []  # what each query sent
        self.described, self.describes = described, 0
        self.ended = asyncio.Event()
        if case["quiet"] or not case["views"]:
            self.ended.set()
        self.outcome: Any = (json_format.ParseDict(case["result"], pb.SkyPilotWorkflowResult()) if "result" in case
                             else WorkflowFailureError(cause=failure_of(case["failure"])))

    @property
    def cursors(self) -> list[str]:
        return [r.cursor for r in self.requests]

    async def query(self, name: str, request: pb.RunViewRequest, *, result_type: type, rpc_timeout: Any) -> pb.RunView:
        assert (name, result_type) == (VIEW_QUERY, pb.RunView) and isinstance(request, pb.RunViewRequest)
        self.requests.append(request)
        answer = self.answers[len(self.requests) - 1]
        if len(self.requests) == len(self.answers) - 1:
            self.ended.set()
        if answer is None:
            raise RuntimeError("no worker answered")
        return answer

    async def result(self) -> pb.SkyPilotWorkflowResult:
        await self.ended.wait()
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    async def describe(self, **_: Any) -> Any:
        self.describes += 1
        if self.described is None:
            raise RuntimeError("no running step to describe")
        return SimpleNamespace(raw_description=self.described)


def cursors_sent(case: dict) -> list[str]:
    """"" first, then the cursor of the last answer, the final query included."""
    sent, cursor = [], ""
    for view in [*case["views"], case["final_view"]]:
        sent.append(cursor)
        if view is not None:
            cursor = view.get("cursor", "")
    return sent


@pytest.mark.parametrize("case", OUTCOME["cases"], ids=[c["name"] for c in OUTCOME["cases"]])
async def test_outcome(case: dict, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follow_module, "POLL_EVERY_SECONDS", 0.001)
    fake = FakeRun(case)
    status = await follow_module.follow(None, fake, "q", quiet=case["quiet"])  # type: ignore[arg-type]
    out, err = capsys.readouterr()
    assert (out.splitlines(), err.splitlines(), status) == (case["stdout"], case["stderr"], case["exit"])
    assert fake.cursors == ([] if case["quiet"] else cursors_sent(case))
    assert all(not r.heartbeats for r in fake.requests)  # no description, no heartbeats
    assert fake.describes == (0 if case["quiet"] else len(case["views"]))


def described_run(branches: int) -> Any:
    """A run's raw description with two pending activities (one heartbeat json/plain,
    one in another encoding) and `branches` pending children, each described with one
    json/plain heartbeat of its own."""
    def beat(text: str, encoding: bytes = b"json/plain") -> Payload:
        return Payload(metadata={"encoding": encoding}, data=text.encode())

    desc = DescribeWorkflowExecutionResponse()
    desc.pending_activities.add().heartbeat_details.payloads.extend([beat('{"output":{"step":"a"}}')])
    desc.pending_activities.add().heartbeat_details.payloads.extend([beat("AAEC", b"binary/protobuf")])
    for i in range(branches):
        desc.pending_children.add(workflow_id=f"branch-{i}", run_id=f"run-{i}")
    return desc


class FakeClient:
    """Hands out the handles of a run's children, each described with its own heartbeat."""

    def __init__(self) -> None:
        self.described: list[tuple[str, str | None]] = []

    def get_workflow_handle(self, workflow_id: str, run_id: str | None = None) -> Any:
        client = self

        class Branch:
            async def describe(self, **_: Any) -> Any:
                client.described.append((workflow_id, run_id))
                desc = DescribeWorkflowExecutionResponse()
                beat = Payload(metadata={"encoding": b"json/plain"}, data=f'{{"branch":"{workflow_id}"}}'.encode())
                desc.pending_activities.add().heartbeat_details.payloads.append(beat)
                return SimpleNamespace(raw_description=desc)

        return Branch()


async def test_each_poll_sends_the_heartbeats_it_read_and_the_last_query_none(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow_module, "POLL_EVERY_SECONDS", 0.001)
    [case] = [c for c in OUTCOME["cases"] if c["name"].startswith("a completed run")]
    client = FakeClient()
    fake = FakeRun(case, described_run(LIVE_STEPS_MAX + 2))
    assert await follow_module.follow(client, fake, "q") == 0  # type: ignore[arg-type]
    assert capsys.readouterr().out.splitlines() == case["stdout"]
    *polls, last = fake.requests
    # The run's json/plain heartbeats, then those of its first LIVE_STEPS_MAX children, in order.
    heartbeats = ['{"output":{"step":"a"}}', *[f'{{"branch":"branch-{i}"}}' for i in range(LIVE_STEPS_MAX)]]
    assert [list(r.heartbeats) for r in polls] == [heartbeats] * len(case["views"])
    assert list(last.heartbeats) == [] and fake.cursors == cursors_sent(case)
    assert client.described[:LIVE_STEPS_MAX] == [(f"branch-{i}", f"run-{i}") for i in range(LIVE_STEPS_MAX)]


async def test_quiet_neither_describes_nor_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follow_module, "POLL_EVERY_SECONDS", 0.001)
    [case] = [c for c in OUTCOME["cases"] if c["quiet"] and "result" in c]
    fake, client = FakeRun(case, described_run(1)), FakeClient()
    assert await follow_module.follow(client, fake, "q", quiet=True) == 0  # type: ignore[arg-type]
    assert (fake.requests, fake.describes, client.described) == ([], 0, [])


# -- the running steps' output, rendered by the worker (live.json) ------------------
def ask_view(workflow: SkyPilotWorkflow, cursor: str, poll: list[str] | None) -> pb.RunView:
    """The view query's handler, given what a client sends: the poll's heartbeats in a
    RunViewRequest (json/protobuf), or for None the cursor alone (a bare string)."""
    sent = pb.RunViewRequest(cursor=cursor, heartbeats=poll) if poll is not None else cursor
    [payload] = data_converter.payload_converter.to_payloads([sent])
    return workflow.view(RawValue(payload))


@pytest.mark.parametrize("case", LIVE["cases"], ids=[c["name"] for c in LIVE["cases"]])
def test_live_lines(case: dict) -> None:
    workflow, cursor, printed = SkyPilotWorkflow(), "", []
    for poll in case["polls"]:
        state_lines = list(render_view(workflow.progress(), cursor).lines)
        view = ask_view(workflow, cursor, poll)
        assert view.lines[: len(state_lines)] == state_lines  # the state lines first, as without heartbeats
        printed += view.lines[len(state_lines):]
        cursor = view.cursor
    assert printed == case["stdout"]


# -- the worker's renderer (view.json) -----------------------------------------------
def progress_of(doc: dict) -> pb.SkyPilotWorkflowProgress:
    return json_format.ParseDict(doc, pb.SkyPilotWorkflowProgress())


@pytest.mark.parametrize("n", VIEW["numbers"], ids=[n["text"] for n in VIEW["numbers"]])
def test_number(n: dict) -> None:
    assert number(float(n["value"])) == n["text"]


def test_state_summary_order_is_every_step_state() -> None:
    assert sorted(STATE_SUMMARY_ORDER) == sorted(STEP_STATES.values())


@pytest.mark.parametrize("case", VIEW["cases"], ids=[c["name"] for c in VIEW["cases"]])
def test_view(case: dict) -> None:
    cursor, views = "", []
    for doc in case["polls"]:
        view = render_view(progress_of(doc), cursor)
        views.append(list(view.lines))
        cursor = view.cursor
    assert views == case["views"]
    if "result" in case:
        result = json_format.ParseDict(case["result"], pb.SkyPilotWorkflowResult())
        assert result_lines(result) == case["result_lines"]


SWEEP_CASE = next(c for c in VIEW["cases"] if c["name"].startswith("a sweep followed branch by branch"))


@pytest.mark.parametrize("cursor", [
    "not json", "{", "null", "[]", '"text"', "[" * 100_000, '{"v":2}', '{"v":true,"c":true}',
    '{"v":1,"c":"yes"}', '{"v":1,"s":{"train":"rz"}}', '{"v":1,"s":{"train":[1]}}', '{"v":1,"w":{"best":7}}',
    '{"v":1,"w":{"\\ud800":"x"}}', '{"v":1,"o":{"\\udfff":1}}', None, 5, ["list"],
], ids=lambda c: repr(c)[:40])
def test_a_cursor_the_renderer_did_not_write_counts_as_empty(cursor: Any) -> None:
    for doc in SWEEP_CASE["polls"]:
        progress = progress_of(doc)
        assert render_view(progress, cursor) == render_view(progress, "")


def test_a_big_sweeps_cursor_stays_small() -> None:
    progress = pb.SkyPilotWorkflowProgress(phase="running", steps_total=3)
    for step in ("train", "eval"):
        for i in range(500):
            progress.steps.add(name=step, branch=f"{i} (LR=3e-4,BATCH=64,SEED={i})", state="running",
                               cluster_name=f"demo-train-b{i}-3f9a2c")
    progress.steps.add(name="best", state="pending")
    first = render_view(progress, "")
    assert len(first.cursor) < 300, first.cursor
    assert render_view(progress, first.cursor).lines == []
