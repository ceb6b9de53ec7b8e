"""What each SkyPilot request the pipeline waits on costs, by the route its result takes,
on real clusters (the local Slurm cluster), side by side in one run.

The requests are the pipeline's own: a launch, an exec, a job's log to its end, a
cancel and a down. Each is timed from its submission to its result in the caller's
hands, by every route the SDK offers for it:

- `sync get`, `sync stream_and_get`: `sky.get` / `sky.stream_and_get` on a thread;
- `async get`, `async stream_and_get`: `sky.client.sdk_async`, on the event loop;
- a job's log: `sync tail_logs` (`sky.tail_logs(follow=True)`) and `async tail` (the
  worker's: POST /logs streamed with aiohttp, `executors/skypilot/streams.py`).

Every round launches two clusters, one with the worker's autodown setting (its
`idle_minutes_to_autostop` and `down=True`) and one without, and on each: runs a short
job once per route (the exec's result by one route, the log by the next), cancels a
sleeping job, and downs the cluster; the route of the cancel and of the down, and the
order of everything, rotate from round to round. Reports the median and spread of each
(request, route) and of each request with and without autodown.

    make slurm-up
    .venv/bin/python bench/request_routes.py [--rounds 4]
"""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from common import bench_parser, host_load_reported, median, table

ROUTES = ["sync get", "sync stream_and_get", "async get", "async stream_and_get"]
TAILS = ["sync tail_logs", "async tail"]
AUTODOWN_MINUTES = 30


def short_task(run: str) -> Any:
    import sky

    return sky.Task(name="route", run=run, resources=sky.Resources(cpus="1+"))


async def result(route: str, request_id: str) -> Any:
    """The request's result, taken by `route`."""
    import sky
    from sky.client import sdk_async

    if route == "sync get":
        return await asyncio.to_thread(sky.get, request_id)
    if route == "sync stream_and_get":
        return await asyncio.to_thread(sky.stream_and_get, request_id, output_stream=io.StringIO())
    if route == "async get":
        return await sdk_async.get(request_id)
    return await sdk_async.stream_and_get(request_id, output_stream=io.StringIO())


async def tail(route: str, cluster: str, job_id: int) -> int:
    """Follows the job's log to its end by `route`; SkyPilot's exit code."""
    import sky

    if route == "sync tail_logs":
        return await asyncio.to_thread(sky.tail_logs, cluster, job_id, follow=True, output_stream=io.StringIO())
    from skypilot_temporal.executors.skypilot import streams

    return await streams.tail_job(cluster, job_id, streams.LineStream(lambda _line: None))


async def timed(submit: Callable[[], str], route: str) -> tuple[float, Any]:
    """Seconds from submitting a request (on a thread, as every route does) to its result."""
    t0 = time.monotonic()
    request_id = await asyncio.to_thread(submit)
    value = await result(route, request_id)
    return time.monotonic() - t0, value


async def one_cluster(round_no: int, autodown: bool, times: dict[tuple[str, str], list[float]]) -> None:
    import sky

    cluster = f"routes-{uuid.uuid4().hex[:6]}{'-ad' if autodown else ''}"
    setting = "autodown" if autodown else "no autodown"
    launch_options: dict[str, Any] = (
        dict(idle_minutes_to_autostop=AUTODOWN_MINUTES, down=True) if autodown else {}
    )

    def record(request: str, route: str, seconds: float) -> None:
        times[(request, route)].append(seconds)
        times[(request, setting)].append(seconds)

    try:
        seconds, (job_id, _) = await timed(
            lambda: sky.launch(short_task("echo up"), cluster_name=cluster, **launch_options),
            "async stream_and_get")
        record("launch", "async stream_and_get", seconds)
        await tail("async tail", cluster, job_id)
        for i in range(len(ROUTES)):
            route = ROUTES[(round_no + i) % len(ROUTES)]
            seconds, (job_id, _) = await timed(lambda: sky.exec(short_task("echo hi"), cluster_name=cluster), route)
            record("exec", route, seconds)
            how = TAILS[(round_no + i) % len(TAILS)]
            t0 = time.monotonic()
            code = await tail(how, cluster, job_id)
            record("log to its end", how, time.monotonic() - t0)
            if code != 0:
                raise RuntimeError(f"job {job_id} on {cluster} exited {code}")
        _, (job_id, _) = await timed(lambda: sky.exec(short_task("sleep 120"), cluster_name=cluster), "async get")
        route = ROUTES[round_no % len(ROUTES)]
        seconds, _ = await timed(lambda: sky.cancel(cluster, job_ids=[job_id]), route)
        record("cancel", route, seconds)
        route = ROUTES[(round_no + 1) % len(ROUTES)]
        seconds, _ = await timed(lambda: sky.down(cluster), route)
        record("down", route, seconds)
    except BaseException:
        await asyncio.to_thread(lambda: sky.get(sky.down(cluster)))
        raise


async def measure(rounds: int) -> None:
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    for round_no in range(rounds):
        for autodown in ((False, True) if round_no % 2 == 0 else (True, False)):
            await one_cluster(round_no, autodown, times)
            print(f"round {round_no + 1}: {'autodown' if autodown else 'no autodown'} done", flush=True)
    rows = [[request, route, f"{median(v):.2f}", f"{min(v):.2f}", f"{max(v):.2f}", len(v)]
            for (request, route), v in sorted(times.items())]
    print(table(["request", "route / setting", "median s", "min s", "max s", "n"], rows))


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--rounds", type=int, default=4)
    rounds = ap.parse_args().rounds
    with host_load_reported():
        asyncio.run(measure(rounds))


if __name__ == "__main__":
    main()

