"""The fleet's limits on a real dev server and worker, local executor: a team's
quota (SKYPILOT_TEMPORAL_TEAM_QUOTAS) holds across runs, in the order they asked, and
never leaks a slot (a terminated run, a worker killed right after acquiring, a cancelled
waiting run); a run holds at most SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN clusters, and a
pipeline that cannot run within it (or a sweep over SKYPILOT_TEMPORAL_MAX_BRANCHES) is
refused before anything launches. Cluster counts come from the executor's own records
(its cluster directories), sampled while the runs go on."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from metrics_scrape import parse, scrape_text
from pipeline_helpers import activity_names, clusters, pipeline_input, progress, start, wait_until
from support import WorkerProcess, free_port, make_git_repo, worker_env
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError, CancelledError
from temporalio.service import RPCError

from skypilot_temporal.contract.names import INVALID_INPUT, QUOTA_QUERY, STATE_WAITING_FOR_QUOTA
from skypilot_temporal.contract.quota_names import quota_workflow_id
from skypilot_temporal.contract.quota_types import QuotaView
from skypilot_temporal.pipeline.plan import default_cluster_prefix
from skypilot_temporal.v1 import pipeline_pb2 as pb

STEP = "name: work\nrun: |\n  echo working on $X\n  sleep $SECONDS_LONG\n"
LEASE_S = 3  # SKYPILOT_TEMPORAL_QUOTA_LEASE_SECONDS here: how late a closed run's slots may come back
RUN_LIMIT = 180.0  # bounds a run here; not a speed target


@pytest.fixture
def team() -> str:
    return f"t{uuid.uuid4().hex[:8]}"  # the dev server is shared: a team of this test's own


@pytest.fixture
def make_worker(temporal_server, work_dir, task_queue, tmp_path) -> Iterator:
    workers: list[WorkerProcess] = []

    def make(**env: str) -> WorkerProcess:
        w = WorkerProcess(worker_env(temporal_server, work_dir, task_queue, **env),
                          tmp_path / f"worker-{len(workers)}.log").start()
        workers.append(w)
        return w

    yield make
    for w in workers:
        w.stop()


def repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / f"tasks-{uuid.uuid4().hex[:6]}", files={"work.yaml": STEP})


def sweep_input(repo_dir: Path, team: str, branches: int, seconds: float, **fields) -> pb.SkyPilotWorkflowInput:
    values = [str(i) for i in range(branches)]
    steps = [pb.PipelineStep(name="work", task_yaml="work.yaml",
                             sweep=pb.Sweep(matrix=[pb.SweepAxis(name="X", values=values)]))]
    return pipeline_input(repo_dir, steps=steps, team=team,
                          envs_override={"SECONDS_LONG": str(seconds)}, **fields)


def single_input(repo_dir: Path, team: str, seconds: float) -> pb.SkyPilotWorkflowInput:
    # A short heartbeat timeout: a step on a killed worker is taken over in seconds.
    steps = [pb.PipelineStep(name="work", task_yaml="work.yaml", heartbeat_timeout_seconds=3)]
    return pipeline_input(repo_dir, steps=steps, team=team, envs_override={"SECONDS_LONG": str(seconds), "X": "1"})


def up(work_dir: Path, handles: list[WorkflowHandle]) -> int:
    """Clusters of these runs up now (one coming up counts), from the executor's directories."""
    prefixes = tuple(default_cluster_prefix(h.id) + "-" for h in handles)
    return len({c.removesuffix(".provisioning") for c in clusters(work_dir) if c.startswith(prefixes)})


async def quota(client: Client, team: str) -> QuotaView | None:
    try:
        return await client.get_workflow_handle(quota_workflow_id(team)).query(QUOTA_QUERY, result_type=QuotaView)
    except RPCError:
        return None  # not started yet


async def holds(client: Client, team: str, handle: WorkflowHandle) -> bool:
    view = await quota(client, team)
    return view is not None and any(h.workflow_id == handle.id for h in view.holders)


async def quota_empty(client: Client, team: str) -> bool:
    view = await quota(client, team)
    return view is not None and view.held == 0 and not view.waiting


async def held_and_queued(client: Client, task_queue: str, tasks: Path, team: str,
                          holder_seconds: float) -> tuple[WorkflowHandle, WorkflowHandle]:
    """A run holding the team's one slot, and a second run queued behind it."""
    holder = await start(client, single_input(tasks, team, seconds=holder_seconds), task_queue)
    await wait_until(lambda: holds(client, team, holder), timeout=60)
    waiter = await start(client, single_input(tasks, team, seconds=0.2), task_queue)

    async def queued() -> bool:
        view = await quota(client, team)
        return view is not None and [w.workflow_id for w in view.waiting] == [waiter.id]

    await wait_until(queued, timeout=60)
    return holder, waiter


