"""`make demo` as a new user runs it: scripts/demo.sh starts its own dev server and a
worker (local executor), runs the pipeline from the Python, Go and TypeScript starters,
prints the results and stops what it started. Run on free ports, so it can run beside
a dev server on 7233."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess

from pipeline_helpers import wait_until
from support import ROOT, free_port, processes_mentioning


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


async def test_demo_runs_the_pipeline_from_every_starter_and_stops_what_it_started():
    port, ui_port = free_port(), free_port()
    env = {**os.environ, "DEMO_TEMPORAL_PORT": str(port), "DEMO_UI_PORT": str(ui_port)}
    proc = await asyncio.to_thread(
        subprocess.run, ["scripts/demo.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    out = proc.stdout
    assert proc.returncode == 0, out[-4000:] + proc.stderr[-4000:]
    assert out.count("workflow completed: ") == 3, out
    for lang in ("python", "go", "ts"):
        # The evaluation report each run wrote through its bucket.
        assert f"  demo-{lang}: " in out and "accuracy" in out.split(f"  demo-{lang}: ", 1)[1].splitlines()[0], out
    assert "demo: clusters left: 0" in out
    assert "demo-secret-value" not in out + proc.stderr  # the secret reached the task, not the output
    assert "demo: stopped what it started" in out
    assert not _listening(port) and not _listening(ui_port)
    # Nothing of the demo keeps running: server, worker, and the local executor's agent.
    run_dir = out.rsplit("logs kept in ", 1)[1].split()[0]
    await wait_until(lambda: not processes_mentioning([run_dir]), timeout=10)
