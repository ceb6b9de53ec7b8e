"""TeamQuotaWorkflow: one team's fleet-wide quota of clusters up at once, a durable FIFO
counting semaphore. One per team, with the id `skypilot-temporal-quota-<team>`.

A run asks for `count` slots with the `acquire` signal (through the request_quota
activity, which starts this workflow when it is not running); the workflow answers with
`quota_granted` once the whole count fits under the team's limit. Requests are granted in
the order they arrived: one that does not fit blocks those behind it, so a run asking for
many slots is not starved by a stream of runs asking for one.

Reserved grants. A run that needs several grants before it can go on (it holds part of
what it needs, and asks for more) marks its first request `reserve`. Two rules keep such
runs from deadlocking:

- A holder of a reserved grant goes before the queue: its further requests are granted
  as soon as they fit, ahead of every waiter, and while one of them does not fit nothing
  else is granted (the slots freed go to it). It releases everything once done, so the
  slots it gathers always come back.
- At most one holder at a time builds up a reserved share: a `reserve` request waits,
  in its place in the queue, while another holder holds a reserved grant.

So two runs never each hold part of what they need while waiting for the other: only one
of them gathers a share, and it gets what is freed first. (A holder that asks for more
while holding grants it did not reserve gets no such promise.)

Leases. Every check interval the workflow asks the server for the status of each holder's
and each waiter's run: a run that is closed (completed, failed, cancelled, terminated,
timed out) loses its slots and its place in the queue. A run killed without running its
teardown thus gives its slots back within an interval; a run whose worker died is still
running (another worker continues it), keeps its slots and releases them itself.

The limit is read from the workers' SKYPILOT_TEMPORAL_TEAM_QUOTAS at each check and when
requests arrive, so a new value takes effect once the workers restart with it, without
restarting any run. A lowered limit takes nothing away: nothing new is granted until the
slots held drop below it.

The workflow does not end while anything is held or waiting; after a while with neither
it completes, and the next request starts it again. It continues as new, carrying its
state, when its history grows long.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from skypilot_temporal.contract.metrics import TEAM_CLUSTERS_HELD, TEAM_RUNS_WAITING
    from skypilot_temporal.contract.quota_names import (
        ACQUIRE_SIGNAL,
        CLOSED_HOLDERS_ACTIVITY,
        GRANTED_SIGNAL,
        QUOTA_QUERY,
        QUOTA_WORKFLOW_TYPE,
        READ_TEAM_LIMIT_ACTIVITY,
        RELEASE_ALL,
        RELEASE_SIGNAL,
    )
    from skypilot_temporal.contract.quota_types import (
        HolderRun,
        HolderRuns,
        QuotaEntry,
        QuotaGrant,
        QuotaHolding,
        QuotaRelease,
        QuotaRequest,
        QuotaView,
        TeamLimit,
        TeamQuotaInput,
    )

# How often leases are checked and the limit read again.
CHECK_SECONDS = 30
# How long the workflow waits, with nothing held and nobody waiting, before it completes.
IDLE_SECONDS = 3600
# How many released requests are remembered, so a late retry of their acquire is ignored.
FINISHED_KEPT = 1000
# The activities are quick calls; one that keeps failing is tried again at the next check.
_ACTIVITY_TIMEOUT = timedelta(seconds=10)
_ACTIVITY_RETRIES = RetryPolicy(maximum_attempts=3)


def request_key(request: QuotaRequest) -> str:
    """What makes two requests the same: the holder's run and the request's id."""
    return f"{request.holder_workflow_id}\n{request.holder_run_id}\n{request.request_id}"


def next_grants(granted: list[QuotaEntry], waiting: list[QuotaEntry], limit: int | None) -> list[QuotaEntry]:
    """The waiting requests to grant now, by the rules of the module's docstring."""
    held = sum(entry.held for entry in granted)
    # Holders of a reserved grant: their requests go before the queue.
    passing = {entry.request.holder_workflow_id for entry in granted if entry.request.reserve}
    reserving = set(passing)
    grants: list[QuotaEntry] = []

    def fits(entry: QuotaEntry) -> bool:
        return limit is None or held + entry.request.count <= limit

    for entry in waiting:
        if entry.request.holder_workflow_id in passing:
            if not fits(entry):
                return grants
            grants.append(entry)
            held += entry.request.count
    for entry in waiting:
        holder = entry.request.holder_workflow_id
        if holder in passing:
            continue
        if not fits(entry) or (entry.request.reserve and reserving - {holder}):
            break
        grants.append(entry)
        held += entry.request.count
        if entry.request.reserve:
            reserving.add(holder)
    return grants


