"""Helpers for tests that run the pipeline through a real worker."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from temporalio.client import Client, WorkflowHandle

from skypilot_temporal.contract.names import PROGRESS_QUERY, WORKFLOW_TYPE
from skypilot_temporal.v1 import pipeline_pb2 as pb

BUCKET_ENV = {"DATA_BUCKET_NAME": "test-bucket"}


def pipeline_input(repo: Path, **fields: Any) -> pb.SkyPilotWorkflowInput:
    inp = pb.SkyPilotWorkflowInput(repo_url=str(repo))
    envs = dict(BUCKET_ENV)
    envs.update(fields.pop("envs_override", {}))
    inp.envs_override.update(envs)
    for key, value in fields.items():
        if isinstance(value, list):
            getattr(inp, key).extend(value)
        elif isinstance(value, pb.LaunchOptions):
            inp.launch.CopyFrom(value)
        else:
            setattr(inp, key, value)
    return inp


def seed_steps(heartbeat_s: int = 0) -> list[pb.PipelineStep]:
    """The default pipeline spelled out, e.g. to shorten heartbeat timeouts."""
    L, E = pb.STEP_KIND_LAUNCH, pb.STEP_KIND_EXEC
    return [
        pb.PipelineStep(name="preprocess", task_yaml="data_preprocessing.yaml", kind=L,
                        heartbeat_timeout_seconds=heartbeat_s),
        pb.PipelineStep(name="train", task_yaml="train.yaml", kind=L,
                        heartbeat_timeout_seconds=heartbeat_s),
        pb.PipelineStep(name="eval", task_yaml="eval.yaml", kind=E, cluster="train",
                        heartbeat_timeout_seconds=heartbeat_s),
    ]


async def start(client: Client, inp: pb.SkyPilotWorkflowInput, task_queue: str) -> WorkflowHandle:
    return await client.start_workflow(
        WORKFLOW_TYPE, inp, id=f"test-{uuid.uuid4().hex[:10]}", task_queue=task_queue,
        result_type=pb.SkyPilotWorkflowResult,
    )


async def progress(handle: WorkflowHandle) -> pb.SkyPilotWorkflowProgress:
    return await handle.query(PROGRESS_QUERY, result_type=pb.SkyPilotWorkflowProgress)


async def wait_until(predicate, timeout: float = 60.0, every: float = 0.2) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(every)


async def history_json(handle: WorkflowHandle) -> str:
    history = await handle.fetch_history()
    return history.to_json()


async def activity_names(handle: WorkflowHandle) -> list[str]:
    """Activity types in the order they were scheduled."""
    events = json.loads(await history_json(handle))["events"]
    return [
        e["activityTaskScheduledEventAttributes"]["activityType"]["name"]
        for e in events
        if "activityTaskScheduledEventAttributes" in e
    ]


async def activity_attempts(handle: WorkflowHandle) -> list[tuple[str, int]]:
    """(activity type, attempt) of every started activity, as the server recorded them."""
    events = json.loads(await history_json(handle))["events"]
    scheduled: dict[str, str] = {}
    out = []
    for e in events:
        if "activityTaskScheduledEventAttributes" in e:
            scheduled[e["eventId"]] = e["activityTaskScheduledEventAttributes"]["activityType"]["name"]
        if "activityTaskStartedEventAttributes" in e:
            attrs = e["activityTaskStartedEventAttributes"]
            out.append((scheduled[attrs["scheduledEventId"]], int(attrs.get("attempt", 1))))
    return out


def clusters(work_dir: Path) -> list[str]:
    root = work_dir / "local" / "clusters"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def to_json(msg) -> dict:
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


async def history_text(handle: WorkflowHandle) -> str:
    """The history as JSON plus every payload's data decoded: searchable for values."""
    import base64

    raw = await history_json(handle)
    decoded: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "data" in node and "metadata" in node and isinstance(node["data"], str):
                decoded.append(base64.b64decode(node["data"]).decode(errors="replace"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(raw))
    return raw + "\n" + "\n".join(decoded)
