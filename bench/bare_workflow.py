"""The floor to compare the pipeline with: a plain temporalio workflow of the same shape
(six activities: clone, launch, down while the next launch runs, launch, exec, down)
whose activities only sleep, run by a plain temporalio worker on its own task queue.
No git, no YAML, no jobs, no heartbeats: what Temporal itself costs for the same work.

Run by many_pipelines.py as a second worker process:

    python -c "import bare_workflow; bare_workflow.main()" --address HOST:PORT --task-queue Q
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

WORKFLOW = "BareSleepWorkflow"
QUERY = "progress"


@activity.defn(name="bare_sleep")
async def bare_sleep(seconds: float) -> float:
    await asyncio.sleep(seconds)
    return seconds


@workflow.defn(name=WORKFLOW)
class BareSleepWorkflow:
    """`sleeps`: seconds for clone, launch 1, down 1, launch 2, exec, down 2."""

    def __init__(self) -> None:
        self._done = 0

    @workflow.query(name=QUERY)
    def progress(self) -> int:
        return self._done

    async def _step(self, seconds: float) -> None:
        await workflow.execute_activity(
            bare_sleep, seconds, start_to_close_timeout=timedelta(minutes=10)
        )
        self._done += 1

    @workflow.run
    async def run(self, sleeps: list[float]) -> int:
        clone, launch1, down1, launch2, exec_, down2 = sleeps
        await self._step(clone)
        await self._step(launch1)
        # As the pipeline does: the first cluster goes down while the next launch runs.
        down = asyncio.ensure_future(self._step(down1))
        await self._step(launch2)
        await self._step(exec_)
        await down
        await self._step(down2)
        return self._done


async def serve(args: argparse.Namespace) -> None:
    client = await Client.connect(args.address)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=[BareSleepWorkflow],
        activities=[bare_sleep],
        max_concurrent_activities=args.max_concurrent_activities,
        graceful_shutdown_timeout=timedelta(seconds=5),
    )
    async with worker:
        print("bare worker ready", flush=True)
        await stop.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--address", required=True, help="Temporal frontend, host:port")
    ap.add_argument("--task-queue", required=True)
    ap.add_argument("--max-concurrent-activities", type=int, default=200,
                    help="as the pipeline worker's SKYPILOT_TEMPORAL_MAX_CONCURRENT_ACTIVITIES")
    asyncio.run(serve(ap.parse_args()))


if __name__ == "__main__":
    main()
