"""The garbage collector's counters of one process, in a small file mapped into
memory: what bench/gc_probe/sitecustomize.py keeps, and what many_pipelines.py --gc
reads. Per generation: collections, seconds spent in them (wall clock; the collector
holds the GIL, so it is CPU unless the host preempts it), and the longest one (a
pause of the whole process, its event loop included)."""

from __future__ import annotations

import gc
import mmap
import os
import struct
import time
from pathlib import Path

# collections x3, seconds x3, longest x3
LAYOUT = struct.Struct("<3q6d")
_LONGEST_AT = LAYOUT.size - 3 * 8


def counters_file(out: str | os.PathLike[str], pid: int) -> Path:
    return Path(f"{os.fspath(out)}.{pid}")


def install(out: str | os.PathLike[str]) -> None:
    """Counts this process's collections into counters_file(out, its pid). A
    collection updates the mapped file without a system call."""
    path = counters_file(out, os.getpid())
    path.write_bytes(b"\0" * LAYOUT.size)
    fd = os.open(path, os.O_RDWR)
    try:
        shared = mmap.mmap(fd, LAYOUT.size)
    finally:
        os.close(fd)
    started = [0.0]

    def on_collect(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        took = time.perf_counter() - started[0]
        g = info["generation"]
        vals = list(LAYOUT.unpack_from(shared))
        vals[g] += 1
        vals[3 + g] += took
        vals[6 + g] = max(vals[6 + g], took)
        LAYOUT.pack_into(shared, 0, *vals)

    gc.callbacks.append(on_collect)


def read(path: Path) -> tuple:
    """(collections x3, seconds x3, longest x3)."""
    return LAYOUT.unpack(path.read_bytes())


def reset_longest(path: Path) -> None:
    """Zeroes the longest collections, so that the next read has only the later ones."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, b"\0" * (LAYOUT.size - _LONGEST_AT), _LONGEST_AT)
    finally:
        os.close(fd)
