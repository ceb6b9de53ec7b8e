"""The Python starter's `schedule ...` subcommands: the command line (help, every usage error, the start
path's flags, nothing sent), then a schedule's life on a real dev server: create, list, describe, pause
with a note, unpause, trigger, backfill, delete; a cron the server refuses; schedules that do not exist."""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from python_starter import run_command, usage
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    ScheduleSpec,
)
from temporalio.client import WorkflowExecutionStatus as Status
from temporalio.service import RPCError, RPCStatusCode

from skypilot_temporal.starter import schedule as schedule_module
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

REPO = "https://example.com/tasks.git"
COMMANDS = [c for c in cli.SUBCOMMANDS if c.name.startswith("schedule ")]
SECOND = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


@pytest.fixture
def nothing_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A usage error or --help must not reach Temporal."""

    async def no_connect(*_: Any, **__: Any) -> Client:
        raise AssertionError("connected")

    monkeypatch.setattr(schedule_module, "connect", no_connect)


def parsed(argv: list[str], env: dict[str, str] | None = None) -> tuple[str, Any]:
    """What the arguments after "schedule" ask for: the id and the rest (schedule_module.asked_for)."""
    command_, given, args = schedule_module.parse(argv)
    return schedule_module.asked_for(command_, given, args, env or {})


def utc_text(time: datetime) -> str:
    return time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the command line -----------------------------------------------------------------
@pytest.mark.parametrize("subcommand", COMMANDS, ids=lambda c: c.name)
async def test_help_prints_the_subcommands_help(capsys, nothing_sent, subcommand: cli.Subcommand) -> None:
    action = subcommand.name.split()[1]
    assert await run_command(capsys, ["schedule", action, "--help"], {}) == (0, subcommand.help_text, "")
    some_id = ["some-id"] if subcommand.arg else []
    assert await run_command(capsys, ["schedule", action, *some_id, "-h"], {}) == (0, subcommand.help_text, "")


@pytest.mark.parametrize(("argv", "message"), [
    (["schedule"], cli.unexpected_argument(value='"schedule"')),
    (["schedule", "frob"], cli.unexpected_argument(value='"frob"')),
    (["schedule", ""], cli.unexpected_argument(value='""')),
    (["schedule", "--help"], cli.unexpected_argument(value='"--help"')),
    (["schedule", "create", "--every", "1d", "--repo", REPO], cli.id_missing()),
    (["schedule", "describe", ""], cli.id_missing()),
    (["schedule", "pause"], cli.id_missing()),
    (["schedule", "describe", "a", "b"], cli.unexpected_argument(value='"b"')),
    (["schedule", "delete", "a", "b c"], cli.unexpected_argument(value='"b c"')),
    (["schedule", "list", "a"], cli.unexpected_argument(value='"a"')),
    (["schedule", "create", "s", "--repo", REPO], cli.spec_missing()),
    (["schedule", "create", "s", "--repo", REPO, "--cron", ""], cli.spec_missing()),
    (["schedule", "create", "s", "--repo", REPO, "--cron", "0 3 * * *", "--every", "1d"], cli.spec_both()),
    (["schedule", "create", "s", "--repo", REPO, "--every", "0s"], cli.every_invalid(value='"0s"')),
    (["schedule", "create", "s", "--repo", REPO, "--every", "06h"], cli.every_invalid(value='"06h"')),
    (["schedule", "create", "s", "--repo", REPO, "--every", "1w"], cli.every_invalid(value='"1w"')),
    (["schedule", "create", "s", "--repo", REPO, "--every", "1.5h"], cli.every_invalid(value='"1.5h"')),
    (["schedule", "create", "s", "--repo", REPO, "--every", "6 h"], cli.every_invalid(value='"6 h"')),
    (["schedule", "create", "s", "--repo", REPO, "--every", "6H"], cli.every_invalid(value='"6H"')),
    (["schedule", "create", "s", "--repo", REPO, "--every=-1d"], cli.every_invalid(value='"-1d"')),
    (["schedule", "create", "s", "--repo", REPO, "--every", "٣h"], cli.every_invalid(value='"٣h"')),
    (["schedule", "create", "s", "--repo", REPO, "--every", "9" * 20 + "d"],
     cli.every_invalid(value=json.dumps("9" * 20 + "d"))),
    (["schedule", "create", "s", "--repo", REPO, "--every", "1d", "--overlap", "SKIP"],
     cli.overlap_invalid(value='"SKIP"')),
    (["schedule", "create", "s", "--repo", REPO, "--every", "1d", "--overlap", "never"],
     cli.overlap_invalid(value='"never"')),
    (["schedule", "create", "s", "--every", "1d"], cli.repo_missing()),
    (["schedule", "create", "s", "--repo", REPO, "--every", "1d", "--env", "1X=y"],
     cli.env_invalid(value='"1X=y"', rule=cli.env_name_rule(pattern=cli.ENV_NAME_PATTERN,
                                                            max_length=str(cli.ENV_NAME_MAX_LENGTH)))),
    (["schedule", "backfill", "s", "--to", "2026-12-02T00:00:00Z"], cli.time_invalid(flag="--from", value='""')),
    (["schedule", "backfill", "s", "--from", "2026-12-01T00:00:00Z"], cli.time_invalid(flag="--to", value='""')),
    (["schedule", "backfill", "s", "--from", "2026-12-01", "--to", "2026-12-02T00:00:00Z"],
     cli.time_invalid(flag="--from", value='"2026-12-01"')),
    (["schedule", "backfill", "s", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00"],
     cli.time_invalid(flag="--to", value='"2026-12-02T00:00:00"')),
    (["schedule", "backfill", "s", "--from", "2026-12-01 00:00:00Z", "--to", "2026-12-02T00:00:00Z"],
     cli.time_invalid(flag="--from", value='"2026-12-01 00:00:00Z"')),
    (["schedule", "backfill", "s", "--from", "20261201T000000Z", "--to", "2026-12-02T00:00:00Z"],
     cli.time_invalid(flag="--from", value='"20261201T000000Z"')),
    (["schedule", "backfill", "s", "--from", "2026-02-30T00:00:00Z", "--to", "2026-12-02T00:00:00Z"],
     cli.time_invalid(flag="--from", value='"2026-02-30T00:00:00Z"')),
    (["schedule", "backfill", "s", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T24:00:00Z"],
     cli.time_invalid(flag="--to", value='"2026-12-02T24:00:00Z"')),
    (["schedule", "backfill", "s", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-01T00:00:00Z"],
     cli.range_invalid()),
    (["schedule", "backfill", "s", "--from", "2026-12-01T01:00:00+01:00", "--to", "2026-12-01T00:00:00Z"],
     cli.range_invalid()),
    (["schedule", "backfill", "s", "--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z"],
     cli.range_invalid()),
    (["schedule", "pause", "s", "--note"], "argument --note: expected one argument"),
])
async def test_usage_errors_exit_2_and_send_nothing(capsys, nothing_sent, argv: list[str], message: str) -> None:
    assert await run_command(capsys, argv, {}) == (2, "", usage(message))


@pytest.mark.parametrize("flags", [["--workflow-id", "w"], ["--no-wait"], ["--quiet"], ["--bogus"]])
async def test_an_unknown_flag_is_refused_as_the_start_path_refuses_it(capsys, nothing_sent, flags) -> None:
    code, out, start_says = await run_command(capsys, ["--repo", REPO, "--bogus"], {})
    assert (code, out) == (2, "") and "--bogus" in start_says
    argv = ["schedule", "create", "s", "--repo", REPO, "--every", "1d", *flags]
    assert await run_command(capsys, argv, {}) == (2, "", start_says.replace("--bogus", flags[0]))
    assert await run_command(capsys, ["schedule", "trigger", "s", flags[0]], {}) == (
        2, "", start_says.replace("--bogus", flags[0]))


@pytest.mark.parametrize(("every", "seconds"), [("45s", 45), ("30m", 1800), ("6h", 21600), ("1d", 86400),
                                                 ("90m", 5400)])
def test_create_builds_the_start_paths_input_on_the_interval_given(every: str, seconds: int, tmp_path: Path) -> None:
    (doc := tmp_path / "input.json").write_text(json.dumps({"repoUrl": "https://from-file", "branch": "dev"}))
    env = {cli.TASK_QUEUE.env: "queue-from-env", cli.SECRET_ENV.env: "TOKEN, KEY", cli.CLUSTER_PREFIX.env: "nightly"}
    schedule_id, (schedule, spec, overlap) = parsed(
        ["create", "--every", every, "--input", str(doc), "nightly-run", "--repo", REPO, "--env", "A=1"], env)
    assert (schedule_id, spec, overlap) == ("nightly-run", cli.spec_every(duration=every), cli.SCHEDULE_DEFAULT_OVERLAP)
    assert schedule.spec == ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(seconds=seconds))])
    assert schedule.policy.overlap == ScheduleOverlapPolicy.SKIP
    action = schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert (action.workflow, action.id, action.task_queue) == (cli.WORKFLOW_TYPE, "nightly-run", "queue-from-env")
    assert list(action.args) == [pb.SkyPilotWorkflowInput(
        repo_url=REPO, branch="dev", cluster_prefix="nightly", envs_override={"A": "1"},
        secret_env_names=["TOKEN", "KEY"])]


@pytest.mark.parametrize("overlap", [n.strip() for n in cli.SCHEDULE_OVERLAP_NAMES.split(",")])
def test_create_takes_a_cron_and_every_overlap_policy(overlap: str) -> None:
    env = {cli.REPO.env: REPO}
    schedule_id, (schedule, spec, said) = parsed(
        ["create", "--overlap", "allow_all", "--cron", "0 3 * * *", "s", "--overlap", overlap], env)
    assert (schedule_id, spec, said) == ("s", cli.spec_cron(expr="0 3 * * *"), overlap)
    assert schedule.spec == ScheduleSpec(cron_expressions=["0 3 * * *"])
    assert schedule.policy.overlap.name == overlap.upper()
    action = schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow) and action.task_queue == cli.DEFAULT_TASK_QUEUE
    assert list(action.args) == [pb.SkyPilotWorkflowInput(repo_url=REPO)]


@pytest.mark.parametrize(("argv", "asked"), [
    (["pause", "s", "--note", "why"], ("s", "why")),
    (["unpause", "--note", "why", "s"], ("s", "why")),
    (["pause", "--note", "first", "s", "--note", "last"], ("s", "last")),
    (["pause", "s"], ("s", "")),
    (["list"], ("", "")),
])
def test_flags_go_before_or_after_the_id(argv: list[str], asked: tuple[str, str]) -> None:
    assert parsed(argv) == asked


def test_backfill_takes_rfc3339_times_with_a_zone_and_prints_them_in_utc_seconds() -> None:
    schedule_id, (start, end) = parsed(["backfill", "--to", "2026-12-01T03:30:00.9-02:30", "s",
                                        "--from", "2026-12-01T01:30:00.123+01:30"])
    assert schedule_id == "s"
    assert start == datetime(2026, 12, 1, 0, 0, 0, 123000, tzinfo=timezone.utc)
    assert end == datetime(2026, 12, 1, 6, 0, 0, 900000, tzinfo=timezone.utc)
    assert (schedule_module.utc(start), schedule_module.utc(end)) == ("2026-12-01T00:00:00Z", "2026-12-01T06:00:00Z")


# -- on a dev server ------------------------------------------------------------------
def server_env(address: str) -> dict[str, str]:
    """This process's environment, but for Temporal's and the starter's own variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_"))}
    return {**env, "TEMPORAL_ADDRESS": address}


