"""Sweeps of N branches (train, then eval on the branch's cluster, then select) on ONE
local-executor worker.

For each N: wall time and its ratio to one branch, worker CPU and peak RSS, dev
server CPU, history events (the run's own, per branch, and the branches' own) and the
run's history size against Temporal's warning limits (10,240 events, 10 MiB), and
whether the winner is right.

    .venv/bin/python bench/sweeps.py [--n 1,8,64,500] [--sleep 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from common import bench_parser, counts, cpu_seconds, parse_args, proc_status_kib, run_on_stack, seconds, table
from pipeline_helpers import pipeline_input, start
from support import make_git_repo

from skypilot_temporal.contract.names import BRANCH_WORKFLOW_TYPE

# Temporal's defaults: past these the server logs a warning for the workflow.
WARN_EVENTS = 10_240
WARN_BYTES = 10 * 1024 * 1024

TRAIN = """name: train
resources: {cpus: 1+}
envs: {I: "0", SLEEP: "1"}
run: |
  set -euo pipefail
  sleep "$SLEEP"
  echo "model $I" > ~/model.txt
"""
EVAL = """name: eval
resources: {cpus: 1+}
envs: {I: "0", N: "1"}
run: |
  set -euo pipefail
  test "$(cat ~/model.txt)" = "model $I"
  echo "SKYPILOT_TEMPORAL_METRIC accuracy=$(awk -v i="$I" -v n="$N" 'BEGIN { printf "%.6f", (i + 1) / n }')"
"""


def pipeline(n: int) -> str:
    values = ", ".join(f'"{i}"' for i in range(n))
    return f"""steps:
  - name: train
    task_yaml: train.yaml
    sweep: {{matrix: {{I: [{values}]}}}}
  - {{name: eval, kind: exec, cluster: train, task_yaml: eval.yaml, needs: [train]}}
  - {{name: best, kind: select, select: {{metric: accuracy}}, needs: [eval]}}
"""


async def events_of(client, workflow_id: str, run_id: str | None = None) -> tuple[int, int]:
    history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    return len(history.events), sum(e.ByteSize() for e in history.events)


async def one_sweep(client, stack, n: int, sleep: float, timeout: float) -> dict:
    repo = make_git_repo(stack.tmp / f"sweep-{n}-{uuid.uuid4().hex[:6]}",
                         files={"pipeline.yaml": pipeline(n), "train.yaml": TRAIN, "eval.yaml": EVAL})
    server_pid = stack.server.proc.pid
    cpu0, srv0 = cpu_seconds(stack.worker_pid), cpu_seconds(server_pid)
    t0 = time.monotonic()
    inp = pipeline_input(repo, envs_override={"SLEEP": f"{sleep:g}", "N": str(n)})
    handle = await start(client, inp, stack.task_queue)
    result = await asyncio.wait_for(handle.result(), timeout)
    wall = time.monotonic() - t0
    cpu1, srv1 = cpu_seconds(stack.worker_pid), cpu_seconds(server_pid)
    events, size = await events_of(client, handle.id)
    child_events = 0
    async for wf in client.list_workflows(f"WorkflowType='{BRANCH_WORKFLOW_TYPE}' AND ParentWorkflowId='{handle.id}'"):
        child_events += (await events_of(client, wf.id, wf.run_id))[0]
    winner = next(s for s in result.steps if s.name == "best").branch
    return {
        "wall": wall, "worker_cpu": cpu1 - cpu0, "server_cpu": srv1 - srv0,
        "events": events, "bytes": size, "child_events": child_events,
        "ok": winner.startswith(f"{n - 1} ") and sum(s.name == "eval" for s in result.steps) == n,
    }


async def run(stack, args: argparse.Namespace) -> None:
    client = await stack.client()
    rows, base = [], None
    for n in args.n:
        r = await one_sweep(client, stack, n, args.sleep, args.timeout)
        base = base or r["wall"]
        rss = proc_status_kib(stack.worker_pid, "VmHWM") / 1024
        rows.append([
            n, f"{r['wall']:.1f}", f"{r['wall'] / base:.1f}x", f"{r['worker_cpu']:.1f}",
            f"{1000 * r['worker_cpu'] / n:.0f}", f"{r['server_cpu']:.1f}", f"{rss:.0f}",
            r["events"], f"{r['events'] / n:.1f}", f"{r['child_events'] / n:.1f}",
            f"{r['bytes'] / 1024:.0f}",
            "no" if r["events"] < WARN_EVENTS and r["bytes"] < WARN_BYTES else "YES",
            "yes" if r["ok"] else "NO",
        ])
        print(f"  N={n}: {r['wall']:.1f}s", flush=True)
    print()
    print(table(["branches", "wall s", "vs first", "worker CPU s", "worker CPU ms/branch",
                 "server CPU s", "worker VmHWM MiB", "run events", "run events/branch",
                 "branch events/branch", "run history KiB", "over warn limits", "winner right"], rows))


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--n", type=counts, default="1,8,64,500", help="comma-separated branch counts")
    ap.add_argument("--sleep", type=seconds, default=1.0, help="seconds each branch's training sleeps")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per sweep")
    run_on_stack(run, parse_args(ap))


if __name__ == "__main__":
    main()
