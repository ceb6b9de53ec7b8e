"""A run's slots: one for each cluster it holds up (a launch's cluster, a sweep branch's,
a managed job's capacity), taken before the cluster comes up and given back once it is
down. Two limits apply, in this order:

- the run's own, SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN: its clusters take slots in the
  order the pipeline lists their steps (a sweep's branches in branch order), which is
  the order pipeline/limits.py proves a pipeline can finish in within the limit;
- its team's, fleet-wide, when the fleet sets SKYPILOT_TEMPORAL_TEAM_QUOTAS: the team's
  quota workflow (workflows/quota.py) grants slots first come, first served. Its answer
  comes as a signal; the run waits for it, visibly, and does not fail.

A slot a run holds outlives its workers: it is in the run's history and the quota
workflow's. A run that ends gives back everything; one that ends without its own code
running (terminated) is found closed by the quota workflow's lease check.

Deterministic workflow code: waits are wait_conditions, requests go through an activity.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from skypilot_temporal.contract.quota_names import (
        RELEASE_ALL,
        RELEASE_SIGNAL,
        REQUEST_QUOTA_ACTIVITY,
        quota_workflow_id,
    )
    from skypilot_temporal.contract.quota_types import QuotaAnswer, QuotaAsk, QuotaRelease, QuotaRequest, QuotaView
    from skypilot_temporal.pipeline.limits import MAX_CLUSTERS_SETTING
    from skypilot_temporal.workflows.steps import doubling_retry

REQUEST_TIMEOUT = timedelta(seconds=30)


@dataclass
class QuotaWait:
    """What a cluster of the run waits for, as the progress and the starters show it."""

    step: str
    branch: int | None
    line: str
    since: datetime


class RunSlots:
    def __init__(self) -> None:
        # Set once the run knows its limits (the clone's result).
        self.cap = 0  # 0: no limit of the run's own
        self.team = ""
        self.quota = False  # the team's quota applies
        self.reserve = False  # the run may need another slot while it holds some (limits.py)
        self.task_queue = ""
        # Held slots, by key (a cluster's name, or a branch's key): the team's request id, or "".
        self.held: dict[str, str] = {}
        # Waiting for the run's own limit, in the order they take slots.
        self._queue: list[tuple[int, int, str]] = []
        # The team's grants this run received (signal), by request id.
        self.granted: set[str] = set()
        self.waits: dict[str, QuotaWait] = {}
        self._requests = 0
        self._background: list[asyncio.Task[None]] = []
        self.on_change: Callable[[], None] = lambda: None

    def configure(self, cap: int, team: str, quota: bool, reserve: bool, task_queue: str) -> None:
        self.cap, self.team, self.quota, self.reserve, self.task_queue = cap, team, quota, reserve, task_queue

    async def take(self, key: str, position: int, step: str, branch: int | None = None) -> None:
        """Holds a slot for `key` once both limits allow it; raises only if cancelled
        (leaving any queue it was in). `position`: where its step is in the pipeline."""
        if key in self.held:
            return
        entry = (position, -1 if branch is None else branch, key)
        self._queue.append(entry)
        self._queue.sort()
        try:
            if not self._fits(entry):
                self._wait(key, step, branch, f"the run holds {len(self.held)} of {self.cap} clusters "
                                              f"({MAX_CLUSTERS_SETTING})")
                await workflow.wait_condition(lambda: self._fits(entry))
        finally:
            self._queue.remove(entry)
            self._unwait(key)
        self.held[key] = ""
        if self.quota:
            try:
                self.held[key] = await self._team_slot(key, step, branch)
            except BaseException:
                self.held.pop(key, None)
                raise

    def give_back(self, key: str) -> None:
        """The cluster of `key` is down: its slot goes back (to the team's quota too)."""
        request_id = self.held.pop(key, None)
        if request_id:
            self._release(request_id)
        self.on_change()

    def give_back_all(self) -> None:
        """The run ends: whatever it holds or waits for at its team goes back."""
        self.held.clear()
        if self.quota and self._requests:
            self._release(RELEASE_ALL)

    async def settle(self) -> None:
        """Waits for the releases sent (best effort: a failed one leaves the lease check to
        it), even through a cancel of the run: a run that ends leaves no request behind."""
        while self._background:
            task = self._background.pop(0)
            while not task.done():
                try:
                    await asyncio.shield(task)
                except asyncio.CancelledError:
                    continue
                except Exception as err:  # noqa: BLE001 - the quota workflow's lease check frees it anyway
                    workflow.logger.warning("quota release not sent: %s", err)
                    break

    def _fits(self, entry: tuple[int, int, str]) -> bool:
        return self._queue[0] == entry and (not self.cap or len(self.held) < self.cap)

    async def _team_slot(self, key: str, step: str, branch: int | None) -> str:
        self._requests += 1
        info = workflow.info()
        request_id = f"{info.run_id}-{self._requests}"
        ask = QuotaAsk(self.team, QuotaRequest(info.workflow_id, info.run_id, request_id, 1, self.reserve),
                       self.task_queue or info.task_queue)
        try:
            answer = await workflow.execute_activity(
                REQUEST_QUOTA_ACTIVITY, ask, result_type=QuotaAnswer,
                start_to_close_timeout=REQUEST_TIMEOUT, retry_policy=doubling_retry(1, 30),
                summary=f"quota for {key} (team {self.team})")
            if request_id not in self.granted:
                self._wait(key, step, branch, _team_line(self.team, answer.view))
                await workflow.wait_condition(lambda: request_id in self.granted)
        except BaseException:
            # Cancelled (or refused) while it waited: out of the team's queue.
            self._release(request_id)
            raise
        finally:
            self._unwait(key)
        return request_id

    def _release(self, request_id: str) -> None:
        handle = workflow.get_external_workflow_handle(quota_workflow_id(self.team))
        info = workflow.info()
        self._background.append(asyncio.ensure_future(
            handle.signal(RELEASE_SIGNAL, QuotaRelease(info.workflow_id, request_id))))

    def _wait(self, key: str, step: str, branch: int | None, line: str) -> None:
        self.waits[key] = QuotaWait(step, branch, line, workflow.now())
        self.on_change()

    def _unwait(self, key: str) -> None:
        if self.waits.pop(key, None) is not None:
            self.on_change()


def _team_line(team: str, view: QuotaView | None) -> str:
    """`team vision holds 8 of 8 clusters` (and who waits before), from the quota's answer."""
    if view is None:
        return f"team {team}'s quota"
    limit = "no limit" if view.limit is None else f"{view.limit}"
    line = f"team {team} holds {view.held} of {limit} clusters"
    ahead = len(view.waiting) - 1
    return line + (f", {ahead} request{'s' if ahead != 1 else ''} before this one" if ahead > 0 else "")
