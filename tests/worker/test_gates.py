"""Approval gates (`kind: approval`) on a real dev server and worker, local executor: the
run waits with only the clusters later steps need, a decision goes through the `decide`
update (its validator refuses what the run cannot take, recording nothing), a reject or
a timeout fails the run with Rejected, a cancel while waiting tears everything down."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from pipeline_helpers import clusters, history_json, pipeline_input, progress, start, wait_until
from support import ROOT, make_git_repo
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import WorkflowFailureError, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError, CancelledError

from skypilot_temporal.contract.names import DECIDE_UPDATE, REJECTED, VIEW_QUERY
from skypilot_temporal.v1 import pipeline_pb2 as pb

GATED = ROOT / "examples" / "gated"
SWEEP = ROOT / "examples" / "sweep"


def gated_repo(tmp_path: Path, pipeline: str | None = None) -> Path:
    files = {"pipeline.yaml": pipeline} if pipeline else {}
    return make_git_repo(tmp_path / f"gated-{uuid.uuid4().hex[:6]}", source=GATED, files=files)


def with_gate(**gate: object) -> str:
    """The example's pipeline, its gate given more keys."""
    text = (GATED / "pipeline.yaml").read_text()
    extra = "".join(f"    {k}: {json.dumps(v)}\n" for k, v in gate.items())
    return text.replace("    timeout_seconds: 86400      # no decision within a day rejects the run\n", extra)


def deploy_on_train() -> str:
    """The example's pipeline, deploy an exec on train's cluster: that cluster stays up through the wait."""
    return (GATED / "pipeline.yaml").read_text().replace(
        "  - name: deploy\n    task_yaml: deploy.yaml\n",
        "  - name: deploy\n    kind: exec\n    cluster: train\n    task_yaml: deploy.yaml\n")


async def decide(handle: WorkflowHandle, decision: str, approver: str = "alice", reason: str = "",
                 gate: str = "") -> pb.ApprovalRecord:
    return await handle.execute_update(
        DECIDE_UPDATE, pb.ApprovalDecision(gate=gate, decision=decision, approver=approver, reason=reason),
        result_type=pb.ApprovalRecord)


async def refused(handle: WorkflowHandle, decision: str, **fields: str) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await decide(handle, decision, **fields)
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    return cause.message


async def gate_entry(handle: WorkflowHandle, name: str = "approve-deploy") -> pb.StepProgress:
    return next(s for s in (await progress(handle)).steps if s.name == name)


async def waiting(handle: WorkflowHandle, name: str = "approve-deploy", timeout: float = 120) -> pb.StepProgress:
    async def now_waiting() -> bool:
        return any(s.name == name and s.state == "waiting" for s in (await progress(handle)).steps)

    await wait_until(now_waiting, timeout=timeout)
    return await gate_entry(handle, name)


async def update_events(handle: WorkflowHandle) -> list[str]:
    events = json.loads(await history_json(handle))["events"]
    return [e["eventType"] for e in events if "UPDATE" in e["eventType"]]


async def test_approved_gate_waits_with_no_cluster_up_then_deploys(
    client, local_worker, task_queue, tmp_path, work_dir
):
    handle = await start(client, pipeline_input(gated_repo(tmp_path, with_gate(approvers=["alice", "bob"]))),
                         task_queue)
    # Refused before the gate waits: nothing is recorded.
    assert "has not read its pipeline yet" in await refused(handle, "approve")

    async def planned() -> bool:
        return bool((await progress(handle)).steps)

    await wait_until(planned, timeout=60)
    assert "is not waiting yet: it waits once eval is done" in await refused(handle, "approve", gate="approve-deploy")
    gate = await waiting(handle)
    p = await progress(handle)
    assert p.phase == "waiting"
    # What the Temporal UI shows of the run (its current details, from the metadata query).
    meta = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert meta.current_details.startswith("waiting at gate approve-deploy since 20")
    assert " accuracy=0.9" in meta.current_details
    assert gate.waiting_since.endswith("Z") and gate.deadline > gate.waiting_since
    assert list(gate.approvers) == ["alice", "bob"]
    assert 0.9 <= gate.metrics["accuracy"] < 1.0
    # eval's cluster went down before the wait: deploy launches its own.
    assert clusters(work_dir) == []
    view = await handle.query(VIEW_QUERY, pb.RunViewRequest(starter="go"), result_type=pb.RunView)
    assert any(line.startswith("step approve-deploy: waiting for approval since") for line in view.lines)
    assert f"  approve: go run ./go-starter approve {handle.id} --gate approve-deploy" in view.lines

    assert "may not decide" in await refused(handle, "approve", approver="mallory")
    assert (await refused(handle, "maybe")).startswith("decision: must be approve or reject")
    assert "reason: required to reject" in await refused(handle, "reject", approver="bob")
    assert "no gate named 'deploy'" in await refused(handle, "approve", gate="deploy")
    assert await update_events(handle) == []

    record = await decide(handle, "approve", approver="alice", reason="accuracy is fine")
    assert (record.gate, record.decision, record.approver, record.reason) == (
        "approve-deploy", "approve", "alice", "accuracy is fine")
    assert "waits at no gate now (approve-deploy: approved by alice)" in await refused(handle, "approve")
    assert "already approved by alice" in await refused(handle, "reject", approver="bob", reason="too late",
                                                        gate="approve-deploy")

    result = await handle.result()
    gate_result = next(s for s in result.steps if s.name == "approve-deploy")
    assert gate_result.status == "APPROVED" and gate_result.approval.approver == "alice"
    assert gate_result.approval.decided_at >= gate_result.approval.waiting_since
    assert gate_result.idle_cluster_seconds == 0
    assert [s.name for s in result.steps][-1] == "deploy"
    assert any(line.startswith("step approve-deploy: approved by alice at ") for line in result.lines)
    assert clusters(work_dir) == []
    # One accepted and completed update: the refused ones left nothing.
    assert await update_events(handle) == ["EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED",
                                           "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED"]


