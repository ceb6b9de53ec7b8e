"""Turns a SkyPilotWorkflowInput into a validated plan. Pure and deterministic.

Runs inside the workflow: no I/O, no clock, no randomness. Every refusal names the
field and what is allowed, and happens before anything is cloned or launched.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from skypilot_temporal.contract import is_env_name
from skypilot_temporal.v1 import pipeline_pb2 as pb

LAUNCH = pb.STEP_KIND_LAUNCH
EXEC = pb.STEP_KIND_EXEC

DEFAULT_STEP_TIMEOUT_S = 60 * 60
DEFAULT_HEARTBEAT_TIMEOUT_S = 60
DEFAULT_AUTODOWN_MINUTES = 30
DEFAULT_TEARDOWN_TIMEOUT_S = 30 * 60

_NAME = re.compile(r"^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$")
_PREFIX = re.compile(r"^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$")
_MAX_STEPS = 32
RUN_TAG_LEN = 8
_MAX_ENV_VALUE = 64 * 1024


def default_steps() -> list[pb.PipelineStep]:
    """The seed pipeline: preprocess on its own cluster, then train and eval on another."""
    return [
        pb.PipelineStep(name="preprocess", task_yaml="data_preprocessing.yaml", kind=LAUNCH),
        pb.PipelineStep(name="train", task_yaml="train.yaml", kind=LAUNCH),
        pb.PipelineStep(name="eval", task_yaml="eval.yaml", kind=EXEC, cluster="train"),
    ]


class InvalidInput(ValueError):
    """The input breaks a rule; the message names the field and what is allowed."""


@dataclass(frozen=True)
class PlannedStep:
    name: str
    kind: int
    task_yaml: str
    cluster_name: str
    job_name: str
    timeout_s: int
    heartbeat_timeout_s: int


@dataclass
class Plan:
    cluster_prefix: str
    run_tag: str
    steps: list[PlannedStep]
    task_yamls: list[str]
    # Step index -> clusters no later step needs, downed right after that step.
    release_after: dict[int, list[str]] = field(default_factory=dict)
    autodown_minutes: int | None = DEFAULT_AUTODOWN_MINUTES
    retry_until_up: bool = False
    teardown_timeout_s: int = DEFAULT_TEARDOWN_TIMEOUT_S
    api_server_endpoint: str = ""

    @property
    def clusters(self) -> list[str]:
        """Every cluster the run may launch, in launch order."""
        return [st.cluster_name for st in self.steps if st.kind == LAUNCH]


def default_cluster_prefix(workflow_id: str) -> str:
    # Derived from the workflow id, so the clusters of one workflow are easy to find.
    return "st-" + hashlib.sha256(workflow_id.encode()).hexdigest()[:10]


def run_tag(workflow_id: str, run_id: str) -> str:
    """A name part unique to one run: two runs given the same cluster_prefix (or the
    same workflow id, run again) never share a cluster or a job name. Hex of a hash,
    not the run id itself: run ids are UUIDv7, whose leading digits are a clock."""
    return hashlib.sha256(f"{workflow_id}/{run_id}".encode()).hexdigest()[:RUN_TAG_LEN]


def cluster_name(prefix: str, short: str, tag: str) -> str:
    return f"{prefix}-{short}-{tag}"


def _check_task_yaml(path: str, where: str) -> None:
    if not path:
        raise InvalidInput(f"{where}.task_yaml: required (a path inside the repository)")
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "~")) or ".." in parts or "\x00" in path:
        raise InvalidInput(
            f"{where}.task_yaml: {path!r} must be a relative path inside the repository"
        )
    if not path.endswith((".yaml", ".yml")):
        raise InvalidInput(f"{where}.task_yaml: {path!r} must end in .yaml or .yml")


def _check_envs(inp: pb.SkyPilotWorkflowInput) -> None:
    for key, value in inp.envs_override.items():
        if not is_env_name(key):
            raise InvalidInput(
                f"envs_override: {key!r} is not a valid variable name "
                "(letters, digits and '_', not starting with a digit)"
            )
        if len(value) > _MAX_ENV_VALUE:
            raise InvalidInput(f"envs_override[{key}]: value longer than {_MAX_ENV_VALUE} bytes")
    seen: set[str] = set()
    for name in inp.secret_env_names:
        if not is_env_name(name):
            raise InvalidInput(
                f"secret_env_names: {name!r} is not a valid variable name "
                "(letters, digits and '_', not starting with a digit)"
            )
        if name in inp.envs_override:
            raise InvalidInput(
                f"secret_env_names: {name!r} is also in envs_override; a secret's value "
                "must come only from the worker's environment"
            )
        if name in seen:
            raise InvalidInput(f"secret_env_names: {name!r} is listed twice")
        seen.add(name)


def build_plan(inp: pb.SkyPilotWorkflowInput, workflow_id: str, run_id: str) -> Plan:
    """Validates `inp` and resolves defaults. Raises InvalidInput."""
    if not inp.repo_url:
        raise InvalidInput("repo_url: required (https://... or ssh git@host:path)")
    prefix = inp.cluster_prefix or default_cluster_prefix(workflow_id)
    if not _PREFIX.match(prefix):
        raise InvalidInput(
            f"cluster_prefix: {prefix!r} must be 1-32 of lower-case letters, digits and '-', "
            "starting with a letter and not ending with '-'"
        )
    _check_envs(inp)
    tag = run_tag(workflow_id, run_id)

    raw_steps = list(inp.steps) or default_steps()
    if len(raw_steps) > _MAX_STEPS:
        raise InvalidInput(f"steps: at most {_MAX_STEPS} steps, got {len(raw_steps)}")
    steps: list[PlannedStep] = []
    launched: set[str] = set()
    for i, s in enumerate(raw_steps):
        where = f"steps[{i}]"
        if not _NAME.match(s.name):
            raise InvalidInput(
                f"{where}.name: {s.name!r} must be 1-20 of lower-case letters, digits and '-', "
                "starting with a letter"
            )
        if any(p.name == s.name for p in steps):
            raise InvalidInput(f"{where}.name: {s.name!r} is used by an earlier step")
        _check_task_yaml(s.task_yaml, where)
        if s.kind == LAUNCH:
            short = s.cluster or s.name
            if short in launched:
                raise InvalidInput(
                    f"{where}.cluster: {short!r} was launched by an earlier step; "
                    "use kind STEP_KIND_EXEC to run on it"
                )
            launched.add(short)
        elif s.kind == EXEC:
            short = s.cluster
            if short not in launched:
                raise InvalidInput(
                    f"{where}.cluster: {short!r} must name a cluster an earlier LAUNCH step "
                    f"launched (known: {sorted(launched) or 'none'})"
                )
        else:
            raise InvalidInput(f"{where}.kind: must be STEP_KIND_LAUNCH or STEP_KIND_EXEC")
        if not _NAME.match(short):
            raise InvalidInput(
                f"{where}.cluster: {short!r} must be 1-20 of lower-case letters, digits and '-'"
            )
        steps.append(
            PlannedStep(
                name=s.name,
                kind=s.kind,
                task_yaml=s.task_yaml,
                cluster_name=cluster_name(prefix, short, tag),
                # Deterministic per run and unique to it: a retried attempt finds its
                # own job by this name instead of submitting a second one.
                job_name=f"{prefix}-{s.name}-{tag}",
                timeout_s=s.timeout_seconds or DEFAULT_STEP_TIMEOUT_S,
                heartbeat_timeout_s=s.heartbeat_timeout_seconds or DEFAULT_HEARTBEAT_TIMEOUT_S,
            )
        )

    last_use: dict[str, int] = {}
    for i, st in enumerate(steps):
        last_use[st.cluster_name] = i
    release: dict[int, list[str]] = {}
    for cluster, i in last_use.items():
        release.setdefault(i, []).append(cluster)

    minutes = inp.launch.idle_minutes_to_autodown
    return Plan(
        cluster_prefix=prefix,
        run_tag=tag,
        steps=steps,
        task_yamls=sorted({st.task_yaml for st in steps}),
        release_after=release,
        autodown_minutes=None if minutes < 0 else (minutes or DEFAULT_AUTODOWN_MINUTES),
        retry_until_up=inp.launch.retry_until_up,
        teardown_timeout_s=inp.launch.teardown_timeout_seconds or DEFAULT_TEARDOWN_TIMEOUT_S,
        api_server_endpoint=inp.api_server_endpoint,
    )
