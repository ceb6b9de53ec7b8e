"""`approve RUN_ID` and `reject RUN_ID`: the decision on the gate a run waits at, sent as the contract's
decide update (ApprovalDecision in, ApprovalRecord out) in the approver's name, then what the run
recorded, or why it refused."""

from __future__ import annotations

import getpass
import socket
import sys
from collections.abc import Mapping, Sequence
from functools import partial

from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import FailureError
from temporalio.service import RPCError, RPCStatusCode

from skypilot_temporal.starter.client import NotConnected, connect
from skypilot_temporal.starter.flags import UsageError, parse_flags
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

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


def parse_decision(command: cli.Subcommand, argv: Sequence[str], env: Mapping[str, str]
                   ) -> tuple[str, pb.ApprovalDecision] | None:
    """The run id and the decision the arguments after the subcommand's name ask for; None for --help."""
    given, args = parse_flags(argv, command.flags, positionals=1)
    if given.get(cli.HELP.name):
        return None
    if not args or not args[0]:
        raise UsageError(cli.run_id_missing())
    gate, reason = ((given.get(flag.name) or [""])[-1] for flag in (cli.GATE, cli.REASON))
    if cli.REASON.name in command.required and not reason.strip():
        raise UsageError(cli.reason_required())
    if not (name := approver(env)):
        raise UsageError(cli.approver_missing())
    return args[0], pb.ApprovalDecision(gate=gate, decision=_DECISIONS[command.name][0], approver=name, reason=reason)


async def decide(command: cli.Subcommand, argv: Sequence[str], env: Mapping[str, str]) -> int:
    """The subcommand; returns the exit status: 0 recorded, 1 refused or not delivered, 2 usage error."""
    try:
        asked = parse_decision(command, argv, env)
    except UsageError as err:
        print(cli.usage_error(message=str(err)), cli.usage_hint(), sep="\n", file=sys.stderr)
        return 2
    if asked is None:
        print(command.help_text, end="")
        return 0
    run_id, decision = asked
    try:
        # The history's update event names the client's identity: the approver's, from this host.
        client = await connect(env, identity=f"{decision.approver}@{socket.gethostname()}")
    except NotConnected as err:
        print(err, file=sys.stderr)
        return err.status
    run = client.get_workflow_handle(run_id)
    try:
        record = await run.execute_update(cli.DECIDE_UPDATE, decision, result_type=pb.ApprovalRecord)
    except WorkflowUpdateFailedError as err:  # the validator refused, or the run closed before deciding
        cause = err.cause
        said = cli.decision_refused(detail=cli.one_line(cause.message if isinstance(cause, FailureError) else str(err)))
    except RPCError as err:  # NotFound: no such run, or it has closed (the server says both alike)
        found = err.status == RPCStatusCode.NOT_FOUND
        said = cli.run_not_found(workflow_id=run_id) if found else cli.decision_failed(detail=cli.one_line(str(err)))
    except Exception as err:  # noqa: BLE001 - one line, never a traceback, whatever else went wrong on the way
        said = cli.decision_failed(detail=cli.one_line(str(err)))
    else:
        print(_DECISIONS[command.name][1](gate=record.gate, workflow_id=run_id, approver=record.approver))
        return 0
    print(said, file=sys.stderr)
    return 1


# The subcommands of this file, by name: the starter runs one when its first argument names it.
SUBCOMMANDS = {command.name: partial(decide, command) for command in (cli.APPROVE_COMMAND, cli.REJECT_COMMAND)}
