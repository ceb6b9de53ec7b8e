"""`schedule ACTION ...`: Temporal Schedules that start the pipeline, made from a start's flags, then
listed, described, paused, triggered, backfilled and deleted by id. A schedule's memo keeps its spec as
the starters print it: Temporal turns a cron into calendars, which each SDK would print its own way."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleBackfill,
    ScheduleDescription,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)
from temporalio.service import RPCError, RPCStatusCode

from skypilot_temporal.starter.client import NotConnected, connect
from skypilot_temporal.starter.flags import UsageError, parse_flags, setting, workflow_input
from skypilot_temporal.starter.format import quote
from skypilot_temporal.v1 import starter_cli as cli

# Each subcommand by its action, the argument after "schedule".
_COMMANDS = {c.name.removeprefix("schedule "): c for c in cli.SUBCOMMANDS if c.name.startswith("schedule ")}
_OVERLAPS = [name.strip() for name in cli.SCHEDULE_OVERLAP_NAMES.split(",")]
_EVERY = re.compile(f"([1-9][0-9]*)([{cli.SCHEDULE_EVERY_UNITS}])")
_UNIT_SECONDS = dict(zip(cli.SCHEDULE_EVERY_UNITS, (1, 60, 3600, 86400), strict=True))
# RFC 3339's shape, which fromisoformat would relax (no zone, a date alone); fromisoformat checks the values.
_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})")


def parse(argv: Sequence[str]) -> tuple[cli.Subcommand, dict[str, list], list[str]]:
    """The subcommand the action names, the flags given and the id, if any."""
    if (command := _COMMANDS.get(argv[0] if argv else "")) is None:
        raise UsageError(cli.unexpected_argument(value=quote(argv[0] if argv else "schedule")))
    return command, *parse_flags(argv[1:], command.flags, positionals=1 if command.arg else 0)


def asked_for(command: cli.Subcommand, given: Mapping[str, list], args: Sequence[str], env: Mapping[str, str]
              ) -> tuple[str, Any]:
    """The schedule id ("" for list) and what else the subcommand needs (create: the schedule, its spec
    and overlap as printed; backfill: the range; pause, unpause: the note)."""
    if command.arg and not (args and args[0]):
        raise UsageError(cli.id_missing())
    schedule_id = args[0] if args else ""
    if command is cli.SCHEDULE_CREATE_COMMAND:
        return schedule_id, creation(schedule_id, given, env)
    if command is cli.SCHEDULE_BACKFILL_COMMAND:
        start, end = (rfc3339_time(flag, setting(given, {}, flag)) for flag in (cli.FROM, cli.TO))
        if end <= start:
            raise UsageError(cli.range_invalid())
        return schedule_id, (start, end)
    return schedule_id, setting(given, {}, cli.NOTE)


def creation(schedule_id: str, given: Mapping[str, list], env: Mapping[str, str]) -> tuple[Schedule, str, str]:
    """The schedule `create` asks for, its spec as printed and its overlap policy's name."""
    cron, every = setting(given, {}, cli.CRON), setting(given, {}, cli.EVERY)
    if not (cron or every):
        raise UsageError(cli.spec_missing())
    if cron and every:
        raise UsageError(cli.spec_both())
    if cron:
        spec, printed = ScheduleSpec(cron_expressions=[cron]), cli.spec_cron(expr=cron)
    elif (match := _EVERY.fullmatch(every)) is None:
        raise UsageError(cli.every_invalid(value=quote(every)))
    else:
        try:
            interval = timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2]])
        except OverflowError:
            raise UsageError(cli.every_invalid(value=quote(every))) from None
        spec, printed = ScheduleSpec(intervals=[ScheduleIntervalSpec(every=interval)]), cli.spec_every(duration=every)
    if (overlap := setting(given, {}, cli.OVERLAP) or cli.SCHEDULE_DEFAULT_OVERLAP) not in _OVERLAPS:
        raise UsageError(cli.overlap_invalid(value=quote(overlap)))
    inp = workflow_input(given, env)
    queue = setting(given, env, cli.TASK_QUEUE) or cli.DEFAULT_TASK_QUEUE
    # Temporal names each run ID-<scheduled time>: runs never share a workflow id, hence never a cluster.
    action = ScheduleActionStartWorkflow(cli.WORKFLOW_TYPE, inp, id=schedule_id, task_queue=queue)
    return Schedule(action, spec, SchedulePolicy(overlap=ScheduleOverlapPolicy[overlap.upper()])), printed, overlap


