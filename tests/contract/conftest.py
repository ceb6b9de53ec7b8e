"""The starters as users run them, for the tests that run all three."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS_NODE = ROOT / "node_modules" / ".bin" / "ts-node"
LANGS = ("go", "ts", "python")


class Starters(Mapping[str, list[str]]):
    """Each starter's command line: the Go one built once with `go build` (`go run` turns
    every non-zero exit status into 1), the TypeScript one through ts-node exactly like
    `npx ts-node ts-starter/start.ts`, the Python one as `python -m skypilot_temporal.starter`
    (what `skypilot-temporal-start` runs). Each is made ready when first asked for, so a
    test of one language needs only that one to build."""

    def __init__(self, build_dir: Path) -> None:
        self._build_dir = build_dir
        self._ready: dict[str, list[str]] = {}

    def __getitem__(self, lang: str) -> list[str]:
        if lang not in LANGS:
            raise KeyError(lang)
        if lang not in self._ready:
            self._ready[lang] = self._prepare(lang)
        return self._ready[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)

    def _prepare(self, lang: str) -> list[str]:
        if lang == "go":
            go_bin = self._build_dir / "go-starter"
            subprocess.run(["go", "build", "-o", str(go_bin), "./go-starter"], cwd=ROOT, check=True, timeout=600)
            return [str(go_bin)]
        if lang == "ts":
            if not TS_NODE.exists():
                pytest.fail("node_modules is missing: run `npm ci` at the repository root")
            return [str(TS_NODE), "ts-starter/start.ts"]
        return [sys.executable, "-m", "skypilot_temporal.starter"]


@pytest.fixture(scope="module")
def starters(tmp_path_factory: pytest.TempPathFactory) -> Starters:
    return Starters(tmp_path_factory.mktemp("go"))
