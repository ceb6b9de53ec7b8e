"""The pipeline's six activities alone: their CPU per pipeline, with no Temporal
server and no SDK worker around them.

Runs them in this process through temporalio's ActivityEnvironment, one pipeline after
another (clone, launch, down, launch, exec, down), on the local executor with the
worker's parser processes and the example's three sleep-only tasks. What the worker
spends beyond this is the SDK's own work (compare the bare worker in
many_pipelines.py). Prints the process's CPU per pipeline (every thread: the loop and
the file work it hands to threads; not the parser processes, nor the job processes)
and the loop thread's CPU per activity type.

    .venv/bin/python bench/activities_in_process.py [--runs 20]
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import SLEEP_ONLY_TASKS, bench_dir, bench_parser, make_git_repo, parse_args
from temporalio.testing import ActivityEnvironment

from skypilot_temporal.activities.pipeline_activities import PipelineActivities
from skypilot_temporal.config.settings import Settings
from skypilot_temporal.contract.activity_types import CloneInput, DownInput, StepInput
from skypilot_temporal.tasks.housekeeping import InUse
from skypilot_temporal.tasks.parser_pool import ParserPool
from skypilot_temporal.worker import make_executor


class Pipeline:
    """The default pipeline's activities, called as the workflow would call them."""

    def __init__(self, acts: PipelineActivities, repo: Path) -> None:
        self.acts = acts
        self.repo = repo
        # Loop-thread CPU seconds by activity type.
        self.loop_s: dict[str, float] = defaultdict(float)

    async def _call(self, name: str, fn, arg):
        t0 = time.thread_time()
        try:
            return await ActivityEnvironment().run(fn, arg)
        finally:
            self.loop_s[name] += time.thread_time() - t0

    async def run(self, i: int) -> None:
        key = f"r{i}-{uuid.uuid4().hex[:6]}"
        envs = {"DATA_BUCKET_NAME": f"b-{key}", "TRAIN_SECONDS": "0"}
        acts = self.acts
        clone = await self._call("clone", acts.run_git_clone, CloneInput(
            repo_url=str(self.repo), branch="", steps=None, run_key=key, envs_override=envs))

        def step(name: str, task_yaml: str, cluster: str) -> StepInput:
            return StepInput(step=name, cluster_name=cluster, job_name=f"{key}-{name}",
                             task_yaml=task_yaml, repo_url=str(self.repo), branch="",
                             commit=clone.commit, run_key=key, envs_override=envs,
                             secret_env_names=[])

        await self._call("launch", acts.run_sky_launch, step("preprocess", "data_preprocessing.yaml", f"{key}-a"))
        await self._call("down", acts.run_sky_down, DownInput(cluster_name=f"{key}-a"))
        await self._call("launch", acts.run_sky_launch, step("train", "train.yaml", f"{key}-b"))
        await self._call("exec", acts.run_sky_exec, step("eval", "eval.yaml", f"{key}-b"))
        await self._call("down", acts.run_sky_down, DownInput(cluster_name=f"{key}-b", release_run_key=key))


async def measure(pipeline: Pipeline, runs: int) -> None:
    # As the worker: file work goes to a pool of its own, not the loop's small default.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=64))
    await pipeline.run(-1)  # warm: imports, caches, the agent
    pipeline.loop_s.clear()
    t0 = time.process_time()
    for i in range(runs):
        await pipeline.run(i)
    per_run = 1000 * (time.process_time() - t0) / runs
    print(f"{runs} pipelines, one after another: {per_run:.1f} ms of CPU per pipeline "
          "(this process, all threads)")
    loop = {k: round(1000 * v / runs, 1) for k, v in pipeline.loop_s.items()}
    print(f"on the loop thread, ms per pipeline: {loop} (total {sum(loop.values()):.1f})")


def main() -> None:
    ap = bench_parser(__doc__)
    ap.add_argument("--runs", type=int, default=20)
    args = parse_args(ap, worker_env=False)
    # bench_dir stops what is left under it at the end: the local agent, which would idle a minute.
    with bench_dir(args.keep_logs) as tmp:
        # The activities log as in the worker (INFO, its format), to a file.
        logging.basicConfig(level=logging.INFO, filename=tmp / "activities.log", force=True,
                            format="%(asctime)s %(levelname)s %(name)s %(message)s")
        parsers = ParserPool(2)
        try:
            (tmp / "work").mkdir()
            repo = make_git_repo(tmp / "tasks", files=SLEEP_ONLY_TASKS)
            settings = Settings.from_env({
                **os.environ, "SKYPILOT_TEMPORAL_EXECUTOR": "local",
                "SKYPILOT_TEMPORAL_WORK_DIR": str(tmp / "work"), "SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS": "1",
            })
            # Forked now, while this process has one thread, as the worker does.
            parsers.start()
            executor, endpoint = make_executor(settings)
            acts = PipelineActivities(settings, executor, endpoint, InUse(), parsers)
            asyncio.run(measure(Pipeline(acts, repo), args.runs))
        finally:
            parsers.close()


if __name__ == "__main__":
    main()
