"""The default pipeline on real SkyPilot (the local Slurm cluster), three ways, alternated:

- `worker`: through a worker (skypilot executor) and a dev server, as users run it;
- `direct`: the floor: one plain Python script making the plainest SDK calls for each
  step in a row, as the Temporal + SkyPilot example's worker does (`sky.launch` /
  `sky.exec`, `sky.stream_and_get`, `sky.tail_logs(follow=True)`; `sky.down`,
  `sky.stream_and_get`; no autodown, no Temporal, no heartbeats);
- `noautodown`: through the worker with `launch.idle_minutes_to_autodown: -1` (no
  SkyPilot autodown: with it, SkyPilot refreshes a cluster's status from the
  infrastructure before every later request on it: exec, cancel, down);
- `ahead`: through the worker with `launch.provision_ahead` (train's cluster comes up
  while preprocess runs);
- `repair` and `rerun`, a pair: eval's task fails. `repair`: the run waits for its
  repair (`launch.wait_for_repair_minutes`), the fix is committed `--fix-seconds` later
  and the `retry` update sent; its wall is from the retry to the run's end. `rerun`: a
  new run of the fixed pipeline from scratch; its wall is that whole run.

Task YAMLs shaped like the reference's (preprocess writes 3 files, train 2 epochs x 3
files x 10 s, eval) are in bench/real_skypilot_tasks/. Reports per-step and wall
times, ratios to `direct`, the per-step overhead over the direct calls, the seconds of
each step outside SkyPilot's own requests (its records: created to finished), and the idle
cluster-seconds provisioning ahead cost.

    make slurm-up
    .venv/bin/python bench/real_skypilot.py [--rounds 3] [--modes worker,noautodown,direct,ahead]
    .venv/bin/python bench/real_skypilot.py --rounds 3 --modes repair,rerun
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import NamedTuple

from common import (
    activity_spans,
    bench_dir,
    bench_parser,
    connect,
    covered_seconds,
    dev_server,
    load,
    median,
    parse_args,
    table,
)
from pipeline_helpers import pipeline_input, progress, start
from support import WorkerProcess, make_git_repo, worker_env
from temporalio.client import Client

from skypilot_temporal.contract.names import (
    PHASE_CANCELLED,
    PHASE_COMPLETED,
    PHASE_FAILED,
    PHASE_TEARDOWN_FAILED,
    PHASE_WAITING_FOR_REPAIR,
    RETRY_UPDATE,
)
from skypilot_temporal.v1 import pipeline_pb2 as pb

TASKS = Path(__file__).parent / "real_skypilot_tasks"
DATA = Path(os.environ.get("LOCAL_SLURM_DIR", "/tmp/skypilot-temporal-slurm")) / "data"
STEPS = ["preprocess", "down preprocess", "train", "eval", "down train"]
# The activities that run a step's task, and how the report names them (a step's
# launch or exec is the step itself; provisioning ahead is a line of its own).
STEP_ACTIVITIES = {"run_sky_launch": "", "run_sky_exec": "", "run_sky_provision": "provision "}
# The parts of `repair` after the retry, as the report lists them.
REPAIR_PARTS = {"retry accepted": "retry accepted (clone again, check)", "eval": "eval (exec on the kept cluster)",
                "down train": "down train"}
GIT = ["git", "-c", "user.email=bench@localhost", "-c", "user.name=bench"]
ENDED = (PHASE_COMPLETED, PHASE_FAILED, PHASE_CANCELLED, PHASE_TEARDOWN_FAILED)
MODES = ("worker", "noautodown", "direct", "ahead", "repair", "rerun")


class Window(NamedTuple):
    """When one step (an activity, or the direct script's calls for it) ran, on what cluster."""

    step: str
    cluster: str
    start: float  # epoch seconds
    end: float


def outside_requests(windows: list[Window]) -> dict[str, float]:
    """For each step, the seconds of its window that no SkyPilot request about its
    cluster covered (SkyPilot's own records: created to finished). What a step spends
    outside SkyPilot's requests is the caller's overhead: Temporal's dispatch, the
    activity's own work, and the client's wait for a result already there. Measured
    within one run, so it does not carry the run-to-run spread of SkyPilot's steps."""
    import sky

    records: dict[str, list[tuple[float, float]]] = {}
    for cluster in {w.cluster for w in windows}:
        records[cluster] = [(r.created_at, r.finished_at) for r in sky.api_status(
            None, all_status=True, cluster_name=cluster) if r.cluster_name == cluster and r.finished_at]
    out = {}
    for w in windows:
        inside = [(max(a, w.start), min(b, w.end)) for a, b in records[w.cluster] if b > w.start and a < w.end]
        out[f"outside {w.step}"] = (w.end - w.start) - covered_seconds(inside)
    return out


def direct(run: str) -> dict[str, float]:
    """The floor: the plainest SDK calls for each step, one after another, as the
    Temporal + SkyPilot example's worker makes them (no autodown, no Temporal, no
    heartbeats): launch or exec, `sky.stream_and_get` of its request, then
    `sky.tail_logs(follow=True)` of its job; down, then `sky.stream_and_get`."""
    import sky

    data_dir = str(DATA / f"bench-direct-{run}")
    times: dict[str, float] = {}
    windows: list[Window] = []

    def task(name: str) -> sky.Task:
        t = sky.Task.from_yaml(str(TASKS / name))
        t.update_envs({"DATA_DIR": data_dir})
        return t

    def timed(label: str, fn) -> None:
        t0, began = time.monotonic(), time.time()
        fn()
        times[label] = time.monotonic() - t0
        cluster = pre if label.endswith("preprocess") else train
        windows.append(Window(label, cluster, began, time.time()))

    def follow(cluster: str, request_id: str) -> None:
        job_id, _ = sky.stream_and_get(request_id, output_stream=io.StringIO())
        code = sky.tail_logs(cluster, job_id, follow=True, output_stream=io.StringIO())
        if code != 0:
            raise RuntimeError(f"job {job_id} on {cluster} exited {code}")

    def down(cluster: str) -> None:
        sky.stream_and_get(sky.down(cluster), output_stream=io.StringIO())

    pre, train = f"bd-{run}-pre", f"bd-{run}-train"
    t0 = time.monotonic()
    timed("preprocess", lambda: follow(pre, sky.launch(task("data_preprocessing.yaml"), cluster_name=pre)))
    timed("down preprocess", lambda: down(pre))
    timed("train", lambda: follow(train, sky.launch(task("train.yaml"), cluster_name=train)))
    timed("eval", lambda: follow(train, sky.exec(task("eval.yaml"), cluster_name=train)))
    timed("down train", lambda: down(train))
    times["wall"] = time.monotonic() - t0
    times.update(outside_requests(windows))
    return times


async def through_worker(client: Client, queue: str, tmp: Path, run: str, mode: str) -> dict[str, float]:
    repo = make_git_repo(tmp / f"tasks-{run}", source=TASKS)
    inp = pipeline_input(repo, envs_override={"DATA_DIR": str(DATA / f"bench-worker-{run}")},
                         launch=pb.LaunchOptions(provision_ahead=mode == "ahead",
                                                 idle_minutes_to_autodown=-1 if mode == "noautodown" else 0))
    t0 = time.monotonic()
    handle = await start(client, inp, queue)
    result = await handle.result()
    times = {"wall": time.monotonic() - t0}
    for s in result.steps:
        times[f"idle {s.name}"] = s.idle_cluster_seconds
    times.update(await step_times(handle))
    return times


async def step_times(handle) -> dict[str, float]:
    """Each step's time is its SkyPilot activity's, from the history (scheduled to
    completed: what the run waits), as the floor's is its calls'. A step that failed
    has no completed activity: a repaired step's time is its run after the retry."""
    times: dict[str, float] = {}
    windows: list[Window] = []
    for span in activity_spans((await handle.fetch_history()).events):
        if span.name == "run_sky_down":
            cluster = json.loads(span.input)["cluster_name"]
            label = "down preprocess" if "-preprocess-" in cluster else "down train"
        elif span.name in STEP_ACTIVITIES:
            step_input = json.loads(span.input)
            cluster = step_input["cluster_name"]
            label = STEP_ACTIVITIES[span.name] + step_input["step"]
        else:
            continue
        times[label] = span.completed - span.scheduled
        windows.append(Window(label, cluster, span.scheduled, span.completed))
    times.update(await asyncio.to_thread(outside_requests, windows))
    return times


def broken_eval() -> str:
    """Eval's task with a bug in it, as a late failure has one: it exits non-zero."""
    text = (TASKS / "eval.yaml").read_text()
    line = 'test -s "$DATA_DIR/trained_model.txt"\n'
    assert line in text, "bench/real_skypilot_tasks/eval.yaml changed: break it another way"
    return text.replace(line, line + '  echo "NameError: accurcy" >&2\n  exit 3\n', 1)


async def repaired(client: Client, queue: str, tmp: Path, run: str, fix_seconds: float) -> dict[str, float]:
    """`repair`: eval fails and the run waits for its repair, keeping train's cluster;
    `fix_seconds` later (the fix being written) the fix is committed and retried."""
    repo = make_git_repo(tmp / f"tasks-{run}", source=TASKS, files={"eval.yaml": broken_eval()})
    inp = pipeline_input(repo, envs_override={"DATA_DIR": str(DATA / f"bench-repair-{run}")},
                         launch=pb.LaunchOptions(wait_for_repair_minutes=30))
    t0 = time.monotonic()
    handle = await start(client, inp, queue)
    while (p := await progress(handle)).phase != PHASE_WAITING_FOR_REPAIR:
        if p.phase in ENDED or time.monotonic() - t0 > 900:
            raise RuntimeError(f"run {handle.id} did not wait for a repair (phase {p.phase})")
        await asyncio.sleep(0.5)
    failed = time.monotonic()
    await asyncio.sleep(fix_seconds)
    shutil.copy(TASKS / "eval.yaml", repo / "eval.yaml")
    subprocess.run(GIT + ["commit", "-qam", "fix eval"], cwd=repo, check=True)
    retried = time.monotonic()
    await handle.execute_update(RETRY_UPDATE, pb.RetryRequest(requester="bench"), result_type=pb.RepairAnswer)
    accepted = time.monotonic()
    result = await handle.result()
    end = time.monotonic()
    if [s.status for s in result.steps] != ["SUCCEEDED"] * 3:
        raise RuntimeError(f"run {handle.id} after its retry: {[(s.name, s.status) for s in result.steps]}")
    times = {"wall": end - retried, "retry accepted": accepted - retried, "until waiting": failed - t0,
             "whole run": end - t0, "idle eval": result.steps[2].idle_cluster_seconds}
    times.update(await step_times(handle))
    return times


async def run(args: argparse.Namespace, tmp: Path, server) -> dict[str, list[dict[str, float]]]:
    queue = f"bench-sky-{uuid.uuid4().hex[:6]}"
    env = worker_env(server, tmp / "work", queue, SKYPILOT_TEMPORAL_EXECUTOR="skypilot")
    (tmp / "work").mkdir()
    worker = WorkerProcess(env, tmp / "worker.log").start()
    client = await connect(server)
    modes = args.modes.split(",")
    out: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    try:
        for r in range(args.rounds):
            for m in modes if r % 2 == 0 else list(reversed(modes)):
                run_id = f"{r}{m[0]}{uuid.uuid4().hex[:4]}"
                if m == "direct":
                    times = await asyncio.to_thread(direct, run_id)
                elif m == "repair":
                    times = await repaired(client, queue, tmp, run_id, args.fix_seconds)
                else:
                    times = await through_worker(client, queue, tmp, run_id, m)
                out[m].append(times)
                print(f"round {r + 1} {m}: {times['wall']:.1f}s (load {load()})", flush=True)
    finally:
        worker.stop()
    return out


def report(out: dict[str, list[dict[str, float]]]) -> None:
    def med(mode: str, key: str) -> float:
        values = [t[key] for t in out.get(mode, []) if key in t]
        return median(values) if values else float("nan")

    modes = list(out)
    rows = [[step] + [f"{med(m, step):.1f}" for m in modes] for step in STEPS + ["wall"]]
    print(table(["median s"] + modes, rows))
    if "direct" in out:
        base = med("direct", "wall")
        print()
        print(table(["mode", "wall s (each round)", "median", "vs direct"], [
            [m, " ".join(f"{t['wall']:.1f}" for t in out[m]), f"{med(m, 'wall'):.1f}", f"{med(m, 'wall') / base:.2f}x"]
            for m in modes]))
        if "worker" in out:
            print()
            print(table(["step", "worker - direct s (median)"],
                        [[s, f"{med('worker', s) - med('direct', s):+.2f}"] for s in STEPS]))
    print()
    print("Seconds of each step outside SkyPilot's requests (median; each round in brackets):")
    rows = []
    for step in STEPS + ["provision train"]:
        key = f"outside {step}"
        if any(key in t for m in modes for t in out[m]):
            rows.append([step] + [f"{med(m, key):.2f} [" + " ".join(f"{t[key]:.2f}" for t in out[m] if key in t) + "]"
                                  for m in modes])
    print(table(["step"] + modes, rows))
    if "ahead" in out:
        idle = " ".join(f"{t.get('idle train', 0):.1f}" for t in out["ahead"])
        print(f"\nidle cluster-seconds with provisioning ahead (train): {idle}")
    if "repair" in out and "rerun" in out:
        repair_report(out, med)


def repair_report(out: dict[str, list[dict[str, float]]], med) -> None:
    """The repair against the full rerun: the retry to the run's end, and its parts."""
    def each(mode: str, key: str) -> str:
        return " ".join(f"{t[key]:.1f}" for t in out[mode] if key in t)

    rows = [["repair: retry to the run's end", each("repair", "wall"), f"{med('repair', 'wall'):.1f}"]]
    rows += [[f"  {label}", each("repair", key), f"{med('repair', key):.1f}"] for key, label in REPAIR_PARTS.items()]
    rows += [["rerun: the whole run", each("rerun", "wall"), f"{med('rerun', 'wall'):.1f}"],
             ["repair: start to the wait (not in its wall)", each("repair", "until waiting"),
              f"{med('repair', 'until waiting'):.1f}"]]
    print()
    print(table(["scenario", "s (each round)", "median s"], rows))
    print(f"\nrepair / rerun: {med('repair', 'wall') / med('rerun', 'wall'):.2f}x (medians; target <= 0.25x)")


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--modes", default="worker,noautodown,direct,ahead",
                    help=f"comma-separated, of: {', '.join(MODES)}")
    ap.add_argument("--fix-seconds", type=float, default=20.0,
                    help="repair: seconds from the run's wait to the fix's commit (the fix being written)")
    ap.add_argument("--json", help="also write the raw times here")
    args = parse_args(ap, worker_env=False)
    unknown = [m for m in args.modes.split(",") if m not in MODES]
    if unknown:
        ap.error(f"--modes: {', '.join(map(repr, unknown))} not allowed; the modes are {', '.join(MODES)}")
    os.environ.setdefault("SKYPILOT_DISABLE_USAGE_COLLECTION", "1")
    with bench_dir(args.keep_logs, prefix="skypilot-temporal-bench-sky-") as tmp, dev_server(tmp) as server:
        out = asyncio.run(run(args, tmp, server))
    report(out)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
