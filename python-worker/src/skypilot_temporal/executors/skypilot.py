"""The SkyPilot executor: the SDK against an API server, never blocking the event loop.

Every SDK call is blocking HTTP, so each runs on this executor's own thread pool
(sized by configuration, not the default executor's min(32, cores+4)). Requests are
checkpointed by id as soon as they exist, so a retried attempt re-attaches to the
same request or job instead of submitting again.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sky
from sky import exceptions as sky_exc

from skypilot_temporal.executors.base import (
    TERMINAL,
    Checkpoint,
    ClusterGone,
    LogSink,
    PermanentError,
    Submission,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Errors no retry can fix (see docs/architecture.md, "Failure classes").
_PERMANENT = tuple(
    getattr(sky_exc, name)
    for name in (
        "NoCloudAccessError",
        "InvalidClusterNameError",
        "ResourcesMismatchError",
        "NotSupportedError",
        "ApiServerAuthenticationError",
        "APIVersionMismatchError",
        "UserRequestRejectedByPolicy",
        "ClusterOwnerIdentityMismatchError",
        "InvalidSkyPilotConfigError",
        "CloudUserIdentityError",
        "StorageSpecError",
        "StorageBucketCreateError",
        "RequestCancelled",
        # Raised after SkyPilot itself failed over across every candidate location;
        # waiting for capacity is what launch.retry_until_up is for.
        "ResourcesUnavailableError",
    )
    if hasattr(sky_exc, name)
) + (ValueError, TypeError, KeyError)
# A request in these states is re-attached to; a FAILED one is sent again (its error
# was transient, or this attempt would not exist).
_REQUEST_REUSABLE = {"PENDING", "WAITING", "RUNNING", "SUCCEEDED"}
_RECONNECT_S = 3.0


class _Stream(io.TextIOBase):
    """A file-like object that hands SDK log output to a sink."""

    def __init__(self, sink: LogSink) -> None:
        self._sink = sink

    def write(self, text: str) -> int:
        self._sink(text)
        return len(text)

    def writable(self) -> bool:
        return True


def permanent_or_raise(err: BaseException) -> None:
    """Re-raises SkyPilot errors as PermanentError when retrying cannot help."""
    if isinstance(err, sky_exc.ClusterDoesNotExist):
        raise ClusterGone(str(err)) from None
    if isinstance(err, _PERMANENT):
        raise PermanentError(f"{type(err).__name__}: {err}") from None
    raise err


class SkyPilotExecutor:
    name = "skypilot"

    def __init__(self, threads: int = 64) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="skypilot-sdk")

    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))

    async def _result(self, request_fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self._call(lambda: sky.get(request_fn(*args, **kwargs)))

    # -- port -----------------------------------------------------------------
    async def find_job(self, cluster_name: str, job_name: str) -> int | None:
        try:
            records = await self._result(sky.queue, cluster_name, all_users=True)
        except (sky_exc.ClusterDoesNotExist, sky_exc.ClusterNotUpError):
            return None
        ids = [int(r["job_id"]) for r in records or [] if r.get("job_name") == job_name]
        return max(ids) if ids else None

    async def submit(
        self, sub: Submission, checkpoint: Checkpoint, resume: dict[str, Any], log_sink: LogSink
    ) -> int:
        request_id = resume.get("request_id")
        if not request_id and sub.retry:
            request_id = await self._inflight_request(sub)
        if request_id and await self._request_reusable(request_id):
            log.info("re-attaching to SkyPilot request %s", request_id)
        else:
            request_id = await self._send(sub)
            checkpoint({"request_id": request_id})
        try:
            job_id, _handle = await self._call(
                sky.stream_and_get, request_id, output_stream=_Stream(log_sink)
            )
        except Exception as err:  # noqa: BLE001 - classified below
            permanent_or_raise(err)
        if job_id is None:
            raise PermanentError(f"SkyPilot request {request_id} returned no job id")
        checkpoint({"request_id": request_id, "job_id": int(job_id)})
        return int(job_id)

    async def wait_job(self, cluster_name: str, job_id: int, log_sink: LogSink) -> str:
        stream = _Stream(log_sink)
        while True:
            try:
                # Returns when the job ends (or the stream breaks); the status below decides.
                await self._call(sky.tail_logs, cluster_name, job_id, follow=True, output_stream=stream)
                statuses = await self._result(sky.job_status, cluster_name, [job_id])
            except (sky_exc.ClusterDoesNotExist, sky_exc.ClusterNotUpError) as err:
                raise ClusterGone(f"cluster {cluster_name}: {err}") from None
            except _PERMANENT as err:
                permanent_or_raise(err)
            except Exception as err:  # noqa: BLE001 - API server restart, network blip
                log.warning("waiting for job %s on %s: %s; reconnecting", job_id, cluster_name, err)
                await asyncio.sleep(_RECONNECT_S)
                continue
            status = (statuses or {}).get(job_id)
            if status is None:
                raise PermanentError(f"job {job_id} not found on cluster {cluster_name}")
            value = getattr(status, "value", str(status))
            if value in TERMINAL:
                return value
            await asyncio.sleep(_RECONNECT_S)

    async def cancel(self, cluster_name: str, job_id: int | None, resume: dict[str, Any]) -> None:
        request_id = resume.get("request_id")
        try:
            if request_id and job_id is None:
                await self._call(sky.api_cancel, [request_id])
            if job_id is not None:
                await self._result(sky.cancel, cluster_name, job_ids=[job_id])
        except Exception as err:  # noqa: BLE001 - best effort; teardown follows
            log.warning("cancel on %s (job %s, request %s): %s", cluster_name, job_id, request_id, err)

    async def down(self, cluster_name: str) -> bool:
        try:
            await self._result(sky.down, cluster_name)
        except sky_exc.ClusterDoesNotExist:
            return False
        except Exception as err:  # noqa: BLE001
            permanent_or_raise(err)
        return True

    # -- helpers --------------------------------------------------------------
    async def _request_reusable(self, request_id: str) -> bool:
        try:
            found = await self._call(sky.api_status, [request_id])
        except Exception as err:  # noqa: BLE001 - decide by resubmitting
            log.warning("looking up request %s: %s", request_id, err)
            return False
        return any(str(getattr(r, "status", "")).split(".")[-1] in _REQUEST_REUSABLE for r in found)

    async def _inflight_request(self, sub: Submission) -> str | None:
        """A launch/exec request still running on this step's cluster.

        Covers a worker that died before its checkpoint reached the server: clusters
        are private to a run, so an in-flight request on one is this step's own.
        """
        try:
            found = await self._call(sky.api_status, None, cluster_name=sub.cluster_name)
        except Exception as err:  # noqa: BLE001
            log.warning("listing requests of %s: %s", sub.cluster_name, err)
            return None
        wanted = "launch" if sub.kind == "launch" else "exec"
        for r in found:
            name = str(getattr(r, "name", ""))
            if name.split(".")[-1] == wanted:
                return str(r.request_id)
        return None

    async def _send(self, sub: Submission) -> str:
        task = sub.task
        try:
            if sub.kind == "launch":
                autodown = sub.autodown_minutes
                return await self._call(
                    sky.launch,
                    task,
                    cluster_name=sub.cluster_name,
                    retry_until_up=sub.retry_until_up,
                    idle_minutes_to_autostop=autodown,
                    down=autodown is not None,
                )
            return await self._call(sky.exec, task, cluster_name=sub.cluster_name)
        except Exception as err:  # noqa: BLE001
            permanent_or_raise(err)
            raise
