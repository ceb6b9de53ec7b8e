"""Many pipelines on ONE local-executor worker, beside as many bare Temporal workflows.

For each N: N bare workflows (bare_workflow.py: the pipeline's six activities, only
sleeping as long as its tasks do, on a plain temporalio worker of their own), then N
pipelines, each batch started at once, on the same dev server. The pipelines run the
example's tasks, or with --sleep-only the same three YAMLs doing nothing but sleep. The bare batch is the
floor: what Temporal, the server and this host need for the same shape of work.

Per batch: wall time (first start to last result), p50/p95 latency, failures,
WorkflowTaskTimedOut events; the query probe (one query every 100 ms, round-robin over
the runs still going: `progress` on the pipelines, the bare workflow's own query on
those) and its p99; CPU of the worker serving the batch (per run, and the share of its
main thread, which runs the asyncio loop), of its parser processes (SkyPilot's task
parser, skypilot_temporal/parser_pool.py), of the dev server, of everything the
pipeline worker started (its children: git, the job supervisors' start-up; and, via
reaper.py, the detached job supervisors with their sandboxes and tasks, and the
autodown watchdogs); how busy the host's CPUs were; the worker's peak RSS.

    .venv/bin/python bench/many_pipelines.py [--n 1,50,100,200] [--seconds-per-file 0.25]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bare_workflow import QUERY as BARE_QUERY
from common import (
    BENCH,
    add_seconds_per_file,
    bench_parser,
    children_cpu_seconds,
    counts,
    cpu_seconds,
    host_cpu_ticks,
    parse_args,
    parser_cpu_seconds,
    percentile,
    probe,
    run_on_stack,
    sample_rss,
    start_bare,
    start_pipeline,
    succeeded,
    table,
    workflow_task_timeouts,
)
from pipeline_helpers import progress

sys.path.insert(0, str(BENCH / "gc_probe"))
import gc_counters

# The pipeline: clone, preprocess launch, its down beside the train launch, eval exec,
# train down. Only training sleeps (20 x SECONDS_PER_FILE); the bare one sleeps as long.
TRAIN_SLEEPS = 20


def agent_cpu(stack) -> tuple[int, float, float]:
    """(pid, own CPU s, CPU s of the supervisors it reaped) of the local executor's
    agent (local_job.py agent), which forks the job supervisors; (0, 0, 0) if none."""
    try:
        pid = int((stack.tmp / "work" / "local" / "agent.pid").read_text())
        return pid, cpu_seconds(pid), children_cpu_seconds(pid)
    except (OSError, ValueError):
        return 0, 0.0, 0.0


class Meter:
    """CPU counters of the processes a batch is measured on, from /proc; with `gc_out`,
    also the garbage collector's counters of the pipeline worker (bench/gc_probe)."""

    def __init__(self, stack, worker_pid: int, gc_out: Path | None = None) -> None:
        self.stack, self.pid = stack, worker_pid
        self.gc_file = (gc_counters.counters_file(gc_out, worker_pid)
                        if gc_out and worker_pid == stack.worker_pid else None)

    def reset_gc_pauses(self) -> None:
        """Zeroes the longest pauses, so that the next read has this batch's."""
        if self.gc_file is not None:
            gc_counters.reset_longest(self.gc_file)

    def read(self) -> dict:
        pid = self.pid
        out = {
            "t": time.monotonic(),
            "worker": cpu_seconds(pid),
            "loop": cpu_seconds(pid, pid),
            "children": children_cpu_seconds(pid),
            "parsers": parser_cpu_seconds(pid),
            "server": cpu_seconds(self.stack.server.proc.pid),
            "host": host_cpu_ticks(),
        }
        if pid == self.stack.worker_pid:
            out["agent"] = agent_cpu(self.stack)
        if self.gc_file is not None:
            out["gc"] = gc_counters.read(self.gc_file)
        if self.stack.reaped is not None and pid == self.stack.worker_pid:
            out["reaped"] = self.stack.reaped_cpu()
        if self.stack.profiled is not None and pid == self.stack.worker_pid:
            out["profile"] = self.stack.profile()
        return out


