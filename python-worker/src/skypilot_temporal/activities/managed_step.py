"""The activity of a `managed` step: submit its task as a managed job once, follow it
to its end, and report how often the executor brought it back.

The job outlives the activity: a retried attempt (a worker killed, a heartbeat lost)
finds it by the id its checkpoint holds, else by its deterministic name, and follows
it again; it never submits a second one. Only a cancel of the run cancels it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from temporalio import activity
from temporalio.exceptions import ApplicationError

from skypilot_temporal.activities.heartbeat import previous_checkpoint
from skypilot_temporal.contract.activity_types import StepInput, StepOutcome
from skypilot_temporal.contract.names import JOB_FAILED
from skypilot_temporal.executors.base import RECOVERING, SUCCEEDED, ManagedJob

if TYPE_CHECKING:
    from skypilot_temporal.activities.pipeline_activities import PipelineActivities

log = logging.getLogger("skypilot_temporal")


def rfc3339(epoch_s: float | None) -> str:
    """UTC, to the second, as the run's other times; "" for None."""
    if epoch_s is None:
        return ""
    return datetime.fromtimestamp(epoch_s, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def state_line(job: ManagedJob) -> str:
    """The line a change of the job's state adds to the step's output (live and tail)."""
    line = f"managed job {job.job_id} ({job.name}): {job.status}"
    if job.recoveries:
        line += f", recovered {job.recoveries} time{'s' if job.recoveries != 1 else ''}"
        if job.last_recovered_at is not None:
            line += f" (last at {rfc3339(job.last_recovered_at)})"
    if job.status == RECOVERING:
        line += ": the job lost its capacity and is being brought back"
    if job.failure_reason:
        line += f": {job.failure_reason}"
    return line + "\n"


async def run_managed(acts: PipelineActivities, inp: StepInput) -> StepOutcome:
    info = activity.info()
    started = asyncio.get_running_loop().time()
    executor = acts.executor
    async with acts.step_output(inp, f"managed step {inp.step} ({inp.task_yaml})") as out:
        resume = previous_checkpoint()
        job_id: int | None = resume.get("job_id")
        hb = acts.heartbeater(resume, out.live.snapshot)
        seen: list[tuple[str, int]] = []

        def on_change(job: ManagedJob) -> None:
            # Each new state once, in the output: RECOVERING shows live in every starter.
            if not seen or seen[-1] != (job.status, job.recoveries):
                seen.append((job.status, job.recoveries))
                out.sink(state_line(job))

        async with hb:
            try:
                if job_id is None and (info.attempt > 1 or resume):
                    # An earlier attempt may have submitted before its checkpoint landed.
                    job_id = await executor.find_managed(inp.job_name)
                    if job_id is not None:
                        hb.checkpoint({"job_id": job_id})
                if job_id is not None:
                    log.info("%s re-attaching to managed job %s (attempt %s)", out.tag, job_id, info.attempt)
                else:
                    log.info("%s managed %s (attempt %s)", out.tag, inp.task_yaml, info.attempt)
                    sub = await acts.submission(inp, "managed", out.secrets, retry=info.attempt > 1)
                    job_id = await executor.launch_managed(sub, hb.checkpoint, resume, out.sink)
                    hb.checkpoint({"job_id": job_id})
                    log.info("%s managed job %s submitted", out.tag, job_id)
                job = await executor.wait_managed(job_id, out.sink, out.secrets, on_change)
                on_change(job)
            except asyncio.CancelledError:
                await asyncio.shield(acts.on_cancel(inp, job_id, hb.details, out.tag, managed=True))
                raise
            finally:
                out.sink.flush()
        outcome = StepOutcome(
            step=inp.step,
            cluster_name=inp.cluster_name,
            job_id=job_id,
            status=job.status,
            duration_seconds=round(asyncio.get_running_loop().time() - started, 3),
            log_tail=out.tail.text(),
            metrics=dict(out.sink.metrics),
            recoveries=job.recoveries,
            last_recovered_at=rfc3339(job.last_recovered_at),
        )
        log.info("%s managed job %s %s after %s recoveries", out.tag, job_id, job.status, job.recoveries)
        if job.status != SUCCEEDED:
            why = f": {job.failure_reason}" if job.failure_reason else ""
            raise ApplicationError(
                f"step {inp.step}: managed job {job_id} ({inp.job_name}) ended {job.status}"
                f" after {job.recoveries} recover{'y' if job.recoveries == 1 else 'ies'}{why}",
                outcome,
                type=JOB_FAILED,
                non_retryable=True,
            )
        return outcome
