"""Tracing without a collector: when it is on, and the SkyPilot executor's spans without
an API server (each SDK call a span named after it, with the cluster, the job and the
request as attributes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from skypilot_temporal.executors.skypilot import executor as sky_executor
from skypilot_temporal.ops import tracing
from skypilot_temporal.starter.tracing import with_tracing

ENDPOINT = "http://127.0.0.1:4318"


@pytest.mark.parametrize("env,on", [
    ({}, False),
    ({"OTEL_SERVICE_NAME": "x"}, False),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT}, True),
    ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": ENDPOINT + "/v1/traces"}, True),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT, "OTEL_SDK_DISABLED": " TRUE "}, False),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT, "OTEL_TRACES_EXPORTER": "none"}, False),
])
def test_tracing_is_on_only_with_an_endpoint(env, on) -> None:
    assert tracing.tracing_enabled(env) is on
    assert bool(tracing.worker_interceptors(env)) is on
    assert bool(tracing.starter_interceptors(env)) is on


async def test_off_the_starter_runs_without_interceptors_or_provider(capsys) -> None:
    async def run(interceptors) -> int:
        return len(interceptors)

    assert await with_tracing({}, "wf-1", run) == 0
    assert capsys.readouterr() == ("", "")


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("test"))
    yield exporter
    provider.shutdown()


@pytest.fixture
def fake_sky(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple, dict]]:
    """The SDK's request functions, answering request ids; their results from request_get."""
    sent: list[tuple[str, tuple, dict]] = []
    results = {"cancel": None, "down": None, "job_status": {7: "FAILED"}}

    def request(name: str):
        def send(*args: Any, **kwargs: Any) -> str:
            sent.append((name, args, kwargs))
            return f"req-{name}"
        return send

    async def request_get(request_id: str) -> Any:
        return results[request_id.removeprefix("req-")]

    for name in results:
        monkeypatch.setattr(sky_executor.sky, name, request(name))
    monkeypatch.setattr(sky_executor.sky_streams, "request_get", request_get)
    return sent


async def test_each_call_is_a_span_with_cluster_job_and_request(exported, fake_sky) -> None:
    executor = sky_executor.SkyPilotExecutor(threads=2)
    await executor.cancel("c-train-1a2b", 7, {})
    assert await executor._job_status("c-train-1a2b", 7) == "FAILED"
    assert await executor.down("c-train-1a2b") is True
    # The span's job id is not an argument of the SDK call.
    assert fake_sky == [("cancel", ("c-train-1a2b",), {"job_ids": [7]}),
                        ("job_status", ("c-train-1a2b", [7]), {}),
                        ("down", ("c-train-1a2b",), {})]
    spans = [(s.name, dict(s.attributes or {})) for s in exported.get_finished_spans()]
    assert spans == [
        ("skypilot.cancel", {"skypilot.call": "cancel", "skypilot.cluster": "c-train-1a2b", "skypilot.job_id": 7,
                             "skypilot.request_id": "req-cancel"}),
        ("skypilot.status", {"skypilot.call": "status", "skypilot.cluster": "c-train-1a2b", "skypilot.job_id": 7,
                             "skypilot.request_id": "req-job_status"}),
        ("skypilot.down", {"skypilot.call": "down", "skypilot.cluster": "c-train-1a2b",
                           "skypilot.request_id": "req-down"}),
    ]