async def batch(stack, client, kind: str, n: int, spf: float, args) -> dict:
    pipelines = kind == "pipelines"
    worker_pid = stack.worker_pid if pipelines else stack.bare.pid
    meter = Meter(stack, worker_pid, args.gc_out)
    meter.reset_gc_pauses()
    peak = [0]
    sampler = asyncio.ensure_future(sample_rss(worker_pid, peak))
    before = meter.read()

    async def start_one():
        if pipelines:
            return await start_pipeline(client, stack, f"b-{uuid.uuid4().hex[:8]}", spf)
        return await start_bare(client, stack, [0.0, 0.0, 0.0, TRAIN_SLEEPS * spf, 0.0, 0.0])

    running: set[str] = set()
    t0 = time.monotonic()
    starts = [asyncio.ensure_future(start_one()) for _ in range(n)]
    # Started all at once; the probe follows the runs once they exist.
    handles = await asyncio.gather(*starts)
    running.update(h.id for h in handles)

    async def follow(handle):
        try:
            result = await handle.result()
            ok = succeeded(result) if pipelines else result == 6
        except Exception as err:  # noqa: BLE001 - a failed run is a result
            print(f"  {handle.id} failed: {err}")
            ok = False
        finally:
            running.discard(handle.id)
        return time.monotonic() - t0, ok

    rtts: list[tuple[float, float]] = []
    errors: list[str] = []
    query = progress if pipelines else (lambda h: h.query(BARE_QUERY))
    prober = asyncio.ensure_future(probe(handles, running, query, args.every, rtts, errors))
    tasks = [asyncio.ensure_future(follow(h)) for h in handles]
    done, pending = await asyncio.wait(tasks, timeout=args.timeout)
    wall = time.monotonic() - t0
    after = meter.read()
    running.clear()
    sampler.cancel()
    prober.cancel()
    for task in pending:
        task.cancel()
    runs = [t.result() for t in done]
    timeouts = sum([await workflow_task_timeouts(h) for h in handles])
    latencies = [lat for lat, _ in runs]
    rtts_ms = [1000 * rtt for _, rtt in rtts]
    for e in sorted(set(errors))[:3]:
        print(f"  query error: {e}")
    busy = after["host"][0] - before["host"][0]
    total = max(1, after["host"][1] - before["host"][1])
    r = {
        "kind": kind, "n": n, "wall": wall,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "failed": sum(not ok for _, ok in runs) + len(pending),
        "wft_timeouts": timeouts,
        "worker_cpu": after["worker"] - before["worker"],
        "loop_cpu": after["loop"] - before["loop"],
        "children_cpu": after["children"] - before["children"],
        "parser_cpu": after["parsers"] - before["parsers"],
        "server_cpu": after["server"] - before["server"],
        "host_busy": 100 * busy / total,
        # jiffies of both CPUs -> CPU seconds
        "host_cpu": busy / total * 2 * wall if total else 0.0,
        "rss_mib": peak[0] / 1024,
        "q_n": len(rtts), "q_errors": len(errors),
        "q_p50": percentile(rtts_ms, 50),
        "q_p99": percentile(rtts_ms, 99),
        "q_max": percentile(rtts_ms, 100),
    }
    if "agent" in after:
        same = after["agent"][0] == before["agent"][0]
        if not same:
            print(f"  note: the agent changed during the batch ({before['agent'][0]} -> {after['agent'][0]})")
        r["agent"] = [after["agent"][i] - (before["agent"][i] if same else 0.0) for i in (1, 2)]
    if "gc" in after:
        # Collections and seconds over the batch; the longest pauses since the reset.
        r["gc"] = [after["gc"][i] - before["gc"][i] for i in range(6)] + list(after["gc"][6:])
    if "reaped" in after:
        r["reaped"] = {
            cls: [v - before["reaped"].get(cls, [0, 0.0, 0.0])[i] for i, v in enumerate(vals)]
            for cls, vals in after["reaped"].items()
        }
    if "profile" in after:
        r["profile"] = {
            "labels": {k: [v - before["profile"]["labels"].get(k, [0, 0.0, 0])[i] for i, v in enumerate(vals)]
                       for k, vals in after["profile"]["labels"].items()},
            "threads": {k: v - before["profile"]["threads"].get(k, 0.0)
                        for k, v in after["profile"]["threads"].items()},
        }
    return r


def ms(seconds: float, n: int) -> str:
    return f"{1000 * seconds / n:.0f}"


