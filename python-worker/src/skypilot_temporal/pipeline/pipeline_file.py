"""The pipeline file of a task repository (pipeline.yaml): YAML to the contract's
PipelineSpec. Pure: the clone activity reads the file and calls this.

The file is written for people: `kind: exec`, `matrix: {LR: [1e-3, 3e-4]}`,
`on_failure: {mode: keep_going}`. It becomes exactly the message a plain-JSON client
would send in `steps`, so one planner (dag.py) validates both, and gives a key left
out the meaning the contract gives a field left unset (no `kind`: a launch). Its keys
are the messages' field names and its choices the enums' value names, lower-case and
without their prefix, all read from the contract. Unknown keys are refused, naming the
file, the step and the key, and listing what is allowed.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.message import Message

from skypilot_temporal.pipeline.dag import InvalidInput
from skypilot_temporal.v1 import pipeline_pb2 as pb


def _keys_of(message: type[Message]) -> tuple[str, ...]:
    """The keys a mapping for `message` may have: its field names, in the proto's order."""
    return tuple(f.name for f in message.DESCRIPTOR.fields)


def _choices_of(enum: EnumTypeWrapper) -> dict[str, str]:
    """What a file may write for `enum`, to the value's name: `exec` for STEP_KIND_EXEC.
    The zero value is not written: it is what a key left out means."""
    prefix = enum.DESCRIPTOR.values[0].name.removesuffix("UNSPECIFIED")
    return {v.name.removeprefix(prefix).lower(): v.name for v in enum.DESCRIPTOR.values if v.number}


_STEP_KEYS = _keys_of(pb.PipelineStep)
_SWEEP_KEYS = _keys_of(pb.Sweep)
_FAILURE_KEYS = _keys_of(pb.BranchFailurePolicy)
_SELECT_KEYS = _keys_of(pb.Select)
_KINDS = _choices_of(pb.StepKind)
_MODES = _choices_of(pb.BranchFailureMode)
_GOALS = _choices_of(pb.SelectGoal)


def parse_pipeline(doc: Any, source: str) -> pb.PipelineSpec:
    """The PipelineSpec a parsed YAML document declares; InvalidInput naming the spot."""
    if not isinstance(doc, dict):
        raise InvalidInput(f"{source}: must be a mapping with a `steps` list")
    _keys(doc, ("steps",), source)
    steps = doc.get("steps")
    if not isinstance(steps, list) or not steps:
        raise InvalidInput(f"{source}: steps: must be a non-empty list of steps")
    out = []
    for i, step in enumerate(steps):
        name = step.get("name", "") if isinstance(step, dict) else ""
        at = f"{source}: steps[{i}]" + (f" ({name})" if isinstance(name, str) and name else "")
        out.append(_step(step, at))
    spec = pb.PipelineSpec()
    try:
        json_format.ParseDict({"steps": out}, spec, ignore_unknown_fields=False)
    except json_format.ParseError as err:
        raise InvalidInput(f"{source}: {err}") from None
    return spec


def _keys(node: dict, allowed: tuple[str, ...], at: str) -> None:
    for key in node:
        if key not in allowed:
            raise InvalidInput(f"{at}: unknown key {key!r} (allowed: {', '.join(allowed)})")


def _text(value: Any, at: str) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise InvalidInput(f"{at}: must be a string or a number, got {_shape(value)}")
    return str(value)


