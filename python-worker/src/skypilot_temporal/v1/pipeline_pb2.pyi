from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StepKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STEP_KIND_UNSPECIFIED: _ClassVar[StepKind]
    STEP_KIND_LAUNCH: _ClassVar[StepKind]
    STEP_KIND_EXEC: _ClassVar[StepKind]
    STEP_KIND_SELECT: _ClassVar[StepKind]
    STEP_KIND_APPROVAL: _ClassVar[StepKind]
    STEP_KIND_MANAGED: _ClassVar[StepKind]

class BranchFailureMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BRANCH_FAILURE_MODE_UNSPECIFIED: _ClassVar[BranchFailureMode]
    BRANCH_FAILURE_MODE_FAIL_FAST: _ClassVar[BranchFailureMode]
    BRANCH_FAILURE_MODE_KEEP_GOING: _ClassVar[BranchFailureMode]

class SelectGoal(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SELECT_GOAL_UNSPECIFIED: _ClassVar[SelectGoal]
    SELECT_GOAL_MAXIMIZE: _ClassVar[SelectGoal]
    SELECT_GOAL_MINIMIZE: _ClassVar[SelectGoal]

class StepState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STEP_STATE_UNSPECIFIED: _ClassVar[StepState]
    STEP_STATE_PENDING: _ClassVar[StepState]
    STEP_STATE_RUNNING: _ClassVar[StepState]
    STEP_STATE_SUCCEEDED: _ClassVar[StepState]
    STEP_STATE_FAILED: _ClassVar[StepState]
    STEP_STATE_CANCELLED: _ClassVar[StepState]
    STEP_STATE_SKIPPED: _ClassVar[StepState]
    STEP_STATE_WAITING: _ClassVar[StepState]
    STEP_STATE_WAITING_FOR_REPAIR: _ClassVar[StepState]
    STEP_STATE_WAITING_FOR_QUOTA: _ClassVar[StepState]

class FailureType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAILURE_TYPE_UNSPECIFIED: _ClassVar[FailureType]
    FAILURE_TYPE_INVALID_INPUT: _ClassVar[FailureType]
    FAILURE_TYPE_INVALID_REPO: _ClassVar[FailureType]
    FAILURE_TYPE_INVALID_TASK: _ClassVar[FailureType]
    FAILURE_TYPE_JOB_FAILED: _ClassVar[FailureType]
    FAILURE_TYPE_SKYPILOT_PERMANENT_ERROR: _ClassVar[FailureType]
    FAILURE_TYPE_ENDPOINT_MISMATCH: _ClassVar[FailureType]
    FAILURE_TYPE_STEP_TIMED_OUT: _ClassVar[FailureType]
    FAILURE_TYPE_TEARDOWN_FAILED: _ClassVar[FailureType]
    FAILURE_TYPE_WORKER_ERROR: _ClassVar[FailureType]
    FAILURE_TYPE_REPO_UNREACHABLE: _ClassVar[FailureType]
    FAILURE_TYPE_SKYPILOT_UNAVAILABLE: _ClassVar[FailureType]
    FAILURE_TYPE_REJECTED: _ClassVar[FailureType]

class RunPhase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RUN_PHASE_UNSPECIFIED: _ClassVar[RunPhase]
    RUN_PHASE_STARTING: _ClassVar[RunPhase]
    RUN_PHASE_CLONE: _ClassVar[RunPhase]
    RUN_PHASE_RUNNING: _ClassVar[RunPhase]
    RUN_PHASE_TEARDOWN: _ClassVar[RunPhase]
    RUN_PHASE_COMPLETED: _ClassVar[RunPhase]
    RUN_PHASE_FAILED: _ClassVar[RunPhase]
    RUN_PHASE_CANCELLED: _ClassVar[RunPhase]
    RUN_PHASE_TEARDOWN_FAILED: _ClassVar[RunPhase]
    RUN_PHASE_WAITING: _ClassVar[RunPhase]
    RUN_PHASE_WAITING_FOR_REPAIR: _ClassVar[RunPhase]

class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_UNSPECIFIED: _ClassVar[Decision]
    DECISION_APPROVE: _ClassVar[Decision]
    DECISION_REJECT: _ClassVar[Decision]
STEP_KIND_UNSPECIFIED: StepKind
STEP_KIND_LAUNCH: StepKind
STEP_KIND_EXEC: StepKind
STEP_KIND_SELECT: StepKind
STEP_KIND_APPROVAL: StepKind
STEP_KIND_MANAGED: StepKind
BRANCH_FAILURE_MODE_UNSPECIFIED: BranchFailureMode
BRANCH_FAILURE_MODE_FAIL_FAST: BranchFailureMode
BRANCH_FAILURE_MODE_KEEP_GOING: BranchFailureMode
SELECT_GOAL_UNSPECIFIED: SelectGoal
SELECT_GOAL_MAXIMIZE: SelectGoal
SELECT_GOAL_MINIMIZE: SelectGoal
STEP_STATE_UNSPECIFIED: StepState
STEP_STATE_PENDING: StepState
STEP_STATE_RUNNING: StepState
STEP_STATE_SUCCEEDED: StepState
STEP_STATE_FAILED: StepState
STEP_STATE_CANCELLED: StepState
STEP_STATE_SKIPPED: StepState
STEP_STATE_WAITING: StepState
STEP_STATE_WAITING_FOR_REPAIR: StepState
STEP_STATE_WAITING_FOR_QUOTA: StepState
FAILURE_TYPE_UNSPECIFIED: FailureType
FAILURE_TYPE_INVALID_INPUT: FailureType
FAILURE_TYPE_INVALID_REPO: FailureType
FAILURE_TYPE_INVALID_TASK: FailureType
FAILURE_TYPE_JOB_FAILED: FailureType
FAILURE_TYPE_SKYPILOT_PERMANENT_ERROR: FailureType
FAILURE_TYPE_ENDPOINT_MISMATCH: FailureType
FAILURE_TYPE_STEP_TIMED_OUT: FailureType
FAILURE_TYPE_TEARDOWN_FAILED: FailureType
FAILURE_TYPE_WORKER_ERROR: FailureType
FAILURE_TYPE_REPO_UNREACHABLE: FailureType
FAILURE_TYPE_SKYPILOT_UNAVAILABLE: FailureType
FAILURE_TYPE_REJECTED: FailureType
RUN_PHASE_UNSPECIFIED: RunPhase
RUN_PHASE_STARTING: RunPhase
RUN_PHASE_CLONE: RunPhase
RUN_PHASE_RUNNING: RunPhase
RUN_PHASE_TEARDOWN: RunPhase
RUN_PHASE_COMPLETED: RunPhase
RUN_PHASE_FAILED: RunPhase
RUN_PHASE_CANCELLED: RunPhase
RUN_PHASE_TEARDOWN_FAILED: RunPhase
RUN_PHASE_WAITING: RunPhase
RUN_PHASE_WAITING_FOR_REPAIR: RunPhase
DECISION_UNSPECIFIED: Decision
DECISION_APPROVE: Decision
DECISION_REJECT: Decision
WORKFLOW_TYPE_FIELD_NUMBER: _ClassVar[int]
workflow_type: _descriptor.FieldDescriptor
DEFAULT_TASK_QUEUE_FIELD_NUMBER: _ClassVar[int]
default_task_queue: _descriptor.FieldDescriptor
PROGRESS_QUERY_FIELD_NUMBER: _ClassVar[int]
progress_query: _descriptor.FieldDescriptor
BRANCH_WORKFLOW_TYPE_FIELD_NUMBER: _ClassVar[int]
branch_workflow_type: _descriptor.FieldDescriptor
DEFAULT_PIPELINE_FILE_FIELD_NUMBER: _ClassVar[int]
default_pipeline_file: _descriptor.FieldDescriptor
METRIC_MARKER_FIELD_NUMBER: _ClassVar[int]
metric_marker: _descriptor.FieldDescriptor
ENV_NAME_PATTERN_FIELD_NUMBER: _ClassVar[int]
env_name_pattern: _descriptor.FieldDescriptor
ENV_NAME_MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
env_name_max_length: _descriptor.FieldDescriptor
VIEW_QUERY_FIELD_NUMBER: _ClassVar[int]
view_query: _descriptor.FieldDescriptor
LIVE_OUTPUT_KEY_FIELD_NUMBER: _ClassVar[int]
live_output_key: _descriptor.FieldDescriptor
LIVE_LINES_MAX_FIELD_NUMBER: _ClassVar[int]
live_lines_max: _descriptor.FieldDescriptor
LIVE_LINE_CHARS_MAX_FIELD_NUMBER: _ClassVar[int]
live_line_chars_max: _descriptor.FieldDescriptor
LIVE_STEPS_MAX_FIELD_NUMBER: _ClassVar[int]
live_steps_max: _descriptor.FieldDescriptor
DECIDE_UPDATE_FIELD_NUMBER: _ClassVar[int]
decide_update: _descriptor.FieldDescriptor
TIMEOUT_APPROVER_FIELD_NUMBER: _ClassVar[int]
timeout_approver: _descriptor.FieldDescriptor
RETRY_UPDATE_FIELD_NUMBER: _ClassVar[int]
retry_update: _descriptor.FieldDescriptor
ABORT_UPDATE_FIELD_NUMBER: _ClassVar[int]
abort_update: _descriptor.FieldDescriptor
WAIT_FOR_REPAIR_MAX_MINUTES_FIELD_NUMBER: _ClassVar[int]
wait_for_repair_max_minutes: _descriptor.FieldDescriptor
DEFAULT_TEAM_FIELD_NUMBER: _ClassVar[int]
default_team: _descriptor.FieldDescriptor
TEAM_PATTERN_FIELD_NUMBER: _ClassVar[int]
team_pattern: _descriptor.FieldDescriptor
QUOTA_WORKFLOW_TYPE_FIELD_NUMBER: _ClassVar[int]
quota_workflow_type: _descriptor.FieldDescriptor
QUOTA_WORKFLOW_ID_PREFIX_FIELD_NUMBER: _ClassVar[int]
quota_workflow_id_prefix: _descriptor.FieldDescriptor
QUOTA_QUERY_FIELD_NUMBER: _ClassVar[int]
quota_query: _descriptor.FieldDescriptor
WIRE_NAME_FIELD_NUMBER: _ClassVar[int]
wire_name: _descriptor.FieldDescriptor

class PipelineStep(_message.Message):
    __slots__ = ("name", "task_yaml", "kind", "cluster", "timeout_seconds", "heartbeat_timeout_seconds", "needs", "envs", "sweep", "select", "provision_ahead", "approvers", "wait_for_repair_minutes")
    class EnvsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    TASK_YAML_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    NEEDS_FIELD_NUMBER: _ClassVar[int]
    ENVS_FIELD_NUMBER: _ClassVar[int]
    SWEEP_FIELD_NUMBER: _ClassVar[int]
    SELECT_FIELD_NUMBER: _ClassVar[int]
    PROVISION_AHEAD_FIELD_NUMBER: _ClassVar[int]
    APPROVERS_FIELD_NUMBER: _ClassVar[int]
    WAIT_FOR_REPAIR_MINUTES_FIELD_NUMBER: _ClassVar[int]
    name: str
    task_yaml: str
    kind: StepKind
    cluster: str
    timeout_seconds: int
    heartbeat_timeout_seconds: int
    needs: _containers.RepeatedScalarFieldContainer[str]
    envs: _containers.ScalarMap[str, str]
    sweep: Sweep
    select: Select
    provision_ahead: bool
    approvers: _containers.RepeatedScalarFieldContainer[str]
    wait_for_repair_minutes: int
    def __init__(self, name: _Optional[str] = ..., task_yaml: _Optional[str] = ..., kind: _Optional[_Union[StepKind, str]] = ..., cluster: _Optional[str] = ..., timeout_seconds: _Optional[int] = ..., heartbeat_timeout_seconds: _Optional[int] = ..., needs: _Optional[_Iterable[str]] = ..., envs: _Optional[_Mapping[str, str]] = ..., sweep: _Optional[_Union[Sweep, _Mapping]] = ..., select: _Optional[_Union[Select, _Mapping]] = ..., provision_ahead: _Optional[bool] = ..., approvers: _Optional[_Iterable[str]] = ..., wait_for_repair_minutes: _Optional[int] = ...) -> None: ...

class Sweep(_message.Message):
    __slots__ = ("matrix", "include", "max_parallel", "on_failure")
    MATRIX_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_FIELD_NUMBER: _ClassVar[int]
    MAX_PARALLEL_FIELD_NUMBER: _ClassVar[int]
    ON_FAILURE_FIELD_NUMBER: _ClassVar[int]
    matrix: _containers.RepeatedCompositeFieldContainer[SweepAxis]
    include: _containers.RepeatedCompositeFieldContainer[BranchEnvs]
    max_parallel: int
    on_failure: BranchFailurePolicy
    def __init__(self, matrix: _Optional[_Iterable[_Union[SweepAxis, _Mapping]]] = ..., include: _Optional[_Iterable[_Union[BranchEnvs, _Mapping]]] = ..., max_parallel: _Optional[int] = ..., on_failure: _Optional[_Union[BranchFailurePolicy, _Mapping]] = ...) -> None: ...

class SweepAxis(_message.Message):
    __slots__ = ("name", "values")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    name: str
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., values: _Optional[_Iterable[str]] = ...) -> None: ...

