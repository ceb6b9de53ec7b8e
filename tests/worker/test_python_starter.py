"""The Python starter as users run it: output, and an exit code that is always right."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support import VENV_BIN

# temporalio 1.35.0 crashed at exit in ~1 of 4 runs: 10 runs catch that 94% of the time (`make e2e`),
# the 3 of `make test` 58%.
RUNS = (3, pytest.param(10, marks=pytest.mark.slow))


def run_starter(server, task_queue: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_"))}
    env.update(TEMPORAL_ADDRESS=server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=task_queue)
    return subprocess.run(
        [str(VENV_BIN / "skypilot-temporal-start"), *args],
        env=env, capture_output=True, text=True, timeout=180,
    )


@pytest.mark.parametrize("runs", RUNS)
def test_successful_runs_always_exit_zero(temporal_server, shared_worker, example_repo: Path, runs: int):
    for _ in range(runs):
        done = run_starter(temporal_server, shared_worker.task_queue,
                           "--repo", str(example_repo), "--env", "DATA_BUCKET_NAME=starter-bucket")
        assert done.returncode == 0, done.stderr
        out = done.stdout
        assert out.startswith("workflow id: skypilot-pipeline-")
        assert "/namespaces/default/workflows/skypilot-pipeline-" in out
        assert "progress: phase=" in out
        for step in ("preprocess", "train", "eval"):
            assert f"step {step}: cluster=" in out
        assert out.count("status=SUCCEEDED") == 3
        assert "workflow completed: 3 steps, commit " in out
        assert "clusters downed: " in out


def test_failed_run_exits_one_with_the_failure(temporal_server, shared_worker, example_repo: Path):
    # No DATA_BUCKET_NAME: SkyPilot refuses the task at clone-time validation.
    done = run_starter(temporal_server, shared_worker.task_queue, "--repo", str(example_repo),
                       "--workflow-id", "starter-failure-case")
    assert done.returncode == 1
    assert "workflow id: starter-failure-case" in done.stdout
    assert "DATA_BUCKET_NAME" in done.stderr and "workflow failed" in done.stderr


def test_usage_errors_exit_two_and_start_nothing(temporal_server, shared_worker):
    done = run_starter(temporal_server, shared_worker.task_queue, "--repo", "x", "--env", "NOEQUALS")
    assert done.returncode == 2
    assert done.stderr.startswith('error: --env "NOEQUALS": want KEY=VALUE with KEY a variable name')
    assert done.stdout == ""
    done = run_starter(temporal_server, shared_worker.task_queue, "--repo", "x", "--secret-env", "NOT-OK")
    assert done.returncode == 2 and 'error: --secret-env "NOT-OK": not a variable name' in done.stderr
    done = run_starter(temporal_server, shared_worker.task_queue)
    assert done.returncode == 2 and "error: no repository" in done.stderr
    helped = run_starter(temporal_server, shared_worker.task_queue, "--help")
    assert helped.returncode == 0 and "--secret-env" in helped.stdout and "--no-wait" in helped.stdout


def test_an_unreachable_server_is_one_error_line(temporal_server, shared_worker):
    unreachable = type(temporal_server)(temporal_server.proc, 1)  # port 1: nothing listens
    done = run_starter(unreachable, shared_worker.task_queue, "--repo", "x")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: cannot connect to Temporal at 127.0.0.1:1: ")
    assert len(done.stderr.splitlines()) == 1, done.stderr


def test_a_reused_workflow_id_is_one_error_line(temporal_server, shared_worker):
    args = ("--repo", "x", "--workflow-id", "python-starter-dup", "--no-wait")
    assert run_starter(temporal_server, "python-starter-no-worker", *args).returncode == 0
    done = run_starter(temporal_server, "python-starter-no-worker", *args)
    assert (done.returncode, done.stderr) == (1, "error: workflow id python-starter-dup is already in use\n")
    subprocess.run([str(VENV_BIN / "temporal"), "workflow", "terminate", "-w", "python-starter-dup",
                    "--address", temporal_server.address, "--reason", "test"],
                   check=True, capture_output=True, timeout=60)