def rfc3339_time(flag: cli.Flag, value: str) -> datetime:
    """--from/--to: an RFC 3339 time with its zone."""
    try:
        if _RFC3339.fullmatch(value):
            return datetime.fromisoformat(value)
    except ValueError:  # the right shape, a value out of range: February 30th, hour 24
        pass
    raise UsageError(cli.time_invalid(flag=f"--{flag.name}", value=quote(value)))


def utc(time: datetime) -> str:
    """A time as every starter prints it: UTC, to the second."""
    return time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


async def shown(desc: ScheduleDescription) -> dict[str, str]:
    """What `list` and `describe` print of a schedule: its spec (from the memo; "-" for a schedule made
    elsewhere), overlap policy, state and next run."""
    spec = await desc.memo_value(cli.SCHEDULE_SPEC_MEMO, "-")
    return {"spec": spec if isinstance(spec, str) else "-", "overlap": desc.schedule.policy.overlap.name.lower(),
            "state": cli.state_paused() if desc.schedule.state.paused else cli.state_active(),
            "next": utc(desc.info.next_action_times[0]) if desc.info.next_action_times else "-"}


async def create(client: Client, schedule_id: str, asked: tuple[Schedule, str, str]) -> list[str]:
    schedule, spec, overlap = asked
    try:
        handle = await client.create_schedule(schedule_id, schedule, memo={cli.SCHEDULE_SPEC_MEMO: spec})
    except ScheduleAlreadyRunningError:
        raise UsageError(cli.schedule_exists(id=schedule_id)) from None
    except RPCError as err:
        # The server parses the cron: what it refuses is a usage error, with its reason.
        if (cron := schedule.spec.cron_expressions) and err.status == RPCStatusCode.INVALID_ARGUMENT and (
                "schedule spec" in err.message.lower()):
            raise UsageError(cli.cron_invalid(value=quote(cron[0]), detail=cli.one_line(err.message))) from None
        raise
    try:
        upcoming = (await shown(await handle.describe()))["next"]
    except RPCError:  # made all the same: only its next run is unknown
        upcoming = "-"
    return [cli.schedule_created(id=schedule_id, spec=spec, overlap=overlap, next=upcoming)]


async def list_schedules(client: Client) -> list[str]:
    ids = sorted({entry.id async for entry in await client.list_schedules()})
    rows = []
    for schedule_id in ids:
        try:
            desc = await client.get_schedule_handle(schedule_id).describe()
        except RPCError as err:  # deleted, and not yet gone from the list (visibility lags)
            if err.status == RPCStatusCode.NOT_FOUND:
                continue
            raise
        rows.append(cli.schedule_row(id=schedule_id, **await shown(desc)))
    return rows or [cli.schedules_none()]


async def describe(client: Client, schedule_id: str) -> list[str]:
    desc = await client.get_schedule_handle(schedule_id).describe()
    about, state = await shown(desc), desc.schedule.state
    note = cli.schedule_note(note=state.note) if state.paused and state.note else ""
    lines = [cli.schedule_header(id=schedule_id, spec=about["spec"], overlap=about["overlap"], state=about["state"],
                                 note=note),
             cli.schedule_next(times=", ".join(map(utc, desc.info.next_action_times[:cli.SCHEDULE_NEXT_RUNS])) or "-")]
    # Newest first: the reverse of the order the schedule took them (a backfill's runs are as taken, not as dated).
    recent = desc.info.recent_actions[-cli.SCHEDULE_LAST_RUNS:][::-1]
    runs = [(a.scheduled_at, a.action) for a in recent if isinstance(a.action, ScheduleActionExecutionStartWorkflow)]
    if not runs:
        return [*lines, cli.schedule_no_runs()]
    statuses = await asyncio.gather(*(run_status(client, run) for _, run in runs))
    return [*lines, cli.schedule_runs(), *(cli.schedule_run(time=utc(at), workflow_id=run.workflow_id, status=status)
                                           for (at, run), status in zip(runs, statuses, strict=True))]


