"""Rows of the tables in docs/ that tests measure (docs/security.md, docs/reliability.md).

A test calls `record(table, row)` with what it observed; when SKYPILOT_TEMPORAL_RECORDS_DIR
is set, the row is appended to `<dir>/<table>.jsonl`, and scripts/render_tables.py
writes the tables into the docs. Without the variable nothing is written, so a plain
test run changes no file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def record(table: str, row: dict[str, Any]) -> None:
    target = os.environ.get("SKYPILOT_TEMPORAL_RECORDS_DIR")
    if not target:
        return
    path = Path(target) / f"{table}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
