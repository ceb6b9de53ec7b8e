"""The shared starter vectors (tests/contract/vectors/starter/*.json) through the Python
starter's own code, in process; the Go and TypeScript starters' tests run them too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from google.protobuf import json_format
from temporalio.exceptions import ApplicationError, CancelledError

from skypilot_temporal.contract.names import STEP_STATES, is_env_name
from skypilot_temporal.starter import run
from skypilot_temporal.starter.format import number
from skypilot_temporal.starter.live import poll_lines
from skypilot_temporal.starter.outcome import finish
from skypilot_temporal.starter.progress import ProgressView
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

VECTORS = Path(__file__).parent / "vectors"
INPUTS = json.loads((VECTORS / "starter" / "inputs.json").read_text(encoding="utf-8"))
OUTPUT = json.loads((VECTORS / "starter" / "output.json").read_text(encoding="utf-8"))


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


@pytest.mark.parametrize("n", OUTPUT["numbers"], ids=[n["text"] for n in OUTPUT["numbers"]])
def test_number(n: dict) -> None:
    assert number(float(n["value"])) == n["text"]


def test_state_summary_order_is_every_step_state() -> None:
    assert sorted(cli.STATE_SUMMARY_ORDER) == sorted(STEP_STATES.values())


def failure_of(spec: dict | None) -> BaseException | None:
    if spec is None:
        return None
    if spec["kind"] == "cancelled":
        return CancelledError("cancelled")
    assert spec["kind"] == "application"
    failure = ApplicationError(spec["message"], type=spec["type"])
    outer: BaseException = failure
    for message in spec.get("causes", []):
        outer.__cause__ = ApplicationError(message)
        outer = outer.__cause__
    return failure


def progress_of(doc: dict | None) -> pb.SkyPilotWorkflowProgress | None:
    return None if doc is None else json_format.ParseDict(doc, pb.SkyPilotWorkflowProgress())


@pytest.mark.parametrize("case", OUTPUT["cases"], ids=[c["name"] for c in OUTPUT["cases"]])
def test_output(case: dict, capsys: pytest.CaptureFixture[str]) -> None:
    view = ProgressView("q", quiet=case.get("quiet", False))
    for poll in case["polls"]:
        progress = progress_of(poll)
        if progress is None:
            view.unavailable()
        else:
            view.show(progress)
    failure = failure_of(case.get("failure"))
    result = json_format.ParseDict(case["result"], pb.SkyPilotWorkflowResult()) if "result" in case else None
    if view.wants_last_answer(failure is not None):
        last = progress_of(case["last_answer"])
        if last is not None:
            view.settle(last)
    assert finish(view, result, failure) == case["exit"]
    out, err = capsys.readouterr()
    assert out.splitlines() == case["stdout"]
    assert err.splitlines() == case["stderr"]


LIVE = json.loads((VECTORS / "starter" / "live.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", LIVE["cases"], ids=[c["name"] for c in LIVE["cases"]])
def test_live_lines(case: dict) -> None:
    seen: dict[str, int] = {}
    progress = progress_of(case.get("progress"))
    assert [line for poll in case["polls"] for line in poll_lines(poll, seen, progress)] == case["stdout"]
