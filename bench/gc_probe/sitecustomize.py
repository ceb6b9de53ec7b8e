"""Loaded by every Python process started with this directory on its PYTHONPATH
(many_pipelines.py --gc puts the worker under it): with BENCH_GC_OUT set, the process
counts its garbage collections (gc_counters.py). The local executor's job processes
run isolated (-I -S) and never load it."""

import os

if os.environ.get("BENCH_GC_OUT"):
    import gc_counters

    gc_counters.install(os.environ["BENCH_GC_OUT"])
