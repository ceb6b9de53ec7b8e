"""Job supervisor, host agent and autodown watchdog of the local executor (detached
processes).

A job outlives the worker that submitted it, as a SkyPilot job outlives its client:
the supervisor runs `setup` then `run`, appends their output to the job's log and
records the final status, so a restarted worker re-attaches instead of resubmitting.

    job.py agent ROOT                     (one per executor root: starts supervisors,
                                           downs idle clusters)
    job.py run JOB_DIR                    (secret values on stdin)
    job.py autodown CLUSTER_DIR MINUTES

All three detach at once into a session of their own; the worker only waits for the
hand-over. Workers start jobs through the agent: it forks a supervisor per job (no
interpreter start-up per job) and is the autodown watchdog of every cluster of its
root. The agent outlives the workers, so clusters are downed when no worker is left;
it leaves once its root has had no cluster and no request for a while, and the next
job starts it again. `run` and `autodown` are what a worker falls back to when the
agent cannot be had: one process per job, one watchdog per cluster.

This module runs with `python -I -S`, away from site-packages, so it imports only
the standard library, and lazily what only some of its commands need (signal alone
would nearly double the start-up time of a `run`). A supervisor the agent starts is
a fork of it and imports nothing at all.

What the worker hands it outlives a worker upgrade: a job's spec file waits on disk
until the job starts, and the agent serves workers newer than itself. Each is JSON
carrying FORMAT_VERSION, and a version this module does not read is refused with
both versions named (a job fails with FAILED_DRIVER, the agent answers
`bad request: ...`), never misread. Requests to the agent are framed by
multiprocessing.connection; the asker closes its sending side after its one request.

Secret values arrive on stdin (`run`) or with the agent's request, stay in memory
and reach only the task's environment: the job directory holds their names, never
their values.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

RUNNING_STATES = {"PENDING", "SETTING_UP", "RUNNING"}
_TERMINAL_HERE = {"SUCCEEDED", "FAILED", "FAILED_SETUP", "FAILED_DRIVER", "CANCELLED"}
# In the executor's root (the worker's work dir, hidden from every task).
AGENT_SOCKET = "agent.sock"
AGENT_LOCK = "agent.lock"
AGENT_PID = "agent.pid"
# How often the agent looks for idle clusters, and how long it stays without work.
AGENT_POLL_S = 10.0
AGENT_IDLE_EXIT_S = 60.0
# The version of every format below: a job's spec, a request to the agent, the secrets
# a `run` reads on stdin. A reader refuses any other version.
FORMAT_VERSION = 1
# The longest message read from the other end (a request holds secret values), and
# how long the agent lets a read stall: an asker sends its whole request at once.
_MAX_MESSAGE_BYTES = 1 << 20
_REQUEST_WAIT_S = 10


def encode(message: dict) -> bytes:
    """A job's spec, a request to the agent or a `run`'s secrets, as this module reads
    them back (decode)."""
    return json.dumps({"version": FORMAT_VERSION, **message}).encode()


def decode(data: bytes, what: str) -> dict:
    """The message `encode` made; ValueError naming `what` and the versions if it is of
    another version or no message at all."""
    try:
        message = json.loads(data)
    except ValueError:
        message = None
    if not isinstance(message, dict) or "version" not in message:
        raise ValueError(f"{what} is not of a format this worker reads (JSON of format version {FORMAT_VERSION})")
    if message["version"] != FORMAT_VERSION:
        raise ValueError(
            f"{what} is of format version {message['version']!r}; this worker reads version {FORMAT_VERSION}"
        )
    return message


def read_spec(job_dir: str) -> dict:
    """The job's spec, as the worker wrote it (`encode`); ValueError if unreadable."""
    with open(os.path.join(job_dir, "spec"), "rb") as f:
        return decode(f.read(), "the job's spec")


