"""Managed jobs (`sky jobs launch`) on the SkyPilot executor.

SkyPilot's jobs controller gives a managed job its own capacity and brings it back
after a preemption, as the task's `resources.job_recovery` says; the worker submits
the job once, follows it, and cancels it only when asked. A managed job is found
again by the request that submits it, and by its name, which is deterministic per
step: a retried attempt re-attaches instead of submitting a second job.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import sky
from sky import exceptions as sky_exc

from skypilot_temporal.executors import base
from skypilot_temporal.executors.base import ClusterGone, ManagedJob, PermanentError, TransientError
from skypilot_temporal.executors.skypilot import streams as sky_streams
from skypilot_temporal.executors.skypilot.errors import classify
from skypilot_temporal.ops import tracing
from skypilot_temporal.ops.telemetry import sky_call

log = logging.getLogger(__name__)

# What the worker reads of a managed job; the controller's records hold much more.
_FIELDS = ["job_id", "task_id", "job_name", "status", "recovery_count", "last_recovered_at", "failure_reason"]
# One status request per followed job every this many seconds.
_POLL_S = 5.0
_RECONNECT_S = 3.0
# How long an ended job's log may take to arrive in full once its status says so.
_DRAIN_S = 30.0
_REQUEST_LIVE = {"PENDING", "WAITING", "RUNNING"}
_REQUEST_REUSABLE = _REQUEST_LIVE | {"SUCCEEDED"}
_LAUNCH_REQUEST = "jobs.launch"

Call = Callable[..., Awaitable[Any]]


def _request_status(record: Any) -> str:
    return str(getattr(record, "status", "")).split(".")[-1]


def _job_of(records: list[Any]) -> ManagedJob:
    """One managed job from its tasks' records: the task still going on, else the last."""
    records = sorted(records, key=lambda r: r.get("task_id") or 0)
    status_of = [str(getattr(r["status"], "value", r["status"])) for r in records]
    current = next((i for i, s in enumerate(status_of) if s not in base.MANAGED_TERMINAL), len(records) - 1)
    record, status = records[current], status_of[current]
    recoveries = int(record.get("recovery_count") or 0)
    # SkyPilot also stamps the job's first start here; it is a recovery only once one happened.
    recovered_at = record.get("last_recovered_at")
    return ManagedJob(
        job_id=int(record["job_id"]),
        name=str(record.get("job_name") or ""),
        status=status,
        recoveries=recoveries,
        last_recovered_at=float(recovered_at) if recoveries and recovered_at and recovered_at > 0 else None,
        failure_reason="" if status == base.SUCCEEDED else str(record.get("failure_reason") or ""),
    )


def managed_jobs_of(records: Iterable[Any]) -> list[ManagedJob]:
    """queue_v2's records (one per task) as one ManagedJob per job, by id."""
    by_id: dict[int, list[Any]] = {}
    for record in records:
        by_id.setdefault(int(record["job_id"]), []).append(record)
    return [_job_of(by_id[job_id]) for job_id in sorted(by_id)]


def _launched_id(result: Any, request_id: str) -> int:
    """The job id of a jobs.launch result, ([job_id], controller handle). The handle is
    never printed: its repr raises on the client."""
    ids = result[0] if isinstance(result, tuple) else result
    if not isinstance(ids, (list, tuple)):
        ids = [ids]
    ids = [int(i) for i in ids if i is not None]
    if not ids:
        raise PermanentError(f"SkyPilot request {request_id} returned no managed job id")
    return ids[0]