class BranchEnvs(_message.Message):
    __slots__ = ("envs",)
    class EnvsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ENVS_FIELD_NUMBER: _ClassVar[int]
    envs: _containers.ScalarMap[str, str]
    def __init__(self, envs: _Optional[_Mapping[str, str]] = ...) -> None: ...

class BranchFailurePolicy(_message.Message):
    __slots__ = ("mode", "min_succeeded", "min_succeeded_fraction")
    MODE_FIELD_NUMBER: _ClassVar[int]
    MIN_SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    MIN_SUCCEEDED_FRACTION_FIELD_NUMBER: _ClassVar[int]
    mode: BranchFailureMode
    min_succeeded: int
    min_succeeded_fraction: float
    def __init__(self, mode: _Optional[_Union[BranchFailureMode, str]] = ..., min_succeeded: _Optional[int] = ..., min_succeeded_fraction: _Optional[float] = ...) -> None: ...

class Select(_message.Message):
    __slots__ = ("metric", "goal", "step")
    METRIC_FIELD_NUMBER: _ClassVar[int]
    GOAL_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    metric: str
    goal: SelectGoal
    step: str
    def __init__(self, metric: _Optional[str] = ..., goal: _Optional[_Union[SelectGoal, str]] = ..., step: _Optional[str] = ...) -> None: ...

