"""Small text helpers for what the starter prints."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import quote as percent_encode

from skypilot_temporal.v1 import starter_cli as cli


def quote(text: str) -> str:
    """A value in a message, quoted as the Go and TypeScript starters quote it."""
    return json.dumps(text, ensure_ascii=False)


def one_line(text: str) -> str:
    """Keeps an error detail to the single line the starter prints it on."""
    return " ".join(text.split())


def or_dash(text: str) -> str:
    return text or "-"


def seconds(value: float) -> str:
    """Rounded to a tenth, half up, shortest form: as Go's and JavaScript's rounding print it."""
    rounded = math.floor(value * 10 + 0.5) / 10
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def number(value: float) -> str:
    """A metric as JavaScript's String(number) writes it, as the Go and TypeScript
    starters do: the shortest digits that read back as the same double; plain from
    1e-6 up to 1e21, else with an exponent (`1e-7`, `1.5e+21`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    return ("-" if value < 0 else "") + _js_number(digits, int(exponent) + len(digits))


def _js_number(digits: str, point: int) -> str:
    """Digits d1d2...dk with the decimal point after `point` of them (0.d1d2... x 10^point),
    as ECMAScript's Number::toString lays them out."""
    k = len(digits)
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exp = point - 1
    return digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if exp >= 0 else "-") + str(abs(exp))


def metrics_text(metrics: Mapping[str, float]) -> str:
    """` name=value` for each metric, by name; appended to a step's line."""
    return "".join(cli.metric(name=name, value=number(metrics[name])) for name in sorted(metrics))


def step_label(name: str, branch: str) -> str:
    """A step, or one branch of a swept step: `eval [3 (LR=3e-4,BATCH=64)]`."""
    return cli.step_label(name=name, branch=branch) if branch else name


def ui_link(env: Mapping[str, str], namespace: str, workflow_id: str) -> str:
    """Points at the workflow in the Temporal Web UI."""
    base = (env.get(cli.UI_URL_ENV) or cli.UI_URL_DEFAULT).rstrip("/")
    return f"{base}/namespaces/{percent_encode(namespace, safe='')}/workflows/{percent_encode(workflow_id, safe='')}"
