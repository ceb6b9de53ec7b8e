"""Schedules from the Go, TypeScript and Python starters, run as users run them, against a
real dev server and the real worker (local executor): a schedule every few seconds starts
runs on its own, never two at once (overlap skip), each with its own workflow id and
clusters, found by the schedule's id; pause stops them; trigger starts one at once;
delete ends it; list and describe print the same text from all three; bad input is a
usage error naming the flag, and creates nothing."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from pathlib import Path

import pytest
from support import make_git_repo
from test_starter_parity import LANGS, environment, run

from skypilot_temporal.v1 import starter_cli as cli

# One step that holds its cluster for a while: runs due meanwhile are skipped.
WORK = "name: work\nrun: |\n  sleep 8\n  echo worked\n"
PIPELINE = "steps:\n  - {name: work, task_yaml: work.yaml}\n"
NEXT = re.compile(r"(next=|^next runs: )\S.*?(?=$)", re.M)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / "sched-tasks", files={"work.yaml": WORK, "pipeline.yaml": PIPELINE})


@pytest.fixture
def env(temporal_server, shared_worker) -> dict[str, str]:
    return environment(TEMPORAL_ADDRESS=temporal_server.address,
                       SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue)


def all_say(starters, *args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """What the three starters say, alike, next run times masked: they move on between the three."""
    procs = [run(starters[lang], *args, env=env) for lang in LANGS]
    outs = {(p.returncode, NEXT.sub(r"\1<time>", p.stdout), p.stderr) for p in procs}
    assert len(outs) == 1, {lang: (p.returncode, p.stdout, p.stderr) for lang, p in zip(LANGS, procs, strict=True)}
    return outs.pop()


async def runs_of(client, schedule_id: str) -> list:
    return [w async for w in client.list_workflows(f"TemporalScheduledById = '{schedule_id}'")]


async def test_a_schedule_runs_skips_overlaps_pauses_triggers_and_is_deleted(starters, env, repo, client) -> None:
    sid = f"nightly-{uuid.uuid4().hex[:6]}"
    made = run(starters["go"], "schedule", "create", sid, "--every", "3s", "--repo", str(repo), env=env)
    assert made.returncode == 0, made.stderr
    assert re.fullmatch(rf"schedule {sid} created: every 3s, overlap skip; next run \S+Z\n", made.stdout), made.stdout
    handle = client.get_schedule_handle(sid)

    # Runs start on their own, one at a time: each one's 8 s outlasts two or three periods.
    most_running, deadline = 0, time.monotonic() + 60
    while time.monotonic() < deadline:
        found = await runs_of(client, sid)
        most_running = max(most_running, sum(1 for w in found if w.status.name == "RUNNING"))
        if sum(1 for w in found if w.status.name == "COMPLETED") >= 2:
            break
        await asyncio.sleep(0.5)
    found = await runs_of(client, sid)
    assert sum(1 for w in found if w.status.name == "COMPLETED") >= 2, [(w.id, w.status) for w in found]
    assert most_running == 1
    assert (await handle.describe()).info.num_actions_skipped_overlap >= 1
    # Each run has a workflow id of its own, starting with the schedule's.
    assert len({w.id for w in found}) == len(found) and all(w.id.startswith(f"{sid}-") for w in found)

    listed = run(starters["python"], "schedule", "list", env=env).stdout
    assert re.search(rf"^{sid}  every 3s  overlap=skip  active  next=\S+Z$", listed, re.M), listed

    # Pause: no run starts any more.
    paused = run(starters["ts"], "schedule", "pause", sid, "--note", "data migration", env=env)
    assert (paused.returncode, paused.stdout) == (0, cli.schedule_paused(id=sid) + "\n"), paused.stderr

    async def none_running() -> bool:
        return not any(w.status.name == "RUNNING" for w in await runs_of(client, sid))

    deadline = time.monotonic() + 60
    while not await none_running() and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    before = len(await runs_of(client, sid))

    # list and describe: the same text from all three (the next run times move on between them).
    code, listed, err = all_say(starters, "schedule", "list", env=env)
    assert (code, err) == (0, "")
    assert re.search(rf"^{sid}  every 3s  overlap=skip  paused  next=<time>$", listed, re.M), listed
    code, described, err = all_say(starters, "schedule", "describe", sid, env=env)
    assert (code, err) == (0, "")
    lines = described.splitlines()
    assert lines[:3] == [f"schedule {sid}: every 3s, overlap skip, paused (data migration)", "next runs: <time>",
                         "last runs:"]
    assert 1 <= len(lines[3:]) <= 5
    for line in lines[3:]:
        assert re.fullmatch(rf"  \S+Z {sid}-\S+ completed", line), described
    await asyncio.sleep(7)
    assert len(await runs_of(client, sid)) == before

    # Trigger: one run at once, paused or not.
    triggered = run(starters["python"], "schedule", "trigger", sid, env=env)
    assert (triggered.returncode, triggered.stdout) == (0, cli.schedule_triggered(id=sid) + "\n"), triggered.stderr
    deadline = time.monotonic() + 15
    while len(await runs_of(client, sid)) == before and time.monotonic() < deadline:
        await asyncio.sleep(0.3)
    assert len(await runs_of(client, sid)) == before + 1

    deleted = run(starters["go"], "schedule", "delete", sid, env=env)
    assert (deleted.returncode, deleted.stdout) == (0, cli.schedule_deleted(id=sid) + "\n"), deleted.stderr
    assert all_say(starters, "schedule", "describe", sid, env=env) == (
        1, "", cli.schedule_not_found(id=sid) + "\n")


def test_bad_input_is_a_usage_error_naming_the_flag_and_creates_nothing(starters, env, repo) -> None:
    sid = f"bad-{uuid.uuid4().hex[:6]}"
    hint = cli.usage_hint()

    def usage(message: str) -> tuple[int, str, str]:
        return 2, "", f"{cli.usage_error(message=message)}\n{hint}\n"

    create = ("schedule", "create", sid, "--repo", str(repo))
    assert all_say(starters, *create, env=env) == usage(cli.spec_missing())
    assert all_say(starters, *create, "--cron", "0 3 * * *", "--every", "1d", env=env) == usage(cli.spec_both())
    assert all_say(starters, *create, "--every", "90x", env=env) == usage(cli.every_invalid(value='"90x"'))
    assert all_say(starters, *create, "--every", "1d", "--overlap", "sometimes", env=env) == usage(
        cli.overlap_invalid(value='"sometimes"'))
    assert all_say(starters, "schedule", "create", sid, "--every", "1d", env=env) == usage(cli.repo_missing())
    code, out, err = all_say(starters, *create, "--cron", "61 * * * *", env=env)
    assert (code, out) == (2, "") and err.startswith(cli.usage_error(message=cli.cron_invalid(value='"61 * * * *"',
                                                                                            detail="")))
    # Nothing was created: the id is free, and taken once by the first create that works.
    assert all_say(starters, "schedule", "describe", sid, env=env) == (1, "", cli.schedule_not_found(id=sid) + "\n")
    made = run(starters["python"], *create, "--every", "1d", env=env)
    assert made.returncode == 0, made.stderr
    try:
        assert all_say(starters, *create, "--every", "1d", env=env) == usage(cli.schedule_exists(id=sid))
    finally:
        assert run(starters["ts"], "schedule", "delete", sid, env=env).returncode == 0
