"""Every key of a proto JSON document that names no field, by path: json_format stops at
the first, and a client fixing its input wants them all at once."""

from __future__ import annotations

import json
from typing import Any


def unknown_fields(descriptor: Any, doc: Any, prefix: str = "") -> list[str]:
    """The sorted, quoted paths (`"steps[1].taskYml"`) of the JSON keys that name no field
    (by JSON name or proto name) of the message. (`descriptor` is untyped: protobuf's
    stubs give a message's descriptor and a field's message type two types.)"""
    if not isinstance(doc, dict):
        return []  # wrong types: json_format reports them
    fields = {**{f.json_name: f for f in descriptor.fields}, **descriptor.fields_by_name}
    unknown: list[str] = []
    for key, value in doc.items():
        field, path = fields.get(key), prefix + key
        message = field.message_type if field is not None else None
        if field is None:
            unknown.append(_quote(path))
        elif message is not None and message.GetOptions().map_entry:
            entry = message.fields_by_name["value"].message_type
            for k, v in value.items() if entry is not None and isinstance(value, dict) else ():
                unknown += unknown_fields(entry, v, f"{path}[{_quote(k)}].")
        elif message is not None and field.is_repeated:
            for i, v in enumerate(value if isinstance(value, list) else ()):
                unknown += unknown_fields(message, v, f"{path}[{i}].")
        elif message is not None:
            unknown += unknown_fields(message, value, f"{path}.")
    return sorted(unknown)


def _quote(text: str) -> str:
    """As the Go and TypeScript starters quote a path."""
    return json.dumps(text, ensure_ascii=False)
