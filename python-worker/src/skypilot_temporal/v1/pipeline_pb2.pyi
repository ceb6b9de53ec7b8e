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
STEP_KIND_UNSPECIFIED: StepKind
STEP_KIND_LAUNCH: StepKind
STEP_KIND_EXEC: StepKind
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
RUN_PHASE_UNSPECIFIED: RunPhase
RUN_PHASE_STARTING: RunPhase
RUN_PHASE_CLONE: RunPhase
RUN_PHASE_RUNNING: RunPhase
RUN_PHASE_TEARDOWN: RunPhase
RUN_PHASE_COMPLETED: RunPhase
RUN_PHASE_FAILED: RunPhase
RUN_PHASE_CANCELLED: RunPhase
RUN_PHASE_TEARDOWN_FAILED: RunPhase
WORKFLOW_TYPE_FIELD_NUMBER: _ClassVar[int]
workflow_type: _descriptor.FieldDescriptor
DEFAULT_TASK_QUEUE_FIELD_NUMBER: _ClassVar[int]
default_task_queue: _descriptor.FieldDescriptor
PROGRESS_QUERY_FIELD_NUMBER: _ClassVar[int]
progress_query: _descriptor.FieldDescriptor
ENV_NAME_PATTERN_FIELD_NUMBER: _ClassVar[int]
env_name_pattern: _descriptor.FieldDescriptor
ENV_NAME_MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
env_name_max_length: _descriptor.FieldDescriptor
WIRE_NAME_FIELD_NUMBER: _ClassVar[int]
wire_name: _descriptor.FieldDescriptor

class PipelineStep(_message.Message):
    __slots__ = ("name", "task_yaml", "kind", "cluster", "timeout_seconds", "heartbeat_timeout_seconds")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TASK_YAML_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    task_yaml: str
    kind: StepKind
    cluster: str
    timeout_seconds: int
    heartbeat_timeout_seconds: int
    def __init__(self, name: _Optional[str] = ..., task_yaml: _Optional[str] = ..., kind: _Optional[_Union[StepKind, str]] = ..., cluster: _Optional[str] = ..., timeout_seconds: _Optional[int] = ..., heartbeat_timeout_seconds: _Optional[int] = ...) -> None: ...

class LaunchOptions(_message.Message):
    __slots__ = ("idle_minutes_to_autodown", "retry_until_up", "teardown_timeout_seconds")
    IDLE_MINUTES_TO_AUTODOWN_FIELD_NUMBER: _ClassVar[int]
    RETRY_UNTIL_UP_FIELD_NUMBER: _ClassVar[int]
    TEARDOWN_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    idle_minutes_to_autodown: int
    retry_until_up: bool
    teardown_timeout_seconds: int
    def __init__(self, idle_minutes_to_autodown: _Optional[int] = ..., retry_until_up: _Optional[bool] = ..., teardown_timeout_seconds: _Optional[int] = ...) -> None: ...

class SkyPilotWorkflowInput(_message.Message):
    __slots__ = ("cluster_prefix", "repo_url", "branch", "envs_override", "secret_env_names", "api_server_endpoint", "steps", "launch")
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
    cluster_prefix: str
    repo_url: str
    branch: str
    envs_override: _containers.ScalarMap[str, str]
    secret_env_names: _containers.RepeatedScalarFieldContainer[str]
    api_server_endpoint: str
    steps: _containers.RepeatedCompositeFieldContainer[PipelineStep]
    launch: LaunchOptions
    def __init__(self, cluster_prefix: _Optional[str] = ..., repo_url: _Optional[str] = ..., branch: _Optional[str] = ..., envs_override: _Optional[_Mapping[str, str]] = ..., secret_env_names: _Optional[_Iterable[str]] = ..., api_server_endpoint: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[PipelineStep, _Mapping]]] = ..., launch: _Optional[_Union[LaunchOptions, _Mapping]] = ...) -> None: ...

class StepResult(_message.Message):
    __slots__ = ("name", "kind", "cluster_name", "job_id", "status", "duration_seconds", "log_tail")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_NAME_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    LOG_TAIL_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: StepKind
    cluster_name: str
    job_id: int
    status: str
    duration_seconds: float
    log_tail: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[StepKind, str]] = ..., cluster_name: _Optional[str] = ..., job_id: _Optional[int] = ..., status: _Optional[str] = ..., duration_seconds: _Optional[float] = ..., log_tail: _Optional[str] = ...) -> None: ...

class SkyPilotWorkflowResult(_message.Message):
    __slots__ = ("steps", "clusters_downed", "commit")
    STEPS_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_DOWNED_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    steps: _containers.RepeatedCompositeFieldContainer[StepResult]
    clusters_downed: _containers.RepeatedScalarFieldContainer[str]
    commit: str
    def __init__(self, steps: _Optional[_Iterable[_Union[StepResult, _Mapping]]] = ..., clusters_downed: _Optional[_Iterable[str]] = ..., commit: _Optional[str] = ...) -> None: ...

class SkyPilotWorkflowProgress(_message.Message):
    __slots__ = ("phase", "current_step", "finished", "clusters_up", "steps_total", "clusters", "clusters_left")
    PHASE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_STEP_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_UP_FIELD_NUMBER: _ClassVar[int]
    STEPS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_LEFT_FIELD_NUMBER: _ClassVar[int]
    phase: str
    current_step: str
    finished: _containers.RepeatedCompositeFieldContainer[StepResult]
    clusters_up: _containers.RepeatedScalarFieldContainer[str]
    steps_total: int
    clusters: _containers.RepeatedScalarFieldContainer[str]
    clusters_left: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, phase: _Optional[str] = ..., current_step: _Optional[str] = ..., finished: _Optional[_Iterable[_Union[StepResult, _Mapping]]] = ..., clusters_up: _Optional[_Iterable[str]] = ..., steps_total: _Optional[int] = ..., clusters: _Optional[_Iterable[str]] = ..., clusters_left: _Optional[_Iterable[str]] = ...) -> None: ...