def ask_agent(path: str, request: dict, timeout_s: float) -> bytes:
    """Sends one request to the agent listening on `path` and returns its answer.
    OSError if none listens (FileNotFoundError, ConnectionRefusedError) or it does not
    answer within `timeout_s`."""
    import socket
    from multiprocessing.connection import Client

    with Client(path, family="AF_UNIX") as conn:
        conn.send_bytes(encode(request))
        # The request is whole: an agent may read to its end.
        with socket.fromfd(conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as same:
            same.shutdown(socket.SHUT_WR)
        if not conn.poll(timeout_s):
            raise TimeoutError(f"the agent did not answer within {timeout_s:g} s")
        try:
            return conn.recv_bytes(_MAX_MESSAGE_BYTES)
        except EOFError:
            raise ConnectionResetError("the agent closed the connection without answering") from None


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    tmp = f"{os.fspath(path)}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data.encode() if isinstance(data, str) else data)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def read_text(path: str | os.PathLike[str], default: str = "") -> str:
    try:
        with open(path) as f:
            return f.read().strip()
    except (FileNotFoundError, NotADirectoryError):
        return default


def _listdir(path: str | os.PathLike[str]) -> list[str]:
    try:
        return os.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _signal_group(pid_file: str | os.PathLike[str], sig: int) -> bool:
    try:
        pid = int(read_text(pid_file, "0"))
        if pid > 0:
            os.killpg(pid, sig)
            return True
    except (ValueError, ProcessLookupError, PermissionError):
        pass
    return False


def kill_job(job_dir: str | os.PathLike[str], grace_s: float = 5.0) -> None:
    """Stops a job's supervisor, then its task's process group, SIGKILL after a grace
    period. The supervisor first: it must not outlive its task to record a failure."""
    import signal  # only the worker and the watchdog stop jobs

    pid_files = [os.path.join(job_dir, "pid"), os.path.join(job_dir, "task.pid")]
    alive = [p for p in pid_files if _signal_group(p, signal.SIGTERM)]
    deadline = time.monotonic() + grace_s
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _signal_group(p, 0)]
        time.sleep(0.1)
    for p in alive:
        _signal_group(p, signal.SIGKILL)


def down_cluster(cluster_dir: str | os.PathLike[str]) -> bool:
    """Kills every job of the cluster and removes its directory. False if absent."""
    import shutil
    import signal

    if not os.path.exists(cluster_dir):
        return False
    jobs = os.path.join(cluster_dir, "jobs")
    for name in sorted(_listdir(jobs)):
        if read_text(os.path.join(jobs, name, "status")) in RUNNING_STATES:
            kill_job(os.path.join(jobs, name))
    watchdog = os.path.join(cluster_dir, "autodown.pid")
    if read_text(watchdog) != str(os.getpid()):
        _signal_group(watchdog, signal.SIGTERM)
    # A bucket's idle time (for pruning) counts from the last cluster that used it.
    buckets = os.path.join(os.path.dirname(os.path.dirname(os.fspath(cluster_dir))), "buckets")
    for bucket in _listdir(os.path.join(cluster_dir, "uses")):
        try:
            os.utime(os.path.join(buckets, bucket))
        except OSError:
            pass
    shutil.rmtree(cluster_dir, ignore_errors=True)
    return True


def run_job(job_dir: str, secrets: dict[str, str], unreadable: str = "") -> None:
    """Runs the job's setup and run as its spec says; `unreadable`: why the secrets
    handed to it could not be read ("" when they could), failing the job."""
    status_file = os.path.join(job_dir, "status")
    write_atomic(os.path.join(job_dir, "pid"), str(os.getpid()))
    if read_text(status_file) in _TERMINAL_HERE:
        return  # cancelled before it started
    log = os.open(os.path.join(job_dir, "log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def end(status: str, code: int, message: str = "") -> None:
        if message:
            os.write(log, message.encode())
        write_atomic(os.path.join(job_dir, "exit_code"), str(code))
        write_atomic(status_file, status)

    try:
        if unreadable:
            raise ValueError(unreadable)
        spec = read_spec(job_dir)
        missing = [n for n in spec["secret_names"] if n not in secrets]
        if missing:
            end("FAILED_DRIVER", 1, f"secrets {', '.join(missing)} were not handed to the job\n")
            return
        env = {**spec["env"], **{n: secrets[n] for n in spec["secret_names"]}}
        os.chdir(spec["cwd"])
        for phase, failed_status in (("setup", "FAILED_SETUP"), ("run", "FAILED")):
            script = spec[phase]
            if not script:
                continue
            write_atomic(status_file, "SETTING_UP" if phase == "setup" else "RUNNING")
            argv = [*spec["argv"], script]
            # A session of its own: the task's processes can be stopped as one group.
            pid = os.posix_spawn(argv[0], argv, env, setsid=True, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, log, 1),
                (os.POSIX_SPAWN_DUP2, log, 2),
            ])
            write_atomic(os.path.join(job_dir, "task.pid"), str(pid))
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            if code != 0:
                end(failed_status, code, f"{phase} exited with code {code}\n")
                return
    except (OSError, KeyError, ValueError, EOFError, TypeError) as err:
        end("FAILED_DRIVER", 1, f"the job could not be started: {err}\n")
        return
    end("SUCCEEDED", 0)


