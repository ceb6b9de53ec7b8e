"""The worker started where no Temporal server listens: it exits at once with one line
that says what it could not reach and how to get a server, not a traceback."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace

from support import WorkerProcess, free_port, worker_env

from skypilot_temporal.config.temporal_connection import START_HINT


def test_no_server_is_one_line_naming_the_address_and_exit_status_1(tmp_path):
    address = f"127.0.0.1:{free_port()}"  # bound, then closed: nothing listens there
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    env = worker_env(SimpleNamespace(address=address), work_dir, "no-server", TEMPORAL_NAMESPACE="ns-nowhere")
    done = subprocess.run(WorkerProcess(env, tmp_path / "worker.log").command(), env=env, cwd=work_dir,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    where = f"{address} (namespace ns-nowhere)"
    assert line == f"error: cannot connect to Temporal at {where}: Connection refused; {START_HINT}"
    assert "'.venv/bin/temporal server start-dev'" in line and "TEMPORAL_ADDRESS" in line
