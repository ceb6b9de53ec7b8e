"""--input: a SkyPilotWorkflowInput in proto JSON, with every unknown field named."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor

from skypilot_temporal.starter import cli_table as cli
from skypilot_temporal.starter.format import quote
from skypilot_temporal.v1 import pipeline_pb2 as pb


class InputFileError(ValueError):
    """What is wrong with the file."""


def read_input(path: str) -> pb.SkyPilotWorkflowInput:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as err:
        raise InputFileError(err.strerror or str(err)) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputFileError(cli.input_not_json(detail=str(err))) from None
    unknown = unknown_fields(pb.SkyPilotWorkflowInput.DESCRIPTOR, doc, "")
    if unknown:
        raise InputFileError(cli.input_unknown_fields(fields=", ".join(unknown)))
    try:
        return json_format.ParseDict(doc, pb.SkyPilotWorkflowInput())
    except json_format.ParseError as err:
        raise InputFileError(str(err)) from None


def unknown_fields(descriptor: Descriptor, doc: Any, prefix: str) -> list[str]:
    """The sorted, quoted paths of JSON keys that name no field (by JSON name or proto
    name) of the message; json_format alone stops at the first."""
    if not isinstance(doc, dict):
        return []  # wrong types: json_format reports them
    fields = {**{f.json_name: f for f in descriptor.fields}, **descriptor.fields_by_name}
    unknown: list[str] = []
    for key, value in doc.items():
        field, path = fields.get(key), prefix + key
        if field is None:
            unknown.append(quote(path))
        elif field.message_type is None:
            continue
        elif field.message_type.GetOptions().map_entry:
            entry = field.message_type.fields_by_name["value"].message_type
            if entry is not None and isinstance(value, dict):
                for k, v in value.items():
                    unknown += unknown_fields(entry, v, f"{path}[{quote(k)}].")
        elif field.is_repeated:
            if isinstance(value, list):
                for i, v in enumerate(value):
                    unknown += unknown_fields(field.message_type, v, f"{path}[{i}].")
        else:
            unknown += unknown_fields(field.message_type, value, f"{path}.")
    return sorted(unknown)