def _shape(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _names(value: Any, at: str, what: str) -> list[str]:
    """A list of names; one name alone stands for a list of one."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list):
        raise InvalidInput(f"{at}: must be a list of {what}")
    return [_text(n, at) for n in names]


def _envs(node: Any, at: str) -> dict[str, str]:
    if not isinstance(node, dict):
        raise InvalidInput(f"{at}: must be a mapping of names to values, got {_shape(node)}")
    return {str(k): _text(v, f"{at}.{k}") for k, v in node.items()}


def _choice(value: Any, choices: dict[str, str], at: str) -> str:
    key = str(value).lower() if isinstance(value, str) else None
    if key not in choices:
        raise InvalidInput(f"{at}: {value!r} is not one of {', '.join(choices)}")
    return choices[key]


def _step(step: Any, at: str) -> dict[str, Any]:
    if not isinstance(step, dict):
        raise InvalidInput(f"{at}: must be a mapping, got {_shape(step)}")
    _keys(step, _STEP_KEYS, at)
    out: dict[str, Any] = {}
    for key in ("name", "task_yaml", "cluster"):
        if key in step:
            out[key] = _text(step[key], f"{at}.{key}")
    if "kind" in step:
        out["kind"] = _choice(step["kind"], _KINDS, f"{at}.kind")
    if "needs" in step:
        out["needs"] = _names(step["needs"], f"{at}.needs", "step names")
    for key in ("timeout_seconds", "heartbeat_timeout_seconds"):
        if key in step:
            value = step[key]
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise InvalidInput(f"{at}.{key}: must be a positive whole number of seconds")
            out[key] = value
    if "wait_for_repair_minutes" in step:
        value = step["wait_for_repair_minutes"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(f"{at}.wait_for_repair_minutes: must be a whole number of minutes (0: fail at once)")
        out["wait_for_repair_minutes"] = value
    if "envs" in step:
        out["envs"] = _envs(step["envs"], f"{at}.envs")
    if "provision_ahead" in step:
        if not isinstance(step["provision_ahead"], bool):
            raise InvalidInput(f"{at}.provision_ahead: must be true or false")
        out["provision_ahead"] = step["provision_ahead"]
    if "approvers" in step:
        out["approvers"] = _names(step["approvers"], f"{at}.approvers", "names")
    if "sweep" in step:
        out["sweep"] = _sweep(step["sweep"], f"{at}.sweep")
    if "select" in step:
        sel = step["select"]
        if not isinstance(sel, dict):
            raise InvalidInput(f"{at}.select: must be a mapping ({', '.join(_SELECT_KEYS)})")
        _keys(sel, _SELECT_KEYS, f"{at}.select")
        out["select"] = {
            "metric": _text(sel.get("metric", ""), f"{at}.select.metric"),
            "goal": _choice(sel.get("goal", "maximize"), _GOALS, f"{at}.select.goal"),
            **({"step": _text(sel["step"], f"{at}.select.step")} if "step" in sel else {}),
        }
    return out


def _sweep(node: Any, at: str) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise InvalidInput(f"{at}: must be a mapping ({', '.join(_SWEEP_KEYS)})")
    _keys(node, _SWEEP_KEYS, at)
    out: dict[str, Any] = {}
    matrix = node.get("matrix", {})
    if not isinstance(matrix, dict):
        raise InvalidInput(f"{at}.matrix: must map each variable to a list of values")
    axes = []
    for name, values in matrix.items():
        if not isinstance(values, list) or not values:
            raise InvalidInput(f"{at}.matrix.{name}: must be a non-empty list of values")
        axes.append({"name": str(name), "values": [_text(v, f"{at}.matrix.{name}") for v in values]})
    if axes:
        out["matrix"] = axes
    include = node.get("include", [])
    if not isinstance(include, list):
        raise InvalidInput(f"{at}.include: must be a list of env mappings")
    if include:
        out["include"] = [{"envs": _envs(e, f"{at}.include[{j}]")} for j, e in enumerate(include)]
    if "max_parallel" in node:
        value = node["max_parallel"]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InvalidInput(f"{at}.max_parallel: must be a positive whole number")
        out["max_parallel"] = value
    if "on_failure" in node:
        pol = node["on_failure"]
        if not isinstance(pol, dict):
            raise InvalidInput(f"{at}.on_failure: must be a mapping ({', '.join(_FAILURE_KEYS)})")
        _keys(pol, _FAILURE_KEYS, f"{at}.on_failure")
        failure: dict[str, Any] = {}
        if "mode" in pol:
            failure["mode"] = _choice(pol["mode"], _MODES, f"{at}.on_failure.mode")
        if "min_succeeded" in pol:
            value = pol["min_succeeded"]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidInput(f"{at}.on_failure.min_succeeded: must be a whole number")
            failure["min_succeeded"] = value
        if "min_succeeded_fraction" in pol:
            value = pol["min_succeeded_fraction"]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidInput(f"{at}.on_failure.min_succeeded_fraction: must be a number from 0 to 1")
            failure["min_succeeded_fraction"] = float(value)
        out["on_failure"] = failure
    return out
