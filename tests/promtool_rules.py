"""promtool (built by `make setup` into .tools/bin) and its rule unit tests' input: a
worker's scrapes turned into the series Prometheus would have stored."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

from metrics_scrape import Sample
from support import ROOT

PROMTOOL = ROOT / ".tools" / "bin" / "promtool"


def promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL.is_file(), f"{PROMTOOL} is missing: `make setup` builds it"
    return subprocess.run([str(PROMTOOL), *map(str, args)], capture_output=True, text=True, timeout=300)


def series_name(name: str, labels: Sequence[tuple[str, str]]) -> str:
    """`name{label="value",...}` in PromQL's syntax."""
    inner = ",".join(f"{k}={json.dumps(v)}" for k, v in labels)
    return f"{name}{{{inner}}}" if inner else name


def input_series(phases: Sequence[tuple[list[Sample], int]], target: dict[str, str]) -> list[dict[str, str]]:
    """promtool's input_series: each phase's samples, one a minute for its minutes, the
    labels a scrape adds (`target`: job, instance) on every series. A series a phase has
    not (yet) got is missing there, as it is from Prometheus."""
    order: dict[tuple[str, tuple[tuple[str, str], ...]], None] = {}
    by_phase = []
    for samples, _ in phases:
        values = {}
        for s in samples:
            key = (s.name, tuple(sorted({**dict(s.labels), **target}.items())))
            values[key] = s.value
            order.setdefault(key)
        by_phase.append(values)
    out = []
    for key in order:
        parts = []
        for values, (_, minutes) in zip(by_phase, phases, strict=True):
            # `axn` is a, n+1 times; `_xn` is n missing samples.
            parts.append(f"{values[key]!r}x{minutes - 1}" if key in values else f"_x{minutes}")
        out.append({"series": series_name(*key), "values": " ".join(parts)})
    return out
