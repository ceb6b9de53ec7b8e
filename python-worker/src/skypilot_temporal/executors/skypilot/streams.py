"""Long waits on the SkyPilot API server without holding a thread.

A launch request runs for minutes and a job for hours. The synchronous SDK would
hold one thread per waiting step for all that time, so with more running steps than
threads, launches, cancels and downs would queue behind training jobs. These waits
use SkyPilot's own async client (aiohttp on the event loop) instead; only short
submissions go through the executor's thread pool.
"""

from __future__ import annotations

import io
import json
from typing import Any

import aiohttp
from sky.client import common as client_common
from sky.client import sdk_async
from sky.server import common as server_common
from sky.server.requests import payloads

from skypilot_temporal.executors.base import LogSink

_TIMEOUT = aiohttp.ClientTimeout(
    total=None, connect=client_common.API_SERVER_REQUEST_CONNECTION_TIMEOUT_SECONDS
)


class LineStream(io.TextIOBase):
    """A file-like object that hands SDK output to a sink.

    SkyPilot's stream readers write one log line per call. The first `skip` lines
    are dropped: a stream re-opened after a break replays the log from its start,
    and the sink must not see those lines twice.
    """

    def __init__(self, sink: LogSink, skip: int = 0) -> None:
        self._sink = sink
        self._skip = skip
        self.lines = 0

    def write(self, text: str) -> int:
        if not text:
            return 0
        self.lines += 1
        if self.lines > self._skip:
            self._sink(text)
        return len(text)

    def writable(self) -> bool:
        return True


async def request_result(request_id: str, sink: LogSink) -> Any:
    """Streams a request's log to `sink` and returns its result (raising its error)."""
    return await sdk_async.stream_and_get(request_id, output_stream=LineStream(sink))


async def request_get(request_id: str) -> Any:
    """A request's result, waited for on the event loop."""
    return await sdk_async.get(request_id)


async def tail_job(cluster_name: str, job_id: int, stream: LineStream) -> int:
    """Follows a job's log until it ends; SkyPilot's exit code for the job
    (sky.exceptions.JobExitCode: 0 succeeded, 100 failed, 101 not finished,
    102 not found, 103 cancelled)."""
    body = payloads.ClusterJobBody(cluster_name=cluster_name, job_id=job_id, follow=True, tail=0)
    async with aiohttp.ClientSession() as session:
        response = await server_common.make_authenticated_request_async(
            session, "POST", "/logs", json=json.loads(body.model_dump_json()),
            timeout=_TIMEOUT,
        )
        try:
            if response.status != 200:
                text = await response.text()
                raise ConnectionError(f"POST /logs: HTTP {response.status}: {text[:500]}")
            request_id = response.headers.get("X-Skypilot-Request-ID")
            return int(
                await sdk_async.stream_response_async(
                    request_id, response, stream, resumable=False, get_result=True
                )
            )
        finally:
            response.close()