async def test_a_teams_quota_holds_across_its_runs_and_another_team_is_not_delayed(
    client, make_worker, task_queue, tmp_path, work_dir, team
):
    port = free_port()
    make_worker(SKYPILOT_TEMPORAL_TEAM_QUOTAS=f"{team}=2,*=20", SKYPILOT_TEMPORAL_QUOTA_LEASE_SECONDS=str(LEASE_S),
                SKYPILOT_TEMPORAL_METRICS_ADDRESS=f"127.0.0.1:{port}")
    tasks = repo(tmp_path)
    first = await start(client, sweep_input(tasks, team, branches=4, seconds=2), task_queue)
    second = await start(client, sweep_input(tasks, team, branches=4, seconds=2), task_queue)
    runs = [first, second]
    most, lines, gauges = 0, set(), set()

    async def sample() -> None:
        nonlocal most
        while True:
            most = max(most, up(work_dir, runs))
            samples = parse(await asyncio.to_thread(scrape_text, port))
            gauges.update((s.name, s.value) for s in samples
                          if s.name.startswith("skypilot_temporal_team_") and s.label("team") == team)
            for h in runs:
                lines.update(f"{s.state}: {s.waiting_for_quota}" for s in (await progress(h)).steps
                             if s.state == STATE_WAITING_FOR_QUOTA)
            await asyncio.sleep(0.05)

    sampler = asyncio.ensure_future(sample())
    try:
        async def seen_waiting() -> bool:
            return bool(lines)

        await wait_until(seen_waiting, timeout=60, every=0.1)
        # Another team's run, started while this team's wait: it takes no slot of theirs.
        other = await start(client, single_input(tasks, f"{team}-other", seconds=0.2), task_queue)
        other_result = await asyncio.wait_for(other.result(), RUN_LIMIT)
        other_done = time.monotonic()
        results = await asyncio.wait_for(asyncio.gather(first.result(), second.result()), RUN_LIMIT)
        both_done = time.monotonic()
    finally:
        sampler.cancel()
    assert most == 2, f"at most 2 clusters of the team at once, saw {most}"
    assert all(len(r.steps) == 4 and {s.status for s in r.steps} == {"SUCCEEDED"} for r in results)
    waited = f"{STATE_WAITING_FOR_QUOTA}: team {team} holds 2 of 2 clusters"
    assert any(line.startswith(waited) for line in lines), lines
    assert [s.status for s in other_result.steps] == ["SUCCEEDED"] and both_done - other_done > 1
    assert STATE_WAITING_FOR_QUOTA not in {s.state for s in (await progress(other)).steps}
    # The team's gauges saw it full, with a run waiting.
    assert ("skypilot_temporal_team_clusters_held", 2) in gauges
    assert ("skypilot_temporal_team_runs_waiting", 1) in gauges
    await wait_until(lambda: quota_empty(client, team), timeout=10)
    assert (await progress(first)).team == team and not clusters(work_dir)


async def test_a_terminated_runs_slots_come_back_within_the_lease(
    client, make_worker, task_queue, tmp_path, work_dir, team
):
    make_worker(SKYPILOT_TEMPORAL_TEAM_QUOTAS=f"{team}=1", SKYPILOT_TEMPORAL_QUOTA_LEASE_SECONDS=str(LEASE_S))
    tasks = repo(tmp_path)
    holder = await start(client, single_input(tasks, team, seconds=120), task_queue)
    await wait_until(lambda: holds(client, team, holder), timeout=60)
    waiter = await start(client, single_input(tasks, team, seconds=0.2), task_queue)

    async def waits() -> bool:
        return any(s.state == STATE_WAITING_FOR_QUOTA for s in (await progress(waiter)).steps)

    await wait_until(waits, timeout=60)
    await holder.terminate("no teardown code runs")
    terminated = time.monotonic()
    await wait_until(lambda: holds(client, team, waiter), timeout=LEASE_S + 30)
    back_s = time.monotonic() - terminated
    assert back_s < LEASE_S + 15, f"the terminated run's slot came back after {back_s:.1f} s"
    result = await asyncio.wait_for(waiter.result(), RUN_LIMIT)
    assert [s.status for s in result.steps] == ["SUCCEEDED"]
    await wait_until(lambda: quota_empty(client, team), timeout=10)

    async def nothing_up() -> bool:
        return not clusters(work_dir)  # the terminated run's step downs its cluster itself

    await wait_until(nothing_up, timeout=60)


async def test_a_worker_killed_right_after_acquiring_leaks_no_slot(
    client, make_worker, task_queue, tmp_path, work_dir, team
):
    env = {"SKYPILOT_TEMPORAL_TEAM_QUOTAS": f"{team}=1", "SKYPILOT_TEMPORAL_QUOTA_LEASE_SECONDS": str(LEASE_S)}
    worker = make_worker(**env)
    tasks = repo(tmp_path)
    handle = await start(client, single_input(tasks, team, seconds=1), task_queue)
    await wait_until(lambda: holds(client, team, handle), timeout=60, every=0.02)
    worker.kill()  # the slot is the run's: the run goes on elsewhere and gives it back
    make_worker(**env)
    result = await asyncio.wait_for(handle.result(), RUN_LIMIT)
    assert [s.status for s in result.steps] == ["SUCCEEDED"]
    await wait_until(lambda: quota_empty(client, team), timeout=10)
    assert not clusters(work_dir)


