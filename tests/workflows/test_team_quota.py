"""TeamQuotaWorkflow on a real dev server: stand-in runs ask for slots through the
request_quota activity and wait for `quota_granted`, as runs will."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest_asyncio
from temporalio import workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from skypilot_temporal.activities.quota_activities import QuotaActivities
from skypilot_temporal.config.team_quotas import TEAM_QUOTAS_SETTING
from skypilot_temporal.contract.quota_names import (
    ACQUIRE_SIGNAL,
    GRANTED_SIGNAL,
    QUOTA_QUERY,
    RELEASE_ALL,
    RELEASE_SIGNAL,
    REQUEST_QUOTA_ACTIVITY,
    quota_workflow_id,
)
from skypilot_temporal.contract.quota_types import (
    QuotaAsk,
    QuotaGrant,
    QuotaRelease,
    QuotaRequest,
    QuotaView,
    TeamQuotaInput,
)
from skypilot_temporal.workflows.quota import TeamQuotaWorkflow

# The lease check's interval here: a closed run's slots come back within it.
CHECK_SECONDS = 1


@dataclass
class HolderInput:
    team: str
    quota_queue: str


@dataclass
class Ask:
    request_id: str
    count: int = 1
    reserve: bool = False


@workflow.defn(name="QuotaTestHolder")
class Holder:
    """A run's part in the quota: asks when told, records its grants, releases all at the end."""

    def __init__(self) -> None:
        self.asks: list[Ask] = []
        self.granted: list[str] = []
        self.done = False

    @workflow.signal
    def ask(self, ask: Ask) -> None:
        self.asks.append(ask)

    @workflow.signal
    def finish(self) -> None:
        self.done = True

    @workflow.signal(name=GRANTED_SIGNAL)
    def quota_granted(self, grant: QuotaGrant) -> None:
        self.granted.append(grant.request_id)

    @workflow.query
    def grants(self) -> list[str]:
        return self.granted

    @workflow.run
    async def run(self, inp: HolderInput) -> list[str]:
        me = workflow.info()
        while True:
            await workflow.wait_condition(lambda: bool(self.asks) or self.done)
            if not self.asks:
                break
            ask = self.asks.pop(0)
            request = QuotaRequest(me.workflow_id, me.run_id, ask.request_id, ask.count, ask.reserve)
            await workflow.execute_activity(REQUEST_QUOTA_ACTIVITY, QuotaAsk(inp.team, request, inp.quota_queue),
                                            task_queue=inp.quota_queue, start_to_close_timeout=timedelta(seconds=10))
        quota = workflow.get_external_workflow_handle(quota_workflow_id(inp.team))
        await quota.signal(RELEASE_SIGNAL, QuotaRelease(me.workflow_id, RELEASE_ALL))
        return self.granted


@dataclass
class Rig:
    client: Client
    team: str
    quota_queue: str
    holder_queue: str
    settings: dict[str, str] = field(default_factory=dict)
    started: list[WorkflowHandle] = field(default_factory=list)

    def set_limit(self, limit: int) -> None:
        self.settings[TEAM_QUOTAS_SETTING] = f"other=5,{self.team}={limit}"

    async def holder(self, name: str) -> WorkflowHandle:
        handle = await self.client.start_workflow(Holder.run, HolderInput(self.team, self.quota_queue),
                                                  id=f"{self.team}-{name}", task_queue=self.holder_queue)
        self.started.append(handle)
        return handle

    async def view(self) -> QuotaView:
        handle = self.client.get_workflow_handle(quota_workflow_id(self.team))
        return await handle.query(QUOTA_QUERY, result_type=QuotaView)

    async def holders(self) -> list[tuple[str, int]]:
        return [(h.workflow_id.removeprefix(f"{self.team}-"), h.count) for h in (await self.view()).holders]

    async def waiting(self) -> list[str]:
        return [h.workflow_id.removeprefix(f"{self.team}-") for h in (await self.view()).waiting]


async def eventually(check: Callable[[], Awaitable[object]], what: str, within: float = 8.0) -> None:
    """Waits until `check()` is true."""
    deadline = time.monotonic() + within
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(0.1)


async def grants_of(handle: WorkflowHandle) -> list[str]:
    return await handle.query(Holder.grants)


