"""The running steps' latest output as a client prints it while following, rendered
from the heartbeat details the client read (DescribeWorkflowExecution) and sent with
its view query, so that every starter prints the same text.

A step's activity heartbeats an object whose LIVE_OUTPUT_KEY entry holds {step, label,
cluster, attempt, count, lines}: its last LIVE_LINES_MAX lines, masked and cut by the
worker, and how many lines it has printed in all. The heartbeats arrive from a client,
so whatever they hold is checked and bounded again here.

Pure and deterministic (it runs in a query handler): how many lines of each step
attempt a client was shown travels in its cursor (view.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from skypilot_temporal.contract.names import LIVE_LINE_CHARS_MAX, LIVE_LINES_MAX, LIVE_OUTPUT_KEY, LIVE_STEPS_MAX

LIVE_LINE = "    {label} | {line}"
LIVE_SKIPPED = "    {label} | [lines not shown: {count}]"
# A step's heartbeat stays well under this, its lines bounded, even with every
# character escaped in JSON; a longer one is no step's output and is skipped unread.
HEARTBEAT_CHARS_MAX = 64 * 1024
# The most step attempts a cursor counts the shown lines of; the one seen longest ago
# is forgotten first (a step still running is seen at every poll).
SHOWN_KEYS_MAX = 64
# Control characters (a tab stays), and the lone surrogates a JSON escape can hold but
# no UTF-8 text can.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` without control characters (a tab stays) and lone surrogates."""
    return _UNPRINTABLE.sub("", text)


def bounded(text: str) -> str:
    """Printable, and at most LIVE_LINE_CHARS_MAX code points (a cut text ends in `...`)."""
    text = printable(text)
    return text if len(text) <= LIVE_LINE_CHARS_MAX else text[: LIVE_LINE_CHARS_MAX - 3] + "..."


def live_lines(heartbeats: Iterable[Any], shown: dict[str, int]) -> list[str]:
    """The output lines not shown yet of the first LIVE_STEPS_MAX output entries among
    `heartbeats` (JSON texts): those beyond what `shown` counts for the entry's step
    attempt (updated, at most SHOWN_KEYS_MAX attempts), each labelled; lines that no
    heartbeat carries any more are counted, not shown. An entry not as the heartbeat
    writes it shows nothing."""
    lines: list[str] = []
    for entry in islice(_output_entries(heartbeats), LIVE_STEPS_MAX):
        lines += _new_lines(entry, shown)
    for key in list(shown)[:-SHOWN_KEYS_MAX]:
        del shown[key]
    return lines


def _output_entries(heartbeats: Iterable[Any]) -> Iterator[Any]:
    """The LIVE_OUTPUT_KEY entry of each heartbeat that is a JSON object holding one."""
    for text in heartbeats:
        if not isinstance(text, str) or len(text) > HEARTBEAT_CHARS_MAX:
            continue
        try:
            details = json.loads(text)
        except (ValueError, RecursionError):
            continue
        if isinstance(details, dict) and LIVE_OUTPUT_KEY in details:
            yield details[LIVE_OUTPUT_KEY]


def _new_lines(entry: Any, shown: dict[str, int]) -> list[str]:
    if not _is_entry(entry):
        return []
    # A digest keeps the cursor small, whatever the entry's cluster and attempt hold.
    key = json.dumps([entry["step"], entry.get("cluster"), entry.get("attempt")])
    key = hashlib.sha256(key.encode()).hexdigest()[:16]
    before = shown.get(key, 0)
    new = entry["count"] - before
    texts = [bounded(_text(line)) for line in entry["lines"][-LIVE_LINES_MAX:][-new:]] if new > 0 else []
    shown.pop(key, None)
    shown[key] = max(entry["count"], before)  # seen last, so forgotten last
    if new <= 0:
        return []
    label = entry.get("label")
    label = bounded(label if isinstance(label, str) and label else entry["step"])
    lines = [LIVE_SKIPPED.format(label=label, count=new - len(texts))] if new > len(texts) else []
    return lines + [LIVE_LINE.format(label=label, line=text) for text in texts]


def _is_entry(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("step"), str) and isinstance(entry.get("lines"), list)
            and type(entry.get("count")) is int)


def _text(line: Any) -> str:
    return line if isinstance(line, str) else json.dumps(line, separators=(",", ":"), ensure_ascii=False)