async def run_status(client: Client, run: ScheduleActionExecutionStartWorkflow) -> str:
    """How a scheduled run stands, as describe prints it: running, completed, cancelled, ...; unknown
    when the server cannot say."""
    try:
        handle = client.get_workflow_handle(run.workflow_id, run_id=run.first_execution_run_id)
        status = (await handle.describe()).status
    except Exception:  # noqa: BLE001 - any failure is a status nobody can tell
        return "unknown"
    return status.name.lower().replace("canceled", "cancelled") if status else "unknown"


async def act(client: Client, command: cli.Subcommand, schedule_id: str, asked: Any) -> list[str]:
    """Does what the subcommand asks; returns the lines that say it was done."""
    handle = client.get_schedule_handle(schedule_id)
    if command is cli.SCHEDULE_CREATE_COMMAND:
        return await create(client, schedule_id, asked)
    if command is cli.SCHEDULE_LIST_COMMAND:
        return await list_schedules(client)
    if command is cli.SCHEDULE_DESCRIBE_COMMAND:
        return await describe(client, schedule_id)
    if command is cli.SCHEDULE_PAUSE_COMMAND:
        await handle.pause(note=asked or cli.SCHEDULE_PAUSE_NOTE)  # the same note from every starter
        return [cli.schedule_paused(id=schedule_id)]
    if command is cli.SCHEDULE_UNPAUSE_COMMAND:
        await handle.unpause(note=asked or cli.SCHEDULE_UNPAUSE_NOTE)
        return [cli.schedule_unpaused(id=schedule_id)]
    if command is cli.SCHEDULE_TRIGGER_COMMAND:
        await handle.trigger()
        return [cli.schedule_triggered(id=schedule_id)]
    if command is cli.SCHEDULE_BACKFILL_COMMAND:
        start, end = asked
        await handle.backfill(ScheduleBackfill(start, end, overlap=ScheduleOverlapPolicy.BUFFER_ALL))
        return [cli.schedule_backfilled(id=schedule_id, start=utc(start), end=utc(end))]
    await handle.delete()
    return [cli.schedule_deleted(id=schedule_id)]


async def schedule(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """`schedule ACTION ...`, given the arguments after "schedule"; returns the exit status: 0 done,
    1 refused by Temporal, unreachable or no such schedule, 2 usage (nothing created)."""
    schedule_id = ""
    try:
        command, given, args = parse(argv)
        if given.get(cli.HELP.name):
            print(command.help_text, end="")
            return 0
        schedule_id, asked = asked_for(command, given, args, env)
        lines = await act(await connect(env), command, schedule_id, asked)
    except UsageError as err:
        print(cli.usage_error(message=str(err)), cli.usage_hint(), sep="\n", file=sys.stderr)
        return 2
    except NotConnected as err:
        print(err, file=sys.stderr)
        return err.status
    except Exception as err:  # noqa: BLE001 - one line, never a traceback, whatever Temporal or the way there said
        missing = isinstance(err, RPCError) and err.status == RPCStatusCode.NOT_FOUND and schedule_id
        print(cli.schedule_not_found(id=schedule_id) if missing else cli.schedule_failed(detail=cli.one_line(str(err))),
              file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0


# The subcommands of this file, by the starter's first argument.
SUBCOMMANDS = {"schedule": schedule}
