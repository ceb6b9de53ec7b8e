"""The local executor: SkyPilot's cluster/job model on the worker's own host.

A cluster is a directory; `exec` reuses it. Jobs run under a detached supervisor
(job.py) and outlive the worker. Every task runs isolated (sandbox.py): it sees
the host read-only, writes only its cluster's home, its private /tmp and its mounts
(mounts.py), and reaches no network unless the operator allows it. Where
isolation cannot be had, tasks are refused unless the operator declares them trusted.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

from skypilot_temporal.executors import base
from skypilot_temporal.executors.base import Checkpoint, Executor, LogSink, PermanentError, Submission
from skypilot_temporal.executors.local import job as local_job
from skypilot_temporal.executors.local import managed as local_managed
from skypilot_temporal.executors.local import mounts as local_mounts
from skypilot_temporal.executors.local import prune as local_prune
from skypilot_temporal.executors.local import sandbox
from skypilot_temporal.executors.local import watch as local_watch
from skypilot_temporal.executors.local.mounts import Mount
from skypilot_temporal.ops import tracing
from skypilot_temporal.ops.telemetry import sky_call

log = logging.getLogger("skypilot_temporal.local")

# wait_job wakes at once when the job's status changes (watch.py), and otherwise
# once a second to stream the log: its lines reach the run's heartbeats, sent every
# two seconds at most, so reading more often would only cost the worker CPU. Without
# inotify it polls for the status: often while a job is young (most steps are short),
# then less and less, so a long job costs the worker next to nothing.
_POLL_FIRST_S = 0.05
_POLL_MAX_S = 1.0
_POLL_GROWTH = 1.5
# job.py, away from site-packages and the worker's environment. Imported rather
# than run as a script: Python keeps an imported module's bytecode, and compiles a
# script on every run (a third of the supervisor's start-up).
_SUPERVISOR = [
    sys.executable, "-I", "-S", "-c",
    f"import sys; sys.path.append({os.path.dirname(local_job.__file__)!r}); "
    "import job; sys.exit(job.main(sys.argv[1:]))",
]
TRUSTED_SWITCH = "SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS"
# A job start the agent has not answered by then is done by the worker itself, and so
# is a down.
_AGENT_START_TIMEOUT_S = 10.0
_AGENT_DOWN_TIMEOUT_S = 60.0


class LocalExecutor(Executor):
    name = "local"

    def __init__(
        self,
        root: Path,
        *,
        hide: Sequence[Path] = (),
        network: bool = False,
        trusted: bool = False,
        isolation: sandbox.Isolation | None = None,
    ) -> None:
        """`hide`: host directories and files tasks must not see besides `root` (the
        worker's work dir and HOME, its credential files). `network`: isolated tasks
        share the host's network. `trusted`: tasks run unsandboxed, with the worker's
        privileges."""
        self.root = root
        self.network = network
        self.trusted = trusted
        self.isolation = isolation or sandbox.probe()
        hidden = [os.path.realpath(p) for p in (root, *hide)]
        # A directory is replaced by an empty one; a file by an empty device (a path
        # that does not exist yet is taken for a directory, as the work dir may be).
        self._hidden_files = tuple(p for p in hidden if os.path.lexists(p) and not os.path.isdir(p))
        self._hidden = tuple(p for p in hidden if p not in self._hidden_files)
        # The system's bash: one under a hidden directory (the worker's HOME) would not
        # be there for an isolated task.
        self._bash = shutil.which("bash", path=os.defpath) or shutil.which("bash") or "/bin/bash"
        self._status_watch = local_watch.StatusWatch()
        self._refusal = ""
        self._root_fd_cache: int | None = None
        self._agent_lock = threading.Lock()
        # cluster.json is read, changed and written back whole (keep_up).
        self._meta_lock = threading.Lock()
        if trusted:
            log.warning(
                "%s=1: local tasks run unsandboxed, with the worker's privileges "
                "(they can read and change what the worker can)", TRUSTED_SWITCH,
            )
        elif self.isolation.available:
            log.info(
                "local tasks run isolated by %s, network %s%s", self.isolation.bwrap,
                "shared with the host" if network else "off",
                f"; files hidden from them: {', '.join(self._hidden_files)}" if self._hidden_files else "",
            )
        else:
            self._refusal = (
                f"the local executor cannot isolate tasks on this worker: "
                f"{self.isolation.problem}. Install bubblewrap (apt-get install bubblewrap) "
                "and allow unprivileged user namespaces (sysctl user.max_user_namespaces, "
                f"kernel.unprivileged_userns_clone), or set {TRUSTED_SWITCH}=1 on the worker "
                "to run tasks unsandboxed with its privileges"
            )
            log.error("every local task will be refused: %s", self._refusal)

    # -- layout ---------------------------------------------------------------
    def cluster_dir(self, cluster_name: str) -> Path:
        return self.root / "clusters" / cluster_name

    def bucket_dir(self, bucket: str) -> Path:
        return local_mounts.bucket_dir(self.root / "buckets", bucket)

    def _jobs(self, cluster_name: str) -> Path:
        return self.cluster_dir(cluster_name) / "jobs"

    # -- port -----------------------------------------------------------------
    # Each port operation is a span named as the SkyPilot executor's (telemetry.sky_call),
    # so that a trace on this executor has the same shape.
    async def find_job(self, cluster_name: str, job_name: str) -> int | None:
        with sky_call("queue", cluster_name):
            for job_dir in self._jobs(cluster_name).glob("*"):
                if local_job.read_text(job_dir / "name") == job_name and job_dir.name.isdigit():
                    return int(job_dir.name)
            return None

    async def submit(
        self, sub: Submission, checkpoint: Checkpoint, resume: dict[str, Any], log: LogSink
    ) -> int:
        with sky_call(sub.kind, sub.cluster_name) as span:
            job_id = await self._submit_job(sub, checkpoint, log)
            span.set_attribute("skypilot.job_id", job_id)
        return job_id

    async def provision(
        self, sub: Submission, checkpoint: Checkpoint, resume: dict[str, Any], log: LogSink
    ) -> None:
        """The cluster, and a job that runs only the task's `setup` on it."""
        job_id: int | None = resume.get("job_id")
        if job_id is None and sub.retry:
            job_id = await self.find_job(sub.cluster_name, sub.job_name)
        with sky_call("provision", sub.cluster_name) as span:
            if job_id is None:
                job_id = await self._submit_job(sub, checkpoint, log)
            span.set_attribute("skypilot.job_id", job_id)
            # As SkyPilot's provisioning request does, this span covers the setup.
            status = await self._wait_job(sub.cluster_name, job_id, log, _secret_values(sub.task))
        if status != base.SUCCEEDED:
            raise PermanentError(f"setup on cluster {sub.cluster_name} ended {status}")

    async def _submit_job(self, sub: Submission, checkpoint: Checkpoint, log: LogSink) -> int:
        """Starts `sub`'s job, and its cluster if it is not up yet; refused where tasks
        cannot be isolated."""
        if self._refusal:
            raise PermanentError(self._refusal)
        # One hop to a thread for the whole submission: it copies files and waits for
        # the supervisor to detach, and the event loop has other runs to serve.
        job_id, provisioned = await asyncio.to_thread(self._submit, sub)
        if provisioned:
            log(self._provisioned_line(sub))
        # A later attempt finds this job by its name (find_job) if the worker dies
        # before the next beat: no heartbeat of its own (one RPC less per step).
        checkpoint({"job_id": job_id}, urgent=False)
        return job_id

    async def wait_job(
        self, cluster_name: str, job_id: int, log: LogSink, secrets: Mapping[str, str]
    ) -> str:
        with sky_call("tail", cluster_name, job_id=job_id) as span:
            status = await self._wait_job(cluster_name, job_id, log, secrets)
            span.set_attribute("skypilot.status", status)
            # The code the SkyPilot executor's tail records: one attribute, either executor.
            tracing.job_exit(span, exit_code(status))
            return status

    async def _wait_job(
        self, cluster_name: str, job_id: int, log: LogSink, secrets: Mapping[str, str]
    ) -> str:
        job_dir = self._jobs(cluster_name) / str(job_id)
        reader = _LogReader(job_dir / "log")
        watch = self._status_watch.watch(job_dir)
        changed = watch[1] if watch else asyncio.Event()
        delay, last = _POLL_FIRST_S, ""
        # Read at every wake of every running step: plain strings, made once.
        job_path, status_path = str(job_dir), os.path.join(job_dir, "status")
        try:
            while True:
                changed.clear()  # before reading: a change from now on wakes us
                if not os.path.isdir(job_path):
                    raise base.ClusterGone(f"job {job_id} on cluster {cluster_name} no longer exists")
                status = local_job.read_text(status_path, "PENDING")
                behind = reader.drain(log)
                if status in base.TERMINAL:
                    # The status is written after the last output: read the log to its end.
                    while reader.drain(log):
                        pass
                    return status
                if status == "PENDING" and _orphaned(job_dir):
                    # The submitting worker died between recording the job and starting
                    # it: start it here, handing this attempt's secrets.
                    await asyncio.to_thread(self._start, job_dir, secrets)
                if watch:
                    delay = 0.0 if behind else _POLL_MAX_S
                elif status != last or behind:
                    delay = _POLL_FIRST_S
                else:
                    delay = min(delay * _POLL_GROWTH, _POLL_MAX_S)
                last = status
                timer = asyncio.get_running_loop().call_later(delay, changed.set)
                try:
                    await changed.wait()
                finally:
                    timer.cancel()
        finally:
            reader.close()
            if watch:
                self._status_watch.unwatch(watch[0])

    async def cancel(self, cluster_name: str, job_id: int | None, resume: dict[str, Any]) -> None:
        if job_id is None:
            return
        job_dir = self._jobs(cluster_name) / str(job_id)
        with sky_call("cancel", cluster_name, job_id=job_id):
            if local_job.read_text(job_dir / "status") in local_job.RUNNING_STATES:
                await asyncio.to_thread(local_job.kill_job, job_dir)
                if local_job.read_text(job_dir / "status") not in base.TERMINAL and job_dir.is_dir():
                    local_job.write_atomic(job_dir / "status", base.CANCELLED)

    async def down(self, cluster_name: str) -> bool:
        cdir = self.cluster_dir(cluster_name)
        with sky_call("down", cluster_name) as span:
            existed = await self._agent_down(cdir)
            if existed is None:
                existed = await asyncio.to_thread(local_job.down_cluster, cdir)
            span.set_attribute("skypilot.existed", existed)
            if cdir.exists():
                # Something keeps it (a busy mount, an immutable file): retried, then reported.
                raise base.TransientError(f"cluster {cluster_name}: {cdir} could not be removed")
        return existed

    async def keep_up(self, cluster_name: str, minutes: int) -> bool:
        with sky_call("autostop", cluster_name) as span:
            kept = await asyncio.to_thread(self._keep_up, self.cluster_dir(cluster_name), minutes)
            span.set_attribute("skypilot.existed", kept)
        return kept

    # -- managed jobs (managed.py; their supervisor is managed_job.py) ------------
    async def find_managed(self, job_name: str) -> int | None:
        return await local_managed.find(self, job_name)

    async def launch_managed(
        self, sub: Submission, checkpoint: Checkpoint, resume: dict[str, Any], log: LogSink
    ) -> int:
        return await local_managed.launch(self, sub, checkpoint, resume, log)

    async def wait_managed(
        self, job_id: int, log: LogSink, secrets: Mapping[str, str],
        on_change: Callable[[base.ManagedJob], None],
    ) -> base.ManagedJob:
        return await local_managed.wait(self, job_id, log, secrets, on_change)

    async def cancel_managed(self, job_id: int | None, job_name: str, resume: dict[str, Any]) -> None:
        await local_managed.cancel(self, job_id, job_name, resume)

    async def managed_jobs(self) -> list[base.ManagedJob]:
        return await local_managed.all_jobs(self)

    # -- housekeeping -----------------------------------------------------------
    def prune(
        self, now: float, max_idle_seconds: float, max_bytes: int, open_runs: Collection[str] = ()
    ) -> dict[str, Any]:
        """Removes leftovers (see local_prune.prune) and restarts the agent if clusters
        need it. Blocking: call it in a thread."""
        try:
            self.ensure_agent()
        except (OSError, ValueError) as err:
            log.warning("local agent of %s: %s", self.root, err)
        return local_prune.prune(self.root, now, max_idle_seconds, max_bytes, open_runs)

    async def clusters_up(self) -> int:
        clusters = self.root / "clusters"
        with sky_call("status"):
            names = await asyncio.to_thread(lambda: [p.name for p in clusters.iterdir()] if clusters.is_dir() else [])
        return sum(1 for n in names if not n.endswith(".provisioning"))

    def run_keys(self) -> set[str]:
        """Runs whose data (buckets, managed jobs' records) this executor keeps; blocking."""
        return local_prune.run_keys(self.root) | local_managed.run_keys(self.root)

    # -- helpers (run in threads: they copy files and wait for processes) --------
    def _provisioned_line(self, sub: Submission) -> str:
        """The step's first log line on a new cluster (and, for a task asking for
        several nodes, that it runs on one)."""
        return (f"provisioned local cluster {sub.cluster_name} at {self.cluster_dir(sub.cluster_name)}\n"
                f"{_one_node_note(sub.task)}")

    def _submit(self, sub: Submission) -> tuple[int, bool]:
        cdir = self.cluster_dir(sub.cluster_name)
        provisioned = False
        if sub.kind == "exec" and not cdir.is_dir():
            raise base.ClusterGone(f"cluster {sub.cluster_name} does not exist")
        if sub.kind in ("launch", "provision") and not cdir.is_dir():
            self._provision(cdir, sub)
            provisioned = True
        spec = self._job_spec(cdir, sub)
        job_id, job_dir = _new_job_dir(cdir / "jobs")
        local_job.write_atomic(job_dir / "spec", local_job.encode(spec))
        local_job.write_atomic(job_dir / "status", "PENDING")
        # The name is written last: find_job only sees fully prepared jobs.
        local_job.write_atomic(job_dir / "name", sub.job_name)
        by_agent = self._start(job_dir, _secret_values(sub.task))
        if provisioned and sub.autodown_minutes is not None and not by_agent:
            # The agent downs idle clusters (its answer just told that it runs); without
            # one, the cluster gets its own watchdog.
            self._detached("autodown", str(cdir), str(sub.autodown_minutes))
        return job_id, provisioned

    def _provision(self, cdir: Path, sub: Submission) -> None:
        tmp = cdir.with_name(cdir.name + ".provisioning")
        if os.path.lexists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)  # a provisioning that died
        (tmp / "home").mkdir(parents=True)
        for sub_dir in ("jobs", "tmp"):
            os.mkdir(tmp / sub_dir)
        (tmp / "cluster.json").write_text(
            json.dumps({"created": time.time(), "autodown_minutes": sub.autodown_minutes})
        )
        workdir = sub.task.workdir
        if isinstance(workdir, str) and workdir:
            src = local_mounts.inside(sub.repo_dir, workdir, "workdir")
            shutil.copytree(src, tmp / "home" / "sky_workdir", symlinks=True)
        elif workdir:
            raise PermanentError("workdir: only a local directory is supported by the local executor")
        tmp.rename(cdir)

    def _keep_up(self, cdir: Path, minutes: int) -> bool:
        """Sets the autodown the agent reads (cluster.json), then makes sure something
        watches the cluster with it: the agent, started if need be, else a watchdog of
        the new length. A watchdog the launch left (no agent then) goes either way: it
        would down the cluster after the old length."""
        meta_path = cdir / "cluster.json"
        with self._meta_lock:
            try:
                meta = json.loads(meta_path.read_text())
                meta["autodown_minutes"] = minutes
                local_job.write_atomic(meta_path, json.dumps(meta))
            except FileNotFoundError:
                return False  # no such cluster, or one being downed
            except (ValueError, TypeError) as err:
                raise PermanentError(f"cluster {cdir.name}: {meta_path} cannot be read: {err}") from None
        by_agent = self._agent_running()
        watchdog = cdir / "autodown.pid"
        local_job._signal_group(watchdog, signal.SIGTERM)
        # Signalled once: the pid may be another process's some day.
        watchdog.unlink(missing_ok=True)
        if not by_agent and cdir.is_dir():
            self._detached("autodown", str(cdir), str(minutes))
        return True

    def _job_spec(self, cdir: Path, sub: Submission) -> dict[str, Any]:
        task = sub.task
        home = cdir / "home"
        with local_mounts.bucket_lock(self.root, exclusive=False):
            mounts = local_mounts.resolve_mounts(
                task, sub.repo_dir, cdir, self.root / "buckets", self._upload, sub.run_key
            )
        workdir = home / "sky_workdir"
        cwd = str(workdir if workdir.is_dir() else home)
        secret_names = sorted(getattr(task, "secrets", None) or {})
        envs = {k: "" if v is None else str(v) for k, v in (task.envs or {}).items()}
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "HOME": str(home),
            "USER": os.environ.get("USER", "root"),
            "SKYPILOT_TASK_ID": sub.job_name,
            "SKYPILOT_CLUSTER_INFO": json.dumps({"cluster_name": sub.cluster_name}),
            "SKYPILOT_NODE_RANK": "0",
            "SKYPILOT_NUM_NODES": "1",
            "SKYPILOT_NODE_IPS": "127.0.0.1",
            **envs,
        }
        for name in secret_names:
            # Secret values never reach the disk: the supervisor gets them on a pipe.
            env.pop(name, None)
        if self.trusted:
            prefix = self._trusted_argv(home, mounts)
        else:
            if not os.path.isdir(cdir / "tmp"):
                os.mkdir(cdir / "tmp")  # a cluster provisioned without one (another release)
            prefix = self._isolated_argv(cdir, home, cwd, mounts)
        # As SkyPilot does: `exec` runs no setup, provisioning runs nothing else.
        setup = task.setup if isinstance(task.setup, str) and sub.kind != "exec" else None
        return {
            "setup": setup if not sub.skip_setup else None,
            "run": task.run if isinstance(task.run, str) and sub.kind != "provision" else None,
            "cwd": cwd,
            "env": env,
            "secret_names": secret_names,
            "argv": [*prefix, self._bash, "-c"],
        }

    def _isolated_argv(self, cdir: Path, home: Path, cwd: str, mounts: list[Mount]) -> list[str]:
        binds = {_sandbox_path(home, m.target): str(m.source) for m in mounts}
        box = sandbox.Box(
            home=str(home), tmp=str(cdir / "tmp"), cwd=cwd, binds=binds,
            hidden=self._hidden, hidden_files=self._hidden_files, network=self.network,
        )
        try:
            return [*sandbox.isolated_argv(self.isolation, box), "--"]
        except ValueError as err:
            raise PermanentError(f"file_mounts: {err}") from None

    def _trusted_argv(self, home: Path, mounts: list[Mount]) -> list[str]:
        """Relative mount points are links in HOME; absolute ones need a private mount
        namespace, so that the host's own /data is neither used nor created."""
        private: dict[str, str] = {}
        for m in mounts:
            if m.target.startswith("/"):
                private[m.target] = str(m.source)
                continue
            dest = Path(_sandbox_path(home, m.target))
            dest.parent.mkdir(parents=True, exist_ok=True)
            if not os.path.lexists(dest):
                dest.symlink_to(m.source)
        if not private:
            return []
        if self.isolation.bwrap is None:
            raise PermanentError(
                f"file_mounts: mount points {sorted(private)} need bubblewrap on the worker "
                "(apt-get install bubblewrap)"
            )
        try:
            return [*sandbox.mounts_argv(self.isolation.bwrap, private), "--"]
        except ValueError as err:
            raise PermanentError(f"file_mounts: {err}") from None

    def _upload(self, source: Path, bucket: Path) -> None:
        if self.trusted:
            shutil.copytree(source, bucket, symlinks=True, dirs_exist_ok=True)
            return
        done = subprocess.run(
            sandbox.upload_argv(self.isolation, str(source), str(bucket)),
            capture_output=True, stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            detail = done.stderr.decode(errors="replace").strip()[-500:]
            raise PermanentError(f"file_mounts: copying into bucket {bucket.name} failed: {detail}")

    def _start(self, job_dir: Path, secrets: Mapping[str, str]) -> bool:
        """Starts the job's supervisor: forked by the agent (True), or a process of its
        own when no agent can be had (False)."""
        if self._agent_start(job_dir, secrets):
            return True
        self._detached("run", str(job_dir), stdin=local_job.encode({"secrets": dict(secrets)}))
        return False

    # -- the host agent (job.py agent) ------------------------------------------
    def _agent_start(self, job_dir: Path, secrets: Mapping[str, str]) -> bool:
        """Has the agent start the job's supervisor, starting the agent if none runs.
        False if no agent can be had: the caller starts the job itself."""
        request = {"job_dir": str(job_dir), "secrets": dict(secrets)}
        for attempt in range(2):
            try:
                answer = local_job.ask_agent(self._agent_path(), request, _AGENT_START_TIMEOUT_S)
                if answer in (b"ok", b"started"):
                    return True
                raise OSError(f"the agent answered {answer.decode(errors='replace')!r}")
            except (FileNotFoundError, ConnectionRefusedError):
                if attempt or not self._agent_running():
                    break
            except OSError as err:
                log.warning("local agent of %s: %s; starting the job directly", self.root, err)
                break
        return False

    async def _agent_down(self, cdir: Path) -> bool | None:
        """Has the agent down the cluster (its files are its CPU, not the worker's):
        whether it existed, or None if no agent answered (the caller downs it)."""
        try:
            # Killing a running job takes its grace period (local_job.kill_job).
            answer = await asyncio.to_thread(
                local_job.ask_agent, self._agent_path(), {"down": str(cdir)}, _AGENT_DOWN_TIMEOUT_S
            )
        except OSError:
            return None
        return {b"downed": True, b"absent": False}.get(answer)

    def _agent_path(self) -> str:
        return local_job.agent_path(str(self.root), self._root_fd())

    def _agent_running(self, wait_s: float = 5.0) -> bool:
        """Whether the agent listens, starting it if not (one per root: a second one
        leaves at once, and this worker starts one at a time)."""
        path = self._agent_path()
        if local_job._connectable(path):
            return True
        with self._agent_lock:
            if local_job._connectable(path):
                return True
            self._detached("agent", str(self.root))
            deadline = time.monotonic() + wait_s
            while time.monotonic() < deadline:
                if local_job._connectable(path):
                    return True
                time.sleep(0.01)
        log.warning("local agent of %s did not start; jobs start on their own", self.root)
        return False

    def _root_fd(self) -> int:
        # An O_PATH descriptor of the root, for a short socket path (see agent_path).
        if self._root_fd_cache is None:
            self.root.mkdir(parents=True, exist_ok=True)
            self._root_fd_cache = os.open(self.root, os.O_PATH | os.O_CLOEXEC)
        return self._root_fd_cache

    def ensure_agent(self) -> None:
        """Starts the agent if a cluster with autodown exists and no agent runs (it
        was killed): housekeeping calls this, so autodown keeps its guarantee."""
        clusters = self.root / "clusters"
        wanted = any(
            not c.name.endswith(".provisioning") and (c / "cluster.json").is_file()
            and json.loads((c / "cluster.json").read_text()).get("autodown_minutes") is not None
            for c in (clusters.iterdir() if clusters.is_dir() else ())
        )
        if wanted:
            self._agent_running()

    @staticmethod
    def _detached(*args: str, stdin: bytes | None = None) -> None:
        """Starts job.py, hands it `stdin`, and waits until it has detached (it
        leaves at once, so no process of the worker's is left to reap)."""
        proc = subprocess.Popen(
            [*_SUPERVISOR, *args],
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={},
        )
        proc.communicate(stdin)
        if proc.returncode != 0:
            raise RuntimeError(f"job.py {args[0]} {args[1]} exited with code {proc.returncode}")


def exit_code(status: str) -> int:
    """SkyPilot's exit code of a job that ended `status`, as `sky logs` exits with it
    (sky.exceptions.JobExitCode: 0 succeeded, 100 failed, 101 not finished, 102 not
    found, 103 cancelled)."""
    # SkyPilot is loaded in the worker already (its parser builds every task).
    from sky.exceptions import JobExitCode
    from sky.skylet.job_lib import JobStatus

    try:
        job_status = JobStatus(status)
    except ValueError:  # not a status of a SkyPilot job: SkyPilot's own fallback
        return int(JobExitCode.FAILED)
    return int(JobExitCode.from_job_status(job_status))


def _sandbox_path(home: Path, target: str) -> str:
    """Where a mount point is inside the task's view, refusing the ones that would hide
    what the task needs (/, /tmp, /proc, /dev, its own home) or leave its home."""
    if target.startswith("/"):
        path = PurePath(os.path.normpath(target))
        needed = str(path) in ("/", "/tmp") or path.is_relative_to("/proc") or path.is_relative_to("/dev")
        if needed or home.is_relative_to(path):
            raise PermanentError(
                f"file_mounts: {target!r} cannot be a mount point on the local executor"
            )
        return str(path)
    rel = target[2:] if target.startswith("~/") else target
    path = PurePath(os.path.normpath(os.path.join(home, rel)))
    if path == home or not path.is_relative_to(home):
        raise PermanentError(f"file_mounts: {target!r} must stay inside the cluster's home")
    return str(path)


def _one_node_note(task: Any) -> str:
    """A local cluster is one node: a task that asks for more runs once, as node 0 of 1
    (SKYPILOT_NUM_NODES=1), and its log says so rather than letting it look distributed."""
    nodes = getattr(task, "num_nodes", 1) or 1
    if nodes <= 1:
        return ""
    return (f"num_nodes is {nodes}: a local cluster is one node, so the task runs once, "
            "as node 0 of 1 (SKYPILOT_NUM_NODES=1)\n")


def _secret_values(task: Any) -> dict[str, str]:
    # SkyPilot wraps secret values (pydantic SecretStr); the task needs the value.
    values = {}
    for name, value in (getattr(task, "secrets", None) or {}).items():
        reveal = getattr(value, "get_secret_value", None)
        values[name] = reveal() if reveal else "" if value is None else str(value)
    return values


def _new_job_dir(jobs: Path) -> tuple[int, Path]:
    # mkdir is atomic: concurrent submitters never get the same id.
    while True:
        ids = [int(name) for name in os.listdir(jobs) if name.isdigit()]
        job_id = max(ids, default=0) + 1
        try:
            (jobs / str(job_id)).mkdir()
            return job_id, jobs / str(job_id)
        except FileExistsError:
            continue


def _orphaned(job_dir: Path, after_s: float = 10.0) -> bool:
    try:
        started = (job_dir / "started").exists()
        return not started and time.time() - (job_dir / "name").stat().st_mtime > after_s
    except FileNotFoundError:
        return False


class _LogReader:
    """Follows a job's log from where it left off; the file stays open between polls."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: Any = None
        # A character split across two reads is decoded whole.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def drain(self, sink: LogSink, limit: int = 1 << 20) -> bool:
        """Hands on what the log gained, up to `limit` bytes (the event loop has other
        work too); True if it stopped there with more to read."""
        if self._file is None:
            try:
                self._file = open(self._path, "rb")
            except FileNotFoundError:
                return False
        chunk = self._file.read(limit)
        if chunk:
            sink(self._decoder.decode(chunk))
        return len(chunk) == limit

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
