"""The local executor's host agent: one per root, starts each job's supervisor once,
downs clusters idle past their autodown, leaves when its root has nothing left."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from multiprocessing.connection import Client
from pathlib import Path

import pytest
from support import alive, wait_for

from skypilot_temporal.executors.local import job as local_job
from skypilot_temporal.executors.local.executor import _SUPERVISOR


def agent(root: Path, poll_s: float = 0.2, idle_exit_s: float = 60.0) -> None:
    """Starts `local_job.py agent` as the executor does, with short periods."""
    subprocess.run([*_SUPERVISOR, "agent", str(root), str(poll_s), str(idle_exit_s)],
                   check=True, stdin=subprocess.DEVNULL, env={})
    wait_for(lambda: local_job._connectable(str(root / local_job.AGENT_SOCKET)))


def agent_pid(root: Path) -> int:
    return int((root / local_job.AGENT_PID).read_text())


def ask(root: Path, job_dir: Path, secrets: dict[str, str] | None = None) -> bytes:
    request = {"job_dir": str(job_dir), "secrets": secrets or {}}
    return local_job.ask_agent(str(root / local_job.AGENT_SOCKET), request, 60)


def ask_down(root: Path, cdir: Path) -> bytes:
    return local_job.ask_agent(str(root / local_job.AGENT_SOCKET), {"down": str(cdir)}, 60)


def cluster(root: Path, name: str, autodown_minutes: float | None = None) -> Path:
    cdir = root / "clusters" / name
    (cdir / "jobs").mkdir(parents=True)
    (cdir / "home").mkdir()
    (cdir / "cluster.json").write_text(
        json.dumps({"created": time.time(), "autodown_minutes": autodown_minutes}))
    return cdir


def job(cdir: Path, run: str, secret_names: list[str] = ()) -> Path:
    job_dir = cdir / "jobs" / "1"
    job_dir.mkdir()
    spec = {"setup": None, "run": run, "cwd": str(cdir / "home"), "env": {"PATH": os.defpath},
            "secret_names": list(secret_names), "argv": ["/bin/bash", "-c"]}
    local_job.write_atomic(job_dir / "spec", local_job.encode(spec))
    local_job.write_atomic(job_dir / "status", "PENDING")
    return job_dir


@pytest.fixture
def root(tmp_path: Path):
    root = tmp_path / "local"
    root.mkdir()
    yield root
    if (root / local_job.AGENT_PID).exists() and alive(agent_pid(root)):
        os.kill(agent_pid(root), 9)


def test_the_agent_starts_a_job_once_with_its_secrets(root):
    agent(root)
    job_dir = job(cluster(root, "c"), 'echo "token=$TOKEN"', secret_names=["TOKEN"])
    assert ask(root, job_dir, {"TOKEN": "value-123"}) == b"ok"
    assert ask(root, job_dir, {"TOKEN": "value-123"}) == b"started"  # never twice
    wait_for(lambda: local_job.read_text(job_dir / "status") == "SUCCEEDED")
    assert (job_dir / "log").read_text() == "token=value-123\n"
    # Only the task's own output holds the value: no file the job keeps.
    assert b"value-123" not in b"".join(p.read_bytes() for p in job_dir.iterdir() if p.name != "log")
    # The supervisor was reaped: nothing waits on a zombie.
    wait_for(lambda: not alive(int((job_dir / "pid").read_text())))


def test_one_agent_per_root(root):
    agent(root)
    first = agent_pid(root)
    agent(root)  # leaves at once: the first one serves
    assert agent_pid(root) == first and alive(first)


def test_the_agent_refuses_what_is_not_a_job_of_its_root(root, tmp_path):
    agent(root)
    elsewhere = tmp_path / "elsewhere" / "clusters" / "c" / "jobs" / "1"
    elsewhere.mkdir(parents=True)
    assert ask(root, elsewhere) == b"bad request"
    assert not (elsewhere / "started").exists()


def test_the_agent_downs_a_cluster_when_asked_and_answers_once_it_is_gone(root):
    agent(root)
    cdir = cluster(root, "c")
    job_dir = job(cdir, "sleep 300")
    assert ask(root, job_dir) == b"ok"
    wait_for(lambda: local_job.read_text(job_dir / "status") == "RUNNING")
    task_pid = int((job_dir / "pid").read_text())
    # The answer comes when the job is stopped and the files are gone, not before.
    assert ask_down(root, cdir) == b"downed"
    assert not cdir.exists()
    wait_for(lambda: not alive(task_pid))
    assert ask_down(root, cdir) == b"absent"
    # The agent serves on: a job of another cluster still starts.
    other = job(cluster(root, "d"), "true")
    assert ask(root, other) == b"ok"
    wait_for(lambda: local_job.read_text(other / "status") == "SUCCEEDED")


def test_the_agent_downs_only_clusters_of_its_root(root, tmp_path):
    agent(root)
    elsewhere = tmp_path / "elsewhere" / "clusters" / "c"
    (elsewhere / "jobs").mkdir(parents=True)
    provisioning = root / "clusters" / "p.provisioning"
    provisioning.mkdir(parents=True)
    for cdir in (elsewhere, provisioning, root / "clusters", root / "clusters" / "c" / "jobs",
                 root / "clusters" / ".." / "buckets"):
        assert ask_down(root, cdir) == b"bad request", cdir
    assert elsewhere.exists() and provisioning.exists()


def test_the_agent_downs_a_cluster_idle_past_its_autodown_only(root):
    agent(root)
    idle = cluster(root, "idle", autodown_minutes=0.01)  # 0.6 s
    busy = cluster(root, "busy", autodown_minutes=0.01)
    kept = cluster(root, "kept", autodown_minutes=None)
    busy_job = job(busy, "sleep 3")
    assert ask(root, busy_job) == b"ok"
    wait_for(lambda: not idle.exists())
    assert busy.exists() and kept.exists()
    # Idle from the end of its last job on, then downed.
    wait_for(lambda: local_job.read_text(busy_job / "status") == "SUCCEEDED")
    wait_for(lambda: not busy.exists())
    assert kept.exists()


def test_the_agent_leaves_when_its_root_has_nothing_left(root):
    agent(root, idle_exit_s=0.5)
    pid = agent_pid(root)
    cdir = cluster(root, "c")
    time.sleep(1.0)
    assert alive(pid)  # a cluster exists
    local_job.down_cluster(cdir)
    wait_for(lambda: not alive(pid))
    assert not (root / local_job.AGENT_SOCKET).exists()
    agent(root)  # and the next request starts a new one
    assert alive(agent_pid(root)) and agent_pid(root) != pid


def test_the_agent_refuses_a_request_of_another_format_version_naming_both(root):
    agent(root)
    job_dir = job(cluster(root, "c"), "echo ran")
    with Client(str(root / local_job.AGENT_SOCKET), family="AF_UNIX") as conn:
        conn.send_bytes(json.dumps({"version": 99, "job_dir": str(job_dir), "secrets": {}}).encode())
        answer = conn.recv_bytes()
    assert answer == b"bad request: the request is of format version 99; this worker reads version 1"
    assert not (job_dir / "started").exists()
    assert local_job.read_text(job_dir / "status") == "PENDING"


@pytest.mark.parametrize("spec,expected", [
    (json.dumps({"version": 99, "run": "echo ran"}).encode(),
     "the job's spec is of format version 99; this worker reads version 1"),
    (b"\xfb\xda\x03run", "the job's spec is not of a format this worker reads (JSON of format version 1)"),
])
def test_a_job_whose_spec_this_worker_cannot_read_fails_naming_why(root, spec, expected):
    agent(root)
    job_dir = job(cluster(root, "c"), "echo ran")
    local_job.write_atomic(job_dir / "spec", spec)
    assert ask(root, job_dir) == b"ok"
    wait_for(lambda: local_job.read_text(job_dir / "status") == "FAILED_DRIVER")
    assert (job_dir / "log").read_text() == f"the job could not be started: {expected}\n"


def test_a_job_started_without_the_agent_reads_its_secrets_from_stdin(root):
    job_dir = job(cluster(root, "c"), 'echo "token=$TOKEN"', secret_names=["TOKEN"])
    stdin = local_job.encode({"secrets": {"TOKEN": "value-123"}})
    subprocess.run([*_SUPERVISOR, "run", str(job_dir)], input=stdin, check=True, env={})
    wait_for(lambda: local_job.read_text(job_dir / "status") == "SUCCEEDED")
    assert (job_dir / "log").read_text() == "token=value-123\n"


def test_secrets_on_stdin_of_another_format_version_fail_the_job_naming_both(root):
    job_dir = job(cluster(root, "c"), "echo ran", secret_names=["TOKEN"])
    stdin = json.dumps({"version": 2, "secrets": {"TOKEN": "value-123"}}).encode()
    subprocess.run([*_SUPERVISOR, "run", str(job_dir)], input=stdin, check=True, env={})
    wait_for(lambda: local_job.read_text(job_dir / "status") == "FAILED_DRIVER")
    assert (job_dir / "log").read_text() == (
        "the job could not be started: the message holding the job's secrets is of format "
        "version 2; this worker reads version 1\n"
    )


def test_an_agent_that_reads_to_the_end_of_the_request_answers_at_once(tmp_path):
    """The asker closes its sending side after the request: an agent that reads until
    then, and answers unframed (not this module's own), is refused without a wait."""
    path = str(tmp_path / "agent.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(1 << 16):
                received.append(chunk)
            conn.sendall(b"bad request")

    thread = threading.Thread(target=serve)
    thread.start()
    started = time.monotonic()
    with pytest.raises(OSError, match="bad message length"):
        local_job.ask_agent(path, {"down": "/nowhere"}, 30)
    assert time.monotonic() - started < 5
    thread.join()
    server.close()
    assert b"".join(received).endswith(local_job.encode({"down": "/nowhere"}))
