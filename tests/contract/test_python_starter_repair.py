"""The Python starter's repair: the start flag --wait-for-repair-minutes (the first flag to set a nested,
whole-number field of the input), then `retry` and `abort`: the command line (help, usage errors, the request
built from the flags and the environment), each way a request can fail, and the retry and abort updates on a
real dev server against a stand-in run that waits for a repair as the contract has it (RetryRequest or
AbortRequest in, a RepairAnswer out as plain JSON, validators that refuse with an ApplicationError)."""

from __future__ import annotations

import getpass
import json
import os
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.descriptor import FieldDescriptor
from python_starter import run_command, usage
from temporalio import workflow
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from skypilot_temporal.starter import decide as decide_module
from skypilot_temporal.starter import repair
from skypilot_temporal.starter.flags import UsageError, parse_command_line
from skypilot_temporal.starter.input_fields import WHOLE_NUMBER_RULES, WHOLE_NUMBER_TYPES, field_of
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

MINUTES_ENV = cli.WAIT_FOR_REPAIR_MINUTES.env
SHA = "0123456789abcdef0123456789abcdef01234567"
SHA256 = "89abcdef" * 8
WAITING = ("train", "eval")  # the steps the stand-in run waits to have repaired, in its order


# -- the start flag --wait-for-repair-minutes --------------------------------------------
def test_every_input_flag_names_a_string_or_whole_number_field_by_its_proto_path() -> None:
    kinds = (FieldDescriptor.CPPTYPE_STRING, *WHOLE_NUMBER_TYPES)
    for flag in cli.FLAGS:
        if flag.input_field and not flag.repeatable:
            _, _, kind = field_of(pb.SkyPilotWorkflowInput(), flag.input_field)
            assert kind in kinds, flag.name
            assert kind == FieldDescriptor.CPPTYPE_STRING or flag.name in WHOLE_NUMBER_RULES, flag.name
    assert field_of(pb.SkyPilotWorkflowInput(), cli.WAIT_FOR_REPAIR_MINUTES.input_field)[1:] == (
        "wait_for_repair_minutes", FieldDescriptor.CPPTYPE_UINT32)


def minutes(argv: list[str], env: dict[str, str]) -> int:
    """The wait the input built from `--repo x` and argv asks for."""
    opts = parse_command_line(["--repo", "x", *argv], env)
    assert opts is not None
    return opts.input.launch.wait_for_repair_minutes


@pytest.mark.parametrize("text", ["0", "30", str(cli.WAIT_FOR_REPAIR_MAX_MINUTES)])
def test_a_whole_number_of_minutes_lands_in_the_input(text: str) -> None:
    assert minutes(["--wait-for-repair-minutes", text], {}) == int(text)
    assert minutes([f"--wait-for-repair-minutes={text}"], {}) == int(text)


def test_the_flag_beats_the_variable_which_beats_the_input_file(tmp_path: Path) -> None:
    doc = {"repo_url": "x", "launch": {"wait_for_repair_minutes": 5, "teardown_timeout_seconds": 7}}
    (path := tmp_path / "input.json").write_text(json.dumps(doc))
    file = ["--input", str(path)]
    assert minutes(file, {}) == 5
    assert minutes(file, {MINUTES_ENV: "20"}) == 20
    assert minutes([*file, "--wait-for-repair-minutes", "30"], {MINUTES_ENV: "20"}) == 30
    assert minutes([*file, "--wait-for-repair-minutes", "0"], {MINUTES_ENV: "20"}) == 0  # a zero is said, not unset
    assert minutes(file, {MINUTES_ENV: ""}) == 5  # an empty variable is no variable, as for every flag
    opts = parse_command_line([*file, "--wait-for-repair-minutes", "30", "--branch", "dev"], {})
    assert opts is not None  # the file's other fields, nested ones included, stay
    assert (opts.input.launch.teardown_timeout_seconds, opts.input.branch) == (7, "dev")


@pytest.mark.parametrize("text", ["", "+5", "5 ", "0x10", "1e3", "٣", "５", "9" * 5000])
def test_a_given_text_that_is_no_whole_number_is_refused_even_when_the_variable_is_good(text: str) -> None:
    with pytest.raises(UsageError) as refused:
        minutes(["--wait-for-repair-minutes", text], {MINUTES_ENV: "20"})
    assert str(refused.value) == cli.repair_minutes_invalid(value=json.dumps(text, ensure_ascii=False))


