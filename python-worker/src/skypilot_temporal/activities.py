"""The four activities. Thin: policy here, mechanics in repo.py, tasks.py and executors.

Failures that retrying cannot fix are raised as non-retryable ApplicationErrors with a
type naming the class of failure; everything else is left to the retry policy.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, NoReturn

from temporalio import activity
from temporalio.exceptions import ApplicationError

from skypilot_temporal.activity_types import (
    RUN_GIT_CLONE,
    RUN_SKY_DOWN,
    RUN_SKY_EXEC,
    RUN_SKY_LAUNCH,
    CloneInput,
    CloneResult,
    DownInput,
    DownResult,
    StepInput,
    StepOutcome,
)
from skypilot_temporal.config import Settings
from skypilot_temporal.executors.base import SUCCEEDED, Executor, PermanentError, Submission
from skypilot_temporal.heartbeat import Heartbeater, previous_checkpoint
from skypilot_temporal.repo import RepoError, RepoPolicy, ensure_checkout, load_task_yaml
from skypilot_temporal.tasks import (
    InvalidTask,
    LogTail,
    MissingSecret,
    Redactor,
    absolutize_paths,
    merge_envs,
    parse_task,
    resolve_secrets,
)

log = logging.getLogger("skypilot_temporal")

# Failure types the workflow and clients can match on.
STEP_FAILED = "JobFailed"
BAD_TASK = "InvalidTask"
BAD_REPO = "InvalidRepo"
SKYPILOT_REFUSED = "SkyPilotPermanentError"
ENDPOINT_MISMATCH = "EndpointMismatch"

_PERMANENT = (RepoError, InvalidTask, MissingSecret, PermanentError)


def _fail(err: BaseException, redact: Callable[[str], str] = str) -> NoReturn:
    kind = {
        RepoError: BAD_REPO,
        InvalidTask: BAD_TASK,
        MissingSecret: BAD_TASK,
    }.get(type(err), SKYPILOT_REFUSED)
    raise ApplicationError(redact(str(err)), type=kind, non_retryable=True) from None


class StepLog:
    """Job output: to the worker's log line by line (tagged with workflow id, step and
    cluster) and into a bounded tail; secret values masked in both."""

    def __init__(self, tag: str, redact: Redactor, tail: LogTail) -> None:
        self._tag = tag
        self._redact = redact
        self._tail = tail
        self._partial = ""

    def __call__(self, chunk: str) -> None:
        *lines, self._partial = (self._partial + chunk).split("\n")
        for line in lines:
            self._emit(line)

    def _emit(self, line: str) -> None:
        line = self._redact(line.rstrip("\r"))
        self._tail.write(line + "\n")
        log.info("%s | %s", self._tag, line)

    def flush(self) -> None:
        if self._partial:
            self._emit(self._partial)
            self._partial = ""


class PipelineActivities:
    def __init__(self, settings: Settings, executor: Executor, endpoint: str = "") -> None:
        self.settings = settings
        self.executor = executor
        # The SkyPilot endpoint this worker's SDK talks to (fixed for the process).
        self.endpoint = endpoint.rstrip("/")
        self.policy = RepoPolicy(
            allow_local=settings.allow_local_repos, max_yaml_bytes=settings.max_yaml_bytes
        )

    def all(self) -> list[Callable[..., Any]]:
        return [self.run_git_clone, self.run_sky_launch, self.run_sky_exec, self.run_sky_down]

    # -- clone ----------------------------------------------------------------
    @activity.defn(name=RUN_GIT_CLONE)
    async def run_git_clone(self, inp: CloneInput) -> CloneResult:
        tag = _tag(activity.info().workflow_id, "clone")
        async with Heartbeater():
            try:
                repo_dir, commit = await ensure_checkout(
                    self.settings.work_dir, inp.run_key, inp.repo_url, inp.branch, "", self.policy
                )
                names: dict[str, str] = {}
                for rel in inp.task_yamls:
                    config = await asyncio.to_thread(load_task_yaml, repo_dir, rel, self.policy)
                    names[rel] = str(config.get("name") or "")
                    # Validated now, with placeholder secrets, so a bad YAML of a late step
                    # fails the run before any cluster is launched.
                    placeholders = {n: "placeholder" for n in inp.secret_env_names}
                    merged = merge_envs(config, inp.envs_override, placeholders)
                    # SkyPilot's parser is CPU work (schema checks): off the event loop.
                    await asyncio.to_thread(parse_task, absolutize_paths(merged, repo_dir))
            except _PERMANENT as err:
                _fail(err)
        log.info("%s cloned %s at %s", tag, inp.repo_url, commit[:12])
        return CloneResult(commit=commit, task_names=names)

    # -- launch / exec ----------------------------------------------------------
    @activity.defn(name=RUN_SKY_LAUNCH)
    async def run_sky_launch(self, inp: StepInput) -> StepOutcome:
        return await self._run_step(inp, "launch")

    @activity.defn(name=RUN_SKY_EXEC)
    async def run_sky_exec(self, inp: StepInput) -> StepOutcome:
        return await self._run_step(inp, "exec")

    async def _run_step(self, inp: StepInput, kind: str) -> StepOutcome:
        info = activity.info()
        tag = _tag(info.workflow_id, inp.step, inp.cluster_name)
        started = asyncio.get_running_loop().time()
        try:
            self._check_endpoint(inp.api_server_endpoint)
            secrets = resolve_secrets(inp.secret_env_names, self.settings.environ)
        except _PERMANENT as err:
            _fail(err)
        redact = Redactor(secrets)
        tail = LogTail(self.settings.log_tail_lines, self.settings.log_tail_bytes)
        sink = StepLog(tag, redact, tail)
        resume = previous_checkpoint()
        job_id: int | None = resume.get("job_id")
        hb = Heartbeater(resume)
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
                    sub = await self._submission(inp, kind, secrets, retry=info.attempt > 1)
                    job_id = await self.executor.submit(sub, hb.checkpoint, resume, sink)
                    log.info("%s job %s submitted", tag, job_id)
                status = await self.executor.wait_job(inp.cluster_name, job_id, sink, secrets)
            except asyncio.CancelledError:
                if not activity.is_worker_shutdown():
                    # The run was cancelled: stop the request and the job, not just waiting.
                    log.info("%s cancelled; cancelling job %s", tag, job_id)
                    await asyncio.shield(self.executor.cancel(inp.cluster_name, job_id, hb.details))
                raise
            except _PERMANENT as err:
                _fail(err, redact)
            finally:
                sink.flush()
        outcome = StepOutcome(
            step=inp.step,
            cluster_name=inp.cluster_name,
            job_id=job_id,
            status=status,
            duration_seconds=round(asyncio.get_running_loop().time() - started, 3),
            log_tail=tail.text(),
        )
        log.info("%s job %s %s", tag, job_id, status)
        if status != SUCCEEDED:
            # Not retryable: the job ran; a retry would run it again.
            raise ApplicationError(
                f"step {inp.step}: job {job_id} on cluster {inp.cluster_name} ended {status}",
                outcome,
                type=STEP_FAILED,
                non_retryable=True,
            )
        return outcome

    async def _submission(
        self, inp: StepInput, kind: str, secrets: dict[str, str], retry: bool
    ) -> Submission:
        repo_dir, _ = await ensure_checkout(
            self.settings.work_dir, inp.run_key, inp.repo_url, inp.branch, inp.commit, self.policy
        )
        config = await asyncio.to_thread(load_task_yaml, repo_dir, inp.task_yaml, self.policy)
        config = absolutize_paths(merge_envs(config, inp.envs_override, secrets), repo_dir)
        # A deterministic name: a later attempt finds this job in the cluster's queue.
        config["name"] = inp.job_name
        return Submission(
            kind=kind,
            cluster_name=inp.cluster_name,
            job_name=inp.job_name,
            task=await asyncio.to_thread(parse_task, config),
            repo_dir=repo_dir,
            autodown_minutes=inp.autodown_minutes,
            retry_until_up=inp.retry_until_up,
            retry=retry,
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
        tag = _tag(activity.info().workflow_id, "teardown", inp.cluster_name)
        async with Heartbeater():
            try:
                existed = await self.executor.down(inp.cluster_name)
            except PermanentError as err:
                _fail(err)
        log.info("%s %s", tag, "downed" if existed else "already gone")
        return DownResult(cluster_name=inp.cluster_name, existed=existed)


def _tag(*parts: str) -> str:
    return "[" + " ".join(p for p in parts if p) + "]"
