"""Supervisor of a local managed job (a detached process), and the job's records.

As SkyPilot's jobs controller does, the supervisor gives the job's task capacity of
its own (a cluster of the root, `<name>-<id>`), runs it, brings it back after a
preemption, and restarts it after a failure its `resources.job_recovery` allows;
then it tears the capacity down. It outlives the worker: nothing of this needs one.

    python -c '... import managed_job; managed_job.main(["managed", JOB_DIR])'
                                          (secret values on stdin, as job.py `run`)

A managed job is a directory ROOT/managed/ID holding `name`, `spec` (the task as
job.py runs it, plus its recovery policy), `record` (JSON: status, recoveries, last
recovery, failure reason: one file, so a reader never sees half of a change),
`history` (every change of the record, a JSON line each), `log`
(every attempt's output, in order, and a line at each recovery), `pid` (the
supervisor) and `cancelled` once cancel asked. Each attempt is a job of the capacity
cluster, run by job.run_job in the supervisor's own process, its log linked to the
managed job's.

Recovery mirrors SkyPilot 0.14.1 (sky/jobs/controller.py, recovery_strategy.py):
- the task killed by a signal it did not send itself is a preemption: always
  recovered;
- a non-zero exit (of setup or run) is restarted when its code is one of
  `recover_on_exit_codes` (not counted), or while the restarts counted stay within
  `max_restarts_on_errors`; otherwise the job ends FAILED (FAILED_SETUP for setup);
- a recovery relaunches on the job's capacity: setup runs again, then run from the
  start. SkyPilot's recovery is a launch, and a launch runs setup: after a preemption
  the new capacity has none of what the last setup did; the task's /tmp is emptied
  too, as a new node's is. Its home (the workdir) stays, as a relaunched cluster's
  disk is made from the same workdir and file mounts.
Recoveries are counted, and their time recorded, when the job is back (RUNNING), as
SkyPilot's set_recovered does.

Stdlib only, and runs with `python -I -S` beside job.py (see job.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time

try:  # imported by the worker, as part of its package
    from . import job
except ImportError:  # run as the supervisor, beside job.py
    import job  # type: ignore[import-not-found,no-redef]

MANAGED_DIR = "managed"
TERMINAL = {"SUCCEEDED", "FAILED", "FAILED_SETUP", "CANCELLED", "FAILED_PRECHECKS", "FAILED_NO_RESOURCE",
            "FAILED_CONTROLLER"}
CANCEL_MARK = "cancelled"


def read_record(job_dir: str | os.PathLike[str]) -> dict:
    """The job's record; a job recorded but not started yet is PENDING."""
    try:
        with open(os.path.join(job_dir, "record")) as f:
            record = json.load(f)
    except (FileNotFoundError, NotADirectoryError, ValueError):
        record = {}
    return read_record_from(record)


def read_record_from(record: dict) -> dict:
    """A record (or a line of the history) with what it leaves out at its defaults."""
    return {"status": "PENDING", "recoveries": 0, "last_recovered_at": None, "failure_reason": "", **record}