# -- retry and abort: the command line -------------------------------------------------
@pytest.fixture
def nothing_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A usage error or --help must not reach Temporal."""

    async def no_connect(*_: Any, **__: Any) -> Client:
        raise AssertionError("connected")

    monkeypatch.setattr(decide_module, "connect", no_connect)


@pytest.mark.parametrize("argv", [["retry", "--help"], ["retry", "run-1", "-h"], ["abort", "-h", "run-1"]])
async def test_help_prints_the_subcommands_help(capsys, nothing_sent, argv: list[str]) -> None:
    subcommand = next(c for c in cli.SUBCOMMANDS if c.name == argv[0])
    assert await run_command(capsys, argv, {}) == (0, subcommand.help_text, "")


@pytest.mark.parametrize(("argv", "message"), [
    (["retry"], cli.run_id_missing()),
    (["abort", "--step", "eval"], cli.run_id_missing()),
    (["retry", ""], cli.run_id_missing()),
    (["retry", "run-1", "run-2"], cli.unexpected_argument(value='"run-2"')),
    (["abort", "run-1", "--reason", "r", "now"], cli.unexpected_argument(value='"now"')),
    (["retry", "run-1", "--commit"], "argument --commit: expected one argument"),
    (["retry", "run-1", "--commit", ""], cli.commit_invalid(value='""')),
    (["retry", "run-1", "--commit", "abc123"], cli.commit_invalid(value='"abc123"')),
    (["retry", "run-1", "--commit", SHA[:-1]], cli.commit_invalid(value=f'"{SHA[:-1]}"')),
    (["retry", "run-1", "--commit", SHA + "8"], cli.commit_invalid(value=f'"{SHA}8"')),
    (["retry", "run-1", "--commit", "g" * 40], cli.commit_invalid(value=f'"{"g" * 40}"')),
    (["retry", "run-1", "--commit", f" {SHA}"], cli.commit_invalid(value=f'" {SHA}"')),
    (["retry", "run-1", "--commit", f"{SHA}\n"], cli.commit_invalid(value=f'"{SHA}\\n"')),
    (["retry", "run-1", "--reason", "r"], "unrecognized arguments: --reason"),
    (["abort", "run-1", "--commit", SHA], "unrecognized arguments: --commit"),
])
async def test_usage_errors_exit_2_and_send_nothing(capsys, nothing_sent, argv: list[str], message: str) -> None:
    assert await run_command(capsys, argv, {cli.APPROVER_ENV: "alice"}) == (2, "", usage(message))


async def test_no_requester_is_a_usage_error(capsys, nothing_sent, monkeypatch) -> None:
    def nameless() -> str:
        raise OSError("no user name for this uid")

    monkeypatch.setattr(getpass, "getuser", nameless)
    for argv in (["retry", "run-1"], ["abort", "run-1"]):
        for env in ({}, {cli.APPROVER_ENV: " \t"}):
            assert await run_command(capsys, argv, env) == (2, "", usage(cli.approver_missing()))


def asked(command: cli.Subcommand, argv: list[str], env: dict[str, str]) -> Any:
    build = repair.RETRY.build if command is cli.RETRY_COMMAND else repair.ABORT.build
    return decide_module.parse_request(command, argv, env, build)


@pytest.mark.parametrize(("argv", "step", "branch", "commit"), [
    (["run-1"], "", "", ""),
    (["--step", "eval", "run-1"], "eval", "", ""),
    (["run-1", "--commit", SHA.upper(), "--step=eval"], "eval", "", SHA),
    (["--commit", "f" * 40, "--commit", SHA256.upper(), "run-1"], "", "", SHA256),
    (["run-1", "--step", "eval", "--sweep-branch", "3"], "eval", "3", ""),
    # Sent as given, the last one: the run checks it.
    (["--sweep-branch=0", "run-1", "--sweep-branch", "2"], "", "2", ""),
])
def test_a_retry_asks_for_the_step_the_branch_and_the_commit_lower_cased(argv: list[str], step: str, branch: str,
                                                                          commit: str) -> None:
    assert asked(cli.RETRY_COMMAND, argv, {cli.APPROVER_ENV: " alice\n"}) == (
        "run-1", "alice", pb.RetryRequest(step=step, branch=branch, commit=commit, requester="alice"))


def test_an_abort_asks_for_the_step_and_the_reason_in_the_os_users_name(monkeypatch) -> None:
    monkeypatch.setenv("LOGNAME", "carol")  # what getpass.getuser() reads first
    assert asked(cli.ABORT_COMMAND, ["run-1", "--step", "eval", "--reason", "bad data"], {}) == (
        "run-1", "carol", pb.AbortRequest(step="eval", reason="bad data", requester="carol"))
    assert asked(cli.ABORT_COMMAND, ["run-1"], {cli.APPROVER_ENV: "bob"}) == (
        "run-1", "bob", pb.AbortRequest(requester="bob"))
    assert asked(cli.ABORT_COMMAND, ["run-1", "--sweep-branch", "1", "--step", "train"], {cli.APPROVER_ENV: "bob"}) == (
        "run-1", "bob", pb.AbortRequest(step="train", branch="1", requester="bob"))


def test_the_accepted_line_names_a_sweeps_step_with_its_branch() -> None:
    waited = [("eval", ""), ("train", "1 (LR=0.1)"), ("train", "2 (LR=0.01)")]
    answer = pb.RepairAnswer(repairs=[pb.RepairRecord(step=step, branch=branch, commit=SHA, requester="alice")
                                      for step, branch in waited])
    steps = "eval, train [1 (LR=0.1)], train [2 (LR=0.01)]"
    assert repair.RETRY.accepted("run-1", answer) == cli.retry_accepted(steps=steps, workflow_id="run-1",
                                                                        commit=SHA[:12], requester="alice")
    assert repair.ABORT.accepted("run-1", answer) == cli.abort_accepted(steps=steps, workflow_id="run-1",
                                                                        requester="alice")


# -- retry and abort: each way a request fails, without a server ----------------------
class FailingRun:
    """A client whose run's update raises `error`, and that keeps what it was connected as."""

    def __init__(self, error: BaseException) -> None:
        self.error, self.identity = error, ""

    def get_workflow_handle(self, run_id: str) -> FailingRun:
        return self

    async def execute_update(self, *_: Any, **__: Any) -> Any:
        raise self.error