def report(results: list[dict], counts: list[int]) -> None:
    by = {(r["kind"], r["n"]): r for r in results}
    rows = []
    for r in results:
        rows.append([r["n"], r["kind"], f"{r['wall']:.2f}", f"{r['p50']:.2f}", f"{r['p95']:.2f}",
                     r["failed"], r["wft_timeouts"], f"{r['worker_cpu']:.2f}",
                     ms(r["worker_cpu"], r["n"]), f"{100 * r['loop_cpu'] / max(r['worker_cpu'], 1e-9):.0f}",
                     f"{r['server_cpu']:.2f}", f"{r['host_busy']:.0f}", r["q_n"],
                     f"{r['q_p50']:.1f}", f"{r['q_p99']:.1f}", f"{r['q_max']:.1f}", r["q_errors"],
                     f"{r['rss_mib']:.0f}"])
    print(table(["N", "batch", "wall s", "p50 s", "p95 s", "failed", "WFT timeouts", "worker CPU s",
                 "worker ms/run", "loop %", "server CPU s", "host CPU %", "queries", "q p50 ms",
                 "q p99 ms", "q max ms", "q errors", "max VmRSS MiB"], rows))
    print()
    rows = []
    for n in counts:
        p, b = by.get(("pipelines", n)), by.get(("bare", n))
        if not p or not b:
            continue
        rows.append([n, f"{p['wall']:.2f}", f"{b['wall']:.2f}", f"{p['wall'] / b['wall']:.2f}x",
                     ms(p["worker_cpu"], n), ms(p["parser_cpu"], n), ms(b["worker_cpu"], n),
                     ms(p["server_cpu"], n),
                     ms(b["server_cpu"], n), f"{p['q_p99']:.1f}", f"{b['q_p99']:.1f}",
                     f"{p['rss_mib']:.0f}"])
    print(table(["N", "pipelines s", "bare s", "ratio", "worker ms/pipeline", "parsers ms/pipeline",
                 "bare worker ms/wf",
                 "server ms/pipeline", "server ms/bare wf", "q p99 ms pipelines", "q p99 ms bare",
                 "worker max VmRSS MiB"], rows))
    print()
    rows = []
    for r in results:
        if r["kind"] != "pipelines":
            continue
        n = r["n"]
        reaped = r.get("reaped", {})
        sup, box, dog = (reaped.get(name, [0, 0.0, 0.0]) for name in ("supervisor", "bwrap", "watchdog"))
        other = sum(v[1] + v[2] for k, v in reaped.items() if k not in ("supervisor", "bwrap", "watchdog"))
        agent = r.get("agent", [0.0, 0.0])
        jobs = r["children_cpu"] + sum(v[1] + v[2] for v in reaped.values()) + sum(agent)
        rows.append([n, ms(r["worker_cpu"], n), ms(r["parser_cpu"], n), ms(r["server_cpu"], n),
                     ms(r["children_cpu"], n),
                     ms(agent[0], n), ms(agent[1], n), f"{sup[0] / n:.1f}", ms(sup[1], n), ms(sup[2], n),
                     f"{box[0] / n:.1f}", ms(box[1], n), ms(box[2], n), f"{dog[0] / n:.1f}",
                     ms(dog[1] + dog[2], n), ms(other, n), ms(jobs, n), ms(r["host_cpu"], n)])
    print("CPU per pipeline, ms. parsers: the worker's parser processes (SkyPilot's task "
          "parser). worker children: what the worker waited for (git; each "
          "process it started until it detached). agent: the local executor's agent, and the "
          "supervisors and downs it forked and reaped (with bwrap's outer process each reaps). "
          "supervisors (when no agent): each one's own CPU after detaching, and bwrap's outer "
          "process it reaps. bwrap's init inside the sandbox is orphaned (to reaper.py) and "
          "reaps bash and the task's commands. host: all CPU of the host over the batch, "
          "whoever used it.")
    print(table(["N", "worker", "parsers", "server", "worker children", "agent", "agent's supervisors",
                 "supervisors/run", "supervisor", "bwrap outer", "sandboxes/run", "bwrap init",
                 "bash+task", "watchdogs/run", "watchdog", "other", "all job processes", "host"], rows))


