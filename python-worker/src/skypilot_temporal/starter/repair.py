"""`retry RUN_ID` and `abort RUN_ID`: the end of a run's wait for a repair, sent as the contract's retry
update (RetryRequest in) or abort update (AbortRequest in) in the requester's name, sent as approve and
reject send theirs (decide.update_run); the run answers a RepairAnswer: one record per step whose wait ended."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial

from skypilot_temporal.starter.decide import RunUpdate, requester, update_run
from skypilot_temporal.starter.flags import UsageError, setting
from skypilot_temporal.starter.format import quote
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

FULL_SHA = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
SHORT_SHA_CHARS = 12  # of the commit a retry runs from, in the line that says it was accepted


def retry_request(given: Mapping[str, list], env: Mapping[str, str]) -> tuple[str, pb.RetryRequest]:
    """Who asks, and the retry the flags ask for: --commit, when given (even empty), is a full SHA."""
    commit = setting(given, {}, cli.COMMIT)
    if cli.COMMIT.name in given and not FULL_SHA.fullmatch(commit):
        raise UsageError(cli.commit_invalid(value=quote(commit)))
    name = requester(env)
    return name, pb.RetryRequest(step=setting(given, {}, cli.STEP), branch=setting(given, {}, cli.SWEEP_BRANCH),
                                 commit=commit.lower(), requester=name)


def abort_request(given: Mapping[str, list], env: Mapping[str, str]) -> tuple[str, pb.AbortRequest]:
    """Who asks, and the abort the flags ask for."""
    name = requester(env)
    return name, pb.AbortRequest(step=setting(given, {}, cli.STEP), branch=setting(given, {}, cli.SWEEP_BRANCH),
                                 reason=setting(given, {}, cli.REASON), requester=name)


def steps(answer: pb.RepairAnswer) -> str:
    """Every step whose wait ended, a sweep's with its branch: `eval [1 (LR=0.1)]`."""
    return ", ".join(f"{r.step} [{r.branch}]" if r.branch else r.step for r in answer.repairs)


def first(answer: pb.RepairAnswer) -> pb.RepairRecord:
    """The first record, which names the commit and the requester for them all; empty when the run sent none."""
    return answer.repairs[0] if answer.repairs else pb.RepairRecord()


def retried(run_id: str, answer: pb.RepairAnswer) -> str:
    return cli.retry_accepted(steps=steps(answer), workflow_id=run_id, commit=first(answer).commit[:SHORT_SHA_CHARS],
                              requester=first(answer).requester)


def aborted(run_id: str, answer: pb.RepairAnswer) -> str:
    return cli.abort_accepted(steps=steps(answer), workflow_id=run_id, requester=first(answer).requester)


RETRY = RunUpdate(cli.RETRY_COMMAND, cli.RETRY_UPDATE, retry_request, pb.RepairAnswer, retried, cli.request_failed)
ABORT = RunUpdate(cli.ABORT_COMMAND, cli.ABORT_UPDATE, abort_request, pb.RepairAnswer, aborted, cli.request_failed)

# The subcommands of this file, by name: the starter runs one when its first argument names it.
SUBCOMMANDS = {RETRY.command.name: partial(update_run, RETRY), ABORT.command.name: partial(update_run, ABORT)}
