"""The activities' dataclasses as `json/plain`, with what the SDK works out again on
every call worked out once per class.

Every activity's input and result crosses a payload converter twice per step (the
workflow schedules it and reads the result; the activity reads its input and returns
its result). The SDK's JSON converter resolves a dataclass's type hints on every
decode (`typing.get_type_hints`) and deep-copies it to a dict on every encode
(`dataclasses.asdict`); at hundreds of runs per worker that is a visible share of its
CPU (docs/benchmarks.md, "Many pipelines beside bare Temporal workflows"). Both plug
into the SDK's own converter through its extension points (`custom_type_converters`,
`encoder`), and the JSON is the SDK's own byte for byte, so a history replays
whichever of the two wrote it.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any

from temporalio.converter import AdvancedJSONEncoder, JSONTypeConverter, value_to_type

# Values of these types need no conversion when they are already of the type.
_AS_IS = (str, int, float, bool)


@functools.lru_cache(maxsize=256)
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, resolved type hint) of each field, once per class."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


@functools.lru_cache(maxsize=256)
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


class DataclassDecoder(JSONTypeConverter):
    """Builds a dataclass from its JSON object as the SDK does (unknown keys ignored,
    a missing required field or a mistyped value is a TypeError naming the field),
    resolving the class's hints once."""

    def __init__(self) -> None:
        self._converters = [self]

    def to_typed_value(self, hint: type, value: Any) -> Any:
        if not (isinstance(hint, type) and dataclasses.is_dataclass(hint)):
            return JSONTypeConverter.Unhandled
        if not isinstance(value, dict):
            raise TypeError(f"Cannot convert to dataclass {hint}, value is {type(value)} not dict")
        values = {}
        for name, field_hint in _fields(hint):
            if name not in value:
                continue  # the dataclass's own constructor refuses a missing required one
            item = value[name]
            if field_hint in _AS_IS and type(item) is field_hint:
                values[name] = item
                continue
            try:
                values[name] = value_to_type(field_hint, item, self._converters)
            except Exception as err:
                raise TypeError(f"Failed converting field {name} on dataclass {hint}") from err
        return hint(**values)


class DataclassEncoder(AdvancedJSONEncoder):
    """A dataclass becomes the dict of its fields, one level at a time: the encoder
    comes back here for a nested one, so the JSON is what `asdict` would give, without
    its deep copy."""

    def default(self, o: Any) -> Any:
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return {name: getattr(o, name) for name in _names(type(o))}
        return super().default(o)