class PipelineSpec(_message.Message):
    __slots__ = ("steps",)
    STEPS_FIELD_NUMBER: _ClassVar[int]
    steps: _containers.RepeatedCompositeFieldContainer[PipelineStep]
    def __init__(self, steps: _Optional[_Iterable[_Union[PipelineStep, _Mapping]]] = ...) -> None: ...

class LaunchOptions(_message.Message):
    __slots__ = ("idle_minutes_to_autodown", "retry_until_up", "teardown_timeout_seconds", "provision_ahead", "wait_for_repair_minutes")
    IDLE_MINUTES_TO_AUTODOWN_FIELD_NUMBER: _ClassVar[int]
    RETRY_UNTIL_UP_FIELD_NUMBER: _ClassVar[int]
    TEARDOWN_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    PROVISION_AHEAD_FIELD_NUMBER: _ClassVar[int]
    WAIT_FOR_REPAIR_MINUTES_FIELD_NUMBER: _ClassVar[int]
    idle_minutes_to_autodown: int
    retry_until_up: bool
    teardown_timeout_seconds: int
    provision_ahead: bool
    wait_for_repair_minutes: int
    def __init__(self, idle_minutes_to_autodown: _Optional[int] = ..., retry_until_up: _Optional[bool] = ..., teardown_timeout_seconds: _Optional[int] = ..., provision_ahead: _Optional[bool] = ..., wait_for_repair_minutes: _Optional[int] = ...) -> None: ...

