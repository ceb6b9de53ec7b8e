"""The cross-language contract: names read from the proto, and the payload converter.

Every name a client needs, the rule for environment variable names, and the strings a
run reports (failure types, phases) are options in
proto/skypilot_temporal/v1/pipeline.proto; this module reads them from the generated
descriptor so they are never typed twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Protocol, TypeGuard, TypeVar, cast

from google.protobuf import json_format, message
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    BinaryNullPayloadConverter,
    BinaryPlainPayloadConverter,
    BinaryProtoPayloadConverter,
    CompositePayloadConverter,
    DataConverter,
    JSONPlainPayloadConverter,
    JSONProtoPayloadConverter,
)
from temporalio.exceptions import ApplicationError

from skypilot_temporal.contract.dataclass_json import DataclassDecoder, DataclassEncoder
from skypilot_temporal.contract.unknown_fields import unknown_fields
from skypilot_temporal.v1 import pipeline_pb2


class _Options(Protocol):
    """A descriptor's options, as read here. protoc's .pyi types each extension of the
    contract as a plain FieldDescriptor, which types-protobuf does not take as a key of
    `Extensions[...]`: at run time it is the very extension that key stands for."""

    @property
    def Extensions(self) -> Mapping[FieldDescriptor, Any]: ...


_OPTIONS = cast(_Options, pipeline_pb2.DESCRIPTOR.GetOptions())
_T = TypeVar("_T")


def _file_options(kind: type[_T], *extensions: FieldDescriptor) -> list[_T]:
    """The values of the proto file's options, in order, each checked to be a `kind`."""
    values = [_OPTIONS.Extensions[extension] for extension in extensions]
    for extension, value in zip(extensions, values, strict=True):
        if not isinstance(value, kind):
            raise TypeError(f"option {extension.name} is {value!r}, not a {kind.__name__}")
    return values


# The names a client needs, the pipeline file's default path, and the line prefix of a metric.
(WORKFLOW_TYPE, DEFAULT_TASK_QUEUE, PROGRESS_QUERY, VIEW_QUERY, BRANCH_WORKFLOW_TYPE, DEFAULT_PIPELINE_FILE,
 METRIC_MARKER) = _file_options(
    str, pipeline_pb2.workflow_type, pipeline_pb2.default_task_queue, pipeline_pb2.progress_query,
    pipeline_pb2.view_query, pipeline_pb2.branch_workflow_type, pipeline_pb2.default_pipeline_file,
    pipeline_pb2.metric_marker)
# A running step's latest output in its heartbeat details: the key, and its bounds.
(LIVE_OUTPUT_KEY,) = _file_options(str, pipeline_pb2.live_output_key)
LIVE_LINES_MAX, LIVE_LINE_CHARS_MAX = _file_options(int, pipeline_pb2.live_lines_max, pipeline_pb2.live_line_chars_max)
# The most running sweep branches whose heartbeats a client reads per poll, and the
# most running steps whose output one view answer shows.
(LIVE_STEPS_MAX,) = _file_options(int, pipeline_pb2.live_steps_max)
# The update deciding an approval gate, and the approver a gate's timeout is recorded as.
DECIDE_UPDATE, TIMEOUT_APPROVER = _file_options(str, pipeline_pb2.decide_update, pipeline_pb2.timeout_approver)
# The updates that end a failed step's wait for a repair: run it again, or give up.
RETRY_UPDATE, ABORT_UPDATE = _file_options(str, pipeline_pb2.retry_update, pipeline_pb2.abort_update)
(WAIT_FOR_REPAIR_MAX_MINUTES,) = _file_options(int, pipeline_pb2.wait_for_repair_max_minutes)
# The most branches a sweep may have; an operator may lower it (SKYPILOT_TEMPORAL_MAX_BRANCHES).
SWEEP_BRANCHES_MAX = 1000
DEFAULT_TEAM, TEAM_PATTERN = _file_options(str, pipeline_pb2.default_team, pipeline_pb2.team_pattern)
QUOTA_WORKFLOW_TYPE, QUOTA_WORKFLOW_ID_PREFIX, QUOTA_QUERY = _file_options(
    str, pipeline_pb2.quota_workflow_type, pipeline_pb2.quota_workflow_id_prefix, pipeline_pb2.quota_query)
# The rule for environment variable names.
(ENV_NAME_PATTERN,) = _file_options(str, pipeline_pb2.env_name_pattern)
(ENV_NAME_MAX_LENGTH,) = _file_options(int, pipeline_pb2.env_name_max_length)
_ENV_NAME = re.compile(ENV_NAME_PATTERN)


def is_env_name(name: str) -> bool:
    """Whether `name` may be an environment variable name (an --env KEY, a secret name)."""
    return len(name) <= ENV_NAME_MAX_LENGTH and _ENV_NAME.fullmatch(name) is not None


def wire_name(enum: EnumTypeWrapper, value: int) -> str:
    """The string a FailureType or RunPhase value travels as (its wire_name option)."""
    options = cast(_Options, enum.DESCRIPTOR.values_by_number[value].GetOptions())
    return options.Extensions[pipeline_pb2.wire_name]


def _wire_names(enum: EnumTypeWrapper) -> dict[int, str]:
    """Each value's wire name (UNSPECIFIED left out), in the order of the values' numbers."""
    return {n: wire_name(enum, n) for n in sorted(v.number for v in enum.DESCRIPTOR.values if v.number)}


# Each table below is unpacked into one constant per value, in the order of the values'
# numbers: a value added to the proto without its constant here fails the import, and
# tests/contract/test_contract_constants.py checks each constant against its value's name.

