"""The SkyPilot executor: the SDK against an API server, never blocking the event loop.

Submissions (launch, provision, exec, cancel, down, autostop, queue) are short
blocking HTTP calls and run on this executor's own thread pool; every wait for a
result or a job runs on the event loop (streams.py), so no number of long jobs can
starve a cancel or a down.
Requests are checkpointed by id as soon as they exist, so a retried attempt
re-attaches to the same request or job instead of submitting again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sky

from skypilot_temporal.executors import base
from skypilot_temporal.executors.base import ClusterGone, Executor, PermanentError, Submission, TransientError
from skypilot_temporal.executors.skypilot import pricing as sky_pricing
from skypilot_temporal.executors.skypilot import streams as sky_streams
from skypilot_temporal.executors.skypilot.errors import GONE as _GONE
from skypilot_temporal.executors.skypilot.errors import PERMANENT as _PERMANENT
from skypilot_temporal.executors.skypilot.errors import classify
from skypilot_temporal.executors.skypilot.managed import ManagedJobs
from skypilot_temporal.ops import tracing
from skypilot_temporal.ops.telemetry import sky_call

log = logging.getLogger(__name__)
T = TypeVar("T")

# A request in these states is re-attached to; a FAILED one is sent again (its error
# was transient, or this attempt would not exist).
_REQUEST_REUSABLE = {"PENDING", "WAITING", "RUNNING", "SUCCEEDED"}
_RECONNECT_S = 3.0
# sky.exceptions.JobExitCode values that name the final status on their own.
_EXIT_STATUS = {0: base.SUCCEEDED, 103: base.CANCELLED}
_EXIT_NOT_FOUND = 102
_RUN_TAGGED = re.compile(r"-[0-9a-f]{8}$")
# Clusters whose hourly price is kept: more than the clusters a worker's runs have up.
_PRICES_KEPT = 512


class SkyPilotExecutor(Executor):
    name = "skypilot"

    def __init__(self, threads: int = 64) -> None:
        # The worker talks to the API server the operator runs. When a local endpoint
        # does not answer (say, while it restarts), the SDK would start a server of
        # its own inside the worker's process tree: a second server with its own
        # requests and state that nobody asked for, which outlives the outage. The
        # worker waits for the operator's server instead (calls fail and are
        # retried). An operator who wants the SDK's behaviour sets the variable to 0.
        os.environ.setdefault("SKYPILOT_DISABLE_LOCAL_API_SERVER", "1")
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="skypilot-sdk")
        # A cluster's price holds while it is up; a down forgets it (the name may come back
        # on other resources).
        self._prices = sky_pricing.PriceCache(_PRICES_KEPT)
        self._managed = ManagedJobs(self._call)

    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A short blocking SDK call (a submission or a lookup) on the pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))

    async def _request(
        self, call: str, cluster: str, what: str, request_fn: Callable[..., str], *args: Any,
        span_job_id: int | None = None, **kwargs: Any,
    ) -> Any:
        """Submits a request on the pool, then waits for its result on the event loop.
        `span_job_id` is the job the call is about, for its span."""
        with sky_call(call, cluster, job_id=span_job_id) as span:
            try:
                request_id = await self._call(request_fn, *args, **kwargs)
                span.set_attribute("skypilot.request_id", str(request_id))
                return await sky_streams.request_get(request_id)
            except (PermanentError, TransientError):
                raise
            except Exception as err:  # noqa: BLE001 - classified
                classify(err, what)

    # -- port -----------------------------------------------------------------
    async def find_job(self, cluster_name: str, job_name: str) -> int | None:
        try:
            records = await self._request(
                "queue", cluster_name, f"queue of {cluster_name}", sky.queue, cluster_name, all_users=True
            )
        except ClusterGone:
            return None
        ids = [int(r["job_id"]) for r in records or [] if r.get("job_name") == job_name]
        return max(ids) if ids else None

    async def submit(
        self, sub: Submission, checkpoint: base.Checkpoint, resume: dict[str, Any], log_sink: base.LogSink
    ) -> int:
        with sky_call(sub.kind, sub.cluster_name) as span:
            request_id = await self._send_or_reattach(sub, checkpoint, resume)
            span.set_attribute("skypilot.request_id", request_id)
            try:
                job_id, _handle = await sky_streams.request_result(request_id, log_sink)
            except Exception as err:  # noqa: BLE001 - classified
                classify(err, f"{sub.kind} request {request_id} on {sub.cluster_name}")
            if job_id is None:
                raise PermanentError(f"SkyPilot request {request_id} returned no job id")
            span.set_attribute("skypilot.job_id", int(job_id))
        checkpoint({"request_id": request_id, "job_id": int(job_id)})
        return int(job_id)

    async def _send_or_reattach(self, sub: Submission, checkpoint: base.Checkpoint, resume: dict[str, Any]) -> str:
        """The request of this step: an earlier attempt's, if still usable, else a new one."""
        request_id = resume.get("request_id")
        if not request_id and sub.retry:
            request_id = await self._inflight_request(sub)
        if request_id and await self._request_reusable(request_id):
            log.info("re-attaching to SkyPilot request %s", request_id)
            return str(request_id)
        request_id = await self._send(sub)
        checkpoint({"request_id": request_id})
        return request_id

    async def provision(
        self, sub: Submission, checkpoint: base.Checkpoint, resume: dict[str, Any], log_sink: base.LogSink
    ) -> None:
        # A launch of the task without its `run`: SkyPilot provisions the cluster,
        # syncs files and runs `setup`; the step's `exec` runs the task later.
        sub.task.run = None
        with sky_call("provision", sub.cluster_name) as span:
            request_id = await self._send_or_reattach(sub, checkpoint, resume)
            span.set_attribute("skypilot.request_id", request_id)
            try:
                await sky_streams.request_result(request_id, log_sink)
            except Exception as err:  # noqa: BLE001 - classified
                classify(err, f"provisioning request {request_id} on {sub.cluster_name}")

    async def wait_job(
        self, cluster_name: str, job_id: int, log_sink: base.LogSink, secrets: Mapping[str, str]
    ) -> str:
        seen = 0
        while True:
            stream = sky_streams.LineStream(log_sink, skip=seen)
            try:
                with sky_call("tail", cluster_name, job_id=job_id) as span:
                    code = await sky_streams.tail_job(cluster_name, job_id, stream)
                    tracing.job_exit(span, code)
            except _GONE as err:
                raise ClusterGone(f"cluster {cluster_name}: {err}") from None
            except _PERMANENT as err:
                classify(err, f"logs of job {job_id} on {cluster_name}")
            except Exception as err:  # noqa: BLE001 - API server restart, network blip
                log.warning("following job %s on %s: %s; reconnecting", job_id, cluster_name, err)
                seen = max(seen, stream.lines)
                await asyncio.sleep(_RECONNECT_S)
                continue
            seen = max(seen, stream.lines)
            if code in _EXIT_STATUS:
                return _EXIT_STATUS[code]
            if code == _EXIT_NOT_FOUND:
                raise PermanentError(f"job {job_id} not found on cluster {cluster_name}")
            # Failed (FAILED, FAILED_SETUP, FAILED_DRIVER... share one code) or the
            # stream ended early: only here is the exact status worth a request.
            status = await self._job_status(cluster_name, job_id)
            if status in base.TERMINAL:
                return status
            await asyncio.sleep(_RECONNECT_S)

    async def cancel(self, cluster_name: str, job_id: int | None, resume: dict[str, Any]) -> None:
        request_id = resume.get("request_id")
        try:
            if request_id and job_id is None:
                await self._request(
                    "cancel", cluster_name, f"cancel of request {request_id}", sky.api_cancel, [request_id]
                )
            if job_id is not None:
                await self._request(
                    "cancel", cluster_name, f"cancel of job {job_id}", sky.cancel, cluster_name, job_ids=[job_id],
                    span_job_id=job_id,
                )
        except Exception as err:  # noqa: BLE001 - best effort; teardown follows
            log.warning("cancel on %s (job %s, request %s): %s", cluster_name, job_id, request_id, err)

    async def down(self, cluster_name: str) -> bool:
        self._prices.forget(cluster_name)
        try:
            await self._request("down", cluster_name, f"down of {cluster_name}", sky.down, cluster_name)
        except ClusterGone:
            return False
        return True

    async def keep_up(self, cluster_name: str, minutes: int) -> bool:
        # A cluster that is not UP (ClusterNotUpError) is gone to a step as well: exec
        # cannot use it, and a launch would set the autodown again anyway.
        try:
            await self._request(
                "autostop", cluster_name, f"autodown of {cluster_name}", sky.autostop, cluster_name,
                idle_minutes=minutes, down=True,
            )
        except ClusterGone:
            return False
        return True

    # -- managed jobs (managed.py) ----------------------------------------------
    async def find_managed(self, job_name: str) -> int | None:
        return await self._managed.find(job_name)

    async def launch_managed(
        self, sub: Submission, checkpoint: base.Checkpoint, resume: dict[str, Any], log_sink: base.LogSink
    ) -> int:
        return await self._managed.launch(sub, checkpoint, resume, log_sink)

    async def wait_managed(
        self, job_id: int, log_sink: base.LogSink, secrets: Mapping[str, str],
        on_change: Callable[[base.ManagedJob], None],
    ) -> base.ManagedJob:
        # The jobs controller restarts a recovered job from its own copy of the task.
        return await self._managed.wait(job_id, log_sink, on_change)

    async def cancel_managed(self, job_id: int | None, job_name: str, resume: dict[str, Any]) -> None:
        await self._managed.cancel(job_id, job_name, resume)

    async def managed_jobs(self) -> list[base.ManagedJob]:
        return await self._managed.jobs()

    async def hourly_cost(self, cluster_name: str) -> float | None:
        """As the API server prices the cluster up under that name (pricing.py). None when
        SkyPilot has no price for it, and when no such cluster is up (then not kept: a
        later call asks again)."""
        if cluster_name in self._prices:
            return self._prices.get(cluster_name)
        records = await self._request(
            "cost_report", cluster_name, f"price of {cluster_name}", sky_pricing.request_cost_report, cluster_name
        )
        record = sky_pricing.current_record(records, cluster_name)
        if record is None or not record.get("duration"):
            # Not up, or up for less than a second: no time yet to divide its cost by.
            return None
        price = sky_pricing.hourly_price(record)
        self._prices.put(cluster_name, price)
        return price

    async def clusters_up(self) -> int:
        """Clusters of runs (names ending in a run tag) the API server knows, any user's."""
        records = await self._request("status", "", "cluster status", sky.status, all_users=True)
        return sum(1 for r in records or [] if _RUN_TAGGED.search(str(r.get("name", ""))))

    # -- helpers --------------------------------------------------------------
    async def _job_status(self, cluster_name: str, job_id: int) -> str:
        statuses = await self._request(
            "status", cluster_name, f"status of job {job_id} on {cluster_name}", sky.job_status, cluster_name, [job_id],
            span_job_id=job_id,
        )
        status = (statuses or {}).get(job_id)
        if status is None:
            raise PermanentError(f"job {job_id} not found on cluster {cluster_name}")
        return str(getattr(status, "value", status))

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
        except Exception as err:  # noqa: BLE001 - none found: a new request is sent
            log.warning("listing requests of %s: %s", sub.cluster_name, err)
            return None
        wanted = "exec" if sub.kind == "exec" else "launch"
        for r in found:
            name = str(getattr(r, "name", ""))
            if name.split(".")[-1] == wanted:
                return str(r.request_id)
        return None

    async def _send(self, sub: Submission) -> str:
        task = sub.task
        try:
            if sub.kind in ("launch", "provision"):
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
        except Exception as err:  # noqa: BLE001 - classified
            classify(err, f"{sub.kind} on {sub.cluster_name}")
