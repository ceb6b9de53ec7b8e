"""Names and rules the contract writes once as proto options, read through contract.py.

The Go (go-starter/contract_test.go) and TypeScript (ts-starter/contract.test.ts) tests
check the same values from their generated code.
"""

from __future__ import annotations

import pytest

from skypilot_temporal.contract import names as contract
from skypilot_temporal.v1 import pipeline_pb2 as pb

FAILURE_TYPES = ["InvalidInput", "InvalidRepo", "InvalidTask", "JobFailed", "SkyPilotPermanentError",
                 "EndpointMismatch", "StepTimedOut", "TeardownFailed", "WorkerError",
                 "RepoUnreachable", "SkyPilotUnavailable", "Rejected"]
PHASES = ["starting", "clone", "running", "teardown", "completed", "failed", "cancelled", "teardown_failed",
          "waiting", "waiting_for_repair"]


def test_failure_types_travel_as_their_wire_names() -> None:
    assert list(contract.FAILURE_TYPES.values()) == FAILURE_TYPES
    assert [contract.INVALID_INPUT, contract.INVALID_REPO, contract.INVALID_TASK, contract.JOB_FAILED,
            contract.SKYPILOT_PERMANENT_ERROR, contract.ENDPOINT_MISMATCH, contract.STEP_TIMED_OUT,
            contract.TEARDOWN_FAILED, contract.WORKER_ERROR, contract.REPO_UNREACHABLE,
            contract.SKYPILOT_UNAVAILABLE, contract.REJECTED] == FAILURE_TYPES
    assert contract.wire_name(pb.FailureType, pb.FAILURE_TYPE_TEARDOWN_FAILED) == "TeardownFailed"


def test_run_phases_travel_as_their_wire_names() -> None:
    assert list(contract.PHASES.values()) == PHASES
    assert [contract.PHASE_STARTING, contract.PHASE_CLONE, contract.PHASE_RUNNING, contract.PHASE_TEARDOWN,
            contract.PHASE_COMPLETED, contract.PHASE_FAILED, contract.PHASE_CANCELLED,
            contract.PHASE_TEARDOWN_FAILED, contract.PHASE_WAITING, contract.PHASE_WAITING_FOR_REPAIR] == PHASES


@pytest.mark.parametrize("enum", [pb.FailureType, pb.RunPhase, pb.StepState, pb.Decision])
def test_every_value_but_unspecified_has_a_unique_wire_name(enum) -> None:
    values = [v for v in enum.DESCRIPTOR.values if v.number]
    names = [contract.wire_name(enum, v.number) for v in values]
    assert all(names) and len(set(names)) == len(names)
    assert enum.DESCRIPTOR.values_by_number[0].name.endswith("_UNSPECIFIED")


def test_progress_phase_stays_a_string_on_the_wire() -> None:
    field = pb.SkyPilotWorkflowProgress.DESCRIPTOR.fields_by_name["phase"]
    assert field.type == field.TYPE_STRING


def test_env_name_rule() -> None:
    assert (contract.ENV_NAME_PATTERN, contract.ENV_NAME_MAX_LENGTH) == ("[A-Za-z_][A-Za-z0-9_]*", 128)
    assert contract.is_env_name("HF_TOKEN") and contract.is_env_name("_" * 128)
    for bad in ("", "1A", "A-B", "A\n", "_" * 129):
        assert not contract.is_env_name(bad), bad
