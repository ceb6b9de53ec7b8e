"""SkyPilot's task parser, and the YAML it reads, in processes of their own.

Building a task is pure CPU (SkyPilot's parser dumps the config back to YAML, builds
its schema and validates against it: about 1.3 ms per task YAML on an idle core), the
largest share of what a pipeline costs the worker beyond the SDK's own
(docs/benchmarks.md, "Many pipelines beside bare Temporal workflows"). In the worker
it holds the GIL that the event loop needs for every other run's heartbeats, queries
and activities; in a parser process it does not, and it can use another core.
Temporal's advice for CPU-bound work is a process pool: this is one, and what comes
back is small (a built task pickles to about 3 KB and loads in about 20 microseconds).

A finished run's checkout is removed here too: removing a tree from a thread of the
worker has that thread and the event loop hand the GIL to each other at every file.

SKYPILOT_TEMPORAL_PARSER_PROCESSES sets how many (default 1; 0 parses in the worker's
own threads). They are forked before the worker starts any thread (`start`), so they
share the worker's imported SkyPilot instead of importing it again. When one dies,
the pool is replaced by freshly started processes (a few seconds: they import
SkyPilot), and builds run in threads meanwhile: no run fails for it. They die with
the worker, even a SIGKILLed one (PR_SET_PDEATHSIG), and `ps` names them
skypilot-parser.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger("skypilot_temporal.tasks.parser_pool")

T = TypeVar("T")
_PR_SET_NAME = 15
_PR_SET_PDEATHSIG = 1
# What `ps -o comm` and /proc/<pid>/comm show for a parser process (15 bytes at most).
PROCESS_NAME = b"skypilot-parser"
# Without parser processes, builds share the worker's threads: more than two at once
# only add contenders for the GIL the event loop needs.
_THREAD_BUILDS = 2


def _child_start(parent: int) -> None:
    """Runs first in each parser process."""
    # Secret values pass through a parse (a run's secrets are part of its task): no
    # core dump may write them to disk.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Ctrl-C at a terminal reaches the whole group: the worker stops its parsers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker killed outright leaves no parser waiting for work that never comes.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    libc.prctl(_PR_SET_NAME, ctypes.c_char_p(PROCESS_NAME), 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)  # the worker died before the line above


def _ready() -> int:
    return os.getpid()


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> bytes | None:
    """fn(*args), pickled here: None if the result cannot leave this process (then the
    worker builds it in a thread), rather than an error for the run."""
    result = fn(*args)
    try:
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - whatever pickling raises: the worker builds it instead
        return None


class ParserPool:
    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._threads = asyncio.Semaphore(_THREAD_BUILDS)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Starts the processes, and waits until they serve: forked (sharing the
        worker's memory) while the worker has a single thread, started afresh otherwise
        (forking a process with threads can copy a lock some thread holds)."""
        if self.processes <= 0:
            return
        forked = threading.active_count() == 1
        if forked:
            # What is allocated so far lives as long as the worker: the collector of a
            # parser process leaves it alone, so its pages stay shared with the worker.
            gc.freeze()
        pool, ready = self._launch("fork" if forked else "spawn")
        for future in ready:
            future.result()
        with self._lock:
            self._pool = pool

    def _launch(self, method: str) -> tuple[ProcessPoolExecutor, list[Future[int]]]:
        """A pool, and a call to each of its processes to see them serve. Called from the
        worker's main thread only: a parser dies with the thread that started it
        (PR_SET_PDEATHSIG), and that one lasts as long as the worker."""
        pool = ProcessPoolExecutor(
            max_workers=self.processes, mp_context=multiprocessing.get_context(method),
            initializer=_child_start, initargs=(os.getpid(),),
        )
        return pool, [pool.submit(_ready) for _ in range(self.processes)]

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) in a parser process (a function of a module, with picklable
        arguments), or in a thread when there is none or its result cannot be pickled.
        Its exceptions are raised here without the process's traceback."""
        pool = self._pool
        if pool is not None:
            try:
                data = await asyncio.get_running_loop().run_in_executor(pool, _call, fn, args)
            except BrokenProcessPool:
                self._replace(pool)
            except Exception as err:
                err.__cause__ = None  # the parser's traceback, as text: not the run's business
                raise
            else:
                if data is not None:
                    return pickle.loads(data)
                log.warning("%s: its result cannot be pickled; building it in a thread", fn.__name__)
        async with self._threads:
            return await asyncio.to_thread(fn, *args)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A parser process died (killed, out of memory): the pool is unusable. A new
        one is started (afresh: the worker has threads now); builds use threads until it
        serves. On the event loop, like every call of `run`."""
        with self._lock:
            if self._pool is not broken:
                return  # another call replaced it already
            self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)
        log.warning("a parser process died; starting %s new one(s)", self.processes)
        try:
            pool, ready = self._launch("spawn")
        except Exception as err:  # noqa: BLE001 - builds go on in threads
            log.error("parser processes could not be started (%s): tasks are built in threads", err)
            return

        def serving(_: Future[int]) -> None:
            if not all(f.done() for f in ready):
                return
            if any(f.cancelled() or f.exception() is not None for f in ready):
                log.error("new parser processes did not start: tasks are built in threads")
                pool.shutdown(wait=False, cancel_futures=True)
                return
            with self._lock:
                self._pool = pool

        for future in ready:
            future.add_done_callback(serving)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
