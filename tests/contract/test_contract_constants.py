"""Each constant names.py unpacks from an enum's wire names stands for the value its name
says (FAILURE_TYPE_JOB_FAILED -> JOB_FAILED, RUN_PHASE_CLONE -> PHASE_CLONE, ...)."""

from __future__ import annotations

import pytest

from skypilot_temporal.contract import names
from skypilot_temporal.v1 import pipeline_pb2 as pb


@pytest.mark.parametrize(("enum", "prefix", "constant_prefix"), [
    (pb.FailureType, "FAILURE_TYPE_", ""),
    (pb.RunPhase, "RUN_PHASE_", "PHASE_"),
    (pb.StepState, "STEP_STATE_", "STATE_"),
    (pb.Decision, "DECISION_", "DECISION_"),
])
def test_every_value_has_its_constant_with_its_wire_name(enum, prefix: str, constant_prefix: str) -> None:
    values = [v for v in enum.DESCRIPTOR.values if v.number]
    assert values
    for value in values:
        constant = constant_prefix + value.name.removeprefix(prefix)
        assert getattr(names, constant) == names.wire_name(enum, value.number), constant
