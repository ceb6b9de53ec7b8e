"""Drift check: the committed generated code is exactly what scripts/gen-proto.sh makes.

The script runs into a temporary directory with the pinned generators (protoc from
grpcio-tools, protoc-gen-go at go.mod's google.golang.org/protobuf version, pbjs from
package-lock.json, scripts/gen-starter-cli.py for the starters' command-line table);
any difference fails with a diff. Fix: `make proto`, commit.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Generated output, relative to the output root. Python's directory also holds
# hand-written files, so only the files the generator writes are compared there.
TREES = {"go": "go-starter/gen", "ts": "ts-starter/generated"}
PYTHON_DIR = "python-worker/src"
# What each generator must have written: the contract and the starters' command line.
EXPECTED = {
    "go": {"skypilot_temporal/v1/pipeline.pb.go", "startercli/startercli.go"},
    "ts": {"pipeline.js", "pipeline.d.ts", "root.js", "root.d.ts", "starter-cli.ts"},
    "python": {"skypilot_temporal/v1/pipeline_pb2.py", "skypilot_temporal/v1/pipeline_pb2.pyi",
               "skypilot_temporal/v1/starter_cli.py"},
}


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def diff(committed: Path, fresh: Path, rel: str) -> str:
    a = committed.read_text(encoding="utf-8").splitlines(keepends=True) if committed.exists() else []
    b = fresh.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, f"committed/{rel}", f"generated/{rel}"))
    return "".join(lines[:60]) + (f"... ({len(lines) - 60} more diff lines)\n" if len(lines) > 60 else "")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    if not (ROOT / "node_modules" / ".bin" / "pbjs").exists():
        pytest.fail("node_modules is missing: run `npm ci` at the repository root")
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "gen-proto.sh"), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PY": sys.executable},
    )
    assert proc.returncode == 0, f"gen-proto.sh failed:\n{proc.stdout}\n{proc.stderr}"
    return out


@pytest.mark.parametrize("lang", sorted(TREES))
def test_generated_tree_matches(generated: Path, lang: str) -> None:
    rel_dir = TREES[lang]
    fresh_root, committed_root = generated / rel_dir, ROOT / rel_dir
    fresh, committed = files(fresh_root), files(committed_root)
    assert EXPECTED[lang] <= fresh, f"the generator did not write {sorted(EXPECTED[lang] - fresh)} into {rel_dir}"
    problems = [f"committed but no longer generated: {rel_dir}/{f}" for f in sorted(committed - fresh)]
    for f in sorted(fresh):
        if not (committed_root / f).exists() or (committed_root / f).read_bytes() != (fresh_root / f).read_bytes():
            problems.append(diff(committed_root / f, fresh_root / f, f"{rel_dir}/{f}"))
    assert not problems, "generated code is out of date; run `make proto`:\n" + "\n".join(problems)


def test_generated_python_matches(generated: Path) -> None:
    fresh_root, committed_root = generated / PYTHON_DIR, ROOT / PYTHON_DIR
    fresh = files(fresh_root)
    assert EXPECTED["python"] <= fresh
    problems = [
        diff(committed_root / f, fresh_root / f, f"{PYTHON_DIR}/{f}")
        for f in sorted(fresh)
        if not (committed_root / f).exists() or (committed_root / f).read_bytes() != (fresh_root / f).read_bytes()
    ]
    assert not problems, "generated code is out of date; run `make proto`:\n" + "\n".join(problems)
