"""What every benchmark needs: a dev server, one local-executor worker, the example
task repository, and a clean stop. Built on tests/support.py and
tests/pipeline_helpers.py (imported, not copied). Everything listens on 127.0.0.1;
everything started is stopped by its PID.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bare_workflow import WORKFLOW as BARE_WORKFLOW  # noqa: E402
from pipeline_helpers import pipeline_input, start  # noqa: E402
from support import (  # noqa: E402
    VENV_BIN,
    DevServer,
    WorkerProcess,
    make_git_repo,
    parser_processes,
    start_dev_server,
    stop_process,
    worker_env,
)
from temporalio.api.enums.v1 import EventType  # noqa: E402
from temporalio.client import Client, WorkflowHandle  # noqa: E402

from skypilot_temporal.contract.names import data_converter  # noqa: E402

BENCH = Path(__file__).resolve().parent


class WrappedWorker(WorkerProcess):
    """The worker started under `prefix` (reaper.py, a profiler launcher), or the
    plain `skypilot-temporal-worker` when `prefix` is empty."""

    def __init__(self, env: dict[str, str], log_path: Path, prefix: list[str], argv: list[str]) -> None:
        super().__init__(env, log_path)
        self.argv = [*prefix, *argv]

    def command(self) -> list[str]:
        return self.argv


@dataclass
class Stack:
    tmp: Path
    server: DevServer
    worker: WorkerProcess
    repo: Path
    task_queue: str
    # The bare temporalio worker (bare_workflow.py) and its queue, when asked for.
    bare: subprocess.Popen | None = None
    bare_queue: str = ""
    # Where reaper.py writes the CPU of the worker's detached descendants, if used.
    reaped: Path | None = None
    # Where profile_worker.py writes the worker's CPU per activity type, if used.
    profiled: Path | None = None

    @property
    def worker_pid(self) -> int:
        """The worker process itself (below reaper.py when the stack uses it)."""
        assert self.worker.proc is not None
        pid = self.worker.proc.pid
        if self.reaped is None:
            return pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return int(children[0])

    def reaped_cpu(self, timeout: float = 10.0) -> dict[str, list[float]]:
        """{class: [processes, own CPU s, reaped-by-them CPU s]} of the worker's orphans
        so far (reaper.py): supervisors (their sandbox and task under `reaped`), watchdogs."""
        assert self.reaped is not None and self.worker.proc is not None
        before = self.reaped.stat().st_mtime_ns if self.reaped.exists() else 0
        os.kill(self.worker.proc.pid, signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.reaped.exists() and self.reaped.stat().st_mtime_ns != before:
                return json.loads(self.reaped.read_text())["classes"]
            time.sleep(0.02)
        raise TimeoutError("reaper.py did not write its totals")

    def profile(self, timeout: float = 10.0) -> dict:
        """profile_worker.py's totals so far: {"labels": {label: [loop CPU s, thread
        CPU s, steps]}, "threads": {thread name: CPU s}}."""
        assert self.profiled is not None
        before = self.profiled.stat().st_mtime_ns if self.profiled.exists() else 0
        os.kill(self.worker_pid, signal.SIGUSR2)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.profiled.exists() and self.profiled.stat().st_mtime_ns != before:
                return json.loads(self.profiled.read_text())
            time.sleep(0.02)
        raise TimeoutError("profile_worker.py did not write its totals")

    def env(self) -> dict[str, str]:
        """Environment for a starter process: this server and task queue."""
        return {**self.worker.env, "TEMPORAL_UI_URL": "http://127.0.0.1:0"}

    async def client(self) -> Client:
        return await connect(self.server)


async def connect(server: DevServer) -> Client:
    return await Client.connect(server.address, data_converter=data_converter)


@contextmanager
def host_load_reported():
    """Other work on the host skews every number here: says how busy it was at the
    start and at the end."""
    print(f"host: {os.cpu_count()} CPUs, load average {load()} at start", file=sys.stderr)
    try:
        yield
    finally:
        print(f"host: load average {load()} at end", file=sys.stderr)


@contextmanager
def bench_dir(keep: bool = False, prefix: str = "skypilot-temporal-bench-"):
    """A temp directory for one run of a script, removed at the end (`keep`: kept and
    named), with every process still naming it stopped by PID."""
    # SIGTERM (e.g. from `timeout`) unwinds like Ctrl-C, so the cleanup below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        with host_load_reported():
            yield tmp
    finally:
        leaked = stop_leftovers(tmp)
        if leaked:
            print(f"note: stopped {leaked} leftover process(es) under {tmp}", file=sys.stderr)
        if keep:
            print(f"logs kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def dev_server(tmp: Path):
    """A Temporal dev server logging to `tmp`/server.log, stopped at the end."""
    server = start_dev_server(tmp / "server.log")
    try:
        yield server
    finally:
        stop_process(server.proc)


@contextmanager
def local_stack(keep: bool = False, bare: bool = False, reap: bool = False,
                worker_env_extra: dict[str, str] | None = None, bare_args: list[str] = (),
                profile: bool = False, worker_options: str = "", sleep_only: bool = False):
    """Dev server + worker (local executor) + example repo, all under one temp dir.
    Use it around asyncio.run(...), so that the clients are gone before the stop.
    `bare`: also a plain temporalio worker of bare_workflow.py on its own queue.
    `reap`: the worker runs under reaper.py, which accounts for its detached jobs.
    `profile`: the worker is profile_worker.py (CPU per activity type).
    `worker_options`: JSON of temporalio Worker options to override (profile_worker.py).
    `sleep_only`: the example's tasks only sleep (SLEEP_ONLY_TASKS)."""
    with bench_dir(keep) as tmp, dev_server(tmp) as server:
        worker = bare_proc = None
        try:
            queue = f"bench-{uuid.uuid4().hex[:8]}"
            (tmp / "work").mkdir()
            env = worker_env(server, tmp / "work", queue, **(worker_env_extra or {}))
            profiled = tmp / "profile.json" if profile else None
            if profile:
                env["BENCH_PROFILE_OUT"] = str(profiled)
            if worker_options:
                env["BENCH_WORKER_OPTIONS"] = worker_options
            argv = ([sys.executable, str(BENCH / "profile_worker.py")] if profile or worker_options
                    else [str(VENV_BIN / "skypilot-temporal-worker")])
            reaped = tmp / "reaped.json" if reap else None
            prefix = [sys.executable, str(BENCH / "reaper.py"), "--out", str(reaped), "--"] if reap else []
            worker = WrappedWorker(env, tmp / "worker.log", prefix, argv).start()
            bare_queue = ""
            if bare:
                bare_queue = f"bare-{uuid.uuid4().hex[:8]}"
                bare_proc = start_bare_worker(server, bare_queue, tmp / "bare-worker.log", list(bare_args))
            repo = make_git_repo(tmp / "tasks", files=SLEEP_ONLY_TASKS if sleep_only else None)
            yield Stack(tmp, server, worker, repo, queue,
                        bare_proc, bare_queue, reaped, profiled)
        finally:
            if bare_proc is not None:
                stop_process(bare_proc, signal.SIGINT)
            if worker is not None:
                worker.stop()


