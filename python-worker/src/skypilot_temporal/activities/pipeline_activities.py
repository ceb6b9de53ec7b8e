"""The seven activities (clone, launch, exec, provision, managed, down, keep up). Thin: policy
here, mechanics in tasks/ (checkout, task building) and the executors.

Every error leaving an activity goes through a FailureBoundary (failures.py): typed,
secret values masked, unexpected ones not retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import shutil
from collections.abc import AsyncIterator, Callable
from typing import Any

from google.protobuf import json_format
from temporalio import activity
from temporalio.client import WorkflowExecutionStatus
from temporalio.exceptions import ApplicationError

from skypilot_temporal.activities.clone_check import check_clone
from skypilot_temporal.activities.failures import FailureBoundary
from skypilot_temporal.activities.heartbeat import Heartbeater, previous_checkpoint
from skypilot_temporal.activities.joblog import LiveLines, StepLog
from skypilot_temporal.activities.managed_step import run_managed
from skypilot_temporal.config.secret_policy import Redactor, SecretRefused, resolve_secrets
from skypilot_temporal.config.settings import Settings
from skypilot_temporal.contract.activity_types import (
    NOTIFY_DETAIL,
    RUN_GIT_CLONE,
    RUN_SKY_DOWN,
    RUN_SKY_EXEC,
    RUN_SKY_KEEP_UP,
    RUN_SKY_LAUNCH,
    RUN_SKY_MANAGED,
    RUN_SKY_PROVISION,
    CloneInput,
    CloneResult,
    DownInput,
    DownResult,
    KeepUpInput,
    KeepUpResult,
    ProvisionOutcome,
    StepInput,
    StepOutcome,
)
from skypilot_temporal.contract.metrics import SECRETS_REFUSED
from skypilot_temporal.contract.names import ENDPOINT_MISMATCH, JOB_FAILED
from skypilot_temporal.executors.base import SUCCEEDED, Executor, Submission
from skypilot_temporal.ops import telemetry, tracing
from skypilot_temporal.pipeline.dag import InvalidInput
from skypilot_temporal.pipeline.limits import FleetLimits
from skypilot_temporal.tasks.build import LogTail, load_and_build
from skypilot_temporal.tasks.housekeeping import InUse
from skypilot_temporal.tasks.parser_pool import ParserPool
from skypilot_temporal.tasks.repo import RepoPolicy, checkout_dir, ensure_checkout, path_digests
from skypilot_temporal.tasks.task_cache import TaskCache, task_key
from skypilot_temporal.tasks.task_paths import check_task_paths

log = logging.getLogger("skypilot_temporal")
# How long a step waits for its cluster's hourly price after its job ended.
_PRICE_TIMEOUT_S = 10.0


class PipelineActivities:
    def __init__(
        self, settings: Settings, executor: Executor, endpoint: str = "", in_use: InUse | None = None,
        parsers: ParserPool | None = None, placement_queue: str = "",
    ) -> None:
        self.settings = settings
        self.executor = executor
        # Where the activities of a run this worker clones go next (placement.py).
        self.placement_queue = placement_queue
        # Checkouts in use by running activities: housekeeping leaves them alone.
        self.in_use = in_use if in_use is not None else InUse()
        # The SkyPilot endpoint this worker's SDK talks to (fixed for the process).
        self.endpoint = endpoint.rstrip("/")
        self.policy = RepoPolicy(
            allow_local=settings.allow_local_repos,
            max_yaml_bytes=settings.max_yaml_bytes,
            max_repo_bytes=settings.max_repo_bytes,
        )
        # What the clone built, for the steps of the same run (never with secrets).
        self.tasks = TaskCache()
        # What a run of this fleet may hold (SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN, _MAX_BRANCHES).
        self.limits = FleetLimits(settings.max_branches, settings.max_clusters_per_run)
        # Where tasks are built: CPU work, kept off the worker's GIL (parser_pool.py).
        self.parsers = parsers if parsers is not None else ParserPool(0)

    def all(self) -> list[Callable[..., Any]]:
        return [self.run_git_clone, self.run_sky_launch, self.run_sky_exec, self.run_sky_provision,
                self.run_sky_managed, self.run_sky_down, self.run_sky_keep_up]

    def heartbeater(
        self, details: dict[str, Any] | None = None, output: Callable[[], dict[str, Any]] | None = None
    ) -> Heartbeater:
        return Heartbeater(details, output, every_s=self.settings.heartbeat_throttle_seconds)

    def _secrets(self, names: list[str]) -> dict[str, str]:
        try:
            return resolve_secrets(names, self.settings.environ, self.settings.secret_allowlist)
        except SecretRefused:
            telemetry.count(SECRETS_REFUSED)
            raise

    # -- clone ----------------------------------------------------------------
    @activity.defn(name=RUN_GIT_CLONE)
    async def run_git_clone(self, inp: CloneInput) -> CloneResult:
        info = activity.info()
        tag = _tag(info.workflow_id, "clone")
        log.info("%s cloning %s (attempt %s)", tag, inp.repo_url, info.attempt)
        # A run that fails here still learns whether to notify: the clone's failure says so.
        notify = ({NOTIFY_DETAIL: bool(self.settings.notify_url)},)
        async with FailureBoundary(f"clone of {inp.repo_url}", notify) as boundary, self.heartbeater():
            with self.in_use.hold(inp.run_key):
                # A secret this worker does not hand out fails the run before git runs.
                secrets = self._secrets(inp.secret_env_names)
                boundary.redact = Redactor(secrets)
                repo_dir, commit = await ensure_checkout(
                    self.settings.work_dir, inp.run_key, inp.repo_url, inp.branch, inp.commit, self.policy,
                    fresh=inp.fresh,
                )
                # The pipeline and every task it runs are built now, exactly as the
                # steps will build them (SkyPilot's parser, the path policy), so a bad
                # file or YAML of a late step fails the run before any cluster is
                # launched. CPU work: in a parser process. What is built is kept for
                # the run's steps (never with secrets).
                dag, spec, source, built, uses = await self.parsers.run(
                    check_clone, repo_dir, inp.steps, inp.pipeline_file, inp.provision_ahead,
                    inp.envs_override, secrets, self.policy, not secrets, self.limits,
                )
                for rel, envs, task in built:
                    if task is not None:
                        self.tasks.put(task_key(repo_dir, commit, rel, envs, secrets), task)
                # What each task reads, by git's object ids: a resumed run's keys (pipeline/resume.py).
                digests = await path_digests(repo_dir, uses)
        log.info("%s cloned %s at %s%s", tag, inp.repo_url, commit[:12],
                 f" (pipeline {source}: {len(dag.steps)} steps)" if source else "")
        return CloneResult(
            commit=commit,
            pipeline=json_format.MessageToDict(spec, preserving_proto_field_name=True) if spec else None,
            pipeline_file=source,
            task_queue=self.placement_queue,
            metrics_step_label=self.settings.metrics_step_label,
            notify=bool(self.settings.notify_url),
            task_digests=digests,
            max_clusters_per_run=self.limits.max_clusters,
            max_branches=self.limits.max_branches,
            team_quotas=self.settings.team_quotas,
        )

    # -- launch / exec ----------------------------------------------------------
    @activity.defn(name=RUN_SKY_LAUNCH)
    async def run_sky_launch(self, inp: StepInput) -> StepOutcome:
        return await self._run_step(inp, "launch")

    @activity.defn(name=RUN_SKY_EXEC)
    async def run_sky_exec(self, inp: StepInput) -> StepOutcome:
        return await self._run_step(inp, "exec")

    @activity.defn(name=RUN_SKY_MANAGED)
    async def run_sky_managed(self, inp: StepInput) -> StepOutcome:
        """Runs the step's task as a managed job (activities/managed_step.py)."""
        with self.in_use.hold(inp.run_key):
            return await run_managed(self, inp)

    @activity.defn(name=RUN_SKY_PROVISION)
    async def run_sky_provision(self, inp: StepInput) -> ProvisionOutcome:
        """Provisions a step's cluster and runs its task's `setup`, without its `run`:
        the step's task follows with `exec` once the steps it needs are done."""
        attempt = activity.info().attempt
        with self.in_use.hold(inp.run_key):
            async with self.step_output(inp, f"provisioning for step {inp.step} ({inp.task_yaml})") as out:
                hb = self.heartbeater(previous_checkpoint(), out.live.snapshot)
                async with hb:
                    log.info("%s provisioning ahead (attempt %s)", out.tag, attempt)
                    sub = await self.submission(inp, "provision", out.secrets, retry=attempt > 1)
                    try:
                        await self.executor.provision(sub, hb.checkpoint, hb.details, out.sink)
                    except asyncio.CancelledError:
                        details = activity.cancellation_details()
                        if details is not None and details.cancel_requested:
                            await asyncio.shield(self.executor.cancel(inp.cluster_name, None, hb.details))
                        raise
                    finally:
                        out.sink.flush()
                log.info("%s cluster ready", out.tag)
                return ProvisionOutcome(cluster_name=inp.cluster_name, log_tail=out.tail.text())

    async def _run_step(self, inp: StepInput, kind: str) -> StepOutcome:
        with self.in_use.hold(inp.run_key):
            return await self._step(inp, kind)

    async def _step(self, inp: StepInput, kind: str) -> StepOutcome:
        info = activity.info()
        started = asyncio.get_running_loop().time()
        async with self.step_output(inp, f"step {inp.step} ({inp.task_yaml})") as out:
            tag, secrets, tail, sink = out.tag, out.secrets, out.tail, out.sink
            resume = previous_checkpoint()
            job_id: int | None = resume.get("job_id")
            hb = self.heartbeater(resume, out.live.snapshot)
            async with hb:
                try:
                    if job_id is None and info.attempt > 1:
                        # An earlier attempt may have submitted before its checkpoint landed.
                        job_id = await self.executor.find_job(inp.cluster_name, inp.job_name)
                        if job_id is not None:
                            hb.checkpoint({"job_id": job_id})
                    if job_id is not None:
                        log.info("%s re-attaching to job %s (attempt %s)", tag, job_id, info.attempt)
                    else:
                        log.info("%s %s %s (attempt %s)", tag, kind, inp.task_yaml, info.attempt)
                        sub = await self.submission(inp, kind, secrets, retry=info.attempt > 1)
                        job_id = await self.executor.submit(sub, hb.checkpoint, resume, sink)
                        log.info("%s job %s submitted", tag, job_id)
                    status = await self.executor.wait_job(inp.cluster_name, job_id, sink, secrets)
                except asyncio.CancelledError:
                    await asyncio.shield(self.on_cancel(inp, job_id, hb.details, tag))
                    raise
                finally:
                    sink.flush()
                duration = round(asyncio.get_running_loop().time() - started, 3)
                # While the heartbeats still go: the lookup is bounded, yet may take seconds.
                usd_per_hour = await self._hourly_cost(inp.cluster_name, tag)
            outcome = StepOutcome(
                step=inp.step,
                cluster_name=inp.cluster_name,
                job_id=job_id,
                status=status,
                duration_seconds=duration,
                log_tail=tail.text(),
                metrics=dict(sink.metrics),
                usd_per_hour=usd_per_hour,
            )
            log.info("%s job %s %s%s", tag, job_id, status,
                     f" metrics {sink.metrics}" if sink.metrics else "")
            if status != SUCCEEDED:
                # Not retryable: the job ran; a retry would run it again.
                raise ApplicationError(
                    f"step {inp.step}: job {job_id} on cluster {inp.cluster_name} ended {status}",
                    outcome,
                    type=JOB_FAILED,
                    non_retryable=True,
                )
            return outcome

    async def _hourly_cost(self, cluster_name: str, tag: str) -> float | None:
        """What the step's cluster costs per hour, best effort: a lookup that fails or
        outlasts _PRICE_TIMEOUT_S leaves it unknown, never fails or holds up the step."""
        try:
            return await asyncio.wait_for(self.executor.hourly_cost(cluster_name), _PRICE_TIMEOUT_S)
        except Exception as err:  # noqa: BLE001 - best effort: a price never fails a step
            log.warning("%s hourly price of %s unknown: %s: %s", tag, cluster_name, type(err).__name__, err)
            return None

    @contextlib.asynccontextmanager
    async def step_output(self, inp: StepInput, where: str) -> AsyncIterator[StepOutput]:
        """A step activity's FailureBoundary, with the step's secrets resolved and its
        redactor in place, and where the step's output goes."""
        info = activity.info()
        tag = _tag(info.workflow_id, inp.step, inp.cluster_name)
        tracing.in_step(inp.step)
        async with FailureBoundary(where) as boundary:
            self._check_endpoint(inp.api_server_endpoint)
            secrets = self._secrets(inp.secret_env_names)
            redact = boundary.redact = Redactor(secrets)
            tail = LogTail(self.settings.log_tail_lines, self.settings.log_tail_bytes)
            # The step's latest output rides on its heartbeats, masked like the rest.
            live = LiveLines(inp.step, inp.cluster_name, info.attempt, inp.label)
            yield StepOutput(tag, secrets, tail, live, StepLog(tag, redact, tail, live))

    async def on_cancel(
        self, inp: StepInput, job_id: int | None, resume: dict[str, Any], tag: str, managed: bool = False
    ) -> None:
        """Cancels the SkyPilot request/job (`managed`: the managed job) only when the RUN
        asked for it.

        Temporal also cancels an attempt whose heartbeat finds it superseded (the retry
        already runs elsewhere and re-attached to this very job), on pause, reset and
        worker shutdown: then this attempt only stops waiting. A run that is gone
        altogether (terminated) has nobody left to tear down this step's cluster, so
        this attempt does it.
        """
        details = activity.cancellation_details()
        asked = details is not None and details.cancel_requested and not (
            details.not_found or details.timed_out or details.paused or details.reset
            or details.worker_shutdown
        )
        gone = details is not None and (details.not_found or details.timed_out)
        async def cancel_job() -> None:
            if managed:
                await self.executor.cancel_managed(job_id, inp.job_name, resume)
            else:
                await self.executor.cancel(inp.cluster_name, job_id, resume)

        if asked:
            log.info("%s run cancelled: cancelling job %s", tag, job_id)
            await cancel_job()
        if (asked or gone) and await _run_closed():
            # Terminated (e.g. right after a cancel): no teardown will come from the run.
            log.warning("%s the run is closed without teardown: cancelling job %s%s", tag, job_id,
                        "" if managed else f", downing {inp.cluster_name}")
            if not asked:
                await cancel_job()
            if not managed:  # a managed job's capacity goes with the job
                await self.executor.down(inp.cluster_name)
        elif not asked:
            log.info("%s attempt stopped (%s); job %s keeps running", tag, _reason(details), job_id)

    async def submission(
        self, inp: StepInput, kind: str, secrets: dict[str, str], retry: bool
    ) -> Submission:
        repo_dir, _ = await ensure_checkout(
            self.settings.work_dir, inp.run_key, inp.repo_url, inp.branch, inp.commit, self.policy
        )
        # A deterministic name: a later attempt finds this job in the cluster's queue.
        envs = {**inp.envs_override, **inp.step_envs}
        key = task_key(repo_dir, inp.commit, inp.task_yaml, envs, secrets)
        task = self.tasks.get(key)
        if task is not None:
            # The clone of this run built this very task from this commit; the path
            # policy is checked again on the checkout as it is now.
            task.name = inp.job_name
            check_task_paths(task, repo_dir, inp.task_yaml)
        else:
            task = await self.parsers.run(
                load_and_build, repo_dir, inp.task_yaml, self.policy, envs, secrets, inp.job_name
            )
        return Submission(
            kind=kind,
            cluster_name=inp.cluster_name,
            job_name=inp.job_name,
            task=task,
            repo_dir=repo_dir,
            autodown_minutes=inp.autodown_minutes,
            retry_until_up=inp.retry_until_up,
            retry=retry,
            skip_setup=inp.skip_setup,
            run_key=inp.run_key,
        )

    def _check_endpoint(self, requested: str) -> None:
        # The SDK resolves its endpoint once per process; switching it per call would
        # race between concurrent activities, so a worker serves exactly one endpoint.
        if requested and self.settings.executor == "skypilot" and requested.rstrip("/") != self.endpoint:
            raise ApplicationError(
                f"api_server_endpoint: {requested!r} is not served by this worker "
                f"(it uses {self.endpoint!r}); run a worker for that endpoint on its own "
                "task queue, or leave api_server_endpoint empty",
                type=ENDPOINT_MISMATCH,
                non_retryable=True,
            )

    # -- down -----------------------------------------------------------------
    @activity.defn(name=RUN_SKY_DOWN)
    async def run_sky_down(self, inp: DownInput) -> DownResult:
        info = activity.info()
        tag = _tag(info.workflow_id, "teardown", inp.cluster_name)
        log.info("%s downing (attempt %s)", tag, info.attempt)
        async with FailureBoundary(f"down of {inp.cluster_name}"), self.heartbeater():
            down = asyncio.ensure_future(self.executor.down(inp.cluster_name))
            try:
                existed = await asyncio.shield(down)
            except asyncio.CancelledError:
                details = activity.cancellation_details()
                if details is not None and details.worker_shutdown:
                    raise  # another worker retries the down
                # A cancelled or terminated run still has to lose its cluster.
                log.info("%s cancelled (%s): finishing the down", tag, _reason(details))
                await down
                raise
        if inp.release_run_key:
            checkout = checkout_dir(self.settings.work_dir, inp.release_run_key)
            self.tasks.forget(checkout)
            # In a parser process: removing a tree from a thread of the worker has the
            # thread and the event loop pass the GIL to each other at every file.
            await self.parsers.run(shutil.rmtree, checkout.parent, True)
        log.info("%s %s", tag, "downed" if existed else "already gone")
        return DownResult(cluster_name=inp.cluster_name, existed=existed)

    # -- keep up --------------------------------------------------------------
    @activity.defn(name=RUN_SKY_KEEP_UP)
    async def run_sky_keep_up(self, inp: KeepUpInput) -> KeepUpResult:
        """Sets the cluster's autodown to `inp.minutes` of idleness, for a run that keeps
        it while it waits (a repair can take hours): it outlives its launch's autodown,
        yet still goes by itself if every worker is gone."""
        info = activity.info()
        tag = _tag(info.workflow_id, "keep-up", inp.cluster_name)
        log.info("%s autodown after %s idle minutes (attempt %s)", tag, inp.minutes, info.attempt)
        async with FailureBoundary(f"autodown of {inp.cluster_name}"), self.heartbeater():
            _check_minutes(inp.minutes)
            self._check_endpoint(inp.api_server_endpoint)
            kept = await self.executor.keep_up(inp.cluster_name, inp.minutes)
        log.info("%s %s", tag, f"autodown set to {inp.minutes} idle minutes" if kept else "already gone")
        return KeepUpResult(cluster_name=inp.cluster_name, kept=kept)


