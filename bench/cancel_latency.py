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

from common import local_stack, median, start_pipeline, table
from pipeline_helpers import progress


async def wait_for(predicate, timeout: float, every: float = 0.05) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return time.monotonic()
        await asyncio.sleep(every)
    raise TimeoutError


async def one_probe(client, stack, args) -> tuple[float, float]:
    handle = await start_pipeline(client, stack, f"c-{uuid.uuid4().hex[:8]}", str(args.probe_seconds_per_file))

    async def training() -> bool:
        return (await progress(handle)).current_step == "train"

    await wait_for(training, args.timeout)
    await asyncio.sleep(args.settle)
    t0 = time.monotonic()
    await handle.cancel()

    async def tearing_down() -> bool:
        return (await progress(handle)).phase in ("teardown", "cancelled", "failed")

    t1 = await wait_for(tearing_down, args.timeout)
    try:
        await asyncio.wait_for(handle.result(), args.timeout)
    except Exception:  # noqa: BLE001 - a cancelled run ends with an error
        pass
    return t1 - t0, time.monotonic() - t0


async def phase(client, stack, args, n: int) -> list[object]:
    load = [asyncio.ensure_future(
        start_pipeline(client, stack, f"l-{uuid.uuid4().hex[:8]}", str(args.seconds_per_file)))
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
    await (await start_pipeline(client, stack, "warm-up", "0.01")).result()
    rows = []
    for n in (0, args.n):
        rows.append(await phase(client, stack, args, n))
        print(f"  beside {n} pipelines: done", flush=True)
    print()
    print(table(["other pipelines", "probes", "to teardown p50 s", "to teardown max s",
                 "to closed p50 s", "to closed max s"], rows))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--probes", type=int, default=5, help="cancelled pipelines per phase")
    ap.add_argument("--n", type=int, default=100, help="pipelines running beside the probes")
    ap.add_argument("--seconds-per-file", default="1.0",
                    help="SECONDS_PER_FILE of those pipelines (1.0: 20 s of training)")
    ap.add_argument("--probe-seconds-per-file", type=float, default=3.0,
                    help="SECONDS_PER_FILE of the probes (3.0: 60 s of training)")
    ap.add_argument("--settle", type=float, default=3.0,
                    help="seconds the probe's train step runs before the cancel")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per wait")
    ap.add_argument("--worker-env", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--keep-logs", action="store_true")
    args = ap.parse_args()
    extra = dict(kv.split("=", 1) for kv in args.worker_env)
    with local_stack(keep=args.keep_logs, worker_env_extra=extra) as stack:
        asyncio.run(run(stack, args))


if __name__ == "__main__":
    main()