@workflow.defn(name=QUOTA_WORKFLOW_TYPE)
class TeamQuotaWorkflow:
    @workflow.init
    def __init__(self, input: TeamQuotaInput) -> None:
        self._input = input
        self._state = input.state
        self._check = timedelta(seconds=input.check_seconds or CHECK_SECONDS)
        self._idle = timedelta(seconds=input.idle_seconds or IDLE_SECONDS)
        # Requests arrived since the limit was last read; anything freed since the last grant.
        self._arrived = False
        self._freed = False

    @workflow.signal(name=ACQUIRE_SIGNAL)
    def acquire(self, request: QuotaRequest) -> None:
        problem = request.problem()
        if problem:
            workflow.logger.warning("quota of team %s: request refused: %s", self._input.team, problem)
            return
        key = request_key(request)
        state = self._state
        if key in state.finished or any(request_key(e.request) == key for e in state.granted + state.waiting):
            return  # a retried signal: the request is queued, granted or done already
        state.waiting.append(QuotaEntry(request, since=workflow.now().isoformat()))
        self._arrived = True

    @workflow.signal(name=RELEASE_SIGNAL)
    def release(self, release: QuotaRelease) -> None:
        every = release.request_id == RELEASE_ALL

        def named(entry: QuotaEntry) -> bool:
            return entry.request.holder_workflow_id == release.holder_workflow_id and (
                every or entry.request.request_id == release.request_id)

        whole = every or release.count <= 0
        queued = {id(entry) for entry in self._state.waiting}
        self._drop(lambda e: named(e) and (whole or id(e) in queued or release.count >= e.request.count))
        for entry in self._state.granted:
            if named(entry):
                entry.released = max(entry.released, release.count)
        self._freed = True

    @workflow.query(name=QUOTA_QUERY)
    def quota(self) -> QuotaView:
        state = self._state
        # One line per holder (its grants summed, since its first); one per waiting request, in queue order.
        holders: dict[str, QuotaHolding] = {}
        for entry in state.granted:
            holder = entry.request.holder_workflow_id
            if holder in holders:
                holders[holder].count += entry.held
            else:
                holders[holder] = QuotaHolding(holder, entry.held, entry.since)
        return QuotaView(
            team=self._input.team,
            limit=state.limit,
            held=sum(e.held for e in state.granted),
            holders=list(holders.values()),
            waiting=[QuotaHolding(e.request.holder_workflow_id, e.request.count, e.since) for e in state.waiting],
            limit_error=state.limit_error,
        )

    @workflow.run
    async def run(self, input: TeamQuotaInput) -> None:
        next_check = workflow.now() + self._check
        idle_since = workflow.now()
        while True:
            if workflow.now() >= next_check:
                await self._drop_closed_runs()
                if self._busy():
                    await self._read_limit()
                next_check = workflow.now() + self._check
            elif self._arrived:
                await self._read_limit()
            self._freed = False
            await self._grant()
            self._export()
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(TeamQuotaInput(
                    input.team, input.check_seconds, input.idle_seconds, self._state))
            now = workflow.now()
            if self._busy():
                idle_since = now
                wait = next_check - now
            else:
                if now - idle_since >= self._idle:
                    return
                wait = min(next_check - now, self._idle - (now - idle_since))
            if wait <= timedelta(0):
                continue
            try:
                await workflow.wait_condition(lambda: self._arrived or self._freed, timeout=wait)
            except asyncio.TimeoutError:
                pass

    def _export(self) -> None:
        """The team's clusters held and runs waiting, as gauges (replay-safe: the
        workflow's meter records nothing while a history replays)."""
        state = self._state
        team = {"team": self._input.team}
        meter = workflow.metric_meter()
        meter.create_gauge(TEAM_CLUSTERS_HELD.name, TEAM_CLUSTERS_HELD.help).with_additional_attributes(team).set(
            sum(e.held for e in state.granted))
        meter.create_gauge(TEAM_RUNS_WAITING.name, TEAM_RUNS_WAITING.help).with_additional_attributes(team).set(
            len({e.request.holder_workflow_id for e in state.waiting}))

    def _busy(self) -> bool:
        return bool(self._state.granted or self._state.waiting)

    def _drop(self, gone: Callable[[QuotaEntry], bool]) -> None:
        """Takes the entries `gone` names out of the grants and the queue, remembering them."""
        state = self._state
        dropped = [e for e in state.granted + state.waiting if gone(e)]
        if not dropped:
            return
        state.granted = [e for e in state.granted if not gone(e)]
        state.waiting = [e for e in state.waiting if not gone(e)]
        state.finished = (state.finished + [request_key(e.request) for e in dropped])[-FINISHED_KEPT:]
        self._freed = True

    async def _read_limit(self) -> None:
        self._arrived = False
        state = self._state
        try:
            answer = await workflow.execute_activity(
                READ_TEAM_LIMIT_ACTIVITY, self._input.team, result_type=TeamLimit,
                start_to_close_timeout=_ACTIVITY_TIMEOUT, retry_policy=_ACTIVITY_RETRIES)
        except ActivityError as err:
            # Keep the last limit read; with none read yet, nothing is granted.
            state.limit_error = str(err.cause or err)
            workflow.logger.warning("quota of team %s: limit not read: %s", self._input.team, state.limit_error)
            return
        state.limit, state.limit_known, state.limit_error = answer.limit, True, ""

    async def _drop_closed_runs(self) -> None:
        state = self._state
        runs = {request_key(e.request): e.request for e in state.granted + state.waiting}
        if not runs:
            return
        asked = HolderRuns([HolderRun(r.holder_workflow_id, r.holder_run_id) for r in runs.values()])
        try:
            closed = await workflow.execute_activity(
                CLOSED_HOLDERS_ACTIVITY, asked, result_type=HolderRuns,
                start_to_close_timeout=_ACTIVITY_TIMEOUT, retry_policy=_ACTIVITY_RETRIES)
        except ActivityError as err:
            workflow.logger.warning("quota of team %s: leases not checked: %s", self._input.team, err.cause or err)
            return
        gone = {(run.workflow_id, run.run_id) for run in closed.runs}
        if gone:
            workflow.logger.info("quota of team %s: closed runs give back their slots: %s",
                                 self._input.team, sorted(w for w, _ in gone))
        self._drop(lambda e: (e.request.holder_workflow_id, e.request.holder_run_id) in gone)

    async def _grant(self) -> None:
        """Grants what fits, telling each holder; a holder that cannot be told is gone."""
        state = self._state
        if not state.limit_known:
            return
        now = workflow.now().isoformat()
        grants: list[QuotaEntry] = []
        # Again while it grants: a holder that has just got a reserved grant may pass with its next requests.
        while batch := next_grants(state.granted, state.waiting, state.limit):
            for entry in batch:
                state.waiting.remove(entry)
                entry.since = now
                state.granted.append(entry)
            grants += batch
        if not grants:
            return
        told = await asyncio.gather(*(self._tell(entry.request) for entry in grants))
        unreachable = {request_key(e.request) for e, ok in zip(grants, told, strict=True) if not ok}
        self._drop(lambda e: request_key(e.request) in unreachable)

    async def _tell(self, request: QuotaRequest) -> bool:
        handle = workflow.get_external_workflow_handle(request.holder_workflow_id, run_id=request.holder_run_id)
        try:
            await handle.signal(GRANTED_SIGNAL, QuotaGrant(request.request_id, request.count))
        except FailureError as err:
            workflow.logger.info("quota of team %s: %s not told of its grant, dropped: %s",
                                 self._input.team, request.holder_workflow_id, err)
            return False
        return True
