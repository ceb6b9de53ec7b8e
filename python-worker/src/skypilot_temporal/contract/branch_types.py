"""What a run and the branches of its sweeps tell each other. Internal to the worker
(Python to Python), so plain dataclasses; only the run's input, result and progress
cross languages (proto/)."""

# No postponed annotations (PEP 563): the SDK resolves these hints on every decode, and
# string hints cost it a compile each time.

from dataclasses import dataclass, field

from skypilot_temporal.contract.activity_types import RunSource, StepInput, StepOutcome

# Branch -> run: a step of the branch finished. Run -> branch: won or lost.
BRANCH_EVENT_SIGNAL = "branch_event"
VERDICT_SIGNAL = "branch_verdict"
# Run -> branch: a failed step waiting for its repair is retried (or the wait aborted).
REPAIR_SIGNAL = "branch_repair"


@dataclass
class BranchStep:
    name: str
    kind: str  # "launch" or "exec"
    task_yaml: str
    job_name: str
    timeout_s: int
    heartbeat_timeout_s: int
    # The step's envs with the branch's values over them.
    envs: dict[str, str] = field(default_factory=dict)
    # Minutes a failure waits for a repair (0: the branch fails at once).
    repair_minutes: int = 0


@dataclass
class RunContext(RunSource):
    """What every step of the run shares: where the tasks come from, how to launch."""

    api_server_endpoint: str
    autodown_minutes: int | None
    retry_until_up: bool
    teardown_timeout_s: int
    # Where the run's activities go (the clone's CloneResult.task_queue; "" = the run's).
    task_queue: str = ""
    # The clone's CloneResult.metrics_step_label.
    metrics_step_label: bool = True

    def step_input(self, step: str, cluster_name: str, job_name: str, task_yaml: str, launch: bool,
                   step_envs: dict[str, str]) -> StepInput:
        """A step's activity input: the run's shared settings and the step's own."""
        return StepInput(
            step=step,
            cluster_name=cluster_name,
            job_name=job_name,
            task_yaml=task_yaml,
            repo_url=self.repo_url,
            branch=self.branch,
            commit=self.commit,
            run_key=self.run_key,
            envs_override=dict(self.envs_override),
            secret_env_names=list(self.secret_env_names),
            api_server_endpoint=self.api_server_endpoint,
            autodown_minutes=self.autodown_minutes if launch else None,
            retry_until_up=self.retry_until_up,
            step_envs=dict(step_envs),
        )


@dataclass
class BranchInput:
    parent_workflow_id: str
    parent_run_id: str
    sweep: str
    index: int
    label: str
    cluster_name: str
    run: RunContext
    # Before the sweep's SELECT (or all of the branch when it has none).
    steps: list[BranchStep]
    # After the SELECT, on the winner only.
    after: list[BranchStep] = field(default_factory=list)
    # Wait for the run's verdict once `steps` are done (the sweep has `after` steps).
    await_verdict: bool = False


@dataclass
class BranchEvent:
    index: int
    step: str
    # succeeded or failed (StepState wire names).
    state: str
    outcome: StepOutcome | None = None
    error: str = ""
    # The branch's steps before the SELECT are all done (or it failed).
    lane_done: bool = False


@dataclass
class BranchRepair:
    """The run's answer to a branch's failed step waiting for its repair."""

    step: str
    # "retry" or "abort".
    action: str
    # retry: the commit to run from, and the branch's steps as that commit declares them.
    commit: str = ""
    steps: list[BranchStep] = field(default_factory=list)
    # abort: how the wait ended, for the failure's message.
    ended: str = ""


@dataclass
class BranchResult:
    index: int
    ok: bool
    error: str = ""
    failed_step: str = ""
    outcomes: list[StepOutcome] = field(default_factory=list)
    won: bool = False
    # The branch's clusters it downed.
    downed: list[str] = field(default_factory=list)
