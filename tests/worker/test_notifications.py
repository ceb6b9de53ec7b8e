"""A worker with SKYPILOT_TEMPORAL_NOTIFY_URL tells a real HTTP receiver (loopback) exactly
the events each run implies: a gate that waits, then approved -> succeeded; rejected ->
failed; cancelled -> cancelled. A receiver that refuses or never answers changes no
run's outcome, and its duration by at most the notifier's bound."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from notify_receiver import Receiver, closed_port, receiver, silent_port
from pipeline_helpers import clusters, history_json, pipeline_input, progress, start, wait_until
from support import ROOT, WorkerProcess, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError, WorkflowHandle
from test_replay import replayer

from skypilot_temporal.contract.activity_types import RUN_NOTIFY
from skypilot_temporal.contract.names import ABORT_UPDATE, DECIDE_UPDATE, REJECTED
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.workflows.notify import END_WAIT

GATED = ROOT / "examples" / "gated"
# What a loaded 2-core machine may add to a bound.
SLACK_S = 8


def notifying_worker(temporal_server, work_dir: Path, task_queue: str, tmp_path: Path, url: str) -> WorkerProcess:
    env = worker_env(temporal_server, work_dir, task_queue, SKYPILOT_TEMPORAL_NOTIFY_URL=url,
                     SECRET_TOKEN="s3cr3t-value-42", SKYPILOT_TEMPORAL_SECRET_ALLOWLIST="SECRET_*")
    return WorkerProcess(env, tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log").start()


@pytest.fixture
def hooked(temporal_server, work_dir, task_queue, tmp_path) -> Iterator[Receiver]:
    with receiver() as hook:
        worker = notifying_worker(temporal_server, work_dir, task_queue, tmp_path, hook.url("/services/T0/B0/tok"))
        try:
            yield hook
        finally:
            worker.stop()


async def gated_run(client, task_queue: str, tmp_path: Path) -> WorkflowHandle:
    repo = make_git_repo(tmp_path / f"gated-{uuid.uuid4().hex[:6]}", source=GATED)
    handle = await start(client, pipeline_input(repo), task_queue)

    async def waiting() -> bool:
        return any(s.state == "waiting" for s in (await progress(handle)).steps)

    await wait_until(waiting, timeout=120)
    return handle


def bodies(hook: Receiver, workflow_id: str) -> list[dict]:
    return [r.body for r in hook.received if r.body.get("workflow_id") == workflow_id]


async def test_approved_then_succeeded(client, hooked, task_queue, tmp_path):
    handle = await gated_run(client, task_queue, tmp_path)
    await wait_until(lambda: len(bodies(hooked, handle.id)) == 1, timeout=30)
    waiting = bodies(hooked, handle.id)[0]
    assert waiting["event"] == "waiting" and waiting["gate"] == "approve-deploy"
    assert waiting["id"] == f"{handle.id}/{waiting['run_id']}/waiting/approve-deploy"
    assert 0.9 <= waiting["metrics"]["accuracy"] < 1
    assert waiting["commands"]["go"] == f"go run ./go-starter approve {handle.id} --gate approve-deploy"
    assert waiting["commands"]["temporal"].startswith(f"temporal workflow update execute --workflow-id {handle.id}")
    assert "approve-deploy" in waiting["text"] and waiting["since"].endswith("Z")
    await handle.execute_update(DECIDE_UPDATE, pb.ApprovalDecision(decision="approve", approver="alice"))
    await handle.result()
    events = bodies(hooked, handle.id)
    assert [e["event"] for e in events] == ["waiting", "succeeded"]
    done = events[1]
    assert done["steps"] == ["preprocess SUCCEEDED", "train SUCCEEDED", "eval SUCCEEDED", "approve-deploy APPROVED",
                             "deploy SUCCEEDED"]
    assert done["commit"] and done["id"].endswith("/succeeded") and done["text"]
    assert len({e["id"] for e in events}) == 2
    # A history with notifications (and their patch marker) replays in the sandbox.
    await replayer().replay_workflow(await handle.fetch_history())


async def test_rejected_then_failed_and_cancelled(client, hooked, task_queue, tmp_path, work_dir):
    rejected = await gated_run(client, task_queue, tmp_path)
    await rejected.execute_update(DECIDE_UPDATE, pb.ApprovalDecision(
        decision="reject", approver="bob", reason="leaks s3cr3t-value-42 in its logs"))
    with pytest.raises(WorkflowFailureError):
        await rejected.result()
    events = bodies(hooked, rejected.id)
    assert [e["event"] for e in events] == ["waiting", "failed"]
    failed = events[1]
    assert (failed["failing_step"], failed["failure_type"]) == ("approve-deploy", REJECTED)
    assert failed["reason"].startswith("gate 'approve-deploy' rejected by bob: leaks ")
    # A secret's value never leaves the worker in a notification.
    assert "s3cr3t-value-42" not in json.dumps(failed)

    cancelled = await gated_run(client, task_queue, tmp_path)
    await cancelled.cancel()
    with pytest.raises(WorkflowFailureError):
        await cancelled.result()
    assert [e["event"] for e in bodies(hooked, cancelled.id)] == ["waiting", "cancelled"]
    assert clusters(work_dir) == []


async def test_a_failed_clone_notifies_and_refused_input_does_not(client, hooked, task_queue):
    refused = await start(client, pb.SkyPilotWorkflowInput(repo_url="ftp://example.com/tasks.git"), task_queue)
    bad = await start(client, pb.SkyPilotWorkflowInput(repo_url="https://example.com/t.git", cluster_prefix="Bad_"),
                      task_queue)
    for handle in (refused, bad):
        with pytest.raises(WorkflowFailureError):
            await handle.result()
    [failed] = bodies(hooked, refused.id)
    assert (failed["event"], failed["failing_step"], failed["failure_type"]) == ("failed", "clone", "InvalidRepo")
    assert "'ftp'" in failed["reason"]
    # Refused before anything ran: the caller hears it at once, no one else.
    assert bodies(hooked, bad.id) == []


async def _time_after_last_step(handle: WorkflowHandle) -> float:
    """Seconds from the last step's (non-notification) activity completing to the run closing."""
    events = json.loads(await history_json(handle))["events"]
    names = {e["eventId"]: e["activityTaskScheduledEventAttributes"]["activityType"]["name"]
             for e in events if "activityTaskScheduledEventAttributes" in e}
    last_step = max(datetime.fromisoformat(e["eventTime"]) for e in events
                    if "activityTaskCompletedEventAttributes" in e
                    and names[e["activityTaskCompletedEventAttributes"]["scheduledEventId"]] != RUN_NOTIFY)
    closed = datetime.fromisoformat(events[-1]["eventTime"])
    return (closed - last_step).total_seconds()