class SkyPilotWorkflowInput(_message.Message):
    __slots__ = ("cluster_prefix", "repo_url", "branch", "envs_override", "secret_env_names", "api_server_endpoint", "steps", "launch", "pipeline_file", "resume_from", "team")
    class EnvsOverrideEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CLUSTER_PREFIX_FIELD_NUMBER: _ClassVar[int]
    REPO_URL_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    ENVS_OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    SECRET_ENV_NAMES_FIELD_NUMBER: _ClassVar[int]
    API_SERVER_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    LAUNCH_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_FILE_FIELD_NUMBER: _ClassVar[int]
    RESUME_FROM_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    cluster_prefix: str
    repo_url: str
    branch: str
    envs_override: _containers.ScalarMap[str, str]
    secret_env_names: _containers.RepeatedScalarFieldContainer[str]
    api_server_endpoint: str
    steps: _containers.RepeatedCompositeFieldContainer[PipelineStep]
    launch: LaunchOptions
    pipeline_file: str
    resume_from: str
    team: str
    def __init__(self, cluster_prefix: _Optional[str] = ..., repo_url: _Optional[str] = ..., branch: _Optional[str] = ..., envs_override: _Optional[_Mapping[str, str]] = ..., secret_env_names: _Optional[_Iterable[str]] = ..., api_server_endpoint: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[PipelineStep, _Mapping]]] = ..., launch: _Optional[_Union[LaunchOptions, _Mapping]] = ..., pipeline_file: _Optional[str] = ..., resume_from: _Optional[str] = ..., team: _Optional[str] = ...) -> None: ...

