"""Real parts for tests: a Temporal dev server, worker processes, example repositories."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from skypilot_temporal.tasks.parser_pool import PROCESS_NAME as PARSER_PROCESS_NAME

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
EXAMPLE = ROOT / "examples" / "ml-pipeline"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def stop_process(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Stops a process this test suite started (by its PID), then kills it if needed."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@dataclass
class DevServer:
    proc: subprocess.Popen
    port: int

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


def start_dev_server(log_path: Path, port: int = 0, db: Path | None = None, extra: tuple[str, ...] = ()) -> DevServer:
    """A dev server on loopback. With `db`, its state is kept in that file (SQLite), so
    the same server can be killed and started again on the same `port` and `extra`."""
    port = port or free_port()
    log = open(log_path, "ab")
    argv = [str(VENV_BIN / "temporal"), "server", "start-dev", "--ip", "127.0.0.1",
            "--port", str(port), "--headless", "--log-level", "error", *extra]
    if "--ui-port" not in extra:
        argv += ["--ui-port", str(free_port())]
    if db is not None:
        argv += ["--db-filename", str(db)]
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for_port(port)
    except TimeoutError:
        stop_process(proc)
        raise
    return DevServer(proc, port)


def make_git_repo(dest: Path, source: Path = EXAMPLE, files: Mapping[str, str] | None = None) -> Path:
    """A git repository with the example tasks (plus/over `files`), committed."""
    shutil.copytree(source, dest)
    for rel, text in (files or {}).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text)
    git = ["git", "-c", "user.email=tests@localhost", "-c", "user.name=tests"]
    subprocess.run(git + ["init", "-q", "-b", "main"], cwd=dest, check=True)
    subprocess.run(git + ["add", "-A"], cwd=dest, check=True)
    subprocess.run(git + ["commit", "-qm", "tasks"], cwd=dest, check=True)
    return dest


def bucket_task(name: str, run: str, **envs: str) -> str:
    """A task YAML that mounts the run's data bucket ($DATA_BUCKET_NAME) at /data and
    runs `run` (bash lines) under `set -euo pipefail`. `envs`: more variables, with their
    defaults ("" for none)."""
    env_lines = "".join(f"  {key}:{' ' + value if value else ''}\n" for key, value in envs.items())
    body = textwrap.indent(textwrap.dedent(run).strip("\n"), "  ")
    return (f"name: {name}\nenvs:\n  DATA_BUCKET_NAME:\n{env_lines}"
            "file_mounts:\n  /data:\n    name: $DATA_BUCKET_NAME\n    store: s3\n"
            f"run: |\n  set -euo pipefail\n{body}\n")


def held_until_released(tenths: int) -> str:
    """Lines of a task's `run: |` block that hold until the test creates $HOME/release
    (exit 0), for at most `tenths` tenths of a second (then exit 1)."""
    return (f"  for i in $(seq 1 {tenths}); do\n"
            '    if [ -e "$HOME/release" ]; then echo "released"; exit 0; fi\n'
            "    sleep 0.1\n"
            "  done\n"
            '  echo "never released"; exit 1\n')


@dataclass
class WorkerProcess:
    """`skypilot-temporal-worker` as users run it, in its own process."""

    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen | None = None
    starts: int = field(default=0)

    def command(self) -> list[str]:
        return [str(VENV_BIN / "skypilot-temporal-worker")]

    def start(self, timeout: float = 60.0) -> WorkerProcess:
        self.starts += 1
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.command(),
            env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=self.env.get("SKYPILOT_TEMPORAL_WORK_DIR", str(ROOT)),
        )
        deadline = time.monotonic() + timeout
        want = self.starts
        while time.monotonic() < deadline:
            if self.log().count("worker ready") >= want:
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}:\n{self.log()}")
            time.sleep(0.1)
        self.stop()  # not left running behind the error
        raise TimeoutError(f"worker not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: the worker dies without any chance to clean up."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, signal.SIGINT, timeout=30)


def worker_env(server: DevServer, work_dir: Path, task_queue: str, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_"))
    }
    env.update(
        TEMPORAL_ADDRESS=server.address,
        TEMPORAL_NAMESPACE="default",
        SKYPILOT_TEMPORAL_TASK_QUEUE=task_queue,
        SKYPILOT_TEMPORAL_WORK_DIR=str(work_dir),
        SKYPILOT_TEMPORAL_EXECUTOR="local",
        SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS="1",
        SKYPILOT_DISABLE_USAGE_COLLECTION="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def children(pid: int) -> list[int]:
    """A process's live children (of any of its threads)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def is_parser(pid: int) -> bool:
    """Whether a process is one of a worker's parser processes (parser_pool.py)."""
    try:
        return Path(f"/proc/{pid}/comm").read_bytes().strip() == PARSER_PROCESS_NAME
    except OSError:
        return False


def parser_processes(worker_pid: int) -> list[int]:
    """A worker's live parser processes."""
    return [c for c in children(worker_pid) if is_parser(c)]


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie is gone for our purpose)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(predicate, timeout: float = 10.0, every: float = 0.05):
    """Polls `predicate` until it returns something true, and returns that."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(every)
    return value


def processes_with_env(marker: str) -> list[int]:
    """PIDs (but this one's) whose environment carries `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


def processes_mentioning(markers: list[str]) -> list[str]:
    """Processes on this host whose command line or working directory names a marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if any(m in cmdline or m in cwd for m in markers):
            found.append(f"{entry.name}: {cmdline[:200]} (cwd {cwd})")
    return found
