"""`approve RUN_ID` and `reject RUN_ID`: the decision on the gate a run waits at, sent as the contract's
decide update (ApprovalDecision in, ApprovalRecord out) in the approver's name, then what the run
recorded, or why it refused. How a subcommand sends a run an update (update_run) is here too:
`retry` and `abort` (repair.py) send theirs the same way."""

from __future__ import annotations

import getpass
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

from google.protobuf.message import Message
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import FailureError
from temporalio.service import RPCError, RPCStatusCode

from skypilot_temporal.starter.client import NotConnected, connect
from skypilot_temporal.starter.flags import UsageError, parse_flags, setting
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

M = TypeVar("M", bound=Message)  # an update's argument
A = TypeVar("A", bound=Message)  # its answer
# Who asks, and the update's argument, from the flags given (by flag name) and the environment; may raise UsageError.
Build = Callable[[Mapping[str, list], Mapping[str, str]], tuple[str, M]]

# What each subcommand decides, and the line that says the run recorded it.
_DECISIONS = {cli.APPROVE_COMMAND.name: (cli.DECISION_APPROVE, cli.decision_approved),
              cli.REJECT_COMMAND.name: (cli.DECISION_REJECT, cli.decision_rejected)}


def approver(env: Mapping[str, str]) -> str:
    """Who decides: APPROVER_ENV, else the user this runs as; empty when neither names anyone."""
    if named := env.get(cli.APPROVER_ENV, "").strip():
        return named
    try:
        return getpass.getuser().strip()
    except (OSError, KeyError):  # a uid without a name, and no LOGNAME/USER: OSError from 3.13, KeyError before
        return ""


def requester(env: Mapping[str, str]) -> str:
    """The approver (approver()), who every request is sent in the name of; a usage error when there is none."""
    if not (name := approver(env)):
        raise UsageError(cli.approver_missing())
    return name


def parse_request(command: cli.Subcommand, argv: Sequence[str], env: Mapping[str, str], build: Build[M]
                  ) -> tuple[str, str, M] | None:
    """The run id, who asks and the update's argument the arguments after the subcommand's name ask for;
    None for --help."""
    given, args = parse_flags(argv, command.flags, positionals=1)
    if given.get(cli.HELP.name):
        return None
    if not args or not args[0]:
        raise UsageError(cli.run_id_missing())
    return args[0], *build(given, env)


@dataclass(frozen=True)
class RunUpdate(Generic[M, A]):
    """A subcommand that sends a run one of the contract's updates: its argument, built from the flags, and its
    answer, read into `answer_type`; `accepted` says what the run recorded (given the run id), `failed` why
    a request that was neither refused nor sent to a missing run went nowhere."""

    command: cli.Subcommand
    update: str
    build: Build[M]
    answer_type: type[A]
    accepted: Callable[[str, A], str]
    failed: Callable[..., str]


async def update_run(request: RunUpdate[M, A], argv: Sequence[str], env: Mapping[str, str]) -> int:
    """The subcommand; returns the exit status: 0 recorded, 1 refused or not delivered, 2 usage error."""
    try:
        asked = parse_request(request.command, argv, env, request.build)
    except UsageError as err:
        print(cli.usage_error(message=str(err)), cli.usage_hint(), sep="\n", file=sys.stderr)
        return 2
    if asked is None:
        print(request.command.help_text, end="")
        return 0
    run_id, name, argument = asked
    try:
        # The history's update event names the client's identity: the requester's, from this host.
        client = await connect(env, identity=f"{name}@{socket.gethostname()}")
    except NotConnected as err:
        print(err, file=sys.stderr)
        return err.status
    run = client.get_workflow_handle(run_id)
    try:
        answer = await run.execute_update(request.update, argument, result_type=request.answer_type)
    except WorkflowUpdateFailedError as err:  # the validator refused, or the run closed before recording it
        cause = err.cause
        said = cli.decision_refused(detail=cli.one_line(cause.message if isinstance(cause, FailureError) else str(err)))
    except RPCError as err:  # NotFound: no such run, or it has closed (the server says both alike)
        found = err.status == RPCStatusCode.NOT_FOUND
        said = cli.run_not_found(workflow_id=run_id) if found else request.failed(detail=cli.one_line(str(err)))
    except Exception as err:  # noqa: BLE001 - one line, never a traceback, whatever else went wrong on the way
        said = request.failed(detail=cli.one_line(str(err)))
    else:
        print(request.accepted(run_id, answer))
        return 0
    print(said, file=sys.stderr)
    return 1


def decision(command: cli.Subcommand, given: Mapping[str, list], env: Mapping[str, str]
             ) -> tuple[str, pb.ApprovalDecision]:
    """Who decides, and the decision the subcommand's flags ask for."""
    gate, reason = (setting(given, {}, flag) for flag in (cli.GATE, cli.REASON))
    if cli.REASON.name in command.required and not reason.strip():
        raise UsageError(cli.reason_required())
    name = requester(env)
    return name, pb.ApprovalDecision(gate=gate, decision=_DECISIONS[command.name][0], approver=name, reason=reason)


def parse_decision(command: cli.Subcommand, argv: Sequence[str], env: Mapping[str, str]
                   ) -> tuple[str, pb.ApprovalDecision] | None:
    """The run id and the decision the arguments after the subcommand's name ask for; None for --help."""
    asked = parse_request(command, argv, env, partial(decision, command))
    return None if asked is None else (asked[0], asked[2])


def decided(command: cli.Subcommand, run_id: str, record: pb.ApprovalRecord) -> str:
    """The line saying the run recorded the decision: the gate as the run names it, --gate may have been left out."""
    return _DECISIONS[command.name][1](gate=record.gate, workflow_id=run_id, approver=record.approver)


# The subcommands of this file, by name: the starter runs one when its first argument names it.
SUBCOMMANDS = {command.name: partial(update_run, RunUpdate(command, cli.DECIDE_UPDATE, partial(decision, command),
                                                           pb.ApprovalRecord, partial(decided, command),
                                                           cli.decision_failed))
               for command in (cli.APPROVE_COMMAND, cli.REJECT_COMMAND)}