async def test_a_cancelled_waiting_run_leaves_the_queue(client, make_worker, task_queue, tmp_path, work_dir, team):
    make_worker(SKYPILOT_TEMPORAL_TEAM_QUOTAS=f"{team}=1", SKYPILOT_TEMPORAL_QUOTA_LEASE_SECONDS=str(LEASE_S))
    tasks = repo(tmp_path)
    holder, waiter = await held_and_queued(client, task_queue, tasks, team, holder_seconds=6)
    entry = next(s for s in (await progress(waiter)).steps if s.name == "work")
    assert (entry.state, entry.waiting_for_quota) == (STATE_WAITING_FOR_QUOTA, f"team {team} holds 1 of 1 clusters")
    await waiter.cancel()
    with pytest.raises(WorkflowFailureError) as err:
        await asyncio.wait_for(waiter.result(), RUN_LIMIT)
    assert isinstance(err.value.cause, CancelledError)
    view = await quota(client, team)
    assert view is not None and view.waiting == [] and [h.workflow_id for h in view.holders] == [holder.id]
    assert "run_sky_launch" not in await activity_names(waiter)
    await asyncio.wait_for(holder.result(), RUN_LIMIT)
    await wait_until(lambda: quota_empty(client, team), timeout=10)


async def test_a_run_never_holds_more_clusters_than_the_fleet_allows(
    client, make_worker, task_queue, tmp_path, work_dir, team
):
    make_worker(SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN="2")
    handle = await start(client, sweep_input(repo(tmp_path), team, branches=4, seconds=1), task_queue)
    most = 0
    while not (await handle.describe()).close_time:
        most = max(most, up(work_dir, [handle]))
        await asyncio.sleep(0.05)
    result = await handle.result()
    assert most == 2 and {s.status for s in result.steps} == {"SUCCEEDED"}
    assert (await progress(handle)).limits == [
        "sweep 'work': max_parallel 4 lowered to 2 (SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN)"]


NEEDS_TWO = """steps:
  - {name: a, task_yaml: work.yaml}
  - {name: x, task_yaml: work.yaml}
  - {name: b, task_yaml: work.yaml}
  - {name: a2, kind: exec, cluster: a, task_yaml: work.yaml, needs: [a, b]}
"""


@pytest.mark.parametrize(("env", "pipeline", "expected"), [
    ({"SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN": "1"}, NEEDS_TWO,
     "pipeline.yaml: step 'x': needs 2 clusters up at once (its own and those of 'a', which steps after it still "
     "run on); a run of this fleet holds at most 1 (SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN)"),
    ({"SKYPILOT_TEMPORAL_MAX_BRANCHES": "2"},
     "steps:\n  - {name: work, task_yaml: work.yaml, sweep: {matrix: {X: ['1', '2', '3']}}}\n",
     "pipeline.yaml: step 'work': its sweep has 3 branches; this fleet allows at most 2 per sweep "
     "(SKYPILOT_TEMPORAL_MAX_BRANCHES)"),
])
async def test_a_pipeline_beyond_the_fleets_limits_is_refused_before_anything_launches(
    client, make_worker, task_queue, tmp_path, work_dir, team, env, pipeline, expected
):
    make_worker(**env)
    tasks = make_git_repo(tmp_path / "tasks", files={"work.yaml": STEP, "pipeline.yaml": pipeline})
    handle = await start(client, pipeline_input(tasks, team=team, envs_override={"SECONDS_LONG": "0", "X": "1"}),
                         task_queue)
    with pytest.raises(WorkflowFailureError) as err:
        await asyncio.wait_for(handle.result(), RUN_LIMIT)
    cause = err.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == INVALID_INPUT
    assert expected in cause.message
    assert await activity_names(handle) == ["run_git_clone"] and not clusters(work_dir)


async def test_a_raised_quota_takes_effect_without_restarting_the_runs(
    client, make_worker, task_queue, tmp_path, work_dir, team
):
    env = {"SKYPILOT_TEMPORAL_QUOTA_LEASE_SECONDS": str(LEASE_S)}
    worker = make_worker(SKYPILOT_TEMPORAL_TEAM_QUOTAS=f"{team}=1", **env)
    tasks = repo(tmp_path)
    holder, waiter = await held_and_queued(client, task_queue, tasks, team, holder_seconds=30)
    worker.stop()  # the operator raises the quota: the workers restart with it, the runs go on
    make_worker(SKYPILOT_TEMPORAL_TEAM_QUOTAS=f"{team}=2", **env)
    result = await asyncio.wait_for(waiter.result(), RUN_LIMIT)
    assert [s.status for s in result.steps] == ["SUCCEEDED"]
    assert (await holder.describe()).close_time is None  # granted beside the holder, not after it
    await holder.cancel()
    await wait_until(lambda: quota_empty(client, team), timeout=30)
