"""The Python starter's `approve` and `reject`: the command line (help, usage errors, the approver),
then the decide update on a real dev server, against a stand-in run that waits at one gate as the
contract has it (update DECIDE_UPDATE, ApprovalDecision in, ApprovalRecord out, a validator that
refuses with an ApplicationError), and against runs that do not exist or have closed."""

from __future__ import annotations

import asyncio
import getpass
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from python_starter import run_command, usage
from temporalio import workflow
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from skypilot_temporal.starter import decide as decide_module
from skypilot_temporal.starter import follow as follow_module
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

STARTER = Path(sys.executable).parent / "skypilot-temporal-start"
GATE = "deploy"


@pytest.fixture
def nothing_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A usage error or --help must not reach Temporal."""

    async def no_connect(*_: Any, **__: Any) -> Client:
        raise AssertionError("connected")

    monkeypatch.setattr(decide_module, "connect", no_connect)


# -- the command line -----------------------------------------------------------------
@pytest.mark.parametrize("argv", [["approve", "--help"], ["approve", "run-1", "-h"], ["reject", "-h", "run-1"]])
async def test_help_prints_the_subcommands_help(capsys, nothing_sent, argv: list[str]) -> None:
    subcommand = next(c for c in cli.SUBCOMMANDS if c.name == argv[0])
    assert await run_command(capsys, argv, {}) == (0, subcommand.help_text, "")


@pytest.mark.parametrize(("argv", "message"), [
    (["approve"], cli.run_id_missing()),
    (["approve", "--gate", "g"], cli.run_id_missing()),
    (["approve", ""], cli.run_id_missing()),
    (["approve", "run-1", "run-2"], cli.unexpected_argument(value='"run-2"')),
    (["reject", "--reason", "r", "run-1", "run 2"], cli.unexpected_argument(value='"run 2"')),
    (["reject", "run-1"], cli.reason_required()),
    (["reject", "run-1", "--reason", ""], cli.reason_required()),
    (["reject", "run-1", "--reason= \t"], cli.reason_required()),
    (["approve", "run-1", "--gate"], "argument --gate: expected one argument"),
])
async def test_usage_errors_exit_2_and_send_nothing(capsys, nothing_sent, argv: list[str], message: str) -> None:
    env = {cli.APPROVER_ENV: "alice"}
    assert await run_command(capsys, argv, env) == (2, "", usage(message))


async def test_an_unknown_flag_is_refused_as_the_start_path_refuses_it(capsys, nothing_sent) -> None:
    env = {cli.APPROVER_ENV: "alice"}
    code, out, start_says = await run_command(capsys, ["--bogus"], env)
    assert (code, out) == (2, "") and "--bogus" in start_says
    assert await run_command(capsys, ["approve", "run-1", "--bogus"], env) == (2, "", start_says)
    assert await run_command(capsys, ["reject", "--bogus", "run-1", "--reason", "r"], env) == (2, "", start_says)


async def test_no_approver_is_a_usage_error(capsys, nothing_sent, monkeypatch) -> None:
    def nameless() -> str:
        raise OSError("no user name for this uid")

    monkeypatch.setattr(getpass, "getuser", nameless)
    for env in ({}, {cli.APPROVER_ENV: " \t"}):
        assert await run_command(capsys, ["approve", "run-1"], env) == (2, "", usage(cli.approver_missing()))


def test_the_approver_is_the_variable_trimmed_else_the_os_user(monkeypatch) -> None:
    assert decide_module.approver({cli.APPROVER_ENV: "  alice \n"}) == "alice"
    monkeypatch.setenv("LOGNAME", "carol")  # what getpass.getuser() reads first
    assert decide_module.approver({}) == "carol"
    assert decide_module.approver({cli.APPROVER_ENV: "   "}) == "carol"


@pytest.mark.parametrize("argv", [
    ["run-1", "--gate", "g", "--reason", "ok"],
    ["--gate", "g", "run-1", "--reason", "ok"],
    ["--gate=g", "--reason=ok", "run-1"],
    ["--reason", "first", "--gate", "g", "--reason", "ok", "run-1"],
])
def test_flags_go_before_or_after_the_run_id(argv: list[str]) -> None:
    asked = decide_module.parse_decision(cli.REJECT_COMMAND, argv, {cli.APPROVER_ENV: "alice"})
    assert asked == ("run-1", pb.ApprovalDecision(gate="g", decision=cli.DECISION_REJECT, approver="alice",
                                                  reason="ok"))


def test_approve_needs_neither_gate_nor_reason() -> None:
    asked = decide_module.parse_decision(cli.APPROVE_COMMAND, ["run-1"], {cli.APPROVER_ENV: "bob"})
    assert asked == ("run-1", pb.ApprovalDecision(decision=cli.DECISION_APPROVE, approver="bob"))


async def test_following_names_this_starter_in_the_view_request() -> None:
    class Ended:
        """A run that has ended: follow() makes only its last view query."""

        id = "run-1"

        def __init__(self) -> None:
            self.requests: list[pb.RunViewRequest] = []

        async def result(self) -> pb.SkyPilotWorkflowResult:
            return pb.SkyPilotWorkflowResult()

        async def query(self, name: str, request: pb.RunViewRequest, **_: Any) -> pb.RunView:
            self.requests.append(request)
            return pb.RunView()

    run = Ended()
    assert await follow_module.follow(None, run, "q") == 0  # type: ignore[arg-type]
    assert [r.starter for r in run.requests] == ["python"] and "python" in cli.COMMANDS


# -- on a dev server ------------------------------------------------------------------
@workflow.defn(name="GateStandIn")
class GateStandIn:
    """Waits at GATE until it is decided; refuses another gate, and a rejection without a reason."""

    def __init__(self) -> None:
        self.record: pb.ApprovalRecord | None = None

    @workflow.run
    async def run(self) -> str:
        await workflow.wait_condition(lambda: self.record is not None)
        return self.record.decision if self.record else ""

    @workflow.update(name=cli.DECIDE_UPDATE)
    async def decide(self, decision: pb.ApprovalDecision) -> pb.ApprovalRecord:
        self.record = pb.ApprovalRecord(gate=decision.gate or GATE, decision=decision.decision,
                                        approver=decision.approver, reason=decision.reason,
                                        decided_at=workflow.now().isoformat())
        return self.record

    @decide.validator
    def check(self, decision: pb.ApprovalDecision) -> None:
        if decision.gate not in ("", GATE):
            raise ApplicationError(f"gate {decision.gate!r} is not waiting:\nthe run waits at {GATE!r}")


@pytest.fixture
async def gated_runs(client: Client):
    """Starts stand-in runs waiting at GATE, with a worker for them."""
    queue = f"decide-{uuid.uuid4().hex[:8]}"

    async def start() -> str:
        run_id = f"gated-{uuid.uuid4().hex[:8]}"
        await client.start_workflow(GateStandIn.run, id=run_id, task_queue=queue)
        return run_id

    # Unsandboxed: the stand-in is test code, its determinism is not what is tested here.
    async with Worker(client, task_queue=queue, workflows=[GateStandIn], workflow_runner=UnsandboxedWorkflowRunner()):
        yield start


def server_env(address: str, approver: str) -> dict[str, str]:
    """This process's environment, but for Temporal's and the starter's own variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_"))}
    return {**env, "TEMPORAL_ADDRESS": address, cli.APPROVER_ENV: approver}