@pytest.mark.parametrize(("error", "said"), [
    (RPCError("workflow not found", RPCStatusCode.NOT_FOUND, b""), cli.run_not_found(workflow_id="run-1")),
    (RPCError("deadline\nexceeded", RPCStatusCode.DEADLINE_EXCEEDED, b""),
     cli.request_failed(detail=cli.one_line("deadline\nexceeded"))),
    (RuntimeError("the connection\nwent away"), cli.request_failed(detail=cli.one_line("the connection\nwent away"))),
])
@pytest.mark.parametrize("argv", [["retry", "run-1"], ["abort", "run-1", "--reason", "r"]])
async def test_a_request_that_went_nowhere_is_one_line_and_exit_1(capsys, monkeypatch, argv: list[str],
                                                                 error: BaseException, said: str) -> None:
    run = FailingRun(error)

    async def connect(_env: Any, identity: str = "") -> FailingRun:
        run.identity = identity
        return run

    monkeypatch.setattr(decide_module, "connect", connect)
    assert await run_command(capsys, argv, {cli.APPROVER_ENV: "alice"}) == (1, "", said + "\n")
    assert run.identity == f"alice@{socket.gethostname()}"


# -- on a dev server ------------------------------------------------------------------
def answer(records: list[pb.RepairRecord]) -> dict:
    """A RepairAnswer as the run sends it: plain JSON, proto field names."""
    return {"repairs": [{"step": r.step, "action": r.action, "requester": r.requester, "commit": r.commit,
                         "reason": r.reason} for r in records]}


@workflow.defn(name="RepairStandIn")
class RepairStandIn:
    """Waits to have WAITING repaired; refuses a step that does not wait (its validators) and the commit
    "f" * 40 (its retry, once accepted); ends when a request ends every wait."""

    def __init__(self) -> None:
        self.waiting = list(WAITING)
        self.requests: list[dict] = []

    @workflow.run
    async def run(self) -> list[dict]:
        await workflow.wait_condition(lambda: not self.waiting)
        return self.requests

    def ended(self, step: str, request: Any, **record: str) -> list[pb.RepairRecord]:
        self.requests.append({"type": type(request).__name__, "step": request.step, "requester": request.requester,
                              **{k: getattr(request, k) for k in ("commit", "reason") if hasattr(request, k)}})
        steps = [step] if step else list(self.waiting)
        self.waiting = [s for s in self.waiting if s not in steps]
        return [pb.RepairRecord(step=s, requester=request.requester, **record) for s in steps]

    @workflow.update(name=cli.RETRY_UPDATE)
    async def retry(self, req: pb.RetryRequest) -> dict:
        if req.commit == "f" * 40:
            raise ApplicationError("the retry was refused; still waiting:\ncommit not found")
        return answer(self.ended(req.step, req, action="retry", commit=req.commit or SHA256))

    @workflow.update(name=cli.ABORT_UPDATE)
    async def abort(self, req: pb.AbortRequest) -> dict:
        return answer(self.ended(req.step, req, action="abort", reason=req.reason))

    @retry.validator
    def check_retry(self, req: pb.RetryRequest) -> None:
        self.check(req.step)

    @abort.validator
    def check_abort(self, req: pb.AbortRequest) -> None:
        self.check(req.step)

    def check(self, step: str) -> None:
        if step and step not in self.waiting:
            raise ApplicationError(f"step {step!r} does not wait for a repair:\nwaiting: {', '.join(self.waiting)}")