class StepResult(_message.Message):
    __slots__ = ("name", "kind", "cluster_name", "job_id", "status", "duration_seconds", "log_tail", "branch", "metrics", "idle_cluster_seconds", "approval", "repairs", "key", "reused_from", "usd_per_hour", "cost_usd", "idle_cost_usd", "recoveries", "last_recovered_at")
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_NAME_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    LOG_TAIL_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    IDLE_CLUSTER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_FIELD_NUMBER: _ClassVar[int]
    REPAIRS_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    REUSED_FROM_FIELD_NUMBER: _ClassVar[int]
    USD_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    IDLE_COST_USD_FIELD_NUMBER: _ClassVar[int]
    RECOVERIES_FIELD_NUMBER: _ClassVar[int]
    LAST_RECOVERED_AT_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: StepKind
    cluster_name: str
    job_id: int
    status: str
    duration_seconds: float
    log_tail: str
    branch: str
    metrics: _containers.ScalarMap[str, float]
    idle_cluster_seconds: float
    approval: ApprovalRecord
    repairs: _containers.RepeatedCompositeFieldContainer[RepairRecord]
    key: str
    reused_from: str
    usd_per_hour: float
    cost_usd: float
    idle_cost_usd: float
    recoveries: int
    last_recovered_at: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[StepKind, str]] = ..., cluster_name: _Optional[str] = ..., job_id: _Optional[int] = ..., status: _Optional[str] = ..., duration_seconds: _Optional[float] = ..., log_tail: _Optional[str] = ..., branch: _Optional[str] = ..., metrics: _Optional[_Mapping[str, float]] = ..., idle_cluster_seconds: _Optional[float] = ..., approval: _Optional[_Union[ApprovalRecord, _Mapping]] = ..., repairs: _Optional[_Iterable[_Union[RepairRecord, _Mapping]]] = ..., key: _Optional[str] = ..., reused_from: _Optional[str] = ..., usd_per_hour: _Optional[float] = ..., cost_usd: _Optional[float] = ..., idle_cost_usd: _Optional[float] = ..., recoveries: _Optional[int] = ..., last_recovered_at: _Optional[str] = ...) -> None: ...

class RunCost(_message.Message):
    __slots__ = ("running_usd", "idle_usd", "reused_usd", "note")
    RUNNING_USD_FIELD_NUMBER: _ClassVar[int]
    IDLE_USD_FIELD_NUMBER: _ClassVar[int]
    REUSED_USD_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    running_usd: float
    idle_usd: float
    reused_usd: float
    note: str
    def __init__(self, running_usd: _Optional[float] = ..., idle_usd: _Optional[float] = ..., reused_usd: _Optional[float] = ..., note: _Optional[str] = ...) -> None: ...

