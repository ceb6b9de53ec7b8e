"""Worker responsiveness while pipelines run: a probe sends the `progress` query every
100 ms, round-robin over the running pipelines, and records each round trip. A query
is answered by the worker's event loop, so a loop blocked by the pipelines' work
shows up as slow or failed queries. Measured with 1 pipeline, then with N at once;
`max at s` is when the slowest query was sent, counted from the phase's start.
`loop CPU %` is the CPU share of the worker's main thread, which runs its asyncio
loop, per 100 ms window (from /proc/<pid>/task/<pid>/stat, 10 ms resolution): a
window near 100 % is a loop that was busy the whole time. `worker CPU %` is the whole
worker process (all threads; up to 200 % on 2 cores).

    .venv/bin/python bench/event_loop_lag.py [--n 8] [--seconds-per-file 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from common import (
    add_seconds_per_file,
    bench_parser,
    cpu_seconds,
    parse_args,
    percentile,
    probe,
    run_on_stack,
    start_pipeline,
    table,
    workflow_task_timeouts,
)
from pipeline_helpers import progress


async def cpu_shares(pid: int, running: set, every: float, shares: list) -> None:
    """(main thread, whole worker) CPU share per `every` seconds; the main thread runs
    the asyncio loop, other threads run workflow code and the SDK core."""
    last = (time.monotonic(), cpu_seconds(pid, pid), cpu_seconds(pid))
    while running:
        await asyncio.sleep(every)
        now = (time.monotonic(), cpu_seconds(pid, pid), cpu_seconds(pid))
        dt = now[0] - last[0]
        shares.append(((now[1] - last[1]) / dt, (now[2] - last[2]) / dt))
        last = now


async def phase(client, stack, n: int, spf: float, every: float, timeout: float) -> list[object]:
    handles = [await start_pipeline(client, stack, f"b-{uuid.uuid4().hex[:8]}", spf) for _ in range(n)]
    running = {h.id for h in handles}
    rtts: list[tuple[float, float]] = []
    errors: list[str] = []

    async def wait(handle) -> None:
        try:
            await handle.result()
        finally:
            running.discard(handle.id)

    shares: list[tuple[float, float]] = []
    prober = asyncio.ensure_future(probe(handles, running, progress, every, rtts, errors))
    busy = asyncio.ensure_future(cpu_shares(stack.worker_pid, running, every, shares))
    results = await asyncio.wait_for(
        asyncio.gather(*(wait(h) for h in handles), return_exceptions=True), timeout)
    await prober
    await busy
    failed = sum(isinstance(r, BaseException) for r in results)
    timeouts = sum([await workflow_task_timeouts(h) for h in handles])
    for e in sorted(set(errors))[:5]:
        print(f"  query error: {e}")
    ms = [r * 1000 for _, r in rtts]
    worst_at = max(rtts, key=lambda s: s[1])[0]
    return [n, len(ms), f"{percentile(ms, 50):.1f}", f"{percentile(ms, 99):.1f}",
            f"{max(ms):.1f}", f"{worst_at:.1f}", f"{100 * sum(m for m, _ in shares) / len(shares):.0f}",
            f"{100 * max(m for m, _ in shares):.0f}", f"{100 * max(w for _, w in shares):.0f}",
            len(errors), failed, timeouts]


async def run(stack, args: argparse.Namespace) -> None:
    client = await stack.client()
    # One unmeasured run first: the same starting point as concurrent_pipelines.py.
    await (await start_pipeline(client, stack, "warm-up", args.seconds_per_file)).result()
    rows = []
    for n in (1, args.n):
        rows.append(await phase(client, stack, n, args.seconds_per_file, args.every, args.timeout))
        print(f"  {n} pipeline(s) done", flush=True)
    print()
    print(table(["pipelines", "queries", "p50 ms", "p99 ms", "max ms", "max at s",
                 "loop CPU % mean", "loop CPU % max", "worker CPU % max", "query errors",
                 "failed runs", "WFT timeouts"], rows))


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--n", type=int, default=8, help="pipelines running at once under load")
    add_seconds_per_file(ap, 0.5, " (0.5: ~11 s per run, >100 samples)")
    ap.add_argument("--every", type=float, default=0.1, help="probe interval, seconds")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds allowed per phase")
    run_on_stack(run, parse_args(ap))


if __name__ == "__main__":
    main()
