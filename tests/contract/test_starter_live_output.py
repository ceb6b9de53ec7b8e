"""Each starter, run as users run it against a real worker (local executor), shows a
running step's latest output while the step runs, masked; --quiet shows none of it.

The step prints its lines slowly, then holds until the test releases it: a job line
read before the release was shown while the step still ran.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from pathlib import Path

import pytest
from support import make_git_repo

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-value-42"  # in the local_worker fixture's environment

PIPELINE = """steps:
  - name: talk
    task_yaml: slow.yaml
"""
# A line a second, one of them the secret, then held until $HOME/release exists.
SLOW = """name: slow
run: |
  set -euo pipefail
  for i in 1 2 3; do echo "working on part $i"; sleep 1; done
  echo "token is $SECRET_TOKEN"
  for i in $(seq 1 1200); do
    if [ -e "$HOME/release" ]; then echo "released"; exit 0; fi
    sleep 0.1
  done
  echo "never released"; exit 1
"""


@pytest.fixture
def slow_repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / "slow-tasks", files={"pipeline.yaml": PIPELINE, "slow.yaml": SLOW})


def start(cmd: list[str], server, task_queue: str, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_"))}
    env.update(TEMPORAL_ADDRESS=server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=task_queue,
               TEMPORAL_CONFIG_FILE=str(ROOT / "tests" / "contract" / "no-such-temporal.toml"))
    return subprocess.Popen([*cmd, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, stdin=subprocess.DEVNULL)


def lines_of(proc: subprocess.Popen) -> queue.Queue[str | None]:
    """The process's stdout lines as they come; None at its end."""
    out: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in proc.stdout:
            out.put(line.rstrip("\n"))
        out.put(None)

    threading.Thread(target=read, daemon=True).start()
    return out


def release(work_dir: Path, prefix: str, timeout: float = 120) -> None:
    """Lets the held step end, once its cluster exists."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        clusters = list((work_dir / "local" / "clusters").glob(f"{prefix}-talk-*"))
        if clusters:
            (clusters[0] / "home").mkdir(exist_ok=True)
            (clusters[0] / "home" / "release").touch()
            return
        time.sleep(0.2)
    raise AssertionError(f"no cluster {prefix}-talk-* appeared")


@pytest.mark.parametrize("lang", ["go", "ts", "python"])
def test_a_running_steps_lines_show_before_it_ends(starters, lang, temporal_server, local_worker, task_queue,
                                                    work_dir, slow_repo) -> None:
    prefix = f"live{lang}"
    proc = start(starters[lang], temporal_server, task_queue, "--repo", str(slow_repo), "--cluster-prefix", prefix,
                 "--secret-env", "SECRET_TOKEN")
    lines = lines_of(proc)
    printed: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while not any(line == "    talk | token is ***" for line in printed):
            assert time.monotonic() < deadline, printed
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, (printed, proc.stderr.read())
            printed.append(line)
        # The step is held: every job line so far was shown while it ran.
        assert not any(line.startswith("workflow completed") for line in printed), printed
        live = [line for line in printed if line.startswith("    talk | ")]
        assert "    talk | working on part 1" in live or any("lines not shown" in line for line in live), printed
        assert live[-2:] == ["    talk | working on part 3", "    talk | token is ***"], printed
        release(work_dir, prefix)
        proc.wait(timeout=180)
        while (line := lines.get(timeout=30)) is not None:
            printed.append(line)
        err = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and err == "", (printed, err)
    assert not any(SECRET in line for line in printed)
    end = printed.index(next(line for line in printed if line.startswith("workflow completed: 1 steps")))
    live = [line for line in printed[:end] if line.startswith("    talk | ")]
    # Each line once, in order (a line the polls missed is counted, not repeated).
    job = [line for line in live if "lines not shown" not in line]
    assert len(job) == len(set(job)), printed
    assert printed[end + 1].startswith("step talk: cluster=") and "status=SUCCEEDED" in printed[end + 1]
    assert "    released" in printed[end + 2:], printed  # the result's tail, as before


@pytest.mark.parametrize("lang", ["go", "ts", "python"])
def test_quiet_shows_no_live_lines(starters, lang, temporal_server, local_worker, task_queue, work_dir,
                                   slow_repo) -> None:
    prefix = f"quiet{lang}"
    proc = start(starters[lang], temporal_server, task_queue, "--repo", str(slow_repo), "--cluster-prefix", prefix,
                 "--secret-env", "SECRET_TOKEN", "--quiet")
    try:
        release_after = time.monotonic() + 120
        # Hold the step until its lines have been in its heartbeats for a few polls.
        while "token is ***" not in local_worker.log():
            assert time.monotonic() < release_after and proc.poll() is None, local_worker.log()
            time.sleep(0.2)
        time.sleep(3)
        release(work_dir, prefix)
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and err == "", (out, err)
    assert out.startswith("workflow completed: 1 steps, commit "), out
    assert " | " not in out and "working on part" not in out.split("status=SUCCEEDED", 1)[0], out
