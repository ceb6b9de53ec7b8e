"""A running step's output on its way out of the worker: heartbeats carry the
checkpoint and the latest lines, bounded and masked."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging

from temporalio.testing import ActivityEnvironment

from skypilot_temporal.activities.heartbeat import Heartbeater, previous_checkpoint
from skypilot_temporal.activities.joblog import MAX_LINE_CHARS, LiveLines, StepLog, live_line
from skypilot_temporal.config.secret_policy import Redactor
from skypilot_temporal.contract.branch_types import BranchInput, BranchStep, RunContext
from skypilot_temporal.contract.names import LIVE_LINE_CHARS_MAX, LIVE_LINES_MAX, LIVE_OUTPUT_KEY
from skypilot_temporal.tasks.build import LogTail
from skypilot_temporal.workflows.branch import _step_input as branch_step_input

SECRET = "hunter2-secret-value"


def step_log(live: LiveLines | None = None, secrets: dict[str, str] | None = None) -> tuple[StepLog, LogTail]:
    tail = LogTail(max_lines=100, max_bytes=64 * 1024)
    return StepLog("[t]", Redactor(secrets or {}), tail, live), tail


def test_live_lines_keep_the_last_few_masked_and_cut_and_count_them_all():
    live = LiveLines("train", "demo-train-3f9a2c", 1)
    out, tail = step_log(live, {"HF_TOKEN": SECRET})
    assert live.snapshot() == {"step": "train", "label": "train", "cluster": "demo-train-3f9a2c", "attempt": 1,
                               "count": 0, "lines": []}
    for i in range(1, 8):
        out(f"epoch {i}\n")
    out(f"token {SECRET} in a line\n")
    out("x" * 1000 + "\n")
    out("no newline yet")  # not a line until it ends: never a piece of one
    snap = live.snapshot()
    assert snap["count"] == 9
    assert len(snap["lines"]) == LIVE_LINES_MAX == 5
    assert snap["lines"] == ["epoch 5", "epoch 6", "epoch 7", "token *** in a line",
                             "x" * (LIVE_LINE_CHARS_MAX - 3) + "..."]
    assert SECRET not in json.dumps(snap)
    out.flush()
    assert live.snapshot()["count"] == 10 and live.snapshot()["lines"][-1] == "no newline yet"
    # The tail has every line; the live lines are the tail's last ones, cut.
    assert tail.text().splitlines()[-3:] == ["token *** in a line", "x" * 1000, "no newline yet"]


def test_live_line_cuts_by_characters():
    limit = LIVE_LINE_CHARS_MAX
    assert live_line("é" * limit) == "é" * limit
    assert live_line("é" * (limit + 1)) == "é" * (limit - 3) + "..."
    assert len(live_line("🙂" * 1000)) == limit


def test_a_sweep_branch_labels_its_output_as_its_state_lines_name_it():
    run = RunContext(repo_url="r", branch="", commit="c", run_key="k", envs_override={}, secret_env_names=[],
                     api_server_endpoint="", autodown_minutes=None, retry_until_up=False, teardown_timeout_s=60)
    branch = BranchInput(parent_workflow_id="w", parent_run_id="r", sweep="train", index=1,
                         label="1 (LR=3e-4,BATCH=32)", cluster_name="demo-train-b1-3f9a2c", run=run,
                         steps=[BranchStep("train", "launch", "train.yaml", "job", 60, 60)])
    step = branch_step_input(branch, branch.steps[0])
    assert step.label == "train [1 (LR=3e-4,BATCH=32)]"
    live = LiveLines(step.step, step.cluster_name, 1, step.label)
    assert live.snapshot()["label"] == "train [1 (LR=3e-4,BATCH=32)]" and live.snapshot()["step"] == "train"
    # A label is bounded as a line is.
    long = "train [" + "x" * 400 + "]"
    assert LiveLines("train", "c", 1, long).snapshot()["label"] == long[: LIVE_LINE_CHARS_MAX - 3] + "..."


def test_a_long_line_holding_a_secret_is_masked_before_any_cut():
    live = LiveLines("s", "c", 1)
    out, _ = step_log(live, {"S": SECRET})
    # The secret straddles the live cut (300) and, further on, the log's cut (4096).
    out("a" * 290 + SECRET + "b" * (MAX_LINE_CHARS - 300) + SECRET + "\n")
    [line] = live.snapshot()["lines"]
    assert line == "a" * 290 + "***" + "b" * 4 + "..."
    assert SECRET[:5] not in json.dumps(live.snapshot())


def heartbeats(info_changes: dict, body) -> list:
    """Runs `body(heartbeater_factory)` as an activity; what it heartbeat, in order."""
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, **info_changes)
    sent: list = []
    env.on_heartbeat = lambda *details: sent.append(details[0])
    asyncio.run(env.run(body))
    return sent


def test_heartbeats_carry_the_checkpoint_and_the_latest_output():
    async def body() -> None:
        live = LiveLines("train", "c1", 1)
        out, _ = step_log(live, {"S": SECRET})
        async with Heartbeater(previous_checkpoint(), live.snapshot) as hb:
            hb.checkpoint({"request_id": "r-1"})
            out(f"epoch 1\nsecret {SECRET}\n")
            hb.checkpoint({"job_id": 7})
            assert hb.details == {"request_id": "r-1", "job_id": 7}  # what executors get: no output

    sent = heartbeats({"heartbeat_timeout": None}, body)
    assert sent[-1] == {"request_id": "r-1", "job_id": 7,
                        LIVE_OUTPUT_KEY: {"step": "train", "label": "train", "cluster": "c1", "attempt": 1, "count": 2,
                                              "lines": ["epoch 1", "secret ***"]}}
    assert SECRET not in json.dumps(sent)


def test_a_retried_attempt_keeps_the_checkpoint_and_starts_its_own_output():
    earlier = {"request_id": "r-1", "job_id": 7,
               LIVE_OUTPUT_KEY: {"step": "train", "cluster": "c1", "attempt": 1, "count": 40,
                                     "lines": ["epoch 40"]}}
    resumed: list = []

    async def body() -> None:
        resume = previous_checkpoint()
        resumed.append(resume)
        live = LiveLines("train", "c1", 2)
        out, _ = step_log(live)
        async with Heartbeater(resume, live.snapshot) as hb:
            hb.checkpoint({})  # the first beat: the checkpoint, no line yet
            out("epoch 1 (replayed)\n")
            hb.checkpoint({})

    sent = heartbeats({"attempt": 2, "heartbeat_details": [earlier]}, body)
    assert resumed == [{"request_id": "r-1", "job_id": 7}]
    assert sent[0] == {"request_id": "r-1", "job_id": 7,
                       LIVE_OUTPUT_KEY: {"step": "train", "label": "train", "cluster": "c1", "attempt": 2, "count": 0,
                                             "lines": []}}
    assert sent[-1][LIVE_OUTPUT_KEY]["lines"] == ["epoch 1 (replayed)"]
    assert all(s["request_id"] == "r-1" and s["job_id"] == 7 for s in sent)


def test_activities_without_output_heartbeat_the_checkpoint_alone():
    async def body() -> None:
        async with Heartbeater() as hb:
            hb.checkpoint({"job_id": 1})

    assert heartbeats({}, body)[-1] == {"job_id": 1}


def test_a_checkpoint_that_is_not_urgent_rides_the_next_periodic_beat():
    async def body() -> None:
        async with Heartbeater(every_s=0.2) as hb:
            hb.checkpoint({"job_id": 3}, urgent=False)
            assert hb.details == {"job_id": 3}
            await asyncio.sleep(0.1)
            assert sent == []  # not sent on its own
            await asyncio.sleep(0.3)

    sent: list = []
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, heartbeat_timeout=None)
    env.on_heartbeat = lambda *details: sent.append(details[0])
    asyncio.run(env.run(body))
    assert sent and sent[0] == {"job_id": 3}


# What `sky launch` prints through the API server (SkyPilot 0.10, colours on): a
# table, rich spinners rewriting their line, tree characters, the job's own lines.
SKYPILOT_LAUNCH = (
    "\x1b[1mConsidered resources (1 node):\x1b[0m\n"
    "-----------------------------------------------------------------\n"
    " INFRA              INSTANCE   vCPUs   Mem(GB)   GPUS   COST ($)   CHOSEN   \n"
    " Kubernetes (kind)  -          2       2         -      0.00          ✔     \n"
    "\x1b[?25l\x1b[1;36m⠋\x1b[0m \x1b[1mLaunching\x1b[0m"
    "\r\x1b[2K\x1b[1;36m⠙\x1b[0m \x1b[1mLaunching\x1b[0m \x1b[2m(1 pod(s) pending)\x1b[0m"
    "\r\x1b[2K\x1b[32m⚙︎ Launching on Kubernetes.\x1b[0m\x1b[?25h\n"
    "\x1b[2m└── \x1b[0mPod is up.\n"
    "\x1b[32m✓ Cluster launched: demo-train-3f9a2c.\x1b[0m  "
    "\x1b[2mView logs: sky api logs -l sky-2025-06-01-12-00-00-000000/provision.log\x1b[0m\n"
    "\x1b[1m\x1b[36m⚙︎ Job submitted, ID: 1\x1b[0m\n"
    "\x1b[2m├── \x1b[0mWaiting for task resources on 1 node.\n"
    "\x1b[2m└── \x1b[0mJob started. Streaming logs... "
    "\x1b[2m(Ctrl-C to exit log streaming; job will not be killed)\x1b[0m\n"
    "\x1b[36m(train, pid=2345)\x1b[0m epoch 1/2 token=" + SECRET + "\n"
    "\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\ \u009b31mC1\n"
    "\x1b[32m✓ Job finished (status: SUCCEEDED).\x1b[0m\n"
)


SKYPILOT_PLAIN = [
    "Considered resources (1 node):",
    "-----------------------------------------------------------------",
    " INFRA              INSTANCE   vCPUs   Mem(GB)   GPUS   COST ($)   CHOSEN   ",
    " Kubernetes (kind)  -          2       2         -      0.00          ✔     ",
    "* Launching on Kubernetes.",
    "`-- Pod is up.",
    "ok: Cluster launched: demo-train-3f9a2c.  View logs: sky api logs -l sky-2025-06-01-12-00-00-000000/provision.log",
    "* Job submitted, ID: 1",
    "|-- Waiting for task resources on 1 node.",
    "`-- Job started. Streaming logs... (Ctrl-C to exit log streaming; job will not be killed)",
    "(train, pid=2345) epoch 1/2 token=***",
    "link 31mC1",
    "ok: Job finished (status: SUCCEEDED).",
]


def test_skypilot_output_is_plain_text_with_its_marks_in_ascii(caplog):
    for chunking in ("whole", "lines", "bytes"):
        live = LiveLines("train", "c", 1)
        out, tail = step_log(live, {"HF_TOKEN": SECRET})
        with caplog.at_level(logging.INFO, logger="skypilot_temporal"):
            caplog.clear()
            if chunking == "whole":
                out(SKYPILOT_LAUNCH)
            elif chunking == "lines":  # as SkyPilot's log stream hands it on
                for line in SKYPILOT_LAUNCH.splitlines(keepends=True):
                    out(line)
            else:  # as the local executor may read it: anywhere, even inside an escape
                for i in range(0, len(SKYPILOT_LAUNCH), 7):
                    out(SKYPILOT_LAUNCH[i:i + 7])
            out.flush()
        assert tail.text().splitlines() == SKYPILOT_PLAIN, chunking
        assert [r.getMessage() for r in caplog.records] == [f"[t] | {line}" for line in SKYPILOT_PLAIN], chunking
        assert live.snapshot()["lines"] == SKYPILOT_PLAIN[-5:] and live.snapshot()["count"] == len(SKYPILOT_PLAIN)