def bench_parser(doc: str) -> argparse.ArgumentParser:
    """A script's command line, its docstring as the help text."""
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)


def parse_args(ap: argparse.ArgumentParser, worker_env: bool = True) -> argparse.Namespace:
    """Parses a script's command line with, after its own options, those that every
    script working in a temp directory (bench_dir) shares: --keep-logs; and
    --worker-env for one run on local_stack()."""
    ap.add_argument("--keep-logs", action="store_true",
                    help="keep the temp directory, with the server and worker logs")
    if worker_env:
        ap.add_argument("--worker-env", action="append", default=[], type=key_value, metavar="KEY=VALUE",
                        help="extra worker setting (repeatable), e.g. SKYPILOT_TEMPORAL_HEARTBEAT_SECONDS=2")
    return ap.parse_args()


def add_seconds_per_file(ap: argparse.ArgumentParser, default: float, note: str = "",
                         flag: str = "--seconds-per-file") -> None:
    """The example's SECONDS_PER_FILE for the pipelines a script runs."""
    ap.add_argument(flag, type=seconds, default=default,
                    help=f"train.yaml SECONDS_PER_FILE{note}; training sleeps it 20 times")


def run_on_stack(run, args: argparse.Namespace, **stack_options) -> None:
    """asyncio.run(run(stack, args)) on a local_stack() made from the options
    parse_args() added (and `stack_options`, which win)."""
    options = {"keep": args.keep_logs, "worker_env_extra": dict(args.worker_env), **stack_options}
    with local_stack(**options) as stack:
        asyncio.run(run(stack, args))


