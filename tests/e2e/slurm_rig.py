"""The fault scenarios of tests/faults.py on real SkyPilot and the local Slurm cluster:
SkyPilot's own queue (sky.queue) and request records (sky.api_status) are the evidence."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from faults import Evidence, Rig, add_big_file
from pipeline_helpers import pipeline_input, progress, seed_steps, wait_until
from slurm_helpers import SLURM_DIR, request_records, sky_clusters
from support import ROOT, make_git_repo

from skypilot_temporal.pipeline.plan import default_cluster_prefix

GIT = ["git", "-c", "user.email=tests@localhost", "-c", "user.name=tests"]


class SkyQueue(Evidence):
    """sky.queue of the run's clusters, polled about every second while the run goes
    on (a down removes the queue with its cluster). `paused` stops the polling while
    the API server is meant to be down: a SkyPilot client call would start one."""

    every = 1.0

    def __init__(self, prefix: str, clusters: list[str]) -> None:
        self.clusters = clusters
        self.scanning = False
        self.gone: set[str] = set()
        super().__init__(prefix)

    async def scan(self) -> None:
        import sky

        for cluster in self.clusters:
            if self.paused:
                return
            if cluster in self.gone:
                continue
            self.scanning = True
            try:
                records = await asyncio.to_thread(lambda c=cluster: sky.get(sky.queue(c, all_users=True)))
            except (sky.exceptions.ClusterDoesNotExist, sky.exceptions.ClusterNotUpError):
                if any(c == cluster for c, _ in self.log.jobs):
                    self.gone.add(cluster)  # it had a queue: downed (spare the API server)
                continue
            except Exception:  # noqa: BLE001 - a busy or restarting API server: look again
                continue
            finally:
                self.scanning = False
            for r in records:
                status = str(getattr(r["status"], "value", r["status"]))
                self.log.saw(cluster, str(r["job_id"]), r["job_name"], status)

    def cluster(self, short: str) -> str:
        return next(c for c in self.clusters if f"-{short}-" in c)


class SlurmRig(Rig):
    name = "slurm"
    table = "reliability_slurm"
    # Steps' heartbeat timeout here: the default is 60 s; a shorter one keeps the suite
    # shorter, and clone and down keep their fixed 30 s.
    heartbeat_s = 20
    run_limit = 900.0
    slow_scale = 5.0
    poll_s = 0.5

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Every request record seen, by id: an API server restart forgets its records.
        self._requests: dict[str, dict] = {}

    async def records(self, cluster: str) -> list[dict]:
        """SkyPilot's request records about `cluster`, including those seen before an
        API server restart."""
        for r in await request_records(cluster):
            self._requests[r["id"]] = {**r, "cluster": cluster}
        return sorted((r for r in self._requests.values() if r["cluster"] == cluster),
                      key=lambda r: r["created_at"])

    def repo(self, big: bool = False) -> Path:
        repo = make_git_repo(self.tmp_path / f"tasks-{uuid.uuid4().hex[:6]}", source=ROOT / "examples" / "slurm")
        # Knobs for how long preprocess and eval last (train has STEP_SECONDS).
        for name, knob in (("data_preprocessing.yaml", "PRE_SECONDS"), ("eval.yaml", "EVAL_SECONDS")):
            path = repo / name
            text = path.read_text()
            assert "run: |\n  set -euo pipefail\n" in text
            path.write_text(text.replace("run: |\n  set -euo pipefail\n",
                                         f'run: |\n  set -euo pipefail\n  sleep "${{{knob}:-0}}"\n', 1))
        import subprocess

        subprocess.run(GIT + ["commit", "-qam", "knobs"], cwd=repo, check=True)
        if big:
            add_big_file(repo)
        return repo

    def inputs(self, repo, slow=None, litter=(), heartbeat_s=None, **fields):
        slow = slow or {}
        envs = {"DATA_DIR": str(SLURM_DIR / "data" / f"e2e-{uuid.uuid4().hex[:8]}")}
        if "preprocess" in slow:
            envs["PRE_SECONDS"] = f"{slow['preprocess']:g}"
        if "train" in slow:
            # 2 epochs x 10 files, STEP_SECONDS each.
            envs["STEP_SECONDS"] = f"{slow['train'] / 20:g}"
        if "eval" in slow:
            envs["EVAL_SECONDS"] = f"{slow['eval']:g}"
        steps = fields.pop("steps", None) or seed_steps(heartbeat_s=heartbeat_s or self.heartbeat_s)
        url = fields.pop("repo_url", None) or (f"file://{repo}" if (repo / "big.bin").exists() else str(repo))
        return pipeline_input(repo, repo_url=url, envs_override={**envs, **fields.pop("envs_override", {})},
                              steps=steps, **fields)

    async def watch(self, handle):
        async def named() -> bool:
            return len((await progress(handle)).clusters) >= 1

        await wait_until(named, timeout=60)
        return SkyQueue(default_cluster_prefix(handle.id), list((await progress(handle)).clusters))

    def poll_interval(self, phase):
        return 0.02 if phase == "clone" else 0.5  # the others ask the API server

    async def reached(self, phase, handle, ev: SkyQueue, logs):
        verb, _, what = phase.partition(" ")
        if phase == "launch preprocess":
            # Provisioning: SkyPilot's launch request is running; no job yet.
            records = await request_records(ev.cluster("preprocess"))
            return any(r["name"] == "sky.launch" and r["status"] == "RUNNING" for r in records)
        if verb == "down":
            # The down activity began and SkyPilot is running its sky.down request.
            if not await super().reached(phase, handle, ev, logs):
                return False
            records = await request_records(ev.cluster(what))
            return any(r["name"] == "sky.down" and r["status"] == "RUNNING" for r in records)
        return await super().reached(phase, handle, ev, logs)

    async def clusters_left(self, handle, within=60.0):
        prefix = default_cluster_prefix(handle.id)
        deadline = time.monotonic() + within
        while (left := await sky_clusters(prefix)) and time.monotonic() < deadline:
            await asyncio.sleep(3)
        return left

    async def submissions(self, handle, ev: SkyQueue, launches=(1, 1)):
        counts = {}
        for short in ("preprocess", "train"):
            names = [r["name"] for r in await self.records(ev.cluster(short))]
            counts[short] = {n: names.count(n) for n in ("sky.launch", "sky.exec", "sky.down")}
        # One launch per cluster, one exec (eval), whatever the faults; downs may repeat.
        assert launches[0] <= counts["preprocess"]["sky.launch"] <= launches[1], counts
        assert counts["train"]["sky.launch"] == 1, counts
        assert counts["preprocess"]["sky.exec"] == 0 and counts["train"]["sky.exec"] == 1, counts
        assert counts["preprocess"]["sky.down"] >= 1 and counts["train"]["sky.down"] >= 1, counts
        return ("SkyPilot requests: " + ", ".join(
            f"{short} cluster " + " ".join(f"{n.split('.')[1]}×{k}" for n, k in c.items() if k)
            for short, c in counts.items()))

    async def job_stopped(self, handle, ev: SkyQueue, step):
        if not ev.statuses(step):
            return None  # no job yet: the launch request is what gets cancelled
        cluster = ev.cluster("train" if step == "eval" else step)
        done: list[dict] = []

        async def cancelled() -> bool:
            done[:] = [r for r in await request_records(cluster)
                       if r["name"] == "sky.cancel" and r["status"] == "SUCCEEDED" and r["finished_at"]]
            return bool(done)

        await wait_until(cancelled, timeout=120, every=0.5)
        # SkyPilot's own time of the cancel, on this test's clock.
        return time.monotonic() - (time.time() - done[0]["finished_at"])

    async def cancel_proof(self, handle, ev: SkyQueue, step):
        cluster = ev.cluster("train" if step == "eval" else step)
        records = await self.records(cluster)
        seen = [(r["name"], r["status"]) for r in records]
        # SkyPilot's own time for the cancel and the down (request created -> finished).
        took = {r["name"]: r["finished_at"] - r["created_at"] for r in records
                if r["name"] in ("sky.cancel", "sky.down") and r["finished_at"]}
        # (A cluster whose launch was cancelled early may not exist: its down fails so.)
        assert "sky.down" in [n for n, _ in seen], seen
        if ev.statuses(step):
            assert ("sky.cancel", "SUCCEEDED") in seen, seen
        else:
            # Cancelled while provisioning: the launch request itself (api_cancel).
            assert ("sky.launch", "CANCELLED") in seen, seen
        names = [n for n, _ in seen]
        assert names.count("sky.launch") == 1 and names.count("sky.exec") <= 1, seen
        jobs = "; ".join(" → ".join(s) for s in ev.statuses(step)) or "no job yet"
        short = ", ".join(f"{n} {st}" for n, st in seen if n in ("sky.launch", "sky.exec", "sky.cancel", "sky.down"))
        own = ", ".join(f"{n} {t:.1f} s" for n, t in took.items())
        return f"SkyPilot requests on its cluster: {short} (SkyPilot's own time: {own}); {step} job {jobs}"
