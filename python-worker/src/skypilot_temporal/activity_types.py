"""Inputs and outputs of the activities: internal to the worker, so plain dataclasses.

Only the workflow input, result and progress cross languages (proto/); these stay in
Python. Each is one dataclass so fields can be added compatibly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RUN_GIT_CLONE = "run_git_clone"
RUN_SKY_LAUNCH = "run_sky_launch"
RUN_SKY_EXEC = "run_sky_exec"
RUN_SKY_DOWN = "run_sky_down"


@dataclass
class CloneInput:
    repo_url: str
    branch: str
    task_yamls: list[str]
    # Names the private checkout directory of this run.
    run_key: str
    # For validating every task YAML before anything launches (secret names only).
    envs_override: dict[str, str] = field(default_factory=dict)
    secret_env_names: list[str] = field(default_factory=list)


@dataclass
class CloneResult:
    commit: str
    # Task name declared in each YAML (may be empty), for summaries.
    task_names: dict[str, str] = field(default_factory=dict)


@dataclass
class StepInput:
    """One launch or exec: the YAML is re-read from the run's checkout, never from history."""

    step: str
    cluster_name: str
    job_name: str
    task_yaml: str
    repo_url: str
    branch: str
    commit: str
    run_key: str
    envs_override: dict[str, str]
    # Names only: values are read from the worker's environment inside the activity.
    secret_env_names: list[str]
    api_server_endpoint: str = ""
    autodown_minutes: int | None = None
    retry_until_up: bool = False


@dataclass
class StepOutcome:
    step: str
    cluster_name: str
    job_id: int
    status: str
    duration_seconds: float
    log_tail: str


@dataclass
class DownInput:
    cluster_name: str
    api_server_endpoint: str = ""
    # Set on a run's last down: the worker that runs it removes the run's checkout.
    release_run_key: str = ""


@dataclass
class DownResult:
    cluster_name: str
    existed: bool