class RetryRequest(_message.Message):
    __slots__ = ("step", "commit", "requester", "branch")
    STEP_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    step: str
    commit: str
    requester: str
    branch: str
    def __init__(self, step: _Optional[str] = ..., commit: _Optional[str] = ..., requester: _Optional[str] = ..., branch: _Optional[str] = ...) -> None: ...

class AbortRequest(_message.Message):
    __slots__ = ("step", "reason", "requester", "branch")
    STEP_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    step: str
    reason: str
    requester: str
    branch: str
    def __init__(self, step: _Optional[str] = ..., reason: _Optional[str] = ..., requester: _Optional[str] = ..., branch: _Optional[str] = ...) -> None: ...

class RepairRecord(_message.Message):
    __slots__ = ("step", "action", "requester", "commit", "reason", "decided_at", "waiting_since", "failure", "branch")
    STEP_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    WAITING_SINCE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    step: str
    action: str
    requester: str
    commit: str
    reason: str
    decided_at: str
    waiting_since: str
    failure: str
    branch: str
    def __init__(self, step: _Optional[str] = ..., action: _Optional[str] = ..., requester: _Optional[str] = ..., commit: _Optional[str] = ..., reason: _Optional[str] = ..., decided_at: _Optional[str] = ..., waiting_since: _Optional[str] = ..., failure: _Optional[str] = ..., branch: _Optional[str] = ...) -> None: ...

class RepairAnswer(_message.Message):
    __slots__ = ("repairs",)
    REPAIRS_FIELD_NUMBER: _ClassVar[int]
    repairs: _containers.RepeatedCompositeFieldContainer[RepairRecord]
    def __init__(self, repairs: _Optional[_Iterable[_Union[RepairRecord, _Mapping]]] = ...) -> None: ...

class ApprovalDecision(_message.Message):
    __slots__ = ("gate", "decision", "approver", "reason")
    GATE_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    APPROVER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    gate: str
    decision: str
    approver: str
    reason: str
    def __init__(self, gate: _Optional[str] = ..., decision: _Optional[str] = ..., approver: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ApprovalRecord(_message.Message):
    __slots__ = ("gate", "decision", "approver", "reason", "decided_at", "waiting_since")
    GATE_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    APPROVER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    WAITING_SINCE_FIELD_NUMBER: _ClassVar[int]
    gate: str
    decision: str
    approver: str
    reason: str
    decided_at: str
    waiting_since: str
    def __init__(self, gate: _Optional[str] = ..., decision: _Optional[str] = ..., approver: _Optional[str] = ..., reason: _Optional[str] = ..., decided_at: _Optional[str] = ..., waiting_since: _Optional[str] = ...) -> None: ...

class SkyPilotWorkflowResult(_message.Message):
    __slots__ = ("steps", "clusters_downed", "commit", "lines", "cost")
    STEPS_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_DOWNED_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    steps: _containers.RepeatedCompositeFieldContainer[StepResult]
    clusters_downed: _containers.RepeatedScalarFieldContainer[str]
    commit: str
    lines: _containers.RepeatedScalarFieldContainer[str]
    cost: RunCost
    def __init__(self, steps: _Optional[_Iterable[_Union[StepResult, _Mapping]]] = ..., clusters_downed: _Optional[_Iterable[str]] = ..., commit: _Optional[str] = ..., lines: _Optional[_Iterable[str]] = ..., cost: _Optional[_Union[RunCost, _Mapping]] = ...) -> None: ...

class RunViewRequest(_message.Message):
    __slots__ = ("cursor", "heartbeats", "starter")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    HEARTBEATS_FIELD_NUMBER: _ClassVar[int]
    STARTER_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    heartbeats: _containers.RepeatedScalarFieldContainer[str]
    starter: str
    def __init__(self, cursor: _Optional[str] = ..., heartbeats: _Optional[_Iterable[str]] = ..., starter: _Optional[str] = ...) -> None: ...

class RunView(_message.Message):
    __slots__ = ("lines", "cursor")
    LINES_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedScalarFieldContainer[str]
    cursor: str
    def __init__(self, lines: _Optional[_Iterable[str]] = ..., cursor: _Optional[str] = ...) -> None: ...

class SkyPilotWorkflowProgress(_message.Message):
    __slots__ = ("phase", "current_step", "finished", "clusters_up", "steps_total", "clusters", "clusters_left", "steps", "cost", "team", "limits")
    PHASE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_STEP_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_UP_FIELD_NUMBER: _ClassVar[int]
    STEPS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_LEFT_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    phase: str
    current_step: str
    finished: _containers.RepeatedCompositeFieldContainer[StepResult]
    clusters_up: _containers.RepeatedScalarFieldContainer[str]
    steps_total: int
    clusters: _containers.RepeatedScalarFieldContainer[str]
    clusters_left: _containers.RepeatedScalarFieldContainer[str]
    steps: _containers.RepeatedCompositeFieldContainer[StepProgress]
    cost: RunCost
    team: str
    limits: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, phase: _Optional[str] = ..., current_step: _Optional[str] = ..., finished: _Optional[_Iterable[_Union[StepResult, _Mapping]]] = ..., clusters_up: _Optional[_Iterable[str]] = ..., steps_total: _Optional[int] = ..., clusters: _Optional[_Iterable[str]] = ..., clusters_left: _Optional[_Iterable[str]] = ..., steps: _Optional[_Iterable[_Union[StepProgress, _Mapping]]] = ..., cost: _Optional[_Union[RunCost, _Mapping]] = ..., team: _Optional[str] = ..., limits: _Optional[_Iterable[str]] = ...) -> None: ...