# A silent receiver costs the run its full bound (10 s): `make e2e` runs that one.
@pytest.mark.parametrize("kind", ["refusing", pytest.param("silent", marks=pytest.mark.slow)])
async def test_a_receiver_that_refuses_or_hangs_changes_no_outcome(
    client, temporal_server, work_dir, task_queue, tmp_path, example_repo, kind
):
    with silent_port() as silent:
        port = closed_port() if kind == "refusing" else silent
        worker = notifying_worker(temporal_server, work_dir, task_queue, tmp_path, f"http://127.0.0.1:{port}/hook")
        try:
            handle = await start(client, pipeline_input(example_repo), task_queue)
            result = await handle.result()
        finally:
            worker.stop()
    assert [s.status for s in result.steps] == ["SUCCEEDED"] * 3
    assert await _time_after_last_step(handle) < END_WAIT.total_seconds() + SLACK_S
    assert "/hook" not in worker.log()  # the receiver is named by scheme://host only


async def test_a_repair_wait_notifies_with_the_retry_command_then_the_abort_fails(client, hooked, task_queue,
                                                                                 tmp_path):
    from test_repair import BROKEN_EVAL

    repo = make_git_repo(tmp_path / "tasks", files={"eval.yaml": BROKEN_EVAL})
    handle = await start(client, pipeline_input(repo, launch=pb.LaunchOptions(wait_for_repair_minutes=30)),
                         task_queue)

    async def told(event: str) -> bool:
        return any(b["event"] == event for b in bodies(hooked, handle.id))

    await wait_until(lambda: told("waiting_for_repair"), timeout=120)
    await handle.execute_update(ABORT_UPDATE, pb.AbortRequest(requester="bob", reason="wrong data"))
    with pytest.raises(WorkflowFailureError):
        await handle.result()
    await wait_until(lambda: told("failed"), timeout=30)
    waited, failed = bodies(hooked, handle.id)
    assert waited["failing_step"] == "eval" and waited["reason"].startswith("step 'eval' failed: ")
    assert waited["deadline"] > waited["since"] and len(waited["clusters_kept"]) == 1
    assert waited["commands"]["go"] == f"go run ./go-starter retry {handle.id} --step eval"
    assert "Retry once fixed: temporal workflow update execute" in waited["text"]
    assert failed["failing_step"] == "eval" and "abort by bob: wrong data" in failed["reason"]