def report_gc(results: list[dict]) -> None:
    rows = [[r["n"], *r["gc"][:3], f"{1000 * sum(r['gc'][3:6]) / r['n']:.2f}",
             *(f"{1000 * v:.1f}" for v in r["gc"][6:])]
            for r in results if "gc" in r]
    if rows:
        print("The pipeline worker's garbage collector over each batch (bench/gc_probe): "
              "collections per generation, ms per pipeline in them, longest pause per generation.")
        print(table(["N", "gen0", "gen1", "gen2", "ms/pipeline", "longest gen0 ms", "longest gen1 ms",
                     "longest gen2 ms"], rows))
        print()


def report_profile(results: list[dict]) -> None:
    for r in results:
        if r["kind"] != "pipelines" or "profile" not in r:
            continue
        n, prof = r["n"], r["profile"]
        rows = [[label, f"{1000 * v[0] / n:.1f}", f"{1000 * v[1] / n:.1f}", f"{v[2] / n:.0f}"]
                for label, v in sorted(prof["labels"].items(), key=lambda kv: -(kv[1][0] + kv[1][1]))]
        print(f"N={n}: worker CPU per pipeline by activity, ms (profiled: the hooks cost CPU too)")
        print(table(["label", "loop ms", "threads ms", "loop steps"], rows))
        rows = [[name, f"{1000 * cpu / n:.1f}"] for name, cpu in sorted(prof["threads"].items(), key=lambda kv: -kv[1])
                if cpu > 0]
        print(table(["OS thread", "CPU ms per pipeline"], rows))
        print()


async def run(stack, args: argparse.Namespace) -> None:
    client = await stack.client()
    # One unmeasured run of each first: imports, caches and connections are warm.
    warm = await start_pipeline(client, stack, "warm-up", args.seconds_per_file)
    await warm.result()
    await (await start_bare(client, stack, [0.0] * 6)).result()
    print(f"worker pid {stack.worker_pid}, bare worker pid {stack.bare.pid}, "
          f"server pid {stack.server.proc.pid}", flush=True)
    results = []
    for n in args.n:
        for kind in args.order.split(","):
            r = await batch(stack, client, kind, n, args.seconds_per_file, args)
            results.append(r)
            print(f"  N={n} {kind}: {r['wall']:.2f}s, worker {ms(r['worker_cpu'], n)} ms/run, "
                  f"failed {r['failed']}", flush=True)
            await asyncio.sleep(args.pause)
    print()
    report(results, args.n)
    print()
    report_gc(results)
    report_profile(results)


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--n", type=counts, default="1,50,100,200", help="comma-separated run counts")
    add_seconds_per_file(ap, 0.25, " (0.25: 5 s per run)")
    ap.add_argument("--order", default="bare,pipelines", help="batches per N, in this order")
    ap.add_argument("--every", type=float, default=0.1, help="query probe interval, seconds")
    ap.add_argument("--pause", type=float, default=2.0,
                    help="seconds between batches (teardown leftovers, watchdogs ending)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per batch")
    ap.add_argument("--no-reaper", action="store_true",
                    help="run the worker without reaper.py (no CPU of detached job processes)")
    ap.add_argument("--bare-max-concurrent-activities", type=int, default=200)
    ap.add_argument("--profile", action="store_true",
                    help="run the worker as profile_worker.py: CPU per activity type and thread")
    ap.add_argument("--sleep-only", action="store_true",
                    help="the example's tasks do nothing but sleep (train: 20 x SECONDS_PER_FILE)")
    ap.add_argument("--worker-options", default="", metavar="JSON",
                    help='temporalio Worker options to try, e.g. \'{"max_concurrent_activity_task_polls": 2}\'')
    ap.add_argument("--gc", action="store_true",
                    help="count the pipeline worker's garbage collections and their pauses (bench/gc_probe)")
    args = parse_args(ap)
    extra = dict(args.worker_env)
    args.gc_out = None
    if args.gc:
        args.gc_out = Path(tempfile.mkdtemp(prefix="skypilot-temporal-gc-")) / "gc"
        extra["BENCH_GC_OUT"] = str(args.gc_out)
        extra["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCH / "gc_probe"), extra.get("PYTHONPATH", "")) if p)
    try:
        run_on_stack(run, args, bare=True, reap=not args.no_reaper, worker_env_extra=extra,
                     bare_args=["--max-concurrent-activities", str(args.bare_max_concurrent_activities)],
                     profile=args.profile, worker_options=args.worker_options, sleep_only=args.sleep_only)
    finally:
        if args.gc_out is not None:
            shutil.rmtree(args.gc_out.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
