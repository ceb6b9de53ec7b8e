"""How quickly a finished SkyPilot request's result reaches the caller, by route.

The worker takes every request's result on the event loop (SkyPilot's async client,
`sky.client.sdk_async`): `stream_and_get` when the request's log is wanted (launch,
exec, tail), `get` otherwise. This measures the four routes the SDK offers on the
same cheap request (`sky.status` of one cluster name that does not exist, so the
request itself does almost nothing) against a running API server:

- sync `sky.get`, sync `sky.stream_and_get`,
- async `sdk_async.get`, async `sdk_async.stream_and_get`,

alternated, each `--rounds` times; reports median and p90 from submission to result.

    make slurm-up    # or any running API server (sky api info)
    .venv/bin/python bench/request_routes.py [--rounds 20]
"""

from __future__ import annotations

import asyncio
import io
import time

from common import bench_parser, host_load_reported, median, percentile, table


def submit() -> str:
    import sky

    return sky.status(cluster_names=["bench-no-such-cluster"])


async def route(name: str) -> float:
    import sky
    from sky.client import sdk_async

    t0 = time.monotonic()
    request_id = await asyncio.to_thread(submit)
    if name == "sync get":
        await asyncio.to_thread(sky.get, request_id)
    elif name == "sync stream_and_get":
        await asyncio.to_thread(sky.stream_and_get, request_id, output_stream=io.StringIO())
    elif name == "async get":
        await sdk_async.get(request_id)
    else:
        await sdk_async.stream_and_get(request_id, output_stream=io.StringIO())
    return time.monotonic() - t0


ROUTES = ["sync get", "sync stream_and_get", "async get", "async stream_and_get"]


async def measure(rounds: int) -> None:
    await route("sync get")  # warm up: imports, connection
    times: dict[str, list[float]] = {r: [] for r in ROUTES}
    for i in range(rounds):
        for r in ROUTES[i % len(ROUTES):] + ROUTES[: i % len(ROUTES)]:
            times[r].append(await route(r))
    rows = [[r, f"{median(v) * 1000:.0f}", f"{percentile(v, 90) * 1000:.0f}", len(v)] for r, v in times.items()]
    print(table(["route", "median ms", "p90 ms", "n"], rows))


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--rounds", type=int, default=20)
    rounds = ap.parse_args().rounds
    with host_load_reported():
        asyncio.run(measure(rounds))


if __name__ == "__main__":
    main()
