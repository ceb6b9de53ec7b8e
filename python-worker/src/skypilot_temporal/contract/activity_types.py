"""Inputs and outputs of the activities: internal to the worker, so plain dataclasses.

Only the workflow input, result and progress cross languages (proto/); these stay in
Python. Each is one dataclass so fields can be added compatibly.
"""

# No postponed annotations (PEP 563): the SDK resolves these hints on every decode, and
# string hints cost it a compile each time.

from dataclasses import dataclass, field

from skypilot_temporal.contract.names import SWEEP_BRANCHES_MAX

RUN_GIT_CLONE = "run_git_clone"
RUN_SKY_LAUNCH = "run_sky_launch"
RUN_SKY_EXEC = "run_sky_exec"
RUN_SKY_DOWN = "run_sky_down"
RUN_SKY_PROVISION = "run_sky_provision"
RUN_SKY_KEEP_UP = "run_sky_keep_up"
RUN_SKY_MANAGED = "run_sky_managed"
RUN_READ_ORIGIN = "run_read_origin"
RUN_NOTIFY = "run_notify"
# The key of the clone failure's detail saying whether the run notifies ({"notify": bool}):
# CloneResult.notify, for a run whose clone failed.
NOTIFY_DETAIL = "notify"


@dataclass
class CloneInput:
    repo_url: str
    branch: str
    # The run's steps (proto JSON of PipelineSpec) when its input named them; else
    # the steps come from the repository's pipeline file, or are the default ones.
    steps: dict | None
    # Names the private checkout directory of this run.
    run_key: str
    # For validating every task YAML before anything launches (secret names only).
    envs_override: dict[str, str] = field(default_factory=dict)
    secret_env_names: list[str] = field(default_factory=list)
    # Path of the pipeline file; "" = the default name, used only if it exists.
    pipeline_file: str = ""
    provision_ahead: bool = False
    # A retry of a repaired step: the commit to check out ("" = the branch's head), and
    # whether to clone again even though the run has a checkout (the branch moved).
    commit: str = ""
    fresh: bool = False


@dataclass
class CloneResult:
    """What the clone found. Decoded leniently, as every class here: a recorded key
    that is not a field is ignored (dataclass_json.py), so removing a field keeps the
    histories that hold it replayable."""

    commit: str
    # The steps of the repository's pipeline file (proto JSON of PipelineSpec), and
    # the file; None when the run uses its own steps or the default pipeline.
    pipeline: dict | None = None
    pipeline_file: str = ""
    # Where the run's later activities go (placement.py): the task queue of the work
    # dir this worker shares, where a local cluster lives; "" for any worker of the run's.
    task_queue: str = ""
    # Whether the run's step durations are labelled with the step's name: the cloning
    # worker's SKYPILOT_TEMPORAL_METRICS_STEP_LABEL, kept in the run's history.
    metrics_step_label: bool = True
    # Whether the run sends notifications: the cloning worker has SKYPILOT_TEMPORAL_NOTIFY_URL
    # set. False in histories recorded before notifications, which must replay as they ran.
    notify: bool = False
    # Per task YAML, a digest of it and of the repository files its task reads (a step's
    # key, pipeline/resume.py); {} when they could not be hashed.
    task_digests: dict[str, str] = field(default_factory=dict)
    # The fleet's limits on the run, as the cloning worker's settings have them
    # (pipeline/limits.py); 0 clusters (histories recorded before them): no limit.
    max_clusters_per_run: int = 0
    max_branches: int = SWEEP_BRANCHES_MAX
    # Whether the run's clusters count against its team's quota (SKYPILOT_TEMPORAL_TEAM_QUOTAS set).
    team_quotas: bool = False


@dataclass
class OriginInput:
    """The run a resumed run reuses steps of, and what the resumed run clones."""

    workflow_id: str
    repo_url: str


@dataclass
class OriginStep:
    """A step of the ended run, as a resumed run may reuse it: its key, and its result
    (proto JSON of StepResult)."""

    name: str
    key: str
    status: str
    result: dict


@dataclass
class OriginResult:
    run_id: str
    steps: list[OriginStep] = field(default_factory=list)


