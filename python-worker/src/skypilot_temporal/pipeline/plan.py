"""Turns a SkyPilotWorkflowInput (and its steps) into a validated plan. Pure and
deterministic.

Runs inside the workflow: no I/O, no clock, no randomness. Every refusal names the
field and what is allowed, and happens before anything is launched; refusals of the
input itself happen before anything is cloned.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from skypilot_temporal.contract.names import DEFAULT_TEAM, TEAM_PATTERN
from skypilot_temporal.pipeline.dag import (
    APPROVAL,
    EXEC,
    LAUNCH,
    SELECT,
    Dag,
    InvalidInput,
    Step,
    build_dag,
    check_env_name,
    check_envs,
    check_repair_minutes,
    stays_inside,
)
from skypilot_temporal.pipeline.limits import FleetLimits, check_limits
from skypilot_temporal.v1 import pipeline_pb2 as pb

__all__ = ["APPROVAL", "EXEC", "LAUNCH", "SELECT", "InvalidInput", "Plan", "RunOptions", "build_plan",
           "check_input", "default_steps"]

DEFAULT_AUTODOWN_MINUTES = 30
DEFAULT_TEARDOWN_TIMEOUT_S = 30 * 60
RUN_TAG_LEN = 8

_PREFIX = re.compile(r"^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$")


def default_steps() -> list[pb.PipelineStep]:
    """The seed pipeline: preprocess on its own cluster, then train and eval on another."""
    return [
        pb.PipelineStep(name="preprocess", task_yaml="data_preprocessing.yaml", kind=LAUNCH),
        pb.PipelineStep(name="train", task_yaml="train.yaml", kind=LAUNCH),
        pb.PipelineStep(name="eval", task_yaml="eval.yaml", kind=EXEC, cluster="train"),
    ]


def default_cluster_prefix(workflow_id: str) -> str:
    # Derived from the workflow id, so the clusters of one workflow are easy to find.
    return "st-" + hashlib.sha256(workflow_id.encode()).hexdigest()[:10]


def run_tag(workflow_id: str, run_id: str) -> str:
    """A name part unique to one run: two runs given the same cluster_prefix (or the
    same workflow id, run again) never share a cluster or a job name. Hex of a hash,
    not the run id itself: run ids are UUIDv7, whose leading digits are a clock."""
    return hashlib.sha256(f"{workflow_id}/{run_id}".encode()).hexdigest()[:RUN_TAG_LEN]


def cluster_name(prefix: str, short: str, tag: str, branch: int | None = None) -> str:
    return f"{prefix}-{short}-{tag}" if branch is None else f"{prefix}-{short}-b{branch}-{tag}"


@dataclass(frozen=True)
class RunOptions:
    """What the input says about the whole run, validated."""

    cluster_prefix: str
    run_tag: str
    autodown_minutes: int | None
    retry_until_up: bool
    teardown_timeout_s: int
    api_server_endpoint: str
    provision_ahead: bool
    # Minutes a failed step waits for a repair unless the step says (0: fails at once).
    repair_minutes: int = 0
    # The team its clusters count against (the default_team option when it names none).
    team: str = DEFAULT_TEAM


def check_input(inp: pb.SkyPilotWorkflowInput, workflow_id: str, run_id: str) -> RunOptions:
    """Validates the run-wide fields and resolves defaults. Raises InvalidInput."""
    if not inp.repo_url:
        raise InvalidInput("repo_url: required (https://... or ssh git@host:path)")
    prefix = inp.cluster_prefix or default_cluster_prefix(workflow_id)
    if not _PREFIX.match(prefix):
        raise InvalidInput(
            f"cluster_prefix: {prefix!r} must be 1-32 of lower-case letters, digits and '-', "
            "starting with a letter and not ending with '-'"
        )
    _check_envs(inp)
    if inp.pipeline_file:
        if not stays_inside(inp.pipeline_file) or not inp.pipeline_file.endswith((".yaml", ".yml")):
            raise InvalidInput(
                f"pipeline_file: {inp.pipeline_file!r} must be a relative .yaml path inside the repository"
            )
        if inp.steps:
            raise InvalidInput(
                "pipeline_file: the input also names steps, which win over any file; give one or the other"
            )
    if inp.resume_from == workflow_id:
        raise InvalidInput("resume_from: names this run's own workflow id: resume a run that has ended")
    if inp.team and not re.fullmatch(TEAM_PATTERN, inp.team):
        raise InvalidInput(f"team: {inp.team!r} is not allowed; a team is 1-63 of lower-case letters, digits, "
                           "'.', '_' and '-', starting with a letter or digit")
    minutes = inp.launch.idle_minutes_to_autodown
    return RunOptions(
        cluster_prefix=prefix,
        run_tag=run_tag(workflow_id, run_id),
        autodown_minutes=None if minutes < 0 else (minutes or DEFAULT_AUTODOWN_MINUTES),
        retry_until_up=inp.launch.retry_until_up,
        teardown_timeout_s=inp.launch.teardown_timeout_seconds or DEFAULT_TEARDOWN_TIMEOUT_S,
        api_server_endpoint=inp.api_server_endpoint,
        provision_ahead=inp.launch.provision_ahead,
        repair_minutes=check_repair_minutes(inp.launch.wait_for_repair_minutes, "launch.wait_for_repair_minutes"),
        team=inp.team or DEFAULT_TEAM,
    )


def _check_envs(inp: pb.SkyPilotWorkflowInput) -> None:
    check_envs(inp.envs_override, "envs_override")
    seen: set[str] = set()
    for name in inp.secret_env_names:
        check_env_name(name, "secret_env_names")
        if name in inp.envs_override:
            raise InvalidInput(
                f"secret_env_names: {name!r} is also in envs_override; a secret's value "
                "must come only from the worker's environment"
            )
        if name in seen:
            raise InvalidInput(f"secret_env_names: {name!r} is listed twice")
        seen.add(name)


@dataclass
class Plan:
    options: RunOptions
    dag: Dag
    limits: FleetLimits = field(default_factory=FleetLimits)

    @property
    def steps(self) -> list[Step]:
        return self.dag.steps

    def cluster_name(self, short: str, branch: int | None = None) -> str:
        return cluster_name(self.options.cluster_prefix, short, self.options.run_tag, branch)

    def job_name(self, step: str, branch: int | None = None, repair: int = 0) -> str:
        # Deterministic per run and unique to it: a retried attempt finds its own job
        # by this name instead of submitting a second one. The run of a step after its
        # n-th repair is a job of its own (-rN).
        middle = step if branch is None else f"{step}-b{branch}"
        middle += f"-r{repair}" if repair else ""
        return f"{self.options.cluster_prefix}-{middle}-{self.options.run_tag}"

    @property
    def clusters(self) -> list[str]:
        """Every cluster the run may launch, in launch order (each branch's too)."""
        out: list[str] = []
        for st in self.dag.steps:
            if st.kind != LAUNCH:
                continue
            sweep = self.dag.sweeps.get(st.name)
            if sweep is None:
                out.append(self.cluster_name(st.cluster))
            else:
                out.extend(self.cluster_name(st.cluster, b.index) for b in sweep.branches)
        return out


def build_plan(
    inp: pb.SkyPilotWorkflowInput,
    workflow_id: str,
    run_id: str,
    steps: list[pb.PipelineStep] | None = None,
    source: str = "",
    limits: FleetLimits | None = None,
) -> Plan:
    """The plan of the run: `steps` (from a pipeline file named `source`), else the
    input's, else the default pipeline, within the fleet's `limits` (pipeline/limits.py).
    Raises InvalidInput."""
    options = check_input(inp, workflow_id, run_id)
    raw = steps if steps is not None else (list(inp.steps) or default_steps())
    dag = build_dag(raw, source, options.provision_ahead)
    limits = limits or FleetLimits()
    check_limits(dag, limits, source)
    return Plan(options, dag, limits)
