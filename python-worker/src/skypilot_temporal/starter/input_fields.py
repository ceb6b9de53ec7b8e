"""A start flag's text put into the field of the workflow input its input_field names: a dotted path of
proto field names through nested messages, ending in a string or a whole-number field. The path is walked
by the proto's own reflection, so a flag of either kind, at any depth, is one line of the shared table."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from skypilot_temporal.starter.format import quote
from skypilot_temporal.v1 import starter_cli as cli

WHOLE_NUMBER_TYPES = (FieldDescriptor.CPPTYPE_INT32, FieldDescriptor.CPPTYPE_INT64,
                      FieldDescriptor.CPPTYPE_UINT32, FieldDescriptor.CPPTYPE_UINT64)

# Each whole-number flag's largest value, and the line that refuses any other text.
WHOLE_NUMBER_RULES: dict[str, tuple[int, Callable[..., str]]] = {
    cli.WAIT_FOR_REPAIR_MINUTES.name: (cli.WAIT_FOR_REPAIR_MAX_MINUTES, cli.repair_minutes_invalid),
}


def field_of(message: Message, path: str) -> tuple[Message, str, int]:
    """The message holding the last field of `path` (a dotted path of proto names from `message`), that
    field's name and its kind (a FieldDescriptor.CPPTYPE_*). KeyError names a field the path does not reach."""
    *parents, last = path.split(".")
    for name in parents:
        message = getattr(message, message.DESCRIPTOR.fields_by_name[name].name)
    field = message.DESCRIPTOR.fields_by_name[last]
    return message, field.name, field.cpp_type


def whole_number(flag: cli.Flag, text: str) -> int:
    """`text` as the flag's number: ASCII digits only, at most what the flag's rule allows; ValueError
    says what is wanted."""
    most, invalid = WHOLE_NUMBER_RULES[flag.name]
    try:
        if text.isascii() and text.isdigit() and (number := int(text)) <= most:
            return number
    except ValueError:  # more digits than int() reads: far past any rule's limit
        pass
    raise ValueError(invalid(value=quote(text)))


def set_from_text(inp: Message, flag: cli.Flag, flag_values: Sequence[str], variable: str) -> None:
    """Sets the field flag.input_field names from the flag's last value, else its environment variable's.
    A string field takes the first that is not empty (an empty string is a string field's "unset"); a
    whole-number field takes the flag's value when it is given, even empty, for an empty text is no number.
    Neither given: the field keeps what the --input file said. ValueError for a text that is no number."""
    holder, name, kind = field_of(inp, flag.input_field)
    if kind == FieldDescriptor.CPPTYPE_STRING:
        if text := (flag_values[-1] if flag_values else "") or variable:
            setattr(holder, name, text)
    elif kind in WHOLE_NUMBER_TYPES:
        if flag_values or variable:
            setattr(holder, name, whole_number(flag, flag_values[-1] if flag_values else variable))
    else:
        raise TypeError(f"--{flag.name} sets {flag.input_field}, neither a string nor a whole number")
