"""--input: a SkyPilotWorkflowInput in proto JSON, with every unknown field named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from google.protobuf import json_format

from skypilot_temporal.starter import cli_table as cli
from skypilot_temporal.starter.format import quote
from skypilot_temporal.v1 import pipeline_pb2 as pb


class InputFileError(ValueError):
    """What is wrong with the file."""


def read_input(path: str) -> pb.SkyPilotWorkflowInput:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputFileError(err.strerror or str(err)) from None
    except json.JSONDecodeError as err:
        raise InputFileError(cli.input_not_json(detail=str(err))) from None
    if unknown := unknown_fields(pb.SkyPilotWorkflowInput.DESCRIPTOR, doc, ""):
        raise InputFileError(cli.input_unknown_fields(fields=", ".join(unknown)))
    try:
        return json_format.ParseDict(doc, pb.SkyPilotWorkflowInput())
    except json_format.ParseError as err:
        raise InputFileError(str(err)) from None


def unknown_fields(descriptor: Any, doc: Any, prefix: str) -> list[str]:
    """The sorted, quoted paths of JSON keys that name no field (by JSON name or proto
    name) of the message; json_format alone stops at the first. (`descriptor` is untyped:
    protobuf's stubs give a message's descriptor and a field's message type two types.)"""
    if not isinstance(doc, dict):
        return []  # wrong types: json_format reports them
    fields = {**{f.json_name: f for f in descriptor.fields}, **descriptor.fields_by_name}
    unknown: list[str] = []
    for key, value in doc.items():
        field, path = fields.get(key), prefix + key
        message = field.message_type if field is not None else None
        if field is None:
            unknown.append(quote(path))
        elif message is not None and message.GetOptions().map_entry:
            entry = message.fields_by_name["value"].message_type
            for k, v in value.items() if entry is not None and isinstance(value, dict) else ():
                unknown += unknown_fields(entry, v, f"{path}[{quote(k)}].")
        elif message is not None and field.is_repeated:
            for i, v in enumerate(value if isinstance(value, list) else ()):
                unknown += unknown_fields(message, v, f"{path}[{i}].")
        elif message is not None:
            unknown += unknown_fields(message, value, f"{path}.")
    return sorted(unknown)
