"""How the run ended: the result's lines as the worker rendered them, or the failure
and the clusters teardown left up."""

from __future__ import annotations

import sys

from temporalio.exceptions import ApplicationError, CancelledError, TerminatedError
from temporalio.exceptions import TimeoutError as WorkflowTimedOut

from skypilot_temporal.starter.tracing import trace_outcome
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

# What ended a run that neither completed nor failed, its outcome, and the line that says so.
_ENDINGS = ((CancelledError, cli.OUTCOME_CANCELLED, cli.workflow_cancelled),
            (TerminatedError, cli.OUTCOME_TERMINATED, cli.workflow_terminated),
            (WorkflowTimedOut, cli.OUTCOME_TIMED_OUT, cli.workflow_timed_out))


def finish(result: pb.SkyPilotWorkflowResult | None, failure: BaseException | None) -> int:
    """Prints the result (stdout, exit status 0) or the failure (stderr, 1); the run's
    span gets the same outcome."""
    if failure is None:
        for line in result.lines if result is not None else ():
            print(line)
        trace_outcome(cli.OUTCOME_COMPLETED)
        return 0
    outcome, said = next(((outcome, say()) for kind, outcome, say in _ENDINGS if isinstance(failure, kind)),
                         (cli.OUTCOME_FAILED, cli.workflow_failed(message=_message(failure))))
    print(said, file=sys.stderr)
    trace_outcome(outcome, said, (failure.type or "") if isinstance(failure, ApplicationError) else "")
    inner = failure
    while inner.__cause__ is not None:
        inner = inner.__cause__
    if inner is not failure:
        print(cli.failure_cause(message=_message(inner)), file=sys.stderr)
    if left := clusters_still_up(failure):
        print(cli.clusters_left(clusters=", ".join(left)), file=sys.stderr)
    return 1


def clusters_still_up(failure: BaseException) -> list[str]:
    """The clusters an operator must down: a TeardownFailed failure's first detail."""
    if not isinstance(failure, ApplicationError) or failure.type != cli.TEARDOWN_FAILED or not failure.details:
        return []
    names = failure.details[0]
    return names if isinstance(names, list) and all(isinstance(n, str) for n in names) else []


def _message(err: BaseException) -> str:
    return getattr(err, "message", None) or str(err)
