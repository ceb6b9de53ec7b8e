"""Starter latency against a warm local-executor worker, default pipeline.

For each starter (Python entry point, `go run ./go-starter`, a prebuilt Go binary,
`npx ts-node ts-starter/start.ts`): the time from invoking it to its exit, once
following the run to its printed result and once with --no-wait (start only).
`workflow s` is the run's own duration (server start to close time), so
`wall - workflow` is what the starter itself costs. Every run's exit code must be 0
and a following run must print the full result (3 SUCCEEDED steps, clusters downed).

    .venv/bin/python bench/starter_latency.py [--repeat 3] [--seconds-per-file 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import time
import uuid

from common import ROOT, VENV_BIN, add_seconds_per_file, bench_parser, median, parse_args, run_on_stack, table


def starters(go_binary: str) -> dict[str, list[str]]:
    return {
        "python": [str(VENV_BIN / "skypilot-temporal-start")],
        "go run": ["go", "run", "./go-starter"],
        "go binary": [go_binary],
        "ts-node": ["npx", "ts-node", "ts-starter/start.ts"],
    }


def run_starter(argv: list[str], env: dict[str, str], timeout: float) -> tuple[float, int, str]:
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired as err:  # subprocess.run kills it by PID
        return time.monotonic() - t0, -1, str(err.stdout or "")
    return time.monotonic() - t0, proc.returncode, proc.stdout + proc.stderr


def full_result(output: str) -> bool:
    return ("workflow completed: 3 steps" in output and output.count("status=SUCCEEDED") == 3
            and "clusters downed:" in output)


async def workflow_seconds(client, workflow_id: str, timeout: float) -> float:
    """Waits for the run to end (a --no-wait run keeps going) and returns its duration;
    NaN if it failed or did not end in time."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        await asyncio.wait_for(handle.result(), timeout)
    except Exception as err:  # noqa: BLE001 - reported, then the next run goes on
        print(f"  {workflow_id}: {type(err).__name__}: {err}")
        return float("nan")
    d = await handle.describe()
    return (d.close_time - d.start_time).total_seconds()


async def run(stack, args: argparse.Namespace) -> None:
    client = await stack.client()
    go_binary = str(stack.tmp / "go-starter")
    t0 = time.monotonic()
    subprocess.run(["go", "build", "-o", go_binary, "./go-starter"], cwd=ROOT, check=True)
    print(f"go build: {time.monotonic() - t0:.2f}s")
    env = stack.env()
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
    first: dict[tuple[str, str], float] = {}
    bad: dict[tuple[str, str], int] = {}
    # Round 0 is a warm-up (build caches, page cache), reported apart.
    for rep in range(args.repeat + 1):
        for name, argv in starters(go_binary).items():
            for mode in ("result", "no-wait"):
                key = (name, mode)
                cmd = argv + ["--repo", str(stack.repo),
                              "--env", f"DATA_BUCKET_NAME=b-{uuid.uuid4().hex[:8]}",
                              "--env", f"SECONDS_PER_FILE={args.seconds_per_file:g}"]
                cmd += ["--no-wait"] if mode == "no-wait" else []
                wall, code, out = run_starter(cmd, env, args.timeout)
                ok = code == 0 and (mode == "no-wait" or full_result(out))
                if not ok:
                    bad[key] = bad.get(key, 0) + 1
                    print(f"  {name} {mode}: exit {code}\n{out[-2000:]}")
                found = re.search(r"^workflow id: (\S+)", out, re.M)
                wf_s = await workflow_seconds(client, found.group(1), args.timeout) if found else float("nan")
                if rep == 0:
                    first[key] = wall
                else:
                    samples.setdefault(key, []).append((wall, wf_s))
        print(f"  round {rep} done{' (warm-up)' if rep == 0 else ''}", flush=True)

    rows = []
    for key, runs in samples.items():
        walls = [w for w, _ in runs]
        row = [key[0], key[1], len(runs), f"{first[key]:.2f}", f"{min(walls):.2f}",
               f"{median(walls):.2f}", f"{max(walls):.2f}"]
        if key[1] == "result":
            row += [f"{median([f for _, f in runs]):.2f}", f"{median([w - f for w, f in runs]):.2f}"]
        else:
            row += ["-", "-"]
        rows.append(row + [bad.get(key, 0)])
    print()
    print(table(["starter", "mode", "runs", "warm-up s", "min s", "median s", "max s",
                 "workflow s", "wall-workflow s", "bad exits"], rows))
    print(f"bad exit codes or missing results, warm-up included: {sum(bad.values())}")


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--repeat", type=int, default=3, help="measured runs per starter and mode")
    add_seconds_per_file(ap, 0.2)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per run")
    run_on_stack(run, parse_args(ap))


if __name__ == "__main__":
    main()
