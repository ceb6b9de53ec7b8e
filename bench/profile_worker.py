"""The worker, with its CPU time accounted per activity type: what many_pipelines.py
--profile runs instead of `skypilot-temporal-worker`. With --worker-options it runs
the worker with other temporalio Worker options (JSON in $BENCH_WORKER_OPTIONS, e.g.
{"max_concurrent_workflow_task_polls": 2}; "workflow_runner": "unsandboxed"), with or
without the accounting.

Every asyncio task's coroutine is wrapped so that each step it runs on the event loop
(thread CPU time, time.thread_time) is charged to the activity it runs for: the
activity methods mark their context, and tasks they start (heartbeats, log readers)
inherit it. Work sent to threads (asyncio.to_thread, run_in_executor) is charged the
same way, as thread CPU. What no activity marked is the SDK's own work on the loop
(polling, completions, workflow activations handed to their threads). Workflow code
runs on the SDK's workflow threads, the SDK core (Rust) on its own threads: those are
counted per thread name from /proc/self/task.

SIGUSR2 writes the totals so far to $BENCH_PROFILE_OUT (JSON). The hooks cost CPU of
their own: compare shares, not absolute numbers, with an unprofiled run.

With BENCH_CPROFILE=1, cProfile also runs on the event loop thread and around every
function sent to a thread; SIGUSR2 then also writes $BENCH_PROFILE_OUT.loop.pstats and
$BENCH_PROFILE_OUT.threads.pstats (read them with pstats; cProfile slows the worker).
"""

from __future__ import annotations

import asyncio
import contextvars
import cProfile
import ctypes
import functools
import json
import os
import signal
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

LABEL: contextvars.ContextVar[str] = contextvars.ContextVar("bench_label", default="")
# label -> [loop CPU s, thread CPU s, loop steps]
TOTALS: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
_PR_SET_NAME = 15
_CPROFILE = os.environ.get("BENCH_CPROFILE") == "1"
_LOOP_PROFILE = cProfile.Profile(time.thread_time) if _CPROFILE else None
_THREAD_PROFILES: list[cProfile.Profile] = []
_LOCAL = threading.local()


class _Metered:
    """A coroutine whose every step is timed and charged to the label it runs under."""

    __slots__ = ("_coro",)

    def __init__(self, coro) -> None:
        self._coro = coro

    def __await__(self):
        return self

    def __iter__(self):
        return self

    def _step(self, method, *args):
        t0 = time.thread_time()
        try:
            return method(*args)
        finally:
            row = TOTALS[LABEL.get() or "sdk (loop)"]
            row[0] += time.thread_time() - t0
            row[2] += 1

    def __next__(self):
        return self._step(self._coro.send, None)

    def send(self, value):
        return self._step(self._coro.send, value)

    def throw(self, *args):
        return self._step(self._coro.throw, *args)

    def close(self):
        return self._coro.close()


async def _run_metered(coro):
    return await _Metered(coro)


def _task_factory(loop, coro, **kwargs):
    return asyncio.Task(_run_metered(coro), loop=loop, **kwargs)


def _metered_executor(original):
    @functools.wraps(original)
    def run_in_executor(self, executor, func, *args):
        if isinstance(executor, ProcessPoolExecutor):
            # The parser processes' CPU is not the worker's (many_pipelines.py counts it).
            return original(self, executor, func, *args)
        label = LABEL.get() or ("workflow tasks" if executor is not None else "sdk")

        def timed(*a):
            prof = None
            if _CPROFILE:
                prof = getattr(_LOCAL, "prof", None)
                if prof is None:
                    prof = _LOCAL.prof = cProfile.Profile(time.thread_time)
                    _THREAD_PROFILES.append(prof)
                prof.enable()
            t0 = time.thread_time()
            try:
                return func(*a)
            finally:
                TOTALS[label + " (thread)"][1] += time.thread_time() - t0
                if prof is not None:
                    prof.disable()

        return original(self, executor, timed, *args)

    return run_in_executor


def _name_os_threads() -> None:
    """OS thread names (/proc/self/task/*/comm) = Python thread names, 15 bytes."""
    libc = ctypes.CDLL(None)
    original = threading.Thread._bootstrap_inner

    def bootstrap(self):
        libc.prctl(_PR_SET_NAME, self.name.encode()[:15], 0, 0, 0)
        original(self)

    threading.Thread._bootstrap_inner = bootstrap


def _mark_activities() -> None:
    from skypilot_temporal.activities.pipeline_activities import PipelineActivities

    for name in ("run_git_clone", "run_sky_launch", "run_sky_exec", "run_sky_down"):
        original = getattr(PipelineActivities, name)

        async def marked(self, inp, _original=original, _name=name):
            LABEL.set(_name)
            return await _original(self, inp)

        functools.update_wrapper(marked, original)
        setattr(PipelineActivities, name, marked)


def _threads() -> dict[str, float]:
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = defaultdict(float)
    for task in Path("/proc/self/task").iterdir():
        try:
            comm = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # Numbered threads of one pool under one name.
        key = comm.rstrip("0123456789_").rstrip("-_") or comm
        out[key] += (int(fields[11]) + int(fields[12])) / tick
    return dict(out)


def _dump(*_: object) -> None:
    out = os.environ["BENCH_PROFILE_OUT"]
    with open(out + ".tmp", "w") as f:
        json.dump({"labels": {k: list(v) for k, v in TOTALS.items()}, "threads": _threads()}, f)
    if _LOOP_PROFILE is not None:
        import pstats

        _LOOP_PROFILE.disable()
        pstats.Stats(_LOOP_PROFILE).dump_stats(out + ".loop.pstats")
        _LOOP_PROFILE.enable()
        if _THREAD_PROFILES:
            # Threads' profiles are read while they may run: a snapshot, good enough.
            stats = pstats.Stats(_THREAD_PROFILES[0])
            for prof in _THREAD_PROFILES[1:]:
                stats.add(prof)
            stats.dump_stats(out + ".threads.pstats")
    os.replace(out + ".tmp", out)


def _worker_options(raw: str) -> None:
    """Overrides temporalio Worker options for an experiment (measured, not shipped)."""
    import temporalio.worker

    options = json.loads(raw)
    if options.get("workflow_runner") == "unsandboxed":
        options["workflow_runner"] = temporalio.worker.UnsandboxedWorkflowRunner()
    original = temporalio.worker.Worker.__init__

    def init(self, *args, **kwargs):
        kwargs.update(options)
        original(self, *args, **kwargs)

    temporalio.worker.Worker.__init__ = init


def main() -> None:
    if os.environ.get("BENCH_WORKER_OPTIONS"):
        _worker_options(os.environ["BENCH_WORKER_OPTIONS"])
    if not os.environ.get("BENCH_PROFILE_OUT"):
        from skypilot_temporal import worker

        worker.main()
        return
    _name_os_threads()
    _mark_activities()
    asyncio.BaseEventLoop.run_in_executor = _metered_executor(asyncio.BaseEventLoop.run_in_executor)
    original_new_loop = asyncio.DefaultEventLoopPolicy.new_event_loop

    def new_event_loop(self):
        loop = original_new_loop(self)
        loop.set_task_factory(_task_factory)
        return loop

    asyncio.DefaultEventLoopPolicy.new_event_loop = new_event_loop
    if _LOOP_PROFILE is not None:
        _LOOP_PROFILE.enable()
    signal.signal(signal.SIGUSR2, _dump)
    from skypilot_temporal import worker

    worker.main()


if __name__ == "__main__":
    main()