class ManagedJobs:
    """The managed-job half of SkyPilotExecutor. `call` runs a short blocking SDK call
    on the executor's thread pool."""

    def __init__(self, call: Call) -> None:
        self._call = call

    # -- lookups --------------------------------------------------------------
    async def _queue(
        self, what: str, span_job_id: int | None = None, span_name: str | None = None, **filters: Any
    ) -> list[Any]:
        """queue_v2 of every user's managed jobs, with `filters`; its records."""
        with sky_call("queue", job_id=span_job_id, managed_job=span_name) as span:
            try:
                request_id = await self._call(
                    sky.jobs.queue_v2, refresh=False, all_users=True, fields=_FIELDS, **filters
                )
                span.set_attribute("skypilot.request_id", str(request_id))
                result = await sky_streams.request_get(request_id)
            except sky_exc.ClusterDoesNotExist:
                return []  # no jobs controller was ever made: no managed job either
            except sky_exc.ClusterNotUpError as err:
                # The controller is there but not up: its jobs are, too.
                raise TransientError(f"{what}: jobs controller not up: {err}") from None
            except (PermanentError, TransientError):
                raise
            except Exception as err:  # noqa: BLE001 - classified
                classify(err, what)
        records = result[0] if isinstance(result, tuple) else result
        return list(records or [])

    async def find(self, job_name: str) -> int | None:
        records = await self._queue(f"managed jobs named {job_name}", span_name=job_name, name_match=job_name)
        # name_match matches a part of the name: only the exact one is this step's.
        ids = [int(r["job_id"]) for r in records if r.get("job_name") == job_name]
        return max(ids) if ids else None

    async def job(self, job_id: int) -> ManagedJob | None:
        records = await self._queue(f"managed job {job_id}", span_job_id=job_id, job_ids=[job_id])
        records = [r for r in records if int(r["job_id"]) == job_id]
        return _job_of(records) if records else None

    async def jobs(self) -> list[ManagedJob]:
        return managed_jobs_of(await self._queue("managed jobs"))

    async def _request_state(self, request_id: str) -> str | None:
        """The status of an API server request; None if unknown (forgotten, or the
        server did not answer)."""
        try:
            found = await self._call(sky.api_status, [request_id])
        except Exception as err:  # noqa: BLE001 - decided by looking for the job instead
            log.warning("looking up request %s: %s", request_id, err)
            return None
        return next((_request_status(r) for r in found if r.request_id == request_id), None)

    async def _inflight_launch(self, job_name: str) -> str | None:
        """A jobs.launch request for `job_name` still running: covers a worker that died
        before its request's checkpoint reached the server."""
        try:
            found = await self._call(sky.api_status, None)
        except Exception as err:  # noqa: BLE001 - none found: look for the job itself
            log.warning("listing requests in flight: %s", err)
            return None
        for r in found:
            if not str(r.name).endswith(_LAUNCH_REQUEST) or _request_status(r) not in _REQUEST_LIVE:
                continue
            try:
                body = json.loads(r.request_body or "{}")
            except ValueError:
                continue
            if isinstance(body, dict) and body.get("name") == job_name:
                return str(r.request_id)
        return None

    # -- launch ---------------------------------------------------------------
    async def launch(
        self, sub: base.Submission, checkpoint: base.Checkpoint, resume: dict[str, Any], log_sink: base.LogSink
    ) -> int:
        if sub.kind != "managed":
            raise PermanentError(f"kind: {sub.kind!r} is not allowed for a managed job; use 'managed'")
        name = sub.job_name
        with sky_call("launch", managed_job=name) as span:
            if resume.get("job_id") is not None:
                job_id = int(resume["job_id"])
                span.set_attribute("skypilot.job_id", job_id)
                return job_id
            request_id = resume.get("request_id")
            if request_id and await self._request_state(request_id) in _REQUEST_REUSABLE:
                log.info("re-attaching to SkyPilot request %s (managed job %s)", request_id, name)
            else:
                request_id = None
                if resume or sub.retry:
                    # An earlier attempt's request failed, was cancelled or is forgotten,
                    # or never reached the checkpoint: its job may exist all the same.
                    found = await self.find(name)
                    if found is not None:
                        log.info("re-attaching to managed job %s (%s)", found, name)
                        checkpoint({"job_id": found}, urgent=False)
                        span.set_attribute("skypilot.job_id", found)
                        return found
                    request_id = await self._inflight_launch(name)
                if request_id is None:
                    request_id = await self._send(sub)
                    checkpoint({"request_id": request_id})
            span.set_attribute("skypilot.request_id", str(request_id))
            try:
                result = await sky_streams.request_result(request_id, log_sink)
            except Exception as err:  # noqa: BLE001 - classified
                classify(err, f"managed job launch request {request_id} ({name})")
            job_id = _launched_id(result, request_id)
            span.set_attribute("skypilot.job_id", job_id)
        # Not urgent: a later attempt finds the job by its name as well.
        checkpoint({"request_id": request_id, "job_id": job_id}, urgent=False)
        return job_id

    async def _send(self, sub: base.Submission) -> str:
        try:
            return str(await self._call(sky.jobs.launch, sub.task, name=sub.job_name))
        except Exception as err:  # noqa: BLE001 - classified
            classify(err, f"managed job launch of {sub.job_name}")

    # -- wait -----------------------------------------------------------------
    async def wait(self, job_id: int, log_sink: base.LogSink, on_change: Callable[[ManagedJob], None]) -> ManagedJob:
        follower = _LogFollower(job_id, log_sink)
        last: tuple[str, int] | None = None
        try:
            while True:
                try:
                    job = await self.job(job_id)
                except TransientError as err:
                    log.warning("status of managed job %s: %s; asking again", job_id, err)
                    await asyncio.sleep(_POLL_S)
                    continue
                if job is None:
                    raise ClusterGone(f"managed job {job_id} does not exist")
                follower.recoveries = job.recoveries
                follower.start(job.name)
                if (job.status, job.recoveries) != last:
                    last = (job.status, job.recoveries)
                    on_change(job)
                if job.status in base.MANAGED_TERMINAL:
                    await follower.drain(_DRAIN_S)
                    return job
                await asyncio.sleep(_POLL_S)
        finally:
            follower.stop()

    # -- cancel ---------------------------------------------------------------
    async def cancel(self, job_id: int | None, job_name: str, resume: dict[str, Any]) -> None:
        request_id = resume.get("request_id")
        try:
            if job_id is None and resume.get("job_id") is not None:
                job_id = int(resume["job_id"])
            if job_id is None:
                job_id = await self._cancel_submission(job_name, request_id)
            if job_id is None:
                log.info("no managed job %s to cancel", job_name)
                return
            with sky_call("cancel", job_id=job_id, managed_job=job_name) as span:
                cancel_id = await self._call(sky.jobs.cancel, job_ids=[job_id])
                span.set_attribute("skypilot.request_id", str(cancel_id))
                await sky_streams.request_get(cancel_id)
        except Exception as err:  # noqa: BLE001 - best effort, never raises
            log.warning("cancel of managed job %s (%s, request %s): %s", job_id, job_name, request_id, err)

    async def _cancel_submission(self, job_name: str, request_id: str | None) -> int | None:
        """Stops a submission still in flight, and returns the job it already made, if any."""
        state = await self._request_state(request_id) if request_id else None
        if request_id and state == "SUCCEEDED":
            return _launched_id(await sky_streams.request_get(request_id), request_id)
        if not (request_id and state in _REQUEST_LIVE):
            request_id = await self._inflight_launch(job_name)
        if request_id:
            with sky_call("cancel", managed_job=job_name) as span:
                span.set_attribute("skypilot.request_id", str(request_id))
                await sky_streams.request_get(await self._call(sky.api_cancel, [request_id]))
        # The request may have submitted the job before it was stopped.
        return await self.find(job_name)


