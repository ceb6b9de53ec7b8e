"""The port every executor implements: the cluster/job model of SkyPilot.

Activities and the worker's housekeeping speak only to this interface; retry,
heartbeat and cancellation logic live in the activities, the mechanics of one backend
in its executor.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

# Job states, as SkyPilot names them.
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
FAILED_SETUP = "FAILED_SETUP"
CANCELLED = "CANCELLED"
TERMINAL = {SUCCEEDED, FAILED, FAILED_SETUP, CANCELLED, "FAILED_DRIVER", "FAILED_PRECHECKS"}
# A managed job's states, as SkyPilot's ManagedJobStatus names them: those it ends in,
# and the one it is in while the jobs controller brings it back after a preemption.
RECOVERING = "RECOVERING"
MANAGED_TERMINAL = {SUCCEEDED, FAILED, FAILED_SETUP, CANCELLED, "FAILED_PRECHECKS", "FAILED_NO_RESOURCE",
                    "FAILED_CONTROLLER"}


class PermanentError(Exception):
    """Retrying cannot help (bad task, no cloud access, auth, policy). Fails the step."""


class ClusterGone(PermanentError):
    """The cluster a step needs does not exist (any more)."""


class TransientError(Exception):
    """The backend could not be reached or answered with a server error: retrying may
    help (API server restarting, network blip, HTTP 5xx)."""


@dataclass
class Submission:
    """What a step asks an executor to run."""

    # "launch", "exec", or "provision" (make the cluster and run only the task's setup).
    kind: str
    cluster_name: str
    job_name: str
    # sky.Task parsed from the YAML with envs merged, secrets in `secrets`, local paths
    # absolute inside the checkout, and `name` = job_name.
    task: Any
    repo_dir: Path
    autodown_minutes: int | None = None
    retry_until_up: bool = False
    # A later attempt of the step: look for work an earlier attempt left in flight.
    retry: bool = False
    # Run the task without its `setup`: it ran when the cluster was provisioned.
    skip_setup: bool = False
    # The run the step belongs to (its data, e.g. a local bucket, is kept while it runs).
    run_key: str = ""


@dataclass
class ManagedJob:
    """A managed job as its executor's records have it (SkyPilot: the jobs controller's)."""

    job_id: int
    name: str
    # A ManagedJobStatus name: PENDING, STARTING, RUNNING, RECOVERING, CANCELLING, or
    # one of MANAGED_TERMINAL.
    status: str
    # How many times the job was brought back (preemption, or a failure its
    # job_recovery allows to restart), and when last, in seconds since the epoch.
    recoveries: int = 0
    last_recovered_at: float | None = None
    # Why it failed, as the executor words it ("" when it did not).
    failure_reason: str = ""


# Called with each chunk of log text as it arrives.
LogSink = Callable[[str], None]


class Checkpoint(Protocol):
    """Records what a later attempt needs to re-attach (request id, job id).

    Sent at once by default. `urgent=False` leaves it to the next periodic heartbeat:
    for what a later attempt can also find by itself (a job, by its deterministic
    name), so that a step that soon ends costs no heartbeat of its own.
    """

    def __call__(self, update: dict[str, Any], *, urgent: bool = True) -> None: ...


class Executor(ABC):
    """What the worker calls on an executor. The housekeeping methods have defaults
    for an executor that keeps nothing on the worker's disk."""

    name: str

    @abstractmethod
    async def find_job(self, cluster_name: str, job_name: str) -> int | None:
        """Id of the job named `job_name` on the cluster, if one was already submitted."""

    @abstractmethod
    async def submit(
        self, sub: Submission, checkpoint: Checkpoint, resume: dict[str, Any], log: LogSink
    ) -> int:
        """Launches/execs and returns the job id once the job is submitted.

        `resume` is the last checkpoint of an earlier attempt: re-attach to its request
        instead of submitting again.
        """

    @abstractmethod
    async def provision(
        self, sub: Submission, checkpoint: Checkpoint, resume: dict[str, Any], log: LogSink
    ) -> None:
        """Makes the cluster and runs the task's `setup` only (no `run`), for a task
        that follows with exec. `resume` as for submit."""

    @abstractmethod
    async def wait_job(
        self, cluster_name: str, job_id: int, log: LogSink, secrets: Mapping[str, str]
    ) -> str:
        """Streams the job's log to `log` until it ends; returns its final status.

        `secrets` are the job's secret values, as this attempt resolved them: an executor
        that has to (re)start the job hands them again, since none is kept on disk.
        """

    @abstractmethod
    async def cancel(self, cluster_name: str, job_id: int | None, resume: dict[str, Any]) -> None:
        """Cancels the in-flight request and/or the job. Best effort, never raises."""

    @abstractmethod
    async def down(self, cluster_name: str) -> bool:
        """Tears the cluster down; False if it did not exist. Idempotent."""

    @abstractmethod
    async def keep_up(self, cluster_name: str, minutes: int) -> bool:
        """Sets the cluster's autodown to `minutes` (at least 1) of idleness, replacing
        the one it was launched with: it is torn down (not stopped) once idle that
        long, even with no worker left. Idleness still counts from the end of the
        cluster's last job, not from this call (as SkyPilot counts it for a cluster
        that already had an autodown). False if the cluster does not exist."""

    # -- managed jobs (a step of kind `managed`) ---------------------------------
    # The job gets its own capacity and is brought back after a preemption by the
    # executor (SkyPilot: its jobs controller), not by the worker: the worker submits
    # it once, follows it, and cancels it only when the run asks.
    @abstractmethod
    async def find_managed(self, job_name: str) -> int | None:
        """Id of the newest managed job named `job_name`, if one was submitted."""

    @abstractmethod
    async def launch_managed(
        self, sub: Submission, checkpoint: Checkpoint, resume: dict[str, Any], log: LogSink
    ) -> int:
        """Submits `sub` (kind "managed", job_name its managed job's name) as a managed
        job and returns its id; checkpoints what a later attempt needs to find it.
        `resume`: the last checkpoint of an earlier attempt (re-attach, never submit
        a second job)."""

    @abstractmethod
    async def wait_managed(
        self, job_id: int, log: LogSink, secrets: Mapping[str, str], on_change: Callable[[ManagedJob], None]
    ) -> ManagedJob:
        """Streams the managed job's log to `log` until it ends, calling `on_change`
        whenever its status or recoveries change (RECOVERING included); returns it as
        it ended (a status of MANAGED_TERMINAL). Raises ClusterGone if no such job."""

    @abstractmethod
    async def cancel_managed(self, job_id: int | None, job_name: str, resume: dict[str, Any]) -> None:
        """Cancels the managed job (by id; else the one named `job_name`; else the one
        an in-flight submission in `resume` makes). Best effort, never raises."""

    @abstractmethod
    async def managed_jobs(self) -> list[ManagedJob]:
        """Every managed job this executor knows of, ended ones included."""

    async def hourly_cost(self, cluster_name: str) -> float | None:
        """The cluster's price in USD per hour, all its nodes included, as SkyPilot
        prices it; None when unknown. None by default, for an executor without prices
        (the local one runs on the worker's own host): unknown, never 0."""
        return None

    # -- housekeeping (tasks/housekeeping.py) ------------------------------------
    async def clusters_up(self) -> int | None:
        """How many clusters of runs are up now, as this executor sees them; None if
        it cannot tell."""
        return None

    def run_keys(self) -> set[str]:
        """Runs whose data this executor keeps on the worker's disk between steps.
        Blocking: call it in a thread."""
        return set()

    def prune(
        self, now: float, max_idle_seconds: float, max_bytes: int, open_runs: Collection[str] = ()
    ) -> dict[str, Any]:
        """Removes what this executor left on the worker's disk: idle past
        `max_idle_seconds`, and past `max_bytes` in all, never the data of `open_runs`
        (run keys still going on). Returns a report of what it removed. Blocking: call
        it in a thread."""
        return {}