def autodown(cluster_dir: str, minutes: float, poll_s: float = 10.0) -> None:
    """Downs the cluster after `minutes` with no running job: the safety net that holds
    even when every worker is gone."""
    write_atomic(os.path.join(cluster_dir, "autodown.pid"), str(os.getpid()))
    jobs = os.path.join(cluster_dir, "jobs")
    idle_since = time.monotonic()
    while os.path.isdir(cluster_dir):
        busy = any(
            read_text(os.path.join(jobs, j, "status"), "PENDING") in RUNNING_STATES
            for j in _listdir(jobs)
        )
        if busy:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= minutes * 60:
            down_cluster(cluster_dir)
            break
        time.sleep(poll_s)


def autodown_due(cluster_dir: str, now: float) -> bool:
    """Whether the cluster has been idle past its autodown (cluster.json), counted from
    its last job's end (the mtime of its status) or its creation: the same answer
    whoever asks and whenever, so a restarted agent keeps the clock."""
    try:
        with open(os.path.join(cluster_dir, "cluster.json")) as f:
            meta = json.load(f)
        minutes = meta.get("autodown_minutes")
        if minutes is None:
            return False
        last = float(meta.get("created", 0))
        jobs = os.path.join(cluster_dir, "jobs")
        for name in _listdir(jobs):
            status = os.path.join(jobs, name, "status")
            if read_text(status, "PENDING") in RUNNING_STATES:
                return False
            try:
                last = max(last, os.stat(status).st_mtime)
            except OSError:
                pass
    except (OSError, ValueError, TypeError, AttributeError):
        return False
    return now - last >= float(minutes) * 60


def agent_path(root: str, root_fd: int | None = None) -> str:
    """The agent's socket; through /proc/self/fd when `root_fd` is given (an O_PATH
    descriptor of root): a socket path must be short, a work dir need not be."""
    if root_fd is not None:
        return f"/proc/self/fd/{root_fd}/{AGENT_SOCKET}"
    return os.path.join(root, AGENT_SOCKET)


def _connectable(path: str) -> bool:
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(path)
            return True
        except OSError:
            return False


def agent(root: str, poll_s: float = AGENT_POLL_S, idle_exit_s: float = AGENT_IDLE_EXIT_S) -> None:
    """Serves job starts on ROOT/agent.sock and downs idle clusters of ROOT, until ROOT
    has had no cluster and no request for `idle_exit_s`. One agent per root (a lock):
    a second one leaves at once."""
    import fcntl
    import select
    import shutil  # noqa: F401 - down_cluster's, imported once: not in each child that downs
    import signal
    import socket
    import struct
    from multiprocessing.connection import Connection

    root = os.path.realpath(root)
    root_fd = os.open(root, os.O_PATH)
    path = agent_path(root, root_fd)
    lock = os.open(os.path.join(root, AGENT_LOCK), os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + 5.0
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            # Another agent holds it: it serves, or it is leaving and we take over.
            if _connectable(path) or time.monotonic() > deadline:
                return
            time.sleep(0.02)
    clusters = os.path.join(root, "clusters")

    def reap(*_: object) -> None:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass

    # Supervisors are the agent's children: reaped at once, so that nobody waits on
    # a zombie (kill_job checks whether the supervisor is still there).
    signal.signal(signal.SIGCHLD, reap)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    umask = os.umask(0o177)
    try:
        server.bind(path)
    finally:
        os.umask(umask)
    server.listen(256)
    write_atomic(os.path.join(root, AGENT_PID), str(os.getpid()))
    last_work = time.monotonic()
    next_scan = 0.0
    while True:
        now = time.monotonic()
        ready, _, _ = select.select([server], [], [], max(0.0, min(next_scan - now, poll_s)))
        if ready:
            conn, _ = server.accept()
            # A read gives up after a while (the connection stays blocking, as a
            # Connection needs): an asker that stalls cannot hold the agent.
            wait = struct.pack("ll", _REQUEST_WAIT_S, 0)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, wait)
            with Connection(conn.detach()) as channel:
                try:
                    _serve(channel, clusters, (server, lock, root_fd))
                except OSError:
                    pass  # the asker went away
            last_work = time.monotonic()
        now = time.monotonic()
        if now >= next_scan:
            next_scan = now + poll_s
            names = _listdir(clusters)
            for name in names:
                cdir = os.path.join(clusters, name)
                if not name.endswith(".provisioning") and autodown_due(cdir, time.time()):
                    down_cluster(cdir)
            if names:
                last_work = now
            elif now - last_work >= idle_exit_s:
                # Gone from the path before the lock is let go: a worker that finds no
                # agent starts one, which takes over once this one has left.
                os.unlink(path)
                server.close()
                return


