"""Where the slowest runs of a batch of pipelines wait, read from their histories.

Starts `--n` pipelines at once on one worker (local executor, tasks that only sleep:
training 20 x `--seconds-per-file`), waits for all, then prints, for a few median runs
and the slowest ones, each activity as `name@when+qQUEUED+rRAN` (seconds from the
run's first event: when it was scheduled, how long until a worker started it, how long
it ran), then every workflow task that waited over 0.5 s for the worker (`WFTq`).

    .venv/bin/python bench/slowest_runs.py [--n 200] [--seconds-per-file 0.25] [--show 6]
        [--worker-env KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from common import (
    activity_spans,
    add_seconds_per_file,
    bench_parser,
    event_seconds,
    median,
    parse_args,
    run_on_stack,
    start_pipeline,
)
from temporalio.api.enums.v1 import EventType

E = EventType


def describe(events: list) -> str:
    start = event_seconds(events[0])
    parts = [
        f"{a.name.removeprefix('run_')}@{a.scheduled - start:.1f}+q{a.started - a.scheduled:.2f}"
        f"+r{a.completed - a.started:.2f}" + (f"(attempt {a.attempt})" if a.attempt > 1 else "")
        for a in activity_spans(events)
    ]
    wft_scheduled: dict[int, float] = {}
    for ev in events:
        kind = ev.event_type
        if kind == E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            wft_scheduled[ev.event_id] = event_seconds(ev)
        elif kind == E.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            at = wft_scheduled[ev.workflow_task_started_event_attributes.scheduled_event_id]
            if event_seconds(ev) - at > 0.5:
                parts.append(f"WFTq{event_seconds(ev) - at:.2f}@{at - start:.1f}")
        elif kind in (E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
                      E.EVENT_TYPE_ACTIVITY_TASK_FAILED):
            parts.append(E.Name(kind).removeprefix("EVENT_TYPE_"))
    return " ".join(parts)


async def run(stack, args: argparse.Namespace) -> None:
    client = await stack.client()
    spf = args.seconds_per_file
    await (await start_pipeline(client, stack, "warm-up", spf)).result()
    t0 = time.monotonic()
    handles = await asyncio.gather(
        *[start_pipeline(client, stack, f"s-{uuid.uuid4().hex[:8]}", spf) for _ in range(args.n)])
    ended: dict[str, float] = {}

    async def follow(handle) -> None:
        await handle.result()
        ended[handle.id] = time.monotonic() - t0

    await asyncio.gather(*[follow(h) for h in handles])
    order = sorted(handles, key=lambda h: ended[h.id])
    times = sorted(ended.values())
    print(f"{args.n} runs: last ended {times[-1]:.2f} s, median {median(times):.2f} s, "
          f"95 % by {times[int(0.95 * (len(times) - 1))]:.2f} s")
    mid = len(order) // 2
    for label, chosen in (("median", order[mid - 1 : mid + 2]), ("slowest", order[-args.show :])):
        for handle in chosen:
            events = list((await handle.fetch_history()).events)
            print(f"{label} {handle.id} ended {ended[handle.id]:.2f}: {describe(events)}")


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--n", type=int, default=200)
    add_seconds_per_file(ap, 0.25)
    ap.add_argument("--show", type=int, default=6, help="how many of the slowest runs to show")
    run_on_stack(run, parse_args(ap), sleep_only=True)


if __name__ == "__main__":
    main()
