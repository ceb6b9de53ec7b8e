"""The activities of a team's cluster quota (workflows/quota.py).

`request_quota` is how a run asks for slots: workflow code cannot signal-with-start, and
the team's quota workflow may not be running (it completes when idle), so an activity
starts it if needed and signals it in one call. `read_team_limit` and
`closed_quota_holders` are the quota workflow's own: the limit in the worker's
environment, and which of its holders' runs the server reports closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from temporalio import activity
from temporalio.client import WorkflowExecutionStatus
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from skypilot_temporal.config.settings import ConfigError, load_environment
from skypilot_temporal.config.team_quotas import TEAM_NAME_RULE, TEAM_QUOTAS_SETTING, is_team_name, team_quotas_from
from skypilot_temporal.contract.names import INVALID_INPUT
from skypilot_temporal.contract.quota_names import (
    ACQUIRE_SIGNAL,
    CLOSED_HOLDERS_ACTIVITY,
    QUOTA_QUERY,
    QUOTA_WORKFLOW_TYPE,
    READ_TEAM_LIMIT_ACTIVITY,
    REQUEST_QUOTA_ACTIVITY,
    quota_workflow_id,
)
from skypilot_temporal.contract.quota_types import (
    HolderRun,
    HolderRuns,
    QuotaAnswer,
    QuotaAsk,
    QuotaView,
    TeamLimit,
    TeamQuotaInput,
)

# The error type of a SKYPILOT_TEMPORAL_TEAM_QUOTAS the worker cannot read.
INVALID_TEAM_QUOTAS = "InvalidTeamQuotas"
_CLOSED = frozenset({
    WorkflowExecutionStatus.COMPLETED, WorkflowExecutionStatus.FAILED, WorkflowExecutionStatus.CANCELED,
    WorkflowExecutionStatus.TERMINATED, WorkflowExecutionStatus.TIMED_OUT,
})
LEASE_SETTING = "SKYPILOT_TEMPORAL_QUOTA_LEASE_SECONDS"
# How long request_quota waits for the quota's answer to its query.
_QUERY_TIMEOUT_S = 5.0
# How many runs are described at once in a lease check.
_DESCRIBES_AT_ONCE = 16


def _refused(message: str) -> ApplicationError:
    return ApplicationError(message, type=INVALID_INPUT, non_retryable=True)


class QuotaActivities:
    """`environ` gives the worker's settings as they are now (the process environment over
    its .env file), read again on each call: the limit follows a restart with a new value."""

    def __init__(self, environ: Callable[[], Mapping[str, str]] = load_environment) -> None:
        self._environ = environ

    def _limit_of(self, team: str) -> int | None:
        try:
            return team_quotas_from(self._environ()).limit_of(team)
        except ConfigError as err:
            raise ApplicationError(str(err), type=INVALID_TEAM_QUOTAS, non_retryable=True) from None

    def all(self) -> list[Callable[..., Any]]:
        return [self.read_team_limit, self.request_quota, self.closed_quota_holders]

    def _lease_seconds(self) -> int:
        """How often a quota workflow this worker starts checks its holders' runs
        (SKYPILOT_TEMPORAL_QUOTA_LEASE_SECONDS): the longest a closed run keeps its slots."""
        raw = self._environ().get(LEASE_SETTING, "")
        if not raw:
            return 0  # the workflow's own default
        if not raw.isdigit() or not 1 <= int(raw) <= 3600:
            raise ApplicationError(f"{LEASE_SETTING}: {raw!r} is not a whole number of seconds from 1 to 3600",
                                   type=INVALID_TEAM_QUOTAS, non_retryable=True)
        return int(raw)

    @activity.defn(name=READ_TEAM_LIMIT_ACTIVITY)
    async def read_team_limit(self, team: str) -> TeamLimit:
        return TeamLimit(self._limit_of(team))

    @activity.defn(name=REQUEST_QUOTA_ACTIVITY)
    async def request_quota(self, ask: QuotaAsk) -> QuotaAnswer:
        """Queues the request with the team's quota workflow, starting it if it is not up,
        and returns the quota as it then stands (what a waiting run shows). The grant
        comes later, as the `quota_granted` signal to the holder."""
        if not is_team_name(ask.team):
            raise _refused(f"team {ask.team!r} is not {TEAM_NAME_RULE}")
        problem = ask.request.problem()
        if problem:
            raise _refused(f"quota request: {problem}")
        limit = self._limit_of(ask.team)
        if limit and ask.request.count > limit:
            raise _refused(f"quota request: count {ask.request.count} is more than team {ask.team!r} may ever "
                           f"hold: {TEAM_QUOTAS_SETTING} allows it {limit}")
        handle = await activity.client().start_workflow(
            QUOTA_WORKFLOW_TYPE,
            TeamQuotaInput(ask.team, check_seconds=self._lease_seconds()),
            id=quota_workflow_id(ask.team),
            task_queue=ask.task_queue or activity.info().task_queue,
            start_signal=ACQUIRE_SIGNAL,
            start_signal_args=[ask.request],
        )
        try:
            view = await asyncio.wait_for(handle.query(QUOTA_QUERY, result_type=QuotaView), _QUERY_TIMEOUT_S)
        except (RPCError, asyncio.TimeoutError) as err:  # only what the run shows while it waits
            activity.logger.info("quota of team %s not read: %s", ask.team, err)
            return QuotaAnswer()
        return QuotaAnswer(view)

    @activity.defn(name=CLOSED_HOLDERS_ACTIVITY)
    async def closed_quota_holders(self, asked: HolderRuns) -> HolderRuns:
        """The runs of `asked` that are closed, or that the server no longer knows."""
        client = activity.client()
        limiter = asyncio.Semaphore(_DESCRIBES_AT_ONCE)

        async def closed(run: HolderRun) -> bool:
            async with limiter:
                try:
                    status = (await client.get_workflow_handle(run.workflow_id, run_id=run.run_id).describe()).status
                    if status == WorkflowExecutionStatus.CONTINUED_AS_NEW:
                        # The holder goes on in a new run of the same workflow: that run's status counts.
                        status = (await client.get_workflow_handle(run.workflow_id).describe()).status
                except RPCError as err:
                    if err.status == RPCStatusCode.NOT_FOUND:
                        return True
                    raise
            return status in _CLOSED

        answers = await asyncio.gather(*(closed(run) for run in asked.runs))
        return HolderRuns([run for run, done in zip(asked.runs, answers, strict=True) if done])
