"""docs/architecture.md maps the worker package: its layers in the order that
`make lint` enforces, and every module with the layer it belongs to. These tests keep
the map and the package in step."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "python-worker" / "src" / "skypilot_temporal"
DOC = ROOT / "docs" / "architecture.md"
PYPROJECT = ROOT / "python-worker" / "pyproject.toml"


def table_rows(heading: str) -> list[list[str]]:
    """The cells of the first table under `heading` in the doc, header row left out."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    assert heading in lines, f"docs/architecture.md has no {heading!r} section"
    rows: list[list[str]] = []
    for line in lines[lines.index(heading) + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    assert len(rows) > 2, f"no table under {heading!r}"
    return rows[2:]


def code(cell: str) -> str:
    """The one `code span` a cell names."""
    assert cell.startswith("`") and cell.endswith("`") and cell.count("`") == 2, cell
    return cell.strip("`")


def modules() -> set[str]:
    """Every module of the package, as a path relative to it. An `__init__.py` is its
    package, which the layer map describes."""
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" and "__pycache__" not in path.parts
    }


def module_table() -> list[tuple[str, str]]:
    """(layer, module path or glob) for every row of the module table; a row with no
    layer belongs to the layer above it."""
    entries: list[tuple[str, str]] = []
    layer = ""
    for cells in table_rows("## Modules"):
        assert len(cells) == 3 and cells[2], f"a row needs a layer, a module and what it does: {cells}"
        layer = cells[0] or layer
        entries.append((layer, code(cells[1])))
    return entries


def test_every_module_is_in_the_table_and_every_row_is_a_module() -> None:
    actual = modules()
    listed: dict[str, str] = {}
    for _, entry in module_table():
        matched = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.glob(entry)} & actual
        assert matched, f"docs/architecture.md lists `{entry}`, which is no module of the package"
        for module in matched:
            assert module not in listed, f"`{module}` is listed twice: `{listed[module]}` and `{entry}`"
            listed[module] = entry
    missing = sorted(actual - listed.keys())
    assert not missing, f"modules missing from the table in docs/architecture.md: {missing}"


def test_each_module_is_listed_under_its_own_layer() -> None:
    for layer, entry in module_table():
        top = entry.split("/")[0].removesuffix(".py")
        assert top == layer, f"`{entry}` is listed under layer {layer!r}; it belongs to {top!r}"


def test_the_layer_map_lists_the_enforced_layers_in_their_order() -> None:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    enforced = [name.strip() for line in contract["layers"] for name in line.split("|")]
    documented = [code(cells[0]).removesuffix("/").removesuffix(".py") for cells in table_rows("## Layers")]
    assert documented == enforced
    on_disk = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} | {
        p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"
    }
    assert set(enforced) == on_disk


def test_every_subpackage_says_what_it_holds_and_may_import() -> None:
    for init in sorted(PACKAGE.glob("*/**/__init__.py")):
        if "__pycache__" in init.parts:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        says = " ".join(doc.lower().split())
        assert "may import" in says, f"{init.relative_to(PACKAGE)}: its docstring must say what the layer may import"