async def test_reject_fails_the_run_naming_gate_who_and_why(client, local_worker, task_queue, tmp_path, work_dir):
    # deploy runs on train's cluster: it stays up through the wait, and the reject downs it.
    pipeline = deploy_on_train()
    handle = await start(client, pipeline_input(gated_repo(tmp_path, pipeline)), task_queue)
    await waiting(handle)
    assert len(clusters(work_dir)) == 1
    await decide(handle, "reject", approver="bob", reason="below last week's model")
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == REJECTED
    assert cause.message == "gate 'approve-deploy' rejected by bob: below last week's model"
    assert clusters(work_dir) == []
    p = await progress(handle)
    assert p.phase == "failed"
    entry = next(s for s in p.steps if s.name == "approve-deploy")
    assert entry.state == "failed" and entry.approval.reason == "below last week's model"
    assert next(s for s in p.steps if s.name == "deploy").state == "pending"
    # The wait kept train's cluster up, unused: that is reported.
    gate_result = next(s for s in p.finished if s.name == "approve-deploy")
    assert gate_result.idle_cluster_seconds > 0


async def test_timeout_rejects_as_timeout(client, local_worker, task_queue, tmp_path, work_dir):
    handle = await start(client, pipeline_input(gated_repo(tmp_path, with_gate(timeout_seconds=2))), task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == REJECTED
    assert cause.message.startswith("gate 'approve-deploy' rejected by timeout: no decision within 2 s")
    assert clusters(work_dir) == []


async def test_cancel_while_waiting_tears_down(client, local_worker, task_queue, tmp_path, work_dir):
    pipeline = deploy_on_train()
    handle = await start(client, pipeline_input(gated_repo(tmp_path, pipeline)), task_queue)
    await waiting(handle)
    assert len(clusters(work_dir)) == 1
    await handle.cancel()
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    assert isinstance(failure.value.cause, CancelledError)
    assert clusters(work_dir) == []
    p = await progress(handle)
    assert p.phase == "cancelled"
    assert next(s for s in p.steps if s.name == "approve-deploy").state == "cancelled"


async def test_gate_after_a_select_shows_the_winner_and_keeps_only_its_cluster(
    client, local_worker, task_queue, tmp_path, work_dir
):
    pipeline = (SWEEP / "pipeline.yaml").read_text().replace("BATCH: [32, 64]", "BATCH: [32]").replace(
        "  - name: export\n    kind: exec                  # on the winner's cluster only\n"
        "    cluster: train\n    task_yaml: export.yaml\n    needs: [best]",
        "  - name: ship-it\n    kind: approval\n    needs: [best]\n"
        "  - name: export\n    kind: exec\n    cluster: train\n    task_yaml: export.yaml\n    needs: [ship-it]")
    assert "ship-it" in pipeline
    repo = make_git_repo(tmp_path / f"sweep-{uuid.uuid4().hex[:6]}", source=SWEEP, files={"pipeline.yaml": pipeline})
    handle = await start(client, pipeline_input(repo), task_queue)
    gate = await waiting(handle, "ship-it", timeout=180)
    best = next(s for s in (await progress(handle)).steps if s.name == "best")
    assert gate.branch == best.branch and gate.branch
    assert gate.metrics["accuracy"] == best.metrics["accuracy"]
    # The losers' clusters are down; the winner's stays for export.
    assert len(clusters(work_dir)) == 1
    await decide(handle, "approve", reason="best of three")
    result = await handle.result()
    exports = [s for s in result.steps if s.name == "export"]
    assert len(exports) == 1 and exports[0].branch == best.branch
    assert clusters(work_dir) == []
