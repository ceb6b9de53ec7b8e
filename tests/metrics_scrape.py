"""A worker's /metrics as Prometheus reads it: scraped, parsed with prometheus_client's
parser, each sample a series (name and labels) and a value."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from support import ROOT

OBSERVABILITY_DOC = ROOT / "docs" / "observability.md"


@dataclass(frozen=True)
class Sample:
    name: str
    # Sorted; a label Prometheus would drop on ingestion (an empty value) is left out.
    labels: tuple[tuple[str, str], ...]
    value: float

    def label(self, key: str) -> str:
        return dict(self.labels).get(key, "")

    @property
    def series(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        return self.name, self.labels


def scrape_text(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        return r.read().decode()


def parse(text: str) -> list[Sample]:
    return [
        Sample(s.name, tuple(sorted((k, v) for k, v in s.labels.items() if v)), s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
    ]


def named(samples: Iterable[Sample], name: str, **labels: str) -> list[Sample]:
    """The samples of `name` that carry every one of `labels`."""
    return [s for s in samples if s.name == name and all(s.label(k) == v for k, v in labels.items())]


def value(port: int, name: str, **labels: str) -> float:
    """The sum of the samples of `name` (with `labels`) on a fresh scrape."""
    return sum(s.value for s in named(parse(scrape_text(port)), name, **labels))


def documented_metrics(doc: Path = OBSERVABILITY_DOC) -> dict[str, str]:
    """The pipeline's metrics that the table of docs/observability.md lists: name -> type."""
    rows = re.findall(r"^\| `(skypilot_temporal_[a-z_]+)` \| (counter|gauge|histogram)", doc.read_text(), re.M)
    return dict(rows)
