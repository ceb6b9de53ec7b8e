"""N pipelines started at once against ONE local-executor worker.

For each N: wall time (first start to last result), its ratio to N=1, per-pipeline
latency p50/p95 (start call to result), failures, WorkflowTaskTimedOut events in the
histories, CPU time used by the worker and by the dev server, how busy all CPUs were
(the rest is job processes, this script and anything else on the host), and the
worker's memory (VmRSS sampled every 100 ms, VmHWM after the batch).

    .venv/bin/python bench/concurrent_pipelines.py [--n 1,4,8,16] [--seconds-per-file 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from common import (
    add_seconds_per_file,
    bench_parser,
    counts,
    cpu_seconds,
    host_cpu_ticks,
    parse_args,
    percentile,
    proc_status_kib,
    run_on_stack,
    sample_rss,
    start_pipeline,
    succeeded,
    table,
    workflow_task_timeouts,
)


async def one(client, stack, spf: float) -> tuple[float, bool, object]:
    t0 = time.monotonic()
    handle = await start_pipeline(client, stack, f"b-{uuid.uuid4().hex[:8]}", spf)
    try:
        ok = succeeded(await handle.result())
    except Exception as err:  # noqa: BLE001 - a failed pipeline is a result to report, not a crash
        print(f"  {handle.id} failed: {err}")
        ok = False
    return time.monotonic() - t0, ok, handle


async def batch(client, stack, n: int, spf: float, timeout: float) -> dict:
    peak = [0]
    sampler = asyncio.ensure_future(sample_rss(stack.worker_pid, peak))
    server_pid = stack.server.proc.pid
    cpu0, srv0, (busy0, total0) = cpu_seconds(stack.worker_pid), cpu_seconds(server_pid), host_cpu_ticks()
    t0 = time.monotonic()
    tasks = [asyncio.ensure_future(one(client, stack, spf)) for _ in range(n)]
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    wall = time.monotonic() - t0
    cpu1, srv1, (busy1, total1) = cpu_seconds(stack.worker_pid), cpu_seconds(server_pid), host_cpu_ticks()
    sampler.cancel()
    for task in pending:
        task.cancel()
    runs = [t.result() for t in done]
    timeouts = sum([await workflow_task_timeouts(h) for _, _, h in runs])
    latencies = [lat for lat, _, _ in runs]
    return {
        "wall": wall,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "failed": sum(not ok for _, ok, _ in runs) + len(pending),
        "wft_timeouts": timeouts,
        "worker_cpu": cpu1 - cpu0,
        "server_cpu": srv1 - srv0,
        "host_busy": 100 * (busy1 - busy0) / max(1, total1 - total0),
        "rss_mib": peak[0] / 1024,
        "hwm_mib": proc_status_kib(stack.worker_pid, "VmHWM") / 1024,
    }


async def run(stack, args: argparse.Namespace) -> None:
    client = await stack.client()
    warm, ok, _ = await one(client, stack, args.seconds_per_file)
    idle_hwm = proc_status_kib(stack.worker_pid, "VmHWM") / 1024
    print(f"worker pid {stack.worker_pid}; warm-up pipeline {warm:.2f}s ok={ok}; "
          f"VmHWM after warm-up {idle_hwm:.0f} MiB")
    rows, base = [], None
    for n in args.n:
        r = await batch(client, stack, n, args.seconds_per_file, args.timeout)
        base = base or r["wall"]
        rows.append([n, f"{r['wall']:.2f}", f"{r['wall'] / base:.2f}x", f"{r['p50']:.2f}",
                     f"{r['p95']:.2f}", r["failed"], r["wft_timeouts"], f"{r['worker_cpu']:.1f}",
                     f"{r['server_cpu']:.1f}", f"{r['host_busy']:.0f}", f"{r['rss_mib']:.0f}",
                     f"{r['hwm_mib']:.0f}"])
        print(f"  N={n} done in {r['wall']:.2f}s", flush=True)
    print()
    print(table(["N", "wall s", f"vs N={args.n[0]}", "p50 s", "p95 s", "failed", "WFT timeouts",
                 "worker CPU s", "server CPU s", "host CPU %", "max VmRSS MiB", "VmHWM MiB"], rows))


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--n", type=counts, default="1,4,8,16", help="comma-separated pipeline counts")
    add_seconds_per_file(ap, 0.2)
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds allowed per batch")
    run_on_stack(run, parse_args(ap))


if __name__ == "__main__":
    main()
