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
    cpu_seconds,
    host_cpu_ticks,
    local_stack,
    percentile,
    proc_status_kib,
    start_pipeline,
    table,
    workflow_task_timeouts,
)


async def sample_rss(pid: int, peak: list[int], every: float = 0.1) -> None:
    while True:
        peak[0] = max(peak[0], proc_status_kib(pid, "VmRSS"))
        await asyncio.sleep(every)


async def one(client, stack, spf: str) -> tuple[float, bool, object]:
    t0 = time.monotonic()
    handle = await start_pipeline(client, stack, f"b-{uuid.uuid4().hex[:8]}", spf)
    try:
        result = await handle.result()
        ok = len(result.steps) == 3 and all(s.status == "SUCCEEDED" for s in result.steps)
    except Exception as err:  # a failed pipeline is a result to report, not a crash
        print(f"  {handle.id} failed: {err}")
        ok = False
    return time.monotonic() - t0, ok, handle


async def batch(client, stack, n: int, spf: str, timeout: float) -> dict:
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
        "p50": percentile(latencies, 50) if latencies else float("nan"),
        "p95": percentile(latencies, 95) if latencies else float("nan"),
        "failed": sum(not ok for _, ok, _ in runs) + len(pending),
        "wft_timeouts": timeouts,
        "worker_cpu": cpu1 - cpu0,
        "server_cpu": srv1 - srv0,
        "host_busy": 100 * (busy1 - busy0) / max(1, total1 - total0),
        "rss_mib": peak[0] / 1024,
        "hwm_mib": proc_status_kib(stack.worker_pid, "VmHWM") / 1024,
    }


async def run(stack, args: argparse.Namespace) -> None:
    counts = [int(x) for x in args.n.split(",")]
    client = await stack.client()
    warm, ok, _ = await one(client, stack, args.seconds_per_file)
    idle_hwm = proc_status_kib(stack.worker_pid, "VmHWM") / 1024
    print(f"worker pid {stack.worker_pid}; warm-up pipeline {warm:.2f}s ok={ok}; "
          f"VmHWM after warm-up {idle_hwm:.0f} MiB")
    rows, base = [], None
    for n in counts:
        r = await batch(client, stack, n, args.seconds_per_file, args.timeout)
        base = base or r["wall"]
        rows.append([n, f"{r['wall']:.2f}", f"{r['wall'] / base:.2f}x", f"{r['p50']:.2f}",
                     f"{r['p95']:.2f}", r["failed"], r["wft_timeouts"], f"{r['worker_cpu']:.1f}",
                     f"{r['server_cpu']:.1f}", f"{r['host_busy']:.0f}", f"{r['rss_mib']:.0f}",
                     f"{r['hwm_mib']:.0f}"])
        print(f"  N={n} done in {r['wall']:.2f}s", flush=True)
    print()
    print(table(["N", "wall s", f"vs N={counts[0]}", "p50 s", "p95 s", "failed", "WFT timeouts",
                 "worker CPU s", "server CPU s", "host CPU %", "max VmRSS MiB", "VmHWM MiB"], rows))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", default="1,4,8,16", help="comma-separated pipeline counts")
    ap.add_argument("--seconds-per-file", default="0.2",
                    help="train.yaml SECONDS_PER_FILE (20 sleeps per run)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds allowed per batch")
    ap.add_argument("--keep-logs", action="store_true")
    args = ap.parse_args()
    with local_stack(keep=args.keep_logs) as stack:
        asyncio.run(run(stack, args))


if __name__ == "__main__":
    main()
