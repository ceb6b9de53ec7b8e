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