def key_value(text: str) -> tuple[str, str]:
    """`KEY=VALUE` (argparse type)."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"want KEY=VALUE, got {text!r}")
    return key, value


def counts(text: str) -> list[int]:
    """`1,4,8`: comma-separated counts of 1 or more (argparse type)."""
    try:
        values = [int(x) for x in text.split(",")]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"want comma-separated whole numbers of 1 or more, e.g. 1,4,8; got {text!r}")
    return values


def seconds(text: str) -> float:
    """A number of seconds, 0 or more (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"want a number of seconds, 0 or more; got {text!r}")
    return value


def start_bare_worker(server: DevServer, queue: str, log_path: Path, extra: list[str],
                      timeout: float = 60.0) -> subprocess.Popen:
    """bare_workflow.py's worker on `queue`, ready to take work."""
    log = open(log_path, "wb")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys, bare_workflow; sys.argv[0] = 'bare_workflow.py'; "
         "bare_workflow.main()", "--address", server.address, "--task-queue", queue, *extra],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "bare worker ready" in log_path.read_text(errors="replace"):
            return proc
        if proc.poll() is not None:
            raise RuntimeError(f"bare worker exited with {proc.returncode}:\n{log_path.read_text()}")
        time.sleep(0.1)
    stop_process(proc)
    raise TimeoutError(f"bare worker not ready after {timeout}s")


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def processes_under(path: Path) -> list[int]:
    """PIDs whose command line names `path` (job supervisors, autodown watchdogs)."""
    needle = str(path).encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def stop_leftovers(path: Path, grace_s: float = 12.0) -> int:
    """Waits for processes under `path` to end (after a normal run there are none:
    teardown stops them), then stops the rest by PID. Returns how many."""
    deadline = time.monotonic() + grace_s
    while processes_under(path) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = processes_under(path)
    for pid in left:
        try:
            # A job supervisor and a job's task lead their own process groups (the
            # task's `bash` and `sleep` do not name the path): stop the whole group.
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return len(left)


def proc_status_kib(pid: int, field: str) -> int:
    """A memory field of /proc/<pid>/status (VmHWM: peak RSS, VmRSS: current), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    """User + system CPU time a process (or one of its threads) has used so far, from
    /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat; 10 ms resolution."""
    stat = Path(f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds(pid: int) -> float:
    """CPU time of the children a process has waited for (cutime + cstime of
    /proc/<pid>/stat): for the worker, git and the job supervisors' start-up."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def parser_cpu_seconds(worker_pid: int) -> float:
    """CPU time of the worker's parser processes (skypilot_temporal/parser_pool.py): a
    worker that parses in threads has none."""
    total = 0.0
    for pid in parser_processes(worker_pid):
        try:
            total += cpu_seconds(pid)
        except OSError:
            pass  # gone meanwhile
    return total


def host_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot (/proc/stat; guest time is already
    counted in user time)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


# The example's three tasks with nothing but a sleep (`--sleep-only`): the same
# YAML files, bucket mount and steps, so every cost of a pipeline except the
# tasks' own work (writing, listing and reading files). train sleeps TRAIN_SECONDS.
_SLEEP_TASK = """name: {name}
envs:
  DATA_BUCKET_NAME:
  DATA_BUCKET_STORE_TYPE: s3
  TRAIN_SECONDS: 0
file_mounts:
  /data:
    name: $DATA_BUCKET_NAME
    store: $DATA_BUCKET_STORE_TYPE
run: exec sleep {seconds}
"""
SLEEP_ONLY_TASKS = {
    "data_preprocessing.yaml": _SLEEP_TASK.format(name="data-preprocessing", seconds="0"),
    "train.yaml": _SLEEP_TASK.format(name="train", seconds="$TRAIN_SECONDS"),
    "eval.yaml": _SLEEP_TASK.format(name="eval", seconds="0"),
}