async def ask(rig: Rig, handle: WorkflowHandle, request_id: str, count: int = 1, reserve: bool = False) -> None:
    """Asks, and waits until the quota workflow has the request (queued or granted)."""
    await handle.signal(Holder.ask, Ask(request_id, count, reserve))
    name = handle.id.removeprefix(f"{rig.team}-")

    async def queued() -> bool:
        view = await rig.view()
        return any(h.workflow_id == handle.id for h in view.holders + view.waiting) and (
            request_id in await grants_of(handle) or name in await rig.waiting())

    await eventually(queued, f"{name} asked for {request_id}")


async def settle() -> None:
    """Gives the quota workflow a lease check and a limit read: what it would grant, it has."""
    await asyncio.sleep(CHECK_SECONDS * 1.5)


@pytest_asyncio.fixture
async def rig(client: Client) -> AsyncIterator[Rig]:
    tag = uuid.uuid4().hex[:8]
    rig = Rig(client, f"team-{tag}", f"quota-{tag}", f"holders-{tag}")
    activities = QuotaActivities(lambda: dict(rig.settings))
    # The quota workflow runs sandboxed, as on a worker; the stand-in runs are test code.
    async with (
        Worker(client, task_queue=rig.quota_queue, workflows=[TeamQuotaWorkflow],
               activities=[activities.read_team_limit, activities.request_quota, activities.closed_quota_holders]),
        Worker(client, task_queue=rig.holder_queue, workflows=[Holder], workflow_runner=UnsandboxedWorkflowRunner()),
    ):
        # Started ahead of the first request, to check leases often; requests only signal it then.
        quota = await client.start_workflow(TeamQuotaWorkflow.run, TeamQuotaInput(rig.team, CHECK_SECONDS),
                                            id=quota_workflow_id(rig.team), task_queue=rig.quota_queue)
        yield rig
        for handle in [quota, *rig.started]:
            with contextlib.suppress(RPCError):  # it has ended already
                await handle.terminate("test over")


async def test_requests_are_granted_in_the_order_they_arrived(rig: Rig) -> None:
    rig.set_limit(2)
    runs = [await rig.holder(f"h{i}") for i in range(6)]
    for run in runs:
        await ask(rig, run, "up")
    await settle()
    assert await rig.holders() == [("h0", 1), ("h1", 1)]
    assert await rig.waiting() == ["h2", "h3", "h4", "h5"]
    assert [await grants_of(run) for run in runs] == [["up"], ["up"], [], [], [], []]
    view = await rig.view()
    assert (view.limit, view.held) == (2, 2)

    for done, (first_next, *rest) in zip(runs[:4], [runs[2:], runs[3:], runs[4:], runs[5:]], strict=True):
        await done.signal(Holder.finish)
        assert await done.result() == ["up"]
        await eventually(functools.partial(grants_of, first_next), f"{first_next.id} granted after {done.id} released")
        assert [await grants_of(r) for r in rest] == [[] for _ in rest]
        assert first_next.id in [h.workflow_id for h in (await rig.view()).holders]
        assert await rig.waiting() == [r.id.removeprefix(f"{rig.team}-") for r in rest]


async def test_a_terminated_holder_gives_its_slots_back_within_a_check(rig: Rig) -> None:
    rig.set_limit(2)
    holder, waiter = await rig.holder("holder"), await rig.holder("waiter")
    await ask(rig, holder, "big", count=2)
    await ask(rig, waiter, "up")
    await settle()
    assert await grants_of(waiter) == []
    await holder.terminate("killed, no teardown")
    killed_at = time.monotonic()
    await eventually(lambda: grants_of(waiter), "the waiter granted", within=CHECK_SECONDS * 4)
    assert time.monotonic() - killed_at < CHECK_SECONDS * 4
    assert await rig.holders() == [("waiter", 1)]


async def test_a_cancelled_waiter_leaves_the_queue(rig: Rig) -> None:
    rig.set_limit(1)
    holder, quitter, patient = await rig.holder("holder"), await rig.holder("quitter"), await rig.holder("patient")
    for run in (holder, quitter, patient):
        await ask(rig, run, "up")
    await settle()
    assert await rig.waiting() == ["quitter", "patient"]
    await quitter.cancel()

    async def gone() -> bool:
        return await rig.waiting() == ["patient"]

    await eventually(gone, "the cancelled waiter out of the queue", within=CHECK_SECONDS * 4)
    await holder.signal(Holder.finish)
    await eventually(lambda: grants_of(patient), "the patient waiter granted")
    assert await rig.holders() == [("patient", 1)]


