"""Job output on its way out of the worker: plain text, bounded, secrets masked.

A job can print anything: a 10 MB line with no newline, invalid UTF-8, terminal
colour codes. Each line that reaches the worker's log, a result's tail or a
heartbeat is cut to a bound, so no output can fill memory, a log file or exceed
Temporal's payload limit.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable
from typing import Any

from skypilot_temporal.contract.names import LIVE_LINE_CHARS_MAX, LIVE_LINES_MAX, METRIC_MARKER
from skypilot_temporal.tasks.build import LogTail

log = logging.getLogger("skypilot_temporal")

# ANSI escape sequences (colours, cursor moves, spinners' line rewrites) and other
# control characters except tab, C1 ones too (U+009B acts as ESC [ in some
# terminals): logs read as plain text in files, UIs and the starters' terminals.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_LINE_CHARS = 4096  # per line, in UTF-8 bytes
# `SKYPILOT_TEMPORAL_METRIC accuracy=0.91 loss=0.2`, anywhere in a line (SkyPilot
# prefixes a job's lines with `(task, pid=...)`).
_METRIC = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]{0,63})=(\S+)")
MAX_METRICS = 64


def parse_metrics(line: str) -> dict[str, float]:
    """The name=value pairs after the metric marker in a line; values that are not
    numbers are skipped."""
    at = line.find(METRIC_MARKER)
    if at < 0:
        return {}
    found: dict[str, float] = {}
    for name, value in _METRIC.findall(line[at + len(METRIC_MARKER):]):
        try:
            number = float(value)
        except ValueError:
            continue
        if number == number and abs(number) != float("inf"):  # not NaN or infinite
            found[name] = number
    return found


# SkyPilot's own line decorations (sky/utils/ux_utils.py: spinner, finish, error and
# retry marks, the tree of a step's sub-lines), rendered in ASCII where a line starts
# with one; the same characters inside a job's own output are left alone.
_DECORATION = re.compile("^(\\s*)(├── |└── |⚙\ufe0e? |✓ |⨯ |↺ )")
_RENDERED = {"├── ": "|-- ", "└── ": "`-- ", "✓ ": "ok: ", "⨯ ": "error: ", "↺ ": "retry: "}


def plain_text(line: str) -> str:
    """A line without terminal escapes; a carriage-return rewrite keeps its last state;
    SkyPilot's decorations rendered as ASCII."""
    line = _ANSI.sub("", line)
    if "\r" in line:
        line = line.rstrip("\r").rsplit("\r", 1)[-1]
    line = _CONTROL.sub("", line)
    return _DECORATION.sub(lambda m: m.group(1) + _RENDERED.get(m.group(2), "* "), line)


def live_line(line: str) -> str:
    """A line as a heartbeat carries it: at most LIVE_LINE_CHARS_MAX characters (code
    points), a longer one cut to end in `...`; the starters bound what they print alike."""
    return line if len(line) <= LIVE_LINE_CHARS_MAX else line[: LIVE_LINE_CHARS_MAX - 3] + "..."


class LiveLines:
    """The last few lines of a step's output, for its heartbeats: what a starter
    following the run shows while the step runs.

    Holds lines as StepLog hands them on (plain text, secret values already masked),
    each cut by live_line, the last LIVE_LINES_MAX of them, and how many lines this
    attempt has seen, so a reader can tell which lines are new. Small: heartbeat
    details are stored by the server on every heartbeat.
    """

    def __init__(self, step: str, cluster: str, attempt: int, label: str = "") -> None:
        self._step = step
        # How a starter names the lines: the step as its state lines do ("" = the step).
        self._label = live_line(label or step)
        self._cluster = cluster
        self._attempt = attempt
        self._lines: deque[str] = deque(maxlen=LIVE_LINES_MAX)
        self.count = 0

    def add(self, line: str) -> None:
        self._lines.append(live_line(line))
        self.count += 1

    def snapshot(self) -> dict[str, Any]:
        """The heartbeat's LIVE_OUTPUT_KEY entry (docs/contract.md, "Live output")."""
        return {"step": self._step, "label": self._label, "cluster": self._cluster, "attempt": self._attempt,
                "count": self.count, "lines": list(self._lines)}


class StepLog:
    """Job output to the worker's log line by line (tagged with workflow id, step and
    cluster), into a bounded tail and, given `live`, into the step's heartbeats; plain
    text, secret values masked."""

    def __init__(
        self, tag: str, redact: Callable[[str], str], tail: LogTail, live: LiveLines | None = None
    ) -> None:
        self._tag = tag
        self._redact = redact
        self._tail = tail
        self._live = live
        self._partial: list[str] = []
        # The job's reported metrics, last value of each name.
        self.metrics: dict[str, float] = {}
        self._partial_len = 0
        self._dropped = 0

    def __call__(self, chunk: str) -> None:
        lines = chunk.split("\n")
        for line in lines[:-1]:
            self._add(line)
            self._end_line()
        self._add(lines[-1])

    def _add(self, piece: str) -> None:
        # Only the start of an over-long line is kept; the rest is counted, not held.
        # Twice the bound is held so that masking sees a secret that straddles the cut.
        room = 2 * MAX_LINE_CHARS - self._partial_len
        if len(piece) > room:
            # Most often a progress bar redrawing itself with carriage returns for an
            # hour: start over after the last return that more text follows, so the
            # line keeps the bar's last state (as plain_text would), not its first.
            held = piece if self._dropped else "".join(self._partial) + piece
            restart = held.rstrip("\r").rfind("\r") + 1
            if restart:
                self._partial, self._partial_len, self._dropped = [], 0, 0
                piece, room = held[restart:], 2 * MAX_LINE_CHARS
        if room > 0:
            self._partial.append(piece[:room])
            self._partial_len += min(len(piece), room)
        self._dropped += max(0, len(piece) - max(room, 0))

    def _end_line(self) -> None:
        line = "".join(self._partial)
        dropped = self._dropped
        self._partial, self._partial_len, self._dropped = [], 0, 0
        line = self._redact(plain_text(line))
        if METRIC_MARKER in line:
            for name, value in parse_metrics(line).items():
                if name in self.metrics or len(self.metrics) < MAX_METRICS:
                    self.metrics[name] = value
        # Cut in UTF-8 bytes: a line of invalid bytes (each replaced by a 3-byte
        # character) must not make a log line three times the bound.
        raw = line.encode()
        if dropped or len(raw) > MAX_LINE_CHARS:
            kept = raw[:MAX_LINE_CHARS].decode(errors="ignore")
            more = dropped + len(line) - len(kept)
            line = f"{kept} ... [{more} more characters]"
        self.last_line = line
        self._tail.write_line(line)
        if self._live is not None:
            self._live.add(line)
        log.info("%s | %s", self._tag, line)

    last_line = ""

    def flush(self) -> None:
        if self._partial_len or self._dropped:
            self._end_line()