def write_record(job_dir: str | os.PathLike[str], **changes: object) -> dict:
    """Records a change: `record` is the job as it is now; `history` keeps every
    change, one JSON line each, so that a reader that looks now and then misses none
    (a failure restarted at once is RECOVERING for a moment only)."""
    record = {**read_record(job_dir), **changes}
    line = json.dumps(record)
    fd = os.open(os.path.join(job_dir, "history"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)
    job.write_atomic(os.path.join(job_dir, "record"), line)
    return record


def read_history(job_dir: str | os.PathLike[str], skip: int = 0) -> list[dict]:
    """The changes recorded after the first `skip` ones (whole lines only)."""
    try:
        with open(os.path.join(job_dir, "history")) as f:
            lines = f.read().split("\n")[:-1]
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for line in lines[skip:]:
        try:
            found.append(json.loads(line))
        except ValueError:
            found.append({})  # cut short by a writer killed mid-line: counted, not read
    return found


def capacity_dir(job_dir: str | os.PathLike[str]) -> str | None:
    """The cluster directory the job runs on (ROOT/clusters/NAME-ID); None if the job
    has none recorded."""
    name = job.read_text(os.path.join(job_dir, "cluster"))
    if not name or "/" in name or name in (".", ".."):
        return None
    root = os.path.dirname(os.path.dirname(os.fspath(job_dir)))
    return os.path.join(root, "clusters", name)


def down_capacity(job_dir: str | os.PathLike[str]) -> None:
    cluster = capacity_dir(job_dir)
    if cluster is not None:
        job.down_cluster(cluster)


def recovery_policy(spec: dict) -> tuple[int, list[int]]:
    policy = spec.get("job_recovery") or {}
    return int(policy.get("max_restarts_on_errors") or 0), [int(c) for c in policy.get("recover_on_exit_codes") or []]


def _append(log_path: str, line: str) -> None:
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _new_attempt(cluster: str, job_dir: str, spec_bytes: bytes) -> str:
    jobs = os.path.join(cluster, "jobs")
    attempt = os.path.join(jobs, str(1 + max((int(n) for n in job._listdir(jobs) if n.isdigit()), default=0)))
    os.mkdir(attempt)
    job.write_atomic(os.path.join(attempt, "spec"), spec_bytes)
    job.write_atomic(os.path.join(attempt, "status"), "PENDING")
    os.symlink(os.path.join(job_dir, "log"), os.path.join(attempt, "log"))
    return attempt


def _fresh_tmp(cluster: str) -> None:
    tmp = os.path.join(cluster, "tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp, exist_ok=True)


def supervise(job_dir: str, secrets: dict[str, str], unreadable: str = "") -> None:
    """Runs the managed job to its end, recovering it as its policy says, then tears
    its capacity down and records how it ended."""
    job_id = os.path.basename(job_dir)
    log_path = os.path.join(job_dir, "log")
    cancelled = os.path.join(job_dir, CANCEL_MARK)
    cluster = capacity_dir(job_dir) or ""
    job.write_atomic(os.path.join(job_dir, "pid"), str(os.getpid()))
    final: dict = {}
    try:
        if not cluster:
            raise ValueError("the managed job has no capacity recorded")
        if os.path.exists(cancelled) or read_record(job_dir)["status"] in TERMINAL:
            return
        with open(os.path.join(job_dir, "spec"), "rb") as f:
            spec_bytes = f.read()
        spec = job.decode(spec_bytes, "the managed job's spec")
        max_restarts, recover_codes = recovery_policy(spec)
        restarts_on_errors = 0
        recovering = False
        write_record(job_dir, status="STARTING")
        while True:
            if os.path.exists(cancelled):
                return
            attempt = _new_attempt(cluster, job_dir, spec_bytes)
            if recovering:
                record = read_record(job_dir)
                write_record(job_dir, status="RUNNING", recoveries=record["recoveries"] + 1,
                             last_recovered_at=time.time())
            else:
                write_record(job_dir, status="RUNNING")
            job.run_job(attempt, secrets, unreadable)
            status = job.read_text(os.path.join(attempt, "status"))
            if os.path.exists(cancelled):
                return  # cancel_managed records the end and takes the capacity
            if status == "SUCCEEDED":
                final = {"status": "SUCCEEDED"}
                return
            code = int(job.read_text(os.path.join(attempt, "exit_code"), "1") or 1)
            task_pid = int(job.read_text(os.path.join(attempt, "task.pid"), "0") or 0)
            if code < 0:
                # What the task left of its group goes with it, as with a lost node.
                if task_pid > 0:
                    try:
                        os.killpg(task_pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
                recovery = read_record(job_dir)["recoveries"] + 1
                why = f"preempted (killed by signal {-code}); recovering (recovery {recovery})"
            elif status in ("FAILED", "FAILED_SETUP", "FAILED_DRIVER"):
                phase = "setup" if status == "FAILED_SETUP" else "run"
                if code in recover_codes:
                    why = (f"{phase} exited with code {code}; restarting "
                           f"(code {code} is in recover_on_exit_codes {recover_codes})")
                else:
                    restarts_on_errors += 1
                    if restarts_on_errors > max_restarts:
                        final = {
                            "status": "FAILED_SETUP" if status == "FAILED_SETUP" else "FAILED",
                            "failure_reason": f"{phase} exited with code {code} (user program failure); "
                                              f"{max_restarts} restarts on errors allowed",
                        }
                        return
                    why = (f"{phase} exited with code {code}; restarting "
                           f"({restarts_on_errors} of {max_restarts} restarts on errors)")
            else:
                final = {"status": "FAILED_CONTROLLER", "failure_reason": f"attempt ended {status!r}"}
                return
            _append(log_path, f"managed job {job_id}: {why}\n")
            write_record(job_dir, status="RECOVERING")
            recovering = True
            _fresh_tmp(cluster)
    except (OSError, ValueError, KeyError, TypeError) as err:
        final = {"status": "FAILED_CONTROLLER", "failure_reason": f"the managed job could not be run: {err}"}
        try:
            _append(log_path, f"managed job {job_id}: {final['failure_reason']}\n")
        except OSError:
            pass
    finally:
        if final:
            # The capacity goes before the end is recorded: whoever sees the end finds
            # nothing left of it.
            down_capacity(job_dir)
            write_record(job_dir, **final)


def main(argv: list[str]) -> int:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if len(argv) != 2 or argv[0] != "managed":
        print(__doc__, file=sys.stderr)
        return 2
    try:
        secrets, unreadable = job._read_secrets(), ""
    except ValueError as err:
        secrets, unreadable = {}, str(err)
    started = os.path.join(argv[1], "started")
    try:
        # Exactly one supervisor per managed job, whoever starts it.
        os.close(os.open(started, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return 0
    try:
        job._detach()
    except OSError:
        os.unlink(started)
        raise
    supervise(argv[1], secrets, unreadable)
    return 0