def _serve(conn, clusters: str, inherited: tuple) -> None:
    """One request (`encode`d, in one message of a multiprocessing Connection):
    - {"job_dir": ..., "secrets": {...}}: answers b"ok" once the job's supervisor is
      forked, b"started" if one already was;
    - {"down": CLUSTER_DIR}: a child downs the cluster and answers b"downed", or
      b"absent" if there was none, on the asker's connection when it is done.
    A request it cannot take is answered b"bad request", with why after a colon when
    its format is the reason."""
    import signal

    try:
        data = conn.recv_bytes(_MAX_MESSAGE_BYTES)
    except EOFError:
        return  # a check that the agent listens
    except OSError as err:  # too long, cut short, or too slow
        conn.send_bytes(f"bad request: {err}".encode())
        return
    try:
        request = decode(data, "the request")
        if "down" in request:
            _serve_down(conn, clusters, os.path.realpath(request["down"]), inherited)
            return
        job_dir = os.path.realpath(request["job_dir"])
        secrets = dict(request["secrets"])
    except ValueError as err:
        conn.send_bytes(f"bad request: {err}".encode())
        return
    except (TypeError, KeyError):
        conn.send_bytes(b"bad request")
        return
    jobs = os.path.dirname(job_dir)
    if os.path.basename(jobs) != "jobs" or os.path.dirname(os.path.dirname(jobs)) != clusters:
        conn.send_bytes(b"bad request")
        return
    started = os.path.join(job_dir, "started")
    try:
        # Exactly one supervisor per job, even if a restarted worker asks again.
        os.close(os.open(started, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        conn.send_bytes(b"started")
        return
    except OSError as err:
        conn.send_bytes(f"error {err}".encode())
        return
    try:
        pid = os.fork()
    except OSError as err:
        os.unlink(started)  # not started after all: the next worker may start it
        conn.send_bytes(f"error {err}".encode())
        return
    if pid == 0:
        try:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            conn.close()
            inherited[0].close()
            os.close(inherited[1])
            os.close(inherited[2])
            os.setsid()
            run_job(job_dir, secrets)
        finally:
            os._exit(0)
    del secrets, request
    conn.send_bytes(b"ok")


def _serve_down(conn, clusters: str, cluster_dir: str, inherited: tuple) -> None:
    """Downs a cluster in a child of the agent, which answers when it is done: the
    files go without costing the asker (a worker serving many runs) any CPU, and the
    agent goes on serving while a job it kills takes its grace period to stop."""
    if os.path.dirname(cluster_dir) != clusters or cluster_dir.endswith(".provisioning"):
        conn.send_bytes(b"bad request")
        return
    if os.fork() == 0:
        try:
            import signal

            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            inherited[0].close()
            os.close(inherited[1])
            os.close(inherited[2])
            conn.send_bytes(b"downed" if down_cluster(cluster_dir) else b"absent")
        finally:
            os._exit(0)


def _read_secrets() -> dict[str, str]:
    """The secrets the worker wrote on stdin (`encode`d); ValueError if not readable."""
    chunks = []
    while chunk := os.read(0, 1 << 16):
        chunks.append(chunk)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    if not chunks:
        return {}
    secrets = decode(b"".join(chunks), "the message holding the job's secrets").get("secrets")
    if not isinstance(secrets, dict):
        raise ValueError("the message holding the job's secrets has no mapping of names to values")
    return secrets


def _detach() -> None:
    """Leaves the worker: the parent exits (the worker reaps it at once), the child
    goes on in a session of its own, so its group can be stopped as one."""
    if os.fork():
        os._exit(0)
    os.setsid()


def main(argv: list[str]) -> int:
    # A core dump would put secret values (in memory, in the task's environment) on
    # disk; limits are inherited by the task and cannot be raised again.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if len(argv) >= 2 and argv[0] == "run":
        try:
            secrets, unreadable = _read_secrets(), ""
        except ValueError as err:
            # The job fails naming it, as for a spec this module cannot read.
            secrets, unreadable = {}, str(err)
        started = os.path.join(argv[1], "started")
        try:
            # Exactly one supervisor per job, even if a restarted worker starts another.
            os.close(os.open(started, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return 0
        try:
            _detach()
        except OSError:
            os.unlink(started)  # not started after all: the next worker may start it
            raise
        run_job(argv[1], secrets, unreadable)
        return 0
    if len(argv) >= 3 and argv[0] == "autodown":
        _detach()
        autodown(argv[1], float(argv[2]))
        return 0
    if len(argv) >= 2 and argv[0] == "agent":
        _detach()
        agent(argv[1], *(float(a) for a in argv[2:4]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