# ApplicationError types a run fails with (FailureType), by enum value.
FAILURE_TYPES: dict[int, str] = _wire_names(pipeline_pb2.FailureType)
(INVALID_INPUT, INVALID_REPO, INVALID_TASK, JOB_FAILED, SKYPILOT_PERMANENT_ERROR, ENDPOINT_MISMATCH,
 STEP_TIMED_OUT, TEARDOWN_FAILED, WORKER_ERROR, REPO_UNREACHABLE, SKYPILOT_UNAVAILABLE,
 REJECTED) = FAILURE_TYPES.values()

# SkyPilotWorkflowProgress.phase values (RunPhase), by enum value.
PHASES: dict[int, str] = _wire_names(pipeline_pb2.RunPhase)
(PHASE_STARTING, PHASE_CLONE, PHASE_RUNNING, PHASE_TEARDOWN, PHASE_COMPLETED, PHASE_FAILED, PHASE_CANCELLED,
 PHASE_TEARDOWN_FAILED, PHASE_WAITING, PHASE_WAITING_FOR_REPAIR) = PHASES.values()

# StepProgress.state values (StepState), by enum value.
STEP_STATES: dict[int, str] = _wire_names(pipeline_pb2.StepState)
(STATE_PENDING, STATE_RUNNING, STATE_SUCCEEDED, STATE_FAILED, STATE_CANCELLED, STATE_SKIPPED,
 STATE_WAITING, STATE_WAITING_FOR_REPAIR, STATE_WAITING_FOR_QUOTA) = STEP_STATES.values()

# ApprovalDecision.decision values (Decision), by enum value.
DECISIONS: dict[int, str] = _wire_names(pipeline_pb2.Decision)
DECISION_APPROVE, DECISION_REJECT = DECISIONS.values()


def _is_proto_type(type_hint: Any) -> TypeGuard[type[message.Message]]:
    return isinstance(type_hint, type) and issubclass(type_hint, message.Message)


def _parse_into(payload: Payload, type_hint: type[message.Message]) -> Any:
    """Parses proto JSON into `type_hint`, refusing mistyped (and, in input, unknown) fields;
    an input's unknown fields are named all at once, before any other error.

    Errors are raised as a non-retryable ApplicationError: a FailureError raised while
    decoding fails the workflow instead of retrying its task forever, so a bad input
    ends the run at once with a reason that names the field.
    """
    name = type_hint.DESCRIPTOR.full_name
    sent = payload.metadata.get("messageType", b"").decode()
    if sent and sent != name:
        raise ApplicationError(
            f"invalid payload: expected message {name}, got {sent}",
            type=INVALID_INPUT,
            non_retryable=True,
        )
    # The worker's input (a run's, a decision's) is checked strictly; what it sends back (result, progress) is
    # read leniently, so a client built on an older contract survives added fields.
    strict = type_hint in (pipeline_pb2.SkyPilotWorkflowInput, pipeline_pb2.ApprovalDecision,
                           pipeline_pb2.RetryRequest, pipeline_pb2.AbortRequest)
    try:
        return json_format.Parse(payload.data, type_hint(), ignore_unknown_fields=not strict)
    except (json_format.ParseError, ValueError) as err:
        unknown = _unknown_fields(type_hint, payload.data) if strict else []
        reason = (f"unknown field {', '.join(unknown)} (allowed: the fields of {name}, by JSON or proto name)"
                  if unknown else str(err))
        raise ApplicationError(
            f"invalid {type_hint.DESCRIPTOR.name}: {reason}",
            type=INVALID_INPUT,
            non_retryable=True,
        ) from None


def _unknown_fields(type_hint: type[message.Message], data: bytes) -> list[str]:
    """Every unknown field of the payload, by path (json_format names the first only);
    none when it is no JSON, which json_format's error says."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return []
    return unknown_fields(type_hint.DESCRIPTOR, doc)


class _StrictJSONProtoConverter(JSONProtoPayloadConverter):
    """`json/protobuf`, with decode errors (unknown or mistyped fields) named clearly."""

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        if not _is_proto_type(type_hint):
            return super().from_payload(payload, type_hint)
        return _parse_into(payload, type_hint)


class _PlainJSONIntoProtoConverter(JSONPlainPayloadConverter):
    """`json/plain` that decodes into a proto type hint using the proto's JSON names.

    Clients without proto support (the `temporal` CLI, SDKs in other languages) send
    plain JSON; an unknown or mistyped field is an error, never silently dropped.
    """

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        if not _is_proto_type(type_hint):
            return super().from_payload(payload, type_hint)
        return _parse_into(payload, type_hint)


# Stateless, so shared: the SDK makes a payload converter for every data converter it
# derives (per workflow task and activity), and building five of them each time costs.
_CONVERTERS = (
    BinaryNullPayloadConverter(),
    BinaryPlainPayloadConverter(),
    _StrictJSONProtoConverter(),
    BinaryProtoPayloadConverter(),
    _PlainJSONIntoProtoConverter(
        encoder=DataclassEncoder, custom_type_converters=[DataclassDecoder()]
    ),
)


class ContractPayloadConverter(CompositePayloadConverter):
    """The SDK's default order (nil, bytes, proto-JSON, proto-binary, JSON), stricter,
    and quicker with the activities' dataclasses (dataclass_json.py)."""

    def __init__(self) -> None:
        super().__init__(*_CONVERTERS)


data_converter = DataConverter(payload_converter_class=ContractPayloadConverter)
