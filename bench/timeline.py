"""Where one pipeline's time goes, from its workflow history, beside the bare workflow.

Runs `--runs` pipelines one after the other (tasks that only sleep, `--seconds-per-file`
0 by default: instant tasks), then as many bare workflows of six activities that do
nothing (bare_workflow.py), and prints the median of: wall (start call to result), each
activity's time from scheduled to started (the queue and the poll), from started to
completed (the activity's own work), and the rest (workflow tasks between activities,
the start and the result).

    .venv/bin/python bench/timeline.py [--runs 10] [--seconds-per-file 0]
"""

from __future__ import annotations

import argparse
import time
import uuid

from common import (
    activity_spans,
    add_seconds_per_file,
    bench_parser,
    covered_seconds,
    event_seconds,
    median,
    parse_args,
    run_on_stack,
    start_bare,
    start_pipeline,
    succeeded,
    table,
)
from temporalio.api.enums.v1 import EventType

E = EventType


async def breakdown(handle) -> tuple[list[tuple], float, int]:
    """([(activity, scheduled->started s, started->completed s, scheduled at, completed at)],
    first event to last s, workflow tasks completed)."""
    events = list((await handle.fetch_history()).events)
    acts = [(a.name, a.started - a.scheduled, a.completed - a.started, a.scheduled, a.completed)
            for a in activity_spans(events)]
    wft = sum(1 for ev in events if ev.event_type == E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    return acts, event_seconds(events[-1]) - event_seconds(events[0]), wft


async def one(client, stack, kind: str, spf: float) -> tuple[float, list, float, int]:
    t0 = time.monotonic()
    if kind == "pipeline":
        handle = await start_pipeline(client, stack, f"t-{uuid.uuid4().hex[:8]}", spf)
    else:
        handle = await start_bare(client, stack, [0.0] * 6)
    result = await handle.result()
    wall = time.monotonic() - t0
    assert succeeded(result) if kind == "pipeline" else result == 6, result
    acts, span, wft = await breakdown(handle)
    return wall, acts, span, wft


def critical(acts) -> float:
    """Time covered by at least one activity (scheduled to completed)."""
    return covered_seconds((a[3], a[4]) for a in acts)


async def run(stack, args: argparse.Namespace) -> None:
    client = await stack.client()
    await one(client, stack, "pipeline", args.seconds_per_file)  # warm-up
    await one(client, stack, "bare", 0.0)
    for kind in ("pipeline", "bare"):
        walls, spans, covered, wfts = [], [], [], []
        per: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            wall, acts, span, wft = await one(client, stack, kind, args.seconds_per_file)
            walls.append(wall)
            spans.append(span)
            covered.append(critical(acts))
            wfts.append(wft)
            seen: dict[str, int] = {}
            for name, queued, work, *_ in acts:
                seen[name] = seen.get(name, 0) + 1
                per.setdefault(f"{name}#{seen[name]}", []).append((queued, work))
        print(f"{kind}: {args.runs} runs one after the other; median wall {median(walls):.3f} s "
              f"(history first to last event {median(spans):.3f} s; covered by activities "
              f"{median(covered):.3f} s; the rest, workflow tasks and hand-offs between them: "
              f"{median(spans) - median(covered):.3f} s; {median(wfts):.0f} workflow tasks)")
        rows = [[k, f"{1000 * median(q for q, _ in v):.0f}", f"{1000 * median(w for _, w in v):.0f}"]
                for k, v in per.items()]
        print(table(["activity", "scheduled->started ms", "started->completed ms"], rows))
        print()


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--runs", type=int, default=10)
    add_seconds_per_file(ap, 0.0)
    run_on_stack(run, parse_args(ap), bare=True, sleep_only=True)


if __name__ == "__main__":
    main()
