"""The local executor's `tail` span carries what the SkyPilot executor's does: the job's
exit code as SkyPilot gives it (sky.exceptions.JobExitCode), beside its end status.
Real jobs, in the executor's sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pipeline_helpers import wait_until

from skypilot_temporal.executors.base import Submission
from skypilot_temporal.executors.local import job as local_job
from skypilot_temporal.executors.local.executor import LocalExecutor
from skypilot_temporal.ops import tracing
from skypilot_temporal.tasks.build import parse_task


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("test"))
    yield exporter
    provider.shutdown()


# (task, how the test ends it, the status the job ends with, SkyPilot's exit code of it)
ENDINGS = [
    ({"run": "true"}, None, "SUCCEEDED", 0),
    ({"run": "exit 3"}, None, "FAILED", 100),
    ({"setup": "exit 1", "run": "true"}, None, "FAILED_SETUP", 100),
    ({"run": "sleep 60"}, "cancel", "CANCELLED", 103),
]


@pytest.mark.parametrize("config,ending,status,code", ENDINGS, ids=[e[2] for e in ENDINGS])
async def test_the_tail_span_has_the_end_status_and_skypilots_exit_code(
    exported, tmp_path: Path, config, ending, status, code
):
    (tmp_path / "repo").mkdir()
    root = tmp_path / "work" / "local"
    executor = LocalExecutor(root, hide=(root.parent,))
    sub = Submission("launch", "c1", "job", parse_task({"name": "job", **config}), tmp_path / "repo")
    job_id = await executor.submit(sub, lambda c, urgent=True: None, {}, lambda s: None)
    try:
        tail = asyncio.ensure_future(executor.wait_job("c1", job_id, lambda s: None, {}))
        if ending == "cancel":
            status_file = root / "clusters" / "c1" / "jobs" / str(job_id) / "status"
            await wait_until(lambda: local_job.read_text(status_file) == "RUNNING", timeout=30)
            await executor.cancel("c1", job_id, {})
        assert await asyncio.wait_for(tail, 60) == status
    finally:
        assert await executor.down("c1")
    [span] = [s for s in exported.get_finished_spans() if s.name == "skypilot.tail"]
    assert dict(span.attributes or {}) == {
        "skypilot.call": "tail", "skypilot.cluster": "c1", "skypilot.job_id": job_id,
        "skypilot.status": status, "skypilot.exit_code": code,
    }
