"""How the run ended: its result, or its failure and the clusters teardown left up."""

from __future__ import annotations

import re
import sys

from temporalio.exceptions import ApplicationError, CancelledError, TerminatedError
from temporalio.exceptions import TimeoutError as WorkflowTimedOut

from skypilot_temporal.contract.names import TEARDOWN_FAILED
from skypilot_temporal.starter.format import metrics_text, or_dash, seconds, step_label
from skypilot_temporal.starter.progress import ProgressView
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

# A word that may be a SkyPilot cluster name (a full stop ending the sentence is not part of it).
_CLUSTER_WORD = re.compile(r"[A-Za-z0-9_.-]*[A-Za-z0-9_-]")


def finish(view: ProgressView, result: pb.SkyPilotWorkflowResult | None, failure: BaseException | None) -> int:
    """Prints the result (stdout, exit status 0) or the failure (stderr, 1); then, on
    stderr, any clusters teardown left up. Returns the exit status."""
    if failure is not None:
        print_failure(failure)
    elif result is not None:
        print_result(result)
    left = clusters_still_up(view, failure)
    if left:
        print(cli.clusters_left(clusters=", ".join(left)), file=sys.stderr)
    return 1 if failure is not None else 0


def print_result(r: pb.SkyPilotWorkflowResult) -> None:
    """Each step's result (a swept step's, branch by branch, with the branch), its
    metrics and log tail; a select step's winner."""
    print(cli.result_header(steps=str(len(r.steps)), commit=or_dash(r.commit)))
    for s in r.steps:
        print(result_line(s))
        for line in s.log_tail.rstrip("\n").splitlines():
            print(cli.log_line(line=line))
    if r.clusters_downed:
        print(cli.clusters_downed(clusters=", ".join(r.clusters_downed)))


def result_line(s: pb.StepResult) -> str:
    metrics = metrics_text(s.metrics)
    if s.kind == pb.STEP_KIND_SELECT:
        return cli.result_select(step=s.name, branch=or_dash(s.branch), cluster=or_dash(s.cluster_name), metrics=metrics)
    idle = cli.result_idle(seconds=seconds(s.idle_cluster_seconds)) if s.idle_cluster_seconds else ""
    return cli.result_step(step=step_label(s.name, s.branch), cluster=or_dash(s.cluster_name), job_id=str(s.job_id),
                           status=or_dash(s.status), duration=seconds(s.duration_seconds), idle=idle, metrics=metrics)


def print_failure(failure: BaseException) -> None:
    """The run's failure and, when it has causes, the innermost cause's message."""
    if isinstance(failure, CancelledError):
        print(cli.workflow_cancelled(), file=sys.stderr)
    elif isinstance(failure, TerminatedError):
        print(cli.workflow_terminated(), file=sys.stderr)
    elif isinstance(failure, WorkflowTimedOut):
        print(cli.workflow_timed_out(), file=sys.stderr)
    else:
        print(cli.workflow_failed(message=_message(failure)), file=sys.stderr)
    inner = failure
    while inner.__cause__ is not None:
        inner = inner.__cause__
    if inner is not failure:
        print(cli.failure_cause(message=_message(inner)), file=sys.stderr)


def clusters_still_up(view: ProgressView, failure: BaseException | None) -> list[str]:
    """The clusters an operator must down: those the progress listed as left, else
    those of the run a TeardownFailed message names."""
    if view.clusters_left:
        return view.clusters_left
    if not isinstance(failure, ApplicationError) or failure.type != TEARDOWN_FAILED:
        return []
    words = set(_CLUSTER_WORD.findall(failure.message))
    return [c for c in view.clusters if c in words]


def _message(err: BaseException) -> str:
    return getattr(err, "message", None) or str(err)