class _Stopped(Exception):
    """Ends a log stream nobody follows any more."""


class _StoppableStream(sky_streams.LineStream):
    def __init__(self, sink: base.LogSink, skip: int, stopped: threading.Event) -> None:
        super().__init__(sink, skip=skip)
        self._stopped = stopped

    def write(self, text: str) -> int:
        if self._stopped.is_set():
            raise _Stopped()
        return super().write(text)


class _LogFollower:
    """Follows a managed job's log (sky.jobs.tail_logs) on a thread of its own, resuming
    a stream that breaks or ends while the job goes on.

    A thread of its own, not the executor's pool: a job runs for hours and the pool is
    for short calls. A daemon thread: a stream blocked on a quiet job must not keep
    the worker from exiting.
    """

    def __init__(self, job_id: int, sink: base.LogSink) -> None:
        self._job_id = job_id
        self._sink = sink
        # The job ended: let the stream finish, but do not open another.
        self._ended = threading.Event()
        # Nobody follows any more: drop what still arrives and end the stream.
        self._stopped = threading.Event()
        self._name = ""
        self._finished: asyncio.Future[None] | None = None
        # A recovery restarts the job's run, and with it its log.
        self.recoveries = 0

    def start(self, name: str) -> None:
        if self._finished is not None:
            return
        self._name = name
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()
        self._finished = finished
        context = contextvars.copy_context()  # the activity's span and info

        def finish() -> None:
            if not finished.done():
                finished.set_result(None)

        def run() -> None:
            try:
                context.run(self._follow)
            finally:
                try:
                    loop.call_soon_threadsafe(finish)
                except RuntimeError:
                    pass  # the event loop is gone (worker exiting)

        threading.Thread(target=run, name=f"managed-job-{self._job_id}-log", daemon=True).start()

    async def drain(self, timeout: float) -> None:
        """Waits up to `timeout` for the stream of an ended job to finish."""
        self._ended.set()
        if self._finished is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._finished), timeout)
            except asyncio.TimeoutError:
                log.warning("log of managed job %s still streaming %.0f s after it ended", self._job_id, timeout)

    def stop(self) -> None:
        self._ended.set()
        self._stopped.set()

    def _follow(self) -> None:
        seen, run = 0, self.recoveries
        while not self._stopped.is_set():
            if self.recoveries != run:
                seen, run = 0, self.recoveries
            stream = _StoppableStream(self._sink, seen, self._stopped)
            try:
                with sky_call("tail", job_id=self._job_id, managed_job=self._name) as span:
                    try:
                        code = sky.jobs.tail_logs(job_id=self._job_id, follow=True, output_stream=stream)
                    except _Stopped:
                        return
                    if code is not None:
                        tracing.job_exit(span, int(code))
            except Exception as err:  # noqa: BLE001 - API server restart, network blip
                log.warning("following managed job %s: %s; reconnecting", self._job_id, err)
            seen = max(seen, stream.lines)
            if self._ended.wait(_RECONNECT_S):
                return