async def test_a_repeated_acquire_takes_one_grant(rig: Rig) -> None:
    rig.set_limit(2)
    holder, other = await rig.holder("holder"), await rig.holder("other")
    await ask(rig, holder, "up")
    await ask(rig, holder, "up")
    me = await holder.describe()
    # The same request straight to the quota workflow, as a retried signal would come.
    quota = rig.client.get_workflow_handle(quota_workflow_id(rig.team))
    await quota.signal(ACQUIRE_SIGNAL, QuotaRequest(holder.id, me.run_id or "", "up", 1))
    await settle()
    assert await rig.holders() == [("holder", 1)]
    assert await grants_of(holder) == ["up"]
    await ask(rig, other, "up")
    await eventually(lambda: grants_of(other), "the second slot granted")
    assert (await rig.view()).held == 2


async def test_a_release_frees_what_it_counts_and_a_repeated_one_nothing_more(rig: Rig) -> None:
    rig.set_limit(2)
    holder, second, third = await rig.holder("holder"), await rig.holder("second"), await rig.holder("third")
    await ask(rig, holder, "pair", count=2)
    await ask(rig, second, "up")
    await ask(rig, third, "up")
    quota = rig.client.get_workflow_handle(quota_workflow_id(rig.team))
    for _ in range(2):
        await quota.signal(RELEASE_SIGNAL, QuotaRelease(holder.id, "pair", 1))
    await eventually(lambda: grants_of(second), "the slot given back granted")
    await settle()
    assert await rig.holders() == [("holder", 1), ("second", 1)]
    assert await rig.waiting() == ["third"]
    await quota.signal(RELEASE_SIGNAL, QuotaRelease(holder.id, "pair", 2))
    await eventually(lambda: grants_of(third), "the last slot of the pair granted")
    assert await rig.holders() == [("second", 1), ("third", 1)]


async def test_a_lowered_limit_takes_effect_without_a_restart_and_takes_nothing_away(rig: Rig) -> None:
    rig.set_limit(3)
    runs = [await rig.holder(f"h{i}") for i in range(3)]
    for run in runs:
        await ask(rig, run, "up")
    await settle()
    assert (await rig.view()).held == 3
    rig.set_limit(1)
    late = await rig.holder("late")
    await ask(rig, late, "up")
    await settle()
    view = await rig.view()
    assert (view.limit, view.held) == (1, 3)
    for run in runs[:2]:
        await run.signal(Holder.finish)
        await run.result()
        await settle()
        assert await grants_of(late) == [], "granted while the team held as many as the lowered limit"
    await runs[2].signal(Holder.finish)
    await eventually(lambda: grants_of(late), "granted once the team held less than the lowered limit")
    assert await rig.holders() == [("late", 1)]


async def test_a_reserved_holder_passes_the_queue(rig: Rig) -> None:
    rig.set_limit(2)
    builder, big = await rig.holder("builder"), await rig.holder("big")
    await ask(rig, builder, "first", reserve=True)
    await ask(rig, big, "both", count=2)
    await settle()
    assert await rig.waiting() == ["big"]
    # Strict order would leave the builder waiting behind `big`, which waits for the builder.
    await ask(rig, builder, "second")
    await eventually(lambda: grants_of(builder), "granted")
    await eventually(lambda: _has(builder, "second"), "the builder's second request granted ahead of the queue")
    await builder.signal(Holder.finish)
    await eventually(lambda: grants_of(big), "the waiter granted once the builder released all")
    assert await rig.holders() == [("big", 2)]


async def test_only_one_holder_at_a_time_builds_up_a_reserved_share(rig: Rig) -> None:
    rig.set_limit(2)
    first, second = await rig.holder("first"), await rig.holder("second")
    await ask(rig, first, "part", reserve=True)
    await ask(rig, second, "part", reserve=True)
    await settle()
    # Granted both, each would hold half of the two it needs, waiting for the other.
    assert await rig.holders() == [("first", 1)]
    assert await rig.waiting() == ["second"]
    await ask(rig, first, "rest")
    await eventually(lambda: _has(first, "rest"), "the first builder's rest granted")
    await first.signal(Holder.finish)
    await eventually(lambda: grants_of(second), "the second builder granted its part")
    await ask(rig, second, "rest")
    await eventually(lambda: _has(second, "rest"), "the second builder's rest granted")
    assert await rig.holders() == [("second", 2)]


async def _has(handle: WorkflowHandle, request_id: str) -> bool:
    return request_id in await grants_of(handle)
