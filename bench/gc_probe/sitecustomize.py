"""The garbage collector's work in a process started with this directory on its
PYTHONPATH and BENCH_GC_OUT set: many_pipelines.py --gc puts the worker under it.

Per generation: collections, seconds spent in them, and the longest one (a pause of
the whole process, its event loop included). The counters live in a small shared
file, `$BENCH_GC_OUT.<pid>`, mapped into memory: a collection updates them without a
system call, and the reader maps the same file (and may zero the maxima between
batches). Only processes that import `site` load it: the local executor's job
processes run isolated (-I -S) and never do.
"""

import os

_OUT = os.environ.get("BENCH_GC_OUT")
if _OUT:
    import gc
    import mmap
    import struct
    import time

    # collections x3, seconds x3, longest x3
    LAYOUT = struct.Struct("<3q6d")
    _path = f"{_OUT}.{os.getpid()}"
    with open(_path, "wb") as _f:
        _f.write(b"\0" * LAYOUT.size)
    _fd = os.open(_path, os.O_RDWR)
    _map = mmap.mmap(_fd, LAYOUT.size)
    os.close(_fd)
    _started = [0.0]

    def _on_collect(phase: str, info: dict) -> None:
        if phase == "start":
            _started[0] = time.perf_counter()
            return
        took = time.perf_counter() - _started[0]
        g = info["generation"]
        vals = list(LAYOUT.unpack_from(_map))
        vals[g] += 1
        vals[3 + g] += took
        vals[6 + g] = max(vals[6 + g], took)
        LAYOUT.pack_into(_map, 0, *vals)

    gc.callbacks.append(_on_collect)