@pytest.fixture
async def waiting_runs(client: Client):
    """Starts stand-in runs waiting to have WAITING repaired, with a worker for them."""
    queue = f"repair-{uuid.uuid4().hex[:8]}"

    async def start() -> str:
        run_id = f"waiting-{uuid.uuid4().hex[:8]}"
        await client.start_workflow(RepairStandIn.run, id=run_id, task_queue=queue)
        return run_id

    # Unsandboxed: the stand-in is test code, its determinism is not what is tested here.
    async with Worker(client, task_queue=queue, workflows=[RepairStandIn], workflow_runner=UnsandboxedWorkflowRunner()):
        yield start


def server_env(address: str, requester: str) -> dict[str, str]:
    """This process's environment, but for Temporal's and the starter's own variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_"))}
    return {**env, "TEMPORAL_ADDRESS": address, cli.APPROVER_ENV: requester}


async def identities(client: Client, run_id: str) -> list[str]:
    """Who sent each update the run accepted, as its history names them."""
    events = (await client.get_workflow_handle(run_id).fetch_history()).events
    return [e.workflow_execution_update_accepted_event_attributes.accepted_request.meta.identity for e in events
            if e.HasField("workflow_execution_update_accepted_event_attributes")]


async def test_a_retry_of_every_waiting_step_is_accepted_in_the_requesters_name(capsys, client, temporal_server,
                                                                               waiting_runs) -> None:
    run_id = await waiting_runs()
    env = server_env(temporal_server.address, "alice")
    said = cli.retry_accepted(steps=", ".join(WAITING), workflow_id=run_id, commit=SHA[:12], requester="alice")
    assert await run_command(capsys, ["retry", run_id, "--commit", SHA.upper()], env) == (0, said + "\n", "")
    assert await client.get_workflow_handle(run_id).result() == [
        {"type": "RetryRequest", "step": "", "requester": "alice", "commit": SHA}]
    assert await identities(client, run_id) == [f"alice@{socket.gethostname()}"]


async def test_an_abort_of_one_step_then_a_retry_of_the_other(capsys, client, temporal_server, waiting_runs) -> None:
    run_id = await waiting_runs()
    env = server_env(temporal_server.address, "bob")
    said = cli.abort_accepted(steps="eval", workflow_id=run_id, requester="bob")
    argv = ["abort", run_id, "--step", "eval", "--reason", "bad data"]
    assert await run_command(capsys, argv, env) == (0, said + "\n", "")
    said = cli.retry_accepted(steps="train", workflow_id=run_id, commit=SHA256[:12], requester="bob")
    assert await run_command(capsys, ["retry", run_id], env) == (0, said + "\n", "")
    assert [r["type"] for r in await client.get_workflow_handle(run_id).result()] == ["AbortRequest", "RetryRequest"]


async def test_a_refusal_is_one_line_and_exit_1_and_the_run_still_waits(capsys, client, temporal_server,
                                                                        waiting_runs) -> None:
    run_id = await waiting_runs()
    env = server_env(temporal_server.address, "alice")
    detail = cli.one_line("step 'deploy' does not wait for a repair:\nwaiting: train, eval")
    for verb in ("retry", "abort"):  # refused by the validators
        assert await run_command(capsys, [verb, run_id, "--step", "deploy"], env) == (
            1, "", cli.decision_refused(detail=detail) + "\n")
    # Refused by the retry itself, once accepted.
    detail = cli.one_line("the retry was refused; still waiting:\ncommit not found")
    assert await run_command(capsys, ["retry", run_id, "--commit", "F" * 40], env) == (
        1, "", cli.decision_refused(detail=detail) + "\n")
    assert (await run_command(capsys, ["abort", run_id], env))[0] == 0
    assert [r["type"] for r in await client.get_workflow_handle(run_id).result()] == ["AbortRequest"]


async def test_a_closed_run_is_no_running_workflow(capsys, client, temporal_server, waiting_runs) -> None:
    run_id = await waiting_runs()
    await client.get_workflow_handle(run_id).terminate("closed before anyone repaired it")
    env = server_env(temporal_server.address, "alice")
    for argv in (["retry", run_id], ["abort", run_id]):
        assert await run_command(capsys, argv, env) == (1, "", cli.run_not_found(workflow_id=run_id) + "\n")