class StepProgress(_message.Message):
    __slots__ = ("name", "branch", "state", "cluster_name", "metrics", "winner", "kind", "waiting_since", "deadline", "approvers", "approval", "failure", "clusters_kept", "repairs", "reused_from", "kept_usd_per_hour", "recoveries", "last_recovered_at", "waiting_for_quota")
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_NAME_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    WINNER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    WAITING_SINCE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    APPROVERS_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_KEPT_FIELD_NUMBER: _ClassVar[int]
    REPAIRS_FIELD_NUMBER: _ClassVar[int]
    REUSED_FROM_FIELD_NUMBER: _ClassVar[int]
    KEPT_USD_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    RECOVERIES_FIELD_NUMBER: _ClassVar[int]
    LAST_RECOVERED_AT_FIELD_NUMBER: _ClassVar[int]
    WAITING_FOR_QUOTA_FIELD_NUMBER: _ClassVar[int]
    name: str
    branch: str
    state: str
    cluster_name: str
    metrics: _containers.ScalarMap[str, float]
    winner: bool
    kind: StepKind
    waiting_since: str
    deadline: str
    approvers: _containers.RepeatedScalarFieldContainer[str]
    approval: ApprovalRecord
    failure: str
    clusters_kept: _containers.RepeatedScalarFieldContainer[str]
    repairs: _containers.RepeatedCompositeFieldContainer[RepairRecord]
    reused_from: str
    kept_usd_per_hour: float
    recoveries: int
    last_recovered_at: str
    waiting_for_quota: str
    def __init__(self, name: _Optional[str] = ..., branch: _Optional[str] = ..., state: _Optional[str] = ..., cluster_name: _Optional[str] = ..., metrics: _Optional[_Mapping[str, float]] = ..., winner: _Optional[bool] = ..., kind: _Optional[_Union[StepKind, str]] = ..., waiting_since: _Optional[str] = ..., deadline: _Optional[str] = ..., approvers: _Optional[_Iterable[str]] = ..., approval: _Optional[_Union[ApprovalRecord, _Mapping]] = ..., failure: _Optional[str] = ..., clusters_kept: _Optional[_Iterable[str]] = ..., repairs: _Optional[_Iterable[_Union[RepairRecord, _Mapping]]] = ..., reused_from: _Optional[str] = ..., kept_usd_per_hour: _Optional[float] = ..., recoveries: _Optional[int] = ..., last_recovered_at: _Optional[str] = ..., waiting_for_quota: _Optional[str] = ...) -> None: ...