@dataclasses.dataclass
class StepOutput:
    """Where a step's output goes: the worker's log (`tag`), masked of `secrets`; the
    tail its outcome keeps; the latest lines its heartbeats carry."""

    tag: str
    secrets: dict[str, str]
    tail: LogTail
    live: LiveLines
    sink: StepLog


async def _run_closed() -> bool:
    """Whether this activity's workflow run has ended (e.g. was terminated)."""
    info = activity.info()
    if info.workflow_id is None:
        return False  # run outside a workflow: no run to have ended
    try:
        handle = activity.client().get_workflow_handle(info.workflow_id, run_id=info.workflow_run_id)
        desc = await asyncio.wait_for(handle.describe(), timeout=10)
    except Exception as err:  # noqa: BLE001 - unknown: never kill a job on a guess
        log.warning("could not look up run %s: %s", info.workflow_id, err)
        return False
    return desc.status != WorkflowExecutionStatus.RUNNING


def _check_minutes(minutes: object) -> None:
    # Fewer would down the cluster as soon as it is idle, and SkyPilot takes a negative
    # number for "no autodown at all": neither keeps a cluster up nor lets it go.
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise InvalidInput(f"minutes: {minutes!r} is not allowed; it is a whole number of idle minutes, 1 or more")


def _reason(details: activity.ActivityCancellationDetails | None) -> str:
    if details is None:
        return "unknown"
    return ", ".join(name for name, why in dataclasses.asdict(details).items() if why) or "unknown"


def _tag(*parts: str | None) -> str:
    return "[" + " ".join(p for p in parts if p) + "]"
