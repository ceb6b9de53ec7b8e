"""How long a cancel takes to reach a running step, alone and while many pipelines run.

A cancel reaches an activity only with a heartbeat response, so this is what the
worker's heartbeat interval and throttle cost in responsiveness. Each probe pipeline
trains for long (20 x --probe-seconds-per-file); once its `train` step has run for
--settle seconds, the run is cancelled and the probe measures, from the cancel call:
`to teardown`, until the run's phase is `teardown` (the step's activity got the
cancel, cancelled its job and finished: the workflow waits for that before it
downs); `to closed`, until the run has ended (teardown done). Probes run one after
another, first on an idle worker, then beside --n pipelines started at once.

    .venv/bin/python bench/cancel_latency.py [--probes 5] [--n 100]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from common import add_seconds_per_file, bench_parser, median, parse_args, run_on_stack, start_pipeline, table
from pipeline_helpers import progress, wait_until


async def one_probe(client, stack, args) -> tuple[float, float]:
    handle = await start_pipeline(client, stack, f"c-{uuid.uuid4().hex[:8]}", args.probe_seconds_per_file)

    async def training() -> bool:
        return (await progress(handle)).current_step == "train"

    await wait_until(training, args.timeout, every=0.05)
    await asyncio.sleep(args.settle)
    t0 = time.monotonic()
    await handle.cancel()

    async def tearing_down() -> bool:
        return (await progress(handle)).phase in ("teardown", "cancelled", "failed")

    await wait_until(tearing_down, args.timeout, every=0.05)
    t1 = time.monotonic()
    try:
        await asyncio.wait_for(handle.result(), args.timeout)
    except Exception:  # noqa: BLE001 - a cancelled run ends with an error
        pass
    return t1 - t0, time.monotonic() - t0


async def phase(client, stack, args, n: int) -> list[object]:
    load = [asyncio.ensure_future(
        start_pipeline(client, stack, f"l-{uuid.uuid4().hex[:8]}", args.seconds_per_file))
        for _ in range(n)]
    handles = await asyncio.gather(*load)
    results = [await one_probe(client, stack, args) for _ in range(args.probes)]
    await asyncio.gather(*(h.result() for h in handles), return_exceptions=True)
    teardown = [r[0] for r in results]
    closed = [r[1] for r in results]
    return [n, len(results), f"{median(teardown):.2f}", f"{max(teardown):.2f}",
            f"{median(closed):.2f}", f"{max(closed):.2f}"]


async def run(stack, args: argparse.Namespace) -> None:
    client = await stack.client()
    await (await start_pipeline(client, stack, "warm-up", 0.01)).result()
    rows = []
    for n in (0, args.n):
        rows.append(await phase(client, stack, args, n))
        print(f"  beside {n} pipelines: done", flush=True)
    print()
    print(table(["other pipelines", "probes", "to teardown p50 s", "to teardown max s",
                 "to closed p50 s", "to closed max s"], rows))


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--probes", type=int, default=5, help="cancelled pipelines per phase")
    ap.add_argument("--n", type=int, default=100, help="pipelines running beside the probes")
    add_seconds_per_file(ap, 1.0, " of the pipelines beside the probes")
    add_seconds_per_file(ap, 3.0, " of the probes", flag="--probe-seconds-per-file")
    ap.add_argument("--settle", type=float, default=3.0,
                    help="seconds the probe's train step runs before the cancel")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per wait")
    run_on_stack(run, parse_args(ap))


if __name__ == "__main__":
    main()
