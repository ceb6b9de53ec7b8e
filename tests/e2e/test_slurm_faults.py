"""The fault matrix on real SkyPilot and the local Slurm cluster (docs/reliability.md).

The same scenarios as the local-executor ones (tests/faults.py), observed through
SkyPilot's own queue and request records, plus the faults only a real SkyPilot has:
its API server down for a minute, and its autodown with no worker left. Minutes each:
marked `slow`, run by `make e2e` (not `make test`).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
import urllib.request

import pytest
from faults import (
    ONE_JOB_EACH,
    PHASES,
    STEPS,
    activity_labels,
    cancel_during,
    cancel_under_load,
    freeze_one_of_two,
    jobs_text,
    kill_one_of_two,
    kill_temporal_during_training,
    kill_worker_during,
    record_row,
    retried,
)
from pipeline_helpers import wait_until
from slurm_helpers import SLURM_DIR, request_records
from support import ROOT, VENV_BIN

from skypilot_temporal.v1 import pipeline_pb2 as pb

pytestmark = [pytest.mark.slurm, pytest.mark.slow]
API_HEALTH = "http://127.0.0.1:46580/api/health"


@pytest.mark.parametrize("phase", PHASES)
async def test_worker_killed_inside_each_activity_restarts_and_completes(slurm_rig, phase):
    await kill_worker_during(slurm_rig, phase)


async def test_worker_killed_for_good_the_other_takes_over_the_job(slurm_rig):
    await kill_one_of_two(slurm_rig)


async def test_stalled_worker_resuming_does_not_cancel_the_reattached_job(slurm_rig):
    await freeze_one_of_two(slurm_rig)


async def test_temporal_server_killed_during_training_run_completes(slurm_rig):
    await kill_temporal_during_training(slurm_rig)


@pytest.mark.parametrize("when", ["launch", "exec", "double"])
async def test_cancel_cancels_the_job_or_launch_and_leaves_no_cluster(slurm_rig, when):
    # (During training: tests/e2e/test_slurm_pipeline.py, kept in `make test`.)
    await cancel_during(slurm_rig, when)


async def test_cancel_among_busy_runs_with_one_sdk_thread_is_not_starved(slurm_rig):
    await cancel_under_load(slurm_rig, runs=3, train_s=300, SKYPILOT_TEMPORAL_SDK_THREADS="1")


def _api_up() -> bool:
    try:
        with urllib.request.urlopen(API_HEALTH, timeout=3) as r:
            return r.status == 200
    except OSError:
        return False


def _sky_api(*args: str) -> None:
    subprocess.run([str(VENV_BIN / "sky"), "api", *args], check=True, capture_output=True, timeout=120)


def _up() -> None:
    subprocess.run([str(ROOT / "tests" / "infra" / "slurm" / "up.sh")], check=True, capture_output=True,
                   timeout=300, env={**os.environ, "SKY_VENV": str(VENV_BIN.parent)})


@pytest.mark.parametrize("during", ["training", "launch"])
async def test_api_server_stopped_for_a_minute(slurm_rig, during):
    rig = slurm_rig
    worker = await rig.worker()
    handle = await rig.start(rig.inputs(rig.repo(), slow={"train": 200 if during == "training" else 10}))
    ev = await rig.watch(handle)
    stopped = False
    try:
        if during == "training":
            await wait_until(lambda: ev.status("train") == "RUNNING", timeout=rig.run_limit, every=0.5)
        else:
            await wait_until(lambda: rig.reached("launch preprocess", handle, ev, ""), timeout=rig.run_limit,
                             every=0.5)
        # No SkyPilot call from this test while the server is down: a client would start one.
        ev.paused = True
        await wait_until(lambda: not ev.scanning, timeout=60)
        for short in ("preprocess", "train"):
            await rig.records(ev.cluster(short))  # a restarted API server forgets them
        mark = len(worker.log())
        fault = time.monotonic()
        stopped = True
        await asyncio.to_thread(_sky_api, "stop")
        assert not _api_up()
        await asyncio.sleep(60)
        started_by_someone = _api_up()
        if started_by_someone:
            await asyncio.to_thread(_sky_api, "stop")  # up.sh restores the real one
        await asyncio.to_thread(_up)
        stopped = False
        up = time.monotonic()
        assert not started_by_someone, "a SkyPilot API server was started while it was meant to be down"
        ev.paused = False
        if during == "training":
            # The worker follows the job again: its output reaches the worker log anew
            # ("[run train cluster] | (cluster, pid=N) epoch 1/2: file_3 ...").
            again = re.compile(r"\] \| .*epoch \d+/\d+")
        else:
            # The launch step's next attempt, on the server that is back.
            again = re.compile(rf"\[{re.escape(handle.id)} preprocess [^\]]*\] .*\(attempt \d+\)")
        await wait_until(lambda: bool(again.search(worker.log()[mark:])), timeout=rig.run_limit, every=0.5)
        back = time.monotonic()
        result = await asyncio.wait_for(handle.result(), rig.run_limit)
        closed = time.monotonic()
    finally:
        if stopped:
            await asyncio.to_thread(_up)
        ev.paused = False
        await ev.stop()
    labels = await activity_labels(handle)
    left = await rig.clusters_left(handle, within=0)
    # A launch request the stopped server was running is gone: the step sends it again.
    sent = await rig.submissions(handle, ev, launches=(1, 2) if during == "launch" else (1, 1))
    assert [(s.name, s.status) for s in result.steps] == [(s, "SUCCEEDED") for s in STEPS]
    assert ev.jobs() == ONE_JOB_EACH, ev.jobs()
    assert left == []
    reconnects = worker.log()[mark:].count("reconnecting")
    what = "job output streamed again" if during == "training" else "the launch step's next attempt began"
    record_row(rig.table, f"SkyPilot API server stopped for 60 s during {during} (sky api stop; up.sh)",
               outcome="completed", recovered_s=back - fault,
               recovered=f"{what} ({back - up:.1f} s after the server was back up)",
               closed_s=closed - fault, clusters_left=len(left), jobs=jobs_text(ev.jobs()),
               notes=f"{retried(labels)}; the worker re-opened the job's log stream {reconnects} times "
                     f"while the server was down; {sent}")


async def test_autodown_downs_the_cluster_when_no_worker_is_left(slurm_rig):
    rig = slurm_rig
    worker = await rig.worker()
    repo = rig.repo()
    steps = [pb.PipelineStep(name="train", task_yaml="train.yaml", kind=pb.STEP_KIND_LAUNCH,
                             heartbeat_timeout_seconds=rig.heartbeat_s)]
    inp = rig.inputs(repo, slow={"train": 20}, steps=steps, launch=pb.LaunchOptions(idle_minutes_to_autodown=1))
    # Training data in the run's shared directory (no preprocess step here).
    data_dir = SLURM_DIR / "data" / inp.envs_override["DATA_DIR"].rsplit("/", 1)[1]
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o777)  # the job runs as the cluster's user and writes its model there
    for i in range(10):
        (data_dir / f"file_{i}").write_bytes(os.urandom(4096))
    handle = await rig.start(inp)
    ev = await rig.watch(handle)
    try:
        await wait_until(lambda: ev.status("train") == "RUNNING", timeout=rig.run_limit, every=0.5)
        # Killed while the job runs, so that no worker is there when it ends (killed
        # after the end, the worker could already have sent its own down).
        worker.kill()
        killed = time.monotonic()
        ends = ("SUCCEEDED", "FAILED", "FAILED_SETUP", "FAILED_DRIVER", "CANCELLED")
        await wait_until(lambda: ev.status("train") in ends, timeout=300, every=0.5)
        assert ev.status("train") == "SUCCEEDED", ev.statuses("train")
        ended = ev.seen_at("train", "SUCCEEDED")
        assert ended is not None
    finally:
        await ev.stop()
    cluster = ev.cluster("train")
    try:
        # SkyPilot's autodown: idle for a minute, then its skylet downs the cluster.
        left = await rig.clusters_left(handle, within=600)
        gone = time.monotonic()
    finally:
        await handle.terminate("no worker left")
    names = [r["name"] for r in await request_records(cluster)]
    assert left == []
    assert "sky.down" not in names, names  # no worker downed it: SkyPilot did
    record_row(rig.table, "autodown, idle_minutes_to_autodown=1: worker SIGKILLed while training, never restarted",
               outcome="cluster downed by SkyPilot's autodown; run terminated afterwards",
               recovered_s=gone - killed, recovered="no cluster left (sky status --refresh)",
               clusters_left=len(left), jobs=f"train {ev.jobs().get('train', 0)}",
               notes=f"the job ended {ended - killed:.1f} s after the kill; cluster gone {gone - ended:.1f} s "
                     f"after the job ended (SkyPilot checks idleness once a minute); no sky.down request")
