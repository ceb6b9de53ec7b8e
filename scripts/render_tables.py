#!/usr/bin/env python3
"""Writes the tables the tests measured into the docs.

    SKYPILOT_TEMPORAL_RECORDS_DIR=/tmp/records make test   # or make e2e
    python3 scripts/render_tables.py /tmp/records

For each `<table>.jsonl` in the directory, the section between
`<!-- table:<table> -->` and `<!-- /table:<table> -->` in any file under docs/ is
replaced by a Markdown table of its rows (columns in the order the rows name them;
a later row for the same first column replaces an earlier one).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def cell(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rows: list[dict]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(cell(r.get(c, "")) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def main(records_dir: str) -> int:
    changed = 0
    for source in sorted(Path(records_dir).glob("*.jsonl")):
        name = source.stem
        by_key: dict[str, dict] = {}
        for line in source.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                by_key[str(next(iter(row.values())))] = row
        # The markers may enclose an earlier table or nothing at all.
        pattern = re.compile(rf"(<!-- table:{re.escape(name)} -->\n).*?(<!-- /table:{re.escape(name)} -->)", re.S)
        table = markdown(list(by_key.values()))
        for doc in DOCS.rglob("*.md"):
            text = doc.read_text(encoding="utf-8")
            new = pattern.sub(lambda m, table=table: m.group(1) + table + "\n" + m.group(2), text)
            if new != text:
                doc.write_text(new, encoding="utf-8")
                print(f"{doc.relative_to(DOCS.parent)}: table {name} ({len(by_key)} rows)")
                changed += 1
    if not changed:
        print("no table markers matched", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "records"))