def a_schedule_id() -> str:
    return f"sched-{uuid.uuid4().hex[:8]}"


async def is_free(client: Client, schedule_id: str) -> bool:
    try:
        await client.get_schedule_handle(schedule_id).describe()
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            return True
        raise
    return False


def next_midnights() -> set[str]:
    """The next UTC midnight, as it is now and a minute from now (an `every 1d` schedule's next run)."""
    now = datetime.now(timezone.utc)
    return {utc_text(datetime.combine((t + timedelta(days=1)).date(), datetime.min.time(), timezone.utc))
            for t in (now, now + timedelta(minutes=1))}


async def eventually(check, timeout: float = 20.0) -> Any:
    """check()'s first true answer, asked every half second."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (answer := await check()):
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.5)
    return answer


async def test_a_schedule_from_create_to_delete(capsys, client, temporal_server) -> None:
    env, schedule_id, queue = server_env(temporal_server.address), a_schedule_id(), f"q-{uuid.uuid4().hex[:8]}"
    run_ids: list[str] = []
    try:
        code, out, err = await run_command(capsys, ["schedule", "create", schedule_id, "--every", "1d", "--repo", REPO,
                                                    "--task-queue", queue], env)
        midnights = next_midnights()
        assert (code, err) == (0, "")
        assert out in {cli.schedule_created(id=schedule_id, spec="every 1d", overlap="skip", next=midnight) + "\n"
                       for midnight in midnights}
        next_run = out.split()[-1]

        # The memo is a plain JSON string, which every starter reads back alike.
        desc = await client.get_schedule_handle(schedule_id).describe()
        memo = desc.raw_description.memo.fields[cli.SCHEDULE_SPEC_MEMO]
        assert (memo.metadata["encoding"], json.loads(memo.data)) == (b"json/plain", "every 1d")

        async def listed() -> str | None:
            code, out, err = await run_command(capsys, ["schedule", "list"], env)
            assert (code, err) == (0, "")
            return out if schedule_id in out.split() else None  # the list lags a create a little

        rows = (await eventually(listed)).splitlines()
        assert rows == sorted(rows, key=lambda row: row.split()[0])
        assert cli.schedule_row(id=schedule_id, spec="every 1d", overlap="skip", state=cli.state_active(),
                                next=next_run) in rows

        desc = await client.get_schedule_handle(schedule_id).describe()
        next_runs = ", ".join(utc_text(t) for t in desc.info.next_action_times[:cli.SCHEDULE_NEXT_RUNS])
        assert next_runs.startswith(next_run) and next_runs.count(", ") == cli.SCHEDULE_NEXT_RUNS - 1

        def described(state: str, note: str = "", runs: list[str] | None = None) -> str:
            return "\n".join([cli.schedule_header(id=schedule_id, spec="every 1d", overlap="skip", state=state,
                                                  note=note), cli.schedule_next(times=next_runs),
                              *([cli.schedule_runs(), *runs] if runs else [cli.schedule_no_runs()])]) + "\n"

        assert await run_command(capsys, ["schedule", "describe", schedule_id], env) == (
            0, described(cli.state_active()), "")

        argv = ["schedule", "pause", "--note", "disk full: back Monday", schedule_id]
        assert await run_command(capsys, argv, env) == (0, cli.schedule_paused(id=schedule_id) + "\n", "")
        assert await run_command(capsys, ["schedule", "describe", schedule_id], env) == (
            0, described(cli.state_paused(), cli.schedule_note(note="disk full: back Monday")), "")

        assert await run_command(capsys, ["schedule", "unpause", schedule_id], env) == (
            0, cli.schedule_unpaused(id=schedule_id) + "\n", "")
        assert await run_command(capsys, ["schedule", "describe", schedule_id], env) == (
            0, described(cli.state_active()), "")
        # Without --note, the table's notes: the same whichever starter paused.
        assert (await run_command(capsys, ["schedule", "pause", schedule_id], env))[0] == 0
        assert await run_command(capsys, ["schedule", "describe", schedule_id], env) == (
            0, described(cli.state_paused(), cli.schedule_note(note=cli.SCHEDULE_PAUSE_NOTE)), "")
        assert (await run_command(capsys, ["schedule", "unpause", schedule_id], env))[0] == 0
        state = (await client.get_schedule_handle(schedule_id).describe()).schedule.state
        assert (state.paused, state.note) == (False, cli.SCHEDULE_UNPAUSE_NOTE)

        before = datetime.now(timezone.utc).replace(microsecond=0)
        assert await run_command(capsys, ["schedule", "trigger", schedule_id], env) == (
            0, cli.schedule_triggered(id=schedule_id) + "\n", "")

        async def with_a_run() -> str | None:
            code, out, err = await run_command(capsys, ["schedule", "describe", schedule_id], env)
            assert (code, err) == (0, "")
            return out if cli.schedule_no_runs() not in out else None

        lines = (await eventually(with_a_run)).splitlines()
        assert lines[:3] == described(cli.state_active(), runs=["-"]).splitlines()[:3]
        [run_line] = lines[3:]
        time, workflow_id, status = run_line.split()
        run_ids.append(workflow_id)
        assert run_line == cli.schedule_run(time=time, workflow_id=workflow_id, status=status)
        assert SECOND.fullmatch(time) and before <= datetime.fromisoformat(time) <= datetime.now(timezone.utc)
        # No worker polls the queue: the run is started and stays running.
        assert workflow_id.startswith(f"{schedule_id}-") and status == "running"
        run = client.get_workflow_handle(workflow_id)
        about = await run.describe()
        assert (about.status, about.workflow_type, about.task_queue) == (Status.RUNNING, cli.WORKFLOW_TYPE, queue)
        history = await run.fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
        [arg] = await client.data_converter.decode(started.input.payloads, [pb.SkyPilotWorkflowInput])
        assert arg == pb.SkyPilotWorkflowInput(repo_url=REPO)

        assert await run_command(capsys, ["schedule", "delete", schedule_id], env) == (
            0, cli.schedule_deleted(id=schedule_id) + "\n", "")
        assert await run_command(capsys, ["schedule", "describe", schedule_id], env) == (
            1, "", cli.schedule_not_found(id=schedule_id) + "\n")
        assert (await run.describe()).status == Status.RUNNING  # deleting a schedule leaves its runs alone
    finally:
        for workflow_id in run_ids:
            await client.get_workflow_handle(workflow_id).terminate("test over")
        if not await is_free(client, schedule_id):
            await client.get_schedule_handle(schedule_id).delete()


@pytest.mark.parametrize("cron", ["61 * * * *", "not a cron"])
async def test_a_cron_the_server_refuses_is_a_usage_error_and_creates_nothing(capsys, client, temporal_server,
                                                                             cron: str) -> None:
    env, schedule_id = server_env(temporal_server.address), a_schedule_id()
    code, out, err = await run_command(capsys, ["schedule", "create", schedule_id, "--cron", cron, "--repo", REPO], env)
    assert (code, out) == (2, "")
    # The detail is the server's own reason, on one line.
    assert err.startswith(cli.usage_error(message=cli.cron_invalid(value=json.dumps(cron), detail="")))
    assert err.endswith("\n" + cli.usage_hint() + "\n") and err.count("\n") == 2
    detail = err.splitlines()[0].removeprefix(cli.usage_error(message=cli.cron_invalid(value=json.dumps(cron),
                                                                                        detail="")))
    assert detail and "spec" in detail.lower()
    assert await is_free(client, schedule_id)


async def test_a_schedule_id_in_use_is_a_usage_error(capsys, client, temporal_server) -> None:
    env, schedule_id = server_env(temporal_server.address), a_schedule_id()
    argv = ["schedule", "create", schedule_id, "--cron", "0 3 * * *", "--overlap", "buffer_one", "--repo", REPO]
    try:
        code, out, err = await run_command(capsys, argv, env)
        assert (code, err) == (0, "")
        desc = await client.get_schedule_handle(schedule_id).describe()
        next_run = utc_text(desc.info.next_action_times[0])
        assert out == cli.schedule_created(id=schedule_id, spec="cron 0 3 * * *", overlap="buffer_one",
                                           next=next_run) + "\n"
        assert desc.schedule.policy.overlap == ScheduleOverlapPolicy.BUFFER_ONE
        assert desc.schedule.spec.time_zone_name in (None, "", "UTC")
        assert await run_command(capsys, ["schedule", "create", schedule_id, "--every", "1h", "--repo", "r"], env) == (
            2, "", usage(cli.schedule_exists(id=schedule_id)))
        assert (await client.get_schedule_handle(schedule_id).describe()).schedule.spec.intervals == []
    finally:
        await client.get_schedule_handle(schedule_id).delete()


async def test_a_backfill_starts_the_runs_of_the_range(capsys, client, temporal_server) -> None:
    env, schedule_id = server_env(temporal_server.address), a_schedule_id()
    argv = ["schedule", "create", schedule_id, "--every", "1h", "--repo", REPO, "--task-queue", "nobody-polls"]
    run_ids: set[str] = set()
    try:
        assert (await run_command(capsys, argv, env))[0] == 0
        argv = ["schedule", "backfill", schedule_id, "--from", "2026-01-01T00:30:00+01:00",
                "--to", "2025-12-31T23:59:59.5-02:00"]
        assert await run_command(capsys, argv, env) == (0, cli.schedule_backfilled(
            id=schedule_id, start="2025-12-31T23:30:00Z", end="2026-01-01T01:59:59Z") + "\n", "")

        async def backfilled() -> list[str] | None:
            code, out, _ = await run_command(capsys, ["schedule", "describe", schedule_id], env)
            assert code == 0
            return out.splitlines()[3:] or None

        # Buffered one after another (BUFFER_ALL): the first of the range runs, the next wait for it.
        [run_line] = await eventually(backfilled)
        time, workflow_id, status = run_line.split()
        run_ids.add(workflow_id)
        assert (time, workflow_id, status) == ("2026-01-01T00:00:00Z", f"{schedule_id}-2026-01-01T00:00:00Z", "running")
    finally:
        await client.get_schedule_handle(schedule_id).delete()
        for workflow_id in run_ids:
            await client.get_workflow_handle(workflow_id).terminate("test over")


async def test_describe_shows_the_last_runs_newest_first_and_how_each_stands(capsys, client, temporal_server) -> None:
    env, schedule_id = server_env(temporal_server.address), a_schedule_id()
    handle = client.get_schedule_handle(schedule_id)
    argv = ["schedule", "create", schedule_id, "--every", "1s", "--overlap", "allow_all", "--repo", REPO,
            "--task-queue", "nobody-polls"]
    try:
        assert (await run_command(capsys, argv, env))[0] == 0

        async def enough_runs() -> bool:
            return (await handle.describe()).info.num_actions > cli.SCHEDULE_LAST_RUNS

        await eventually(enough_runs)
        await handle.pause()
        desc = await handle.describe()
        newest = sorted(desc.info.recent_actions, key=lambda a: a.scheduled_at, reverse=True)[:cli.SCHEDULE_LAST_RUNS]
        ids = [a.action.workflow_id for a in newest if isinstance(a.action, ScheduleActionExecutionStartWorkflow)]
        await client.get_workflow_handle(ids[1]).terminate("to see it described")
        code, out, err = await run_command(capsys, ["schedule", "describe", schedule_id], env)
        assert (code, err) == (0, "")
        assert out.splitlines()[2:] == [cli.schedule_runs(), *(
            cli.schedule_run(time=utc_text(a.scheduled_at), workflow_id=workflow_id,
                             status="terminated" if workflow_id == ids[1] else "running")
            for a, workflow_id in zip(newest, ids, strict=True))]
        times = [line.split()[0] for line in out.splitlines()[3:]]
        assert times == sorted(times, reverse=True) and len(set(times)) == len(times)
    finally:
        await handle.pause()
        for run in (await handle.describe()).info.running_actions:
            if isinstance(run, ScheduleActionExecutionStartWorkflow):
                await client.get_workflow_handle(run.workflow_id).terminate("test over")
        await handle.delete()


async def test_a_schedule_made_elsewhere_prints_no_spec(capsys, client, temporal_server) -> None:
    env, schedule_id = server_env(temporal_server.address), a_schedule_id()
    action = ScheduleActionStartWorkflow("Other", id=schedule_id, task_queue="other")
    await client.create_schedule(schedule_id, Schedule(action, ScheduleSpec(cron_expressions=["0 0 31 2 *"])))
    try:
        assert await run_command(capsys, ["schedule", "describe", schedule_id], env) == (0, "\n".join([
            cli.schedule_header(id=schedule_id, spec="-", overlap="skip", state=cli.state_active(), note=""),
            cli.schedule_next(times="-"), cli.schedule_no_runs()]) + "\n", "")
    finally:
        await client.get_schedule_handle(schedule_id).delete()


@pytest.mark.parametrize("argv", [["describe"], ["pause", "--note", "n"], ["unpause"], ["trigger"], ["delete"],
                                  ["backfill", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z"]])
async def test_no_such_schedule_is_one_line_and_exit_1(capsys, temporal_server, argv: list[str]) -> None:
    schedule_id = a_schedule_id()
    assert await run_command(capsys, ["schedule", argv[0], schedule_id, *argv[1:]], server_env(temporal_server.address)
                             ) == (1, "", cli.schedule_not_found(id=schedule_id) + "\n")


async def test_no_server_is_the_start_paths_line(capsys) -> None:
    code, out, err = await run_command(capsys, ["schedule", "list"], server_env("127.0.0.1:1"))
    assert (code, out) == (1, "")
    assert err.startswith(cli.connect_failed(address="127.0.0.1:1", detail="")) and err.count("\n") == 1