async def test_an_approval_is_recorded_in_the_approvers_name(capsys, client, temporal_server, gated_runs) -> None:
    run_id = await gated_runs()
    env = server_env(temporal_server.address, "alice")
    said = cli.decision_approved(gate=GATE, workflow_id=run_id, approver="alice")
    assert await run_command(capsys, ["approve", run_id, "--reason", "looks good"], env) == (0, said + "\n", "")
    handle = client.get_workflow_handle(run_id)
    assert await handle.result() == cli.DECISION_APPROVE
    [accepted] = [e.workflow_execution_update_accepted_event_attributes for e in (await handle.fetch_history()).events
                  if e.HasField("workflow_execution_update_accepted_event_attributes")]
    request = accepted.accepted_request
    assert request.meta.identity == f"alice@{socket.gethostname()}"


async def test_a_rejection_names_the_gate_it_was_given(capsys, client, temporal_server, gated_runs) -> None:
    run_id = await gated_runs()
    env = server_env(temporal_server.address, "bob")
    said = cli.decision_rejected(gate=GATE, workflow_id=run_id, approver="bob")
    argv = ["reject", run_id, "--gate", GATE, "--reason", "no"]
    assert await run_command(capsys, argv, env) == (0, said + "\n", "")
    assert await client.get_workflow_handle(run_id).result() == cli.DECISION_REJECT


async def test_a_refusal_is_one_line_and_exit_1(capsys, client, temporal_server, gated_runs) -> None:
    run_id = await gated_runs()
    env = server_env(temporal_server.address, "alice")
    detail = cli.one_line(f"gate 'other' is not waiting:\nthe run waits at {GATE!r}")
    assert await run_command(capsys, ["approve", run_id, "--gate", "other"], env) == (
        1, "", cli.decision_refused(detail=detail) + "\n")
    # Refused, nothing was recorded: the run still waits, and takes a decision.
    assert (await run_command(capsys, ["approve", run_id], env))[0] == 0


async def test_a_closed_run_is_no_running_workflow(capsys, client, temporal_server, gated_runs) -> None:
    run_id = await gated_runs()
    await client.get_workflow_handle(run_id).terminate("closed before anyone decided")
    env = server_env(temporal_server.address, "alice")
    assert await run_command(capsys, ["approve", run_id], env) == (1, "", cli.run_not_found(workflow_id=run_id) + "\n")


def run_starter(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(STARTER), *args], env=env, capture_output=True, text=True, timeout=120)


async def test_a_run_that_does_not_exist_is_one_line_and_exit_1(temporal_server) -> None:
    env = server_env(temporal_server.address, "alice")
    run_id = f"no-such-run-{uuid.uuid4().hex[:8]}"
    done = await asyncio.to_thread(run_starter, env, "reject", run_id, "--reason", "too late")
    assert (done.returncode, done.stdout, done.stderr) == (1, "", cli.run_not_found(workflow_id=run_id) + "\n")


async def test_no_server_and_a_bad_configuration_are_the_start_paths_lines(tmp_path) -> None:
    env = server_env("127.0.0.1:1", "alice")
    done = await asyncio.to_thread(run_starter, env, "approve", "run-1")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith(cli.connect_failed(address="127.0.0.1:1", detail=""))
    assert done.stderr.count("\n") == 1
    (bad := tmp_path / "temporal.toml").write_text("not toml [[[")
    done = await asyncio.to_thread(run_starter, {**env, "TEMPORAL_CONFIG_FILE": str(bad)}, "approve", "run-1")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(cli.config_invalid(detail="")) and done.stderr.count("\n") == 1
