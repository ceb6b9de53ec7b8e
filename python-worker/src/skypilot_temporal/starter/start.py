"""The recipe for starting the pipeline from Python (`skypilot-temporal-start --repo URL`): flags
-> input (flags.py) -> connect (as the worker does) -> start the contract's workflow type -> follow."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from urllib.parse import quote as percent_encode

from temporalio.client import Interceptor
from temporalio.exceptions import WorkflowAlreadyStartedError

from skypilot_temporal.contract.names import WORKFLOW_TYPE
from skypilot_temporal.starter import decide, repair, schedule
from skypilot_temporal.starter.client import NotConnected, connect
from skypilot_temporal.starter.flags import Options, UsageError, parse_command_line
from skypilot_temporal.starter.follow import ended, follow
from skypilot_temporal.starter.tracing import trace_started, with_tracing
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli


# recipe-begin: docs/contract.md shows run and _start_and_follow as they are here (tests/contract/test_docs_recipes.py).
async def run(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """The whole starter; returns the exit status: 0 success, 1 workflow or connection failure, 2 usage error."""
    try:
        opts = parse_command_line(argv, env)
    except UsageError as err:
        print(cli.usage_error(message=str(err)), cli.usage_hint(), sep="\n", file=sys.stderr)
        return 2
    if opts is None:
        print(cli.HELP_TEXT, end="")
        return 0
    # Traced when an OTLP endpoint is set: the run's span covers start and follow, and is sent before this returns.
    return await with_tracing(env, opts.workflow_id, lambda interceptors: _start_and_follow(opts, env, interceptors))


async def _start_and_follow(opts: Options, env: Mapping[str, str], interceptors: Sequence[Interceptor]) -> int:
    try:  # TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE, temporal.toml
        client = await connect(env, interceptors)
    except NotConnected as err:  # a configuration that cannot be used (2), or no server (1)
        return ended(cli.OUTCOME_NOT_STARTED, err.status, str(err))
    try:
        handle = await client.start_workflow(WORKFLOW_TYPE, opts.input, id=opts.workflow_id,
                                             task_queue=opts.task_queue, result_type=pb.SkyPilotWorkflowResult)
    except WorkflowAlreadyStartedError:
        return ended(cli.OUTCOME_NOT_STARTED, 1, cli.workflow_id_in_use(workflow_id=opts.workflow_id))
    except Exception as err:  # noqa: BLE001 - RPCError and friends: the server refused or went away
        return ended(cli.OUTCOME_NOT_STARTED, 1, cli.start_failed(detail=cli.one_line(str(err))))
    trace_started(handle.first_execution_run_id or "")
    # Quiet, the id alone says how --no-wait ended; a followed run's end says the rest.
    if not opts.quiet or opts.no_wait:
        print(cli.workflow_started(workflow_id=handle.id))
    if not opts.quiet:
        print(cli.workflow_ui(url=ui_link(env, client.namespace, handle.id)), flush=True)
    if opts.no_wait:
        return ended(cli.OUTCOME_DETACHED, 0)
    return await follow(client, handle, opts.task_queue, opts.quiet)


# recipe-end


def ui_link(env: Mapping[str, str], namespace: str, workflow_id: str) -> str:
    """Points at the workflow in the Temporal Web UI."""
    base = (env.get(cli.UI_URL_ENV) or cli.UI_URL_DEFAULT).rstrip("/")
    return f"{base}/namespaces/{percent_encode(namespace, safe='')}/workflows/{percent_encode(workflow_id, safe='')}"


# The subcommands, by name; more files' tables join this one.
SUBCOMMANDS: dict[str, Callable[[Sequence[str], Mapping[str, str]], Awaitable[int]]] = {
    **decide.SUBCOMMANDS, **repair.SUBCOMMANDS, **schedule.SUBCOMMANDS}


async def command(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """The subcommand the first argument names, given the arguments after it; else a run (run), given them all."""
    subcommand = SUBCOMMANDS.get(argv[0]) if argv else None
    return await (subcommand(argv[1:], env) if subcommand else run(argv, env))


def main() -> None:
    try:
        code = asyncio.run(command(sys.argv[1:], os.environ))
    except KeyboardInterrupt:
        code = 130  # follow() has said that the workflow keeps running
    except Exception as err:  # noqa: BLE001 - one line, never a traceback, for whatever was not foreseen
        print(cli.unexpected_error(detail=cli.one_line(str(err))), file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # A short-lived Temporal client can crash at exit (temporalio #300) and change the exit code: leave first.
    os._exit(code)