@dataclass
class RunSource:
    """What every step of a run builds its task from: the repository at the run's
    commit, in the run's own checkout, with the run's envs."""

    repo_url: str
    branch: str
    commit: str
    # Names the private checkout directory of this run.
    run_key: str
    envs_override: dict[str, str]
    # Names only: values are read from the worker's environment inside the activity.
    secret_env_names: list[str]


@dataclass
class StepInput(RunSource):
    """One launch, exec, provision or managed job: the YAML is re-read from the run's checkout, never
    from history."""

    step: str
    cluster_name: str
    job_name: str
    task_yaml: str
    api_server_endpoint: str = ""
    autodown_minutes: int | None = None
    retry_until_up: bool = False
    # This step's own envs (and its branch's), over envs_override.
    step_envs: dict[str, str] = field(default_factory=dict)
    # The task runs without its `setup` (the cluster was provisioned ahead).
    skip_setup: bool = False
    # The step as the run's state lines name it (a sweep branch: `train [1 (LR=3e-4)]`);
    # "" = `step`. Labels the step's live output.
    label: str = ""


@dataclass
class StepOutcome:
    step: str
    cluster_name: str
    job_id: int
    status: str
    duration_seconds: float
    log_tail: str
    # Reported by the job (metric marker lines), last value of each name.
    metrics: dict[str, float] = field(default_factory=dict)
    # What the step's cluster costs per hour (USD, all its nodes), as its executor
    # prices it; None when unknown (the local executor, no price, the lookup failed).
    usd_per_hour: float | None = None
    # A managed job's: how many times it was brought back, and when last (RFC 3339, "" if never).
    recoveries: int = 0
    last_recovered_at: str = ""


@dataclass
class ProvisionOutcome:
    cluster_name: str
    # The request's log tail (provisioning and setup output).
    log_tail: str = ""


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


@dataclass
class KeepUpInput:
    """A cluster a run keeps while it waits: its autodown becomes `minutes` of
    idleness, so it outlives its launch's autodown yet still goes if no worker is left."""

    cluster_name: str
    # "" = the endpoint of the worker that runs it.
    api_server_endpoint: str
    # Whole minutes, 1 or more.
    minutes: int


@dataclass
class KeepUpResult:
    cluster_name: str
    # False: the cluster did not exist (or, on SkyPilot, was not up).
    kept: bool


@dataclass
class NotifyInput:
    """One event of a run, for the receiver named by SKYPILOT_TEMPORAL_NOTIFY_URL."""

    # waiting | waiting_for_repair | succeeded | failed | cancelled | clusters_left
    event: str
    # Unique per event of a run, the same on every retry and replay: a receiver drops a duplicate by it.
    event_id: str
    workflow_id: str
    run_id: str
    # The gate a run waits at (event waiting), when it started waiting (RFC 3339 UTC), who may decide ([] = anyone),
    # the commands that approve it by starter ("temporal", "go", "ts", "python" -> one command line each),
    # and the metrics of the steps it needs (after a sweep's select: the winner's) with the winner's branch label.
    gate: str = ""
    since: str = ""
    approvers: list[str] = field(default_factory=list)
    commands: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    branch: str = ""
    # failed: the failing step, the failure type (e.g. JobFailed, Rejected), the reason (one message).
    failing_step: str = ""
    failure_type: str = ""
    reason: str = ""
    # waiting_for_repair: the failed step (failing_step) and why (reason) as above, since when it waits (since),
    # until when (deadline, RFC 3339 UTC), the clusters kept up for it, and the commands that retry it by starter.
    deadline: str = ""
    clusters_kept: list[str] = field(default_factory=list)
    # What those clusters cost per hour (USD); None when a price is unknown.
    kept_usd_per_hour: float | None = None
    # clusters_left: the clusters teardown left up; succeeded: the steps and how each ended ("train SUCCEEDED").
    clusters_left: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    commit: str = ""


@dataclass
class NotifyResult:
    """Whether the receiver took the event. A receiver's trouble is reported here,
    never raised: a notification does not fail a run."""

    # The receiver answered 2xx.
    sent: bool
    # Its last HTTP status; 0 when none came (refused, timed out, not configured).
    status: int = 0
    # POSTs made (retries included); 0 when notifications are off.
    attempts: int = 0
    # Why it was not sent, naming the receiver by scheme and host only; "" when sent or off.
    error: str = ""
