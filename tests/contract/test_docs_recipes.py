"""docs/contract.md shows each starter's recipe function as it is in the starter, not a
copy that can drift: each block the doc marks with `<!-- recipe: PATH -->` must equal
the lines of PATH between its `recipe-begin` and `recipe-end` comments.

To update the doc after a starter changed: copy the lines between the markers.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "contract.md"
# The starters whose recipe the doc shows, and the comment that starts a line in each.
RECIPES = {
    "go-starter/main.go": "//",
    "ts-starter/start.ts": "//",
    "python-worker/src/skypilot_temporal/starter/start.py": "#",
}
# A marker, then the fenced block right after it: ```lang, the code, ```.
DOC_BLOCK = re.compile(r"^<!-- recipe: (?P<path>\S+) -->\n```[a-z]*\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)


def trimmed(lines: list[str]) -> str:
    """The lines without the blank ones at either end, joined."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)


def source_block(path: str, text: str) -> str:
    """The lines of a starter between its recipe-begin and recipe-end comments."""
    comment = RECIPES[path]
    lines = text.splitlines()
    begins = [i for i, line in enumerate(lines) if line.strip().startswith(f"{comment} recipe-begin")]
    ends = [i for i, line in enumerate(lines) if line.strip().startswith(f"{comment} recipe-end")]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise ValueError(f"{path}: want one '{comment} recipe-begin' line, then one '{comment} recipe-end' "
                         f"line; found {len(begins)} and {len(ends)}")
    return trimmed(lines[begins[0] + 1:ends[0]])


def doc_blocks(doc: str) -> dict[str, str]:
    """Each recipe block of the doc, by the starter path its marker names."""
    blocks: dict[str, str] = {}
    for m in DOC_BLOCK.finditer(doc):
        if m["path"] in blocks:
            raise ValueError(f"docs/contract.md: two recipe blocks for {m['path']}")
        blocks[m["path"]] = trimmed(m["code"].splitlines())
    return blocks


def mismatch(path: str, doc_code: str, source_code: str) -> str:
    """A diff from the doc's block to the source's lines; empty when they are the same."""
    return "\n".join(difflib.unified_diff(doc_code.splitlines(), source_code.splitlines(),
                                          f"docs/contract.md ({path})", path, lineterm=""))


def test_the_doc_shows_every_starters_recipe_and_no_other() -> None:
    assert sorted(doc_blocks(DOC.read_text(encoding="utf-8"))) == sorted(RECIPES)


@pytest.mark.parametrize("path", sorted(RECIPES))
def test_the_docs_block_is_the_starters_recipe(path: str) -> None:
    doc_code = doc_blocks(DOC.read_text(encoding="utf-8")).get(path)
    assert doc_code is not None, f"docs/contract.md has no block marked <!-- recipe: {path} -->"
    source_code = source_block(path, (ROOT / path).read_text(encoding="utf-8"))
    diff = mismatch(path, doc_code, source_code)
    assert not diff, f"docs/contract.md's block differs from {path}; copy the lines between its markers:\n{diff}"


def test_a_changed_line_in_the_doc_is_caught() -> None:
    path = "go-starter/main.go"
    doc = DOC.read_text(encoding="utf-8")
    start = doc.index(f"<!-- recipe: {path} -->")
    fence = doc.index("```go\n", start) + len("```go\n")
    first_line_end = doc.index("\n", fence)
    changed = doc[:fence] + doc[fence:first_line_end] + " // edited in the doc only" + doc[first_line_end:]
    source_code = source_block(path, (ROOT / path).read_text(encoding="utf-8"))
    assert mismatch(path, doc_blocks(changed)[path], source_code)


def test_a_starter_without_markers_is_named() -> None:
    with pytest.raises(ValueError, match=r"ts-starter/start.ts: want one '// recipe-begin' line"):
        source_block("ts-starter/start.ts", "export function main() {}\n")
