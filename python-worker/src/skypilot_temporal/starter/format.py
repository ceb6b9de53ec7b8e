"""Small text helpers for what the starter prints."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
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


def ui_link(env: Mapping[str, str], namespace: str, workflow_id: str) -> str:
    """Points at the workflow in the Temporal Web UI."""
    base = (env.get(cli.UI_URL_ENV) or cli.UI_URL_DEFAULT).rstrip("/")
    return f"{base}/namespaces/{percent_encode(namespace, safe='')}/workflows/{percent_encode(workflow_id, safe='')}"
