"""Job supervisor and autodown watchdog of the local executor (separate processes).

A job outlives the worker that submitted it, as a SkyPilot job outlives its client:
the supervisor runs `setup` then `run`, appends their output to the job's log and
records the final status, so a restarted worker re-attaches instead of resubmitting.

    python -m skypilot_temporal.executors.local_job run JOB_DIR
    python -m skypilot_temporal.executors.local_job autodown CLUSTER_DIR MINUTES
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

RUNNING_STATES = {"PENDING", "SETTING_UP", "RUNNING"}


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def read_text(path: Path, default: str = "") -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return default


def _signal_group(pid_file: Path, sig: int) -> bool:
    try:
        pid = int(read_text(pid_file, "0"))
        if pid > 0:
            os.killpg(pid, sig)
            return True
    except (ValueError, ProcessLookupError, PermissionError):
        pass
    return False


def kill_job(job_dir: Path, grace_s: float = 5.0) -> None:
    """Stops a job's supervisor and its task process group, SIGKILL after a grace period."""
    pid_files = [job_dir / "pid", job_dir / "task.pid"]
    alive = [p for p in pid_files if _signal_group(p, signal.SIGTERM)]
    deadline = time.monotonic() + grace_s
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _signal_group(p, 0)]
        time.sleep(0.1)
    for p in alive:
        _signal_group(p, signal.SIGKILL)


def down_cluster(cluster_dir: Path) -> bool:
    """Kills every job of the cluster and removes its directory. False if absent."""
    if not cluster_dir.exists():
        return False
    for job_dir in sorted((cluster_dir / "jobs").glob("*")):
        if read_text(job_dir / "status") in RUNNING_STATES:
            kill_job(job_dir)
    watchdog = cluster_dir / "autodown.pid"
    if read_text(watchdog) != str(os.getpid()):
        _signal_group(watchdog, signal.SIGTERM)
    shutil.rmtree(cluster_dir, ignore_errors=True)
    return True


def run_job(job_dir: Path) -> int:
    try:
        # Exactly one supervisor per job, even if a restarted worker starts another.
        os.close(os.open(job_dir / "started", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return 0
    spec = json.loads((job_dir / "spec.json").read_text())
    status_file = job_dir / "status"
    cancelled = False
    child: subprocess.Popen[bytes] | None = None

    def on_term(signum: int, frame: object) -> None:
        nonlocal cancelled
        cancelled = True
        if child is not None and child.poll() is None:
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, on_term)
    # Secret values come in this process's environment (never from a file).
    env = {**spec["env"], **{n: os.environ.get(n, "") for n in spec.get("secret_names", [])}}
    write_atomic(job_dir / "pid", str(os.getpid()))
    with open(job_dir / "log", "ab", buffering=0) as log:
        for phase, failed_status in (("setup", "FAILED_SETUP"), ("run", "FAILED")):
            script = spec.get(phase)
            if not script:
                continue
            write_atomic(status_file, "SETTING_UP" if phase == "setup" else "RUNNING")
            child = subprocess.Popen(
                [*spec["argv_prefix"], "bash", "-c", script],
                cwd=spec["cwd"], env=env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            write_atomic(job_dir / "task.pid", str(child.pid))
            code = child.wait()
            if cancelled:
                write_atomic(job_dir / "exit_code", str(code))
                write_atomic(status_file, "CANCELLED")
                return 0
            if code != 0:
                log.write(f"{phase} exited with code {code}\n".encode())
                write_atomic(job_dir / "exit_code", str(code))
                write_atomic(status_file, failed_status)
                return 0
    write_atomic(job_dir / "exit_code", "0")
    write_atomic(status_file, "SUCCEEDED")
    return 0


def autodown(cluster_dir: Path, minutes: float, poll_s: float = 10.0) -> int:
    """Downs the cluster after `minutes` with no running job: the safety net that holds
    even when every worker is gone."""
    write_atomic(cluster_dir / "autodown.pid", str(os.getpid()))
    idle_since = time.monotonic()
    while cluster_dir.exists():
        busy = any(
            read_text(j / "status", "PENDING") in RUNNING_STATES
            for j in (cluster_dir / "jobs").glob("*")
        )
        if busy:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= minutes * 60:
            down_cluster(cluster_dir)
            break
        time.sleep(poll_s)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "run":
        return run_job(Path(argv[1]))
    if len(argv) >= 3 and argv[0] == "autodown":
        return autodown(Path(argv[1]), float(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
