"""The Python starter: start the pipeline, follow its progress, print each step.

Exit codes: 0 success, 1 the workflow failed, 2 invalid usage or input.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets as random_ids
import sys
from collections.abc import Sequence

from google.protobuf import json_format
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import CancelledError, TerminatedError
from temporalio.exceptions import TimeoutError as WorkflowTimedOut
from temporalio.service import RPCError

from skypilot_temporal.connect import connect
from skypilot_temporal.contract import DEFAULT_TASK_QUEUE, PROGRESS_QUERY, WORKFLOW_TYPE
from skypilot_temporal.v1 import pipeline_pb2 as pb


class UsageError(Exception):
    pass


def parse_args(argv: Sequence[str], env: dict[str, str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="skypilot-temporal-start", description="Start the SkyPilot pipeline on Temporal."
    )
    p.add_argument("--repo", default=env.get("SKYPILOT_TEMPORAL_REPO_URL", ""),
                   help="git repository of task YAMLs (env SKYPILOT_TEMPORAL_REPO_URL)")
    p.add_argument("--branch", default=env.get("SKYPILOT_TEMPORAL_BRANCH", ""),
                   help="branch or tag (env SKYPILOT_TEMPORAL_BRANCH)")
    p.add_argument("--cluster-prefix", default=env.get("SKYPILOT_TEMPORAL_CLUSTER_PREFIX", ""),
                   help="cluster name prefix (env SKYPILOT_TEMPORAL_CLUSTER_PREFIX)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="env override for every task (repeatable)")
    p.add_argument("--secret-env", action="append", metavar="NAME",
                   default=[n for n in env.get("SKYPILOT_TEMPORAL_SECRET_ENV_NAMES", "").split(",") if n],
                   help="name of a variable the WORKER resolves; its value never enters "
                        "history (repeatable; env SKYPILOT_TEMPORAL_SECRET_ENV_NAMES)")
    p.add_argument("--api-server-endpoint", default=env.get("SKYPILOT_TEMPORAL_API_SERVER_ENDPOINT", ""),
                   help="SkyPilot API server (env SKYPILOT_TEMPORAL_API_SERVER_ENDPOINT)")
    p.add_argument("--input", metavar="FILE",
                   help="JSON file of SkyPilotWorkflowInput (proto JSON); flags override it")
    p.add_argument("--workflow-id", default="", help="default: a fresh id per run")
    p.add_argument("--task-queue", default=env.get("SKYPILOT_TEMPORAL_TASK_QUEUE") or DEFAULT_TASK_QUEUE,
                   help=f"(env SKYPILOT_TEMPORAL_TASK_QUEUE, default {DEFAULT_TASK_QUEUE})")
    p.add_argument("--no-wait", action="store_true", help="only start the workflow")
    return p.parse_args(argv)


def build_input(args: argparse.Namespace) -> pb.SkyPilotWorkflowInput:
    inp = pb.SkyPilotWorkflowInput()
    if args.input:
        try:
            with open(args.input, encoding="utf-8") as f:
                json_format.Parse(f.read(), inp, ignore_unknown_fields=False)
        except (OSError, json_format.ParseError) as err:
            raise UsageError(f"--input {args.input}: {err}") from None
    for flag, field in (("repo", "repo_url"), ("branch", "branch"),
                        ("cluster_prefix", "cluster_prefix"),
                        ("api_server_endpoint", "api_server_endpoint")):
        if getattr(args, flag):
            setattr(inp, field, getattr(args, flag))
    for item in args.env:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--env {item!r}: expected KEY=VALUE")
        inp.envs_override[key] = value
    for name in args.secret_env:
        if name not in inp.secret_env_names:
            inp.secret_env_names.append(name)
    if not inp.repo_url:
        raise UsageError("--repo: required (or repo_url in --input, or SKYPILOT_TEMPORAL_REPO_URL)")
    return inp


def progress_line(p: pb.SkyPilotWorkflowProgress) -> str:
    line = f"progress: phase={p.phase} step={p.current_step or '-'} finished={len(p.finished)}"
    if p.steps_total:
        line += f"/{p.steps_total}"
    return line + "".join(f" {s.name}:{s.status}" for s in p.finished)


def print_result(r: pb.SkyPilotWorkflowResult) -> None:
    print(f"workflow completed: {len(r.steps)} steps, commit {r.commit or '-'}")
    for s in r.steps:
        print(f"step {s.name}: cluster={s.cluster_name or '-'} job_id={s.job_id} "
              f"status={s.status or '-'} duration={round(s.duration_seconds, 1):g}s")
        for line in s.log_tail.rstrip("\n").splitlines():
            print(f"    {line}")
    if r.clusters_downed:
        print(f"clusters downed: {', '.join(r.clusters_downed)}")


def report_failure(err: WorkflowFailureError) -> None:
    """The failure's message and, when it has causes, the innermost one's."""
    failure = err.cause
    if isinstance(failure, CancelledError):
        print("workflow cancelled", file=sys.stderr)
    elif isinstance(failure, TerminatedError):
        print("workflow terminated", file=sys.stderr)
    elif isinstance(failure, WorkflowTimedOut):
        print("workflow timed out", file=sys.stderr)
    else:
        print(f"workflow failed: {getattr(failure, 'message', None) or failure}", file=sys.stderr)
    inner = failure
    while inner.__cause__ is not None:
        inner = inner.__cause__
    if inner is not failure:
        print(f"cause: {getattr(inner, 'message', None) or inner}", file=sys.stderr)


async def follow(handle: WorkflowHandle, task_queue: str) -> pb.SkyPilotWorkflowResult:
    """Prints a line per progress change until the workflow ends; returns its result."""
    result = asyncio.ensure_future(handle.result())
    last = ""
    while not result.done():
        try:
            p = await handle.query(PROGRESS_QUERY, result_type=pb.SkyPilotWorkflowProgress)
            line = progress_line(p)
        except RPCError:
            line = f"progress: not available yet (is a worker polling task queue {task_queue!r}?)"
        if line != last:
            print(line, flush=True)
            last = line
        await asyncio.wait([result], timeout=1.0)
    return await result


async def run(argv: Sequence[str]) -> int:
    args = parse_args(argv, dict(os.environ))
    try:
        inp = build_input(args)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    client: Client = await connect()
    workflow_id = args.workflow_id or f"skypilot-pipeline-{random_ids.token_hex(6)}"
    handle = await client.start_workflow(
        WORKFLOW_TYPE, inp, id=workflow_id, task_queue=args.task_queue,
        result_type=pb.SkyPilotWorkflowResult,
    )
    ui = os.environ.get("TEMPORAL_UI_URL", "http://localhost:8233").rstrip("/")
    print(f"workflow id: {workflow_id}")
    print(f"ui: {ui}/namespaces/{client.namespace}/workflows/{workflow_id}", flush=True)
    if args.no_wait:
        return 0
    try:
        res = await follow(handle, args.task_queue)
    except WorkflowFailureError as err:
        report_failure(err)
        return 1
    print_result(res)
    return 0


def main() -> None:
    code = asyncio.run(run(sys.argv[1:]))
    sys.stdout.flush()
    sys.stderr.flush()
    # A short-lived Temporal client can crash at interpreter exit (temporalio #300)
    # after printing a correct result; leave before that can change the exit code.
    os._exit(code)


if __name__ == "__main__":
    main()