def bench_input(stack: Stack, bucket: str, seconds_per_file: float):
    return pipeline_input(
        stack.repo, envs_override={"DATA_BUCKET_NAME": bucket, "SECONDS_PER_FILE": f"{seconds_per_file:g}",
                                   "TRAIN_SECONDS": f"{20 * seconds_per_file:g}"}
    )


async def start_pipeline(client: Client, stack: Stack, bucket: str, seconds_per_file: float) -> WorkflowHandle:
    return await start(client, bench_input(stack, bucket, seconds_per_file), stack.task_queue)


def succeeded(result) -> bool:
    """Whether a pipeline's result is the default pipeline's three steps, all succeeded."""
    return len(result.steps) == 3 and all(s.status == "SUCCEEDED" for s in result.steps)


async def start_bare(client: Client, stack: Stack, sleeps: list[float]) -> WorkflowHandle:
    """A bare workflow (bare_workflow.py) on the stack's bare worker; `sleeps`: its six
    activities' seconds."""
    return await client.start_workflow(BARE_WORKFLOW, sleeps, id=f"bare-{uuid.uuid4().hex[:10]}",
                                       task_queue=stack.bare_queue)


async def sample_rss(pid: int, peak: list[int], every: float = 0.1) -> None:
    """Keeps peak[0] at the highest VmRSS (KiB) of `pid` seen, sampled every `every` s."""
    while True:
        peak[0] = max(peak[0], proc_status_kib(pid, "VmRSS"))
        await asyncio.sleep(every)


async def probe(handles, running: set, query, every: float, rtts: list, errors: list[str]) -> None:
    """Sends `query(handle)` every `every` seconds, round-robin over the handles whose
    ids are still in `running`, until none is; appends (seconds since the probe started,
    round trip seconds) to `rtts` per answer, and each failure to `errors`."""
    i = 0
    start = next_tick = time.monotonic()
    while running:
        handle = handles[i % len(handles)]
        i += 1
        if handle.id not in running:
            continue
        t0 = time.monotonic()
        try:
            await asyncio.wait_for(query(handle), timeout=10)
            rtts.append((t0 - start, time.monotonic() - t0))
        except Exception as err:  # noqa: BLE001 - a failed query is a result
            errors.append(f"{type(err).__name__}: {err}")
        next_tick += every
        await asyncio.sleep(max(0.0, next_tick - time.monotonic()))


async def workflow_task_timeouts(handle: WorkflowHandle) -> int:
    history = await handle.fetch_history()
    return sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT for e in history.events)


def event_seconds(event) -> float:
    """A history event's time, epoch seconds."""
    return event.event_time.seconds + event.event_time.nanos / 1e9


@dataclass
class ActivitySpan:
    """One completed activity of a history: its type, when it was scheduled, started
    and completed (epoch seconds), the attempt that completed it, and its input (the
    first payload's data)."""

    name: str
    scheduled: float
    started: float
    completed: float
    attempt: int
    input: bytes


def activity_spans(events) -> list[ActivitySpan]:
    """Every completed activity of a history, in completion order."""
    scheduled: dict[int, tuple[str, float, bytes]] = {}
    started: dict[int, tuple[float, int]] = {}
    spans = []
    for ev in events:
        if ev.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            a = ev.activity_task_scheduled_event_attributes
            payloads = a.input.payloads
            scheduled[ev.event_id] = (a.activity_type.name, event_seconds(ev),
                                      payloads[0].data if payloads else b"")
        elif ev.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            a = ev.activity_task_started_event_attributes
            started[a.scheduled_event_id] = (event_seconds(ev), a.attempt)
        elif ev.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            sid = ev.activity_task_completed_event_attributes.scheduled_event_id
            name, at, data = scheduled[sid]
            began, attempt = started[sid]
            spans.append(ActivitySpan(name, at, began, event_seconds(ev), attempt, data))
    return spans


def covered_seconds(spans) -> float:
    """Seconds covered by at least one of the (start, end) spans."""
    covered, reach = 0.0, float("-inf")
    for begin, end in sorted(spans):
        if end > reach:
            covered += end - max(begin, reach)
            reach = end
    return covered


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Iterable[float]) -> float:
    return statistics.median(values)


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
