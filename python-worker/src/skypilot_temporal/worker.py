"""What `make worker` runs: the SkyPilotWorkflow worker on its task queue."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from skypilot_temporal.activities.notify import Notifier
from skypilot_temporal.activities.origin import OriginReader
from skypilot_temporal.activities.pipeline_activities import PipelineActivities
from skypilot_temporal.activities.placement import work_dir_queue
from skypilot_temporal.activities.quota_activities import QuotaActivities
from skypilot_temporal.config.credential_files import credential_files
from skypilot_temporal.config.settings import ConfigError, Settings
from skypilot_temporal.config.team_quotas import quota_teams
from skypilot_temporal.config.temporal_connection import ConnectFailed, connect
from skypilot_temporal.executors.base import Executor
from skypilot_temporal.ops import telemetry, tracing
from skypilot_temporal.tasks.housekeeping import Housekeeper, InUse
from skypilot_temporal.tasks.parser_pool import ParserPool
from skypilot_temporal.workflows.branch import SkyPilotBranchWorkflow
from skypilot_temporal.workflows.quota import TeamQuotaWorkflow
from skypilot_temporal.workflows.run import SkyPilotWorkflow

log = logging.getLogger("skypilot_temporal.worker")
# Running activities get this long to finish when the worker stops; the whole drain
# gets DRAIN_LIMIT_S. A workflow the SDK cannot evict (temporalio 1.34: a run
# terminated while its step's activity is still cancelling) would hold the drain forever.
GRACEFUL_S = 10
DRAIN_LIMIT_S = GRACEFUL_S + 15


def make_executor(settings: Settings) -> tuple[Executor, str]:
    """The executor and the SkyPilot endpoint it talks to ("" for local)."""
    if settings.executor == "local":
        from skypilot_temporal.executors.local.executor import LocalExecutor

        # Tasks never see the work dir (other runs' clusters, buckets, checkouts), the
        # worker's HOME (SkyPilot and SSH credentials), the files holding its own
        # settings and credentials, nor what the operator names.
        for path in settings.local_hide:
            if not os.path.lexists(path):
                log.warning("SKYPILOT_TEMPORAL_LOCAL_HIDE: %s does not exist (nothing to hide)", path)
        executor = LocalExecutor(
            settings.work_dir / "local",
            hide=(settings.work_dir, Path.home(), *settings.local_hide,
                  *credential_files(settings.environ, settings.env_file)),
            network=settings.local_task_network,
            trusted=settings.local_trusted_tasks,
        )
        return executor, ""
    from sky.server import common as sky_server

    from skypilot_temporal.executors.skypilot.executor import SkyPilotExecutor

    return SkyPilotExecutor(settings.sdk_threads), sky_server.get_server_url()


def workflow_runner(sandboxed: bool = True) -> WorkflowRunner:
    """Temporal's sandbox guards workflow code against non-deterministic calls. The
    only workflow code this worker runs is its own (a pipeline is data, never code),
    and the sandbox costs about 13 ms of worker CPU per pipeline (docs/benchmarks.md,
    "Many pipelines beside bare Temporal workflows"), a sixth of all the worker spends:
    by default the workflows run unsandboxed, and the tests replay their histories in
    the sandbox (tests/worker/test_replay.py), so a non-deterministic call still fails.
    SKYPILOT_TEMPORAL_WORKFLOW_SANDBOX=1 turns it on in the worker."""
    if not sandboxed:
        return UnsandboxedWorkflowRunner()
    # Generated proto modules are deterministic; share them with the sandbox so the
    # proto symbol database (used to decode json/protobuf) is the worker's own.
    # OpenTelemetry's context must be the worker's too, for the tracing interceptor.
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            "skypilot_temporal.v1", "google.protobuf", "opentelemetry"
        )
    )


def build_workers(
    client: Client, settings: Settings, parsers: ParserPool | None = None
) -> tuple[list[Worker], Housekeeper]:
    """The worker of the task queue (workflows and activities) and, on the local
    executor, one more for the queue of its work dir (activities only; placement.py)."""
    executor, endpoint = make_executor(settings)
    in_use = InUse()
    placement = ""
    if settings.executor == "local":
        placement = work_dir_queue(settings.task_queue, settings.work_dir / "local")
    activities = PipelineActivities(settings, executor, endpoint, in_use, parsers, placement)
    notifier = Notifier(settings)
    origins = OriginReader(client)
    quotas = QuotaActivities()
    housekeeper = Housekeeper(
        settings.work_dir, client, in_use,
        every_s=settings.housekeeping_seconds,
        max_idle_s=settings.max_idle_seconds,
        max_bytes=settings.max_work_dir_bytes,
        prune_executor=executor.prune,
        executor_runs=executor.run_keys,
        clusters_up=executor.clusters_up,
    )
    throttle = timedelta(seconds=settings.heartbeat_throttle_seconds)

    def worker(task_queue: str, workflows: Sequence[type]) -> Worker:
        return Worker(
            client,
            task_queue=task_queue,
            workflows=workflows,
            workflow_runner=workflow_runner(settings.workflow_sandbox),
            activities=[*activities.all(), notifier.run_notify, origins.run_read_origin, *quotas.all()],
            max_concurrent_activities=settings.max_concurrent_activities,
            graceful_shutdown_timeout=timedelta(seconds=GRACEFUL_S),
            # Cancellation reaches an activity only with a heartbeat response: send them
            # often (the SDK would otherwise wait up to 0.8 x the heartbeat timeout).
            max_heartbeat_throttle_interval=throttle,
            default_heartbeat_throttle_interval=throttle,
        )

    workers = [worker(settings.task_queue, [SkyPilotWorkflow, SkyPilotBranchWorkflow, TeamQuotaWorkflow])]
    if placement:
        # Every activity, not only the ones runs send here: a run that began before
        # this worker had the queue still finds its activities on the run's queue.
        workers.append(worker(placement, []))
    return workers, housekeeper


def _wait_children_on_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Python 3.11 waits for each subprocess the loop starts (git) in a thread of its
    own; with a pidfd the loop itself learns that it ended. Python 3.12 does this by
    itself where the kernel has pidfds, as this does only where it has them."""
    if sys.version_info >= (3, 12) or not hasattr(os, "pidfd_open"):
        return
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return  # a kernel before 5.3, or pidfds not allowed here
    watcher = asyncio.PidfdChildWatcher()
    watcher.attach_loop(loop)
    asyncio.get_event_loop_policy().set_child_watcher(watcher)


async def serve(settings: Settings, parsers: ParserPool | None = None) -> None:
    loop = asyncio.get_running_loop()
    # asyncio.to_thread (file copies, YAML reads) must not queue behind a small pool.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=settings.sdk_threads))
    _wait_children_on_loop(loop)
    client = await connect(
        settings.environ,
        interceptors=tracing.worker_interceptors(settings.environ),
        runtime=telemetry.runtime(settings.environ),
    )
    workers, housekeeper = build_workers(client, settings, parsers)
    telemetry.export_zeros(client.namespace, settings.task_queue, quota_teams(settings.environ))
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "worker ready: task queue %s%s, executor %s, namespace %s%s%s%s",
        settings.task_queue,
        f" (and {workers[1].task_queue} for the runs on its work dir)" if len(workers) > 1 else "",
        settings.executor, client.namespace,
        ", workflows in Temporal's sandbox" if settings.workflow_sandbox else "",
        ", tracing on" if tracing.tracing_enabled(settings.environ) else "",
        f", metrics on http://{settings.environ[telemetry.METRICS_ADDRESS]}/metrics"
        if settings.environ.get(telemetry.METRICS_ADDRESS) else "",
    )
    async with contextlib.AsyncExitStack() as running:
        for worker in workers:
            await running.enter_async_context(worker)
        # Everything allocated so far (SkyPilot's and the SDK's modules, the worker
        # itself) lives as long as the process: the collector need not scan it again
        # on every full collection (docs/benchmarks.md, "Many pipelines beside bare
        # Temporal workflows").
        gc.freeze()
        sweeper = asyncio.create_task(housekeeper.run_forever())
        await stop.wait()
        sweeper.cancel()
        # Draining: running activities get the grace period; their SkyPilot jobs keep
        # running and the next worker re-attaches to them.
        log.info("stopping: draining the worker")
        try:
            drain = asyncio.gather(*(w.shutdown() for w in workers))
            await asyncio.wait_for(asyncio.shield(drain), DRAIN_LIMIT_S)
        except asyncio.TimeoutError:
            log.error("the worker did not drain within %s s (a workflow it cannot evict); "
                      "exiting anyway: jobs keep running and the next worker re-attaches",
                      DRAIN_LIMIT_S)
            logging.shutdown()
            os._exit(1)
    log.info("worker stopped")


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("SKYPILOT_TEMPORAL_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        force=True,
    )
    # The format names no thread or process: records need not look them up.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    try:
        settings = Settings.from_env()
    except ConfigError as err:
        print(f"configuration error: {err}", file=sys.stderr)
        sys.exit(2)
    # Values from .env reach libraries that read os.environ (SkyPilot's endpoint and
    # token). Done once, before any thread exists; never changed afterwards.
    for key, value in settings.environ.items():
        os.environ.setdefault(key, value)
    # Forked now, while the worker has no other thread: they share its SkyPilot.
    parsers = ParserPool(settings.parser_processes)
    try:
        parsers.start()
    except Exception as err:  # noqa: BLE001 - the worker serves without them
        log.error("parser processes could not be started (%s): tasks are built in threads", err)
    tracer_provider = tracing.setup_tracing(
        settings.environ, "skypilot-temporal-worker", worker=True, trace_housekeeping=settings.trace_housekeeping)
    status = 0
    try:
        asyncio.run(serve(settings, parsers))
    except ConfigError as err:  # Temporal's client configuration
        print(f"configuration error: {err}", file=sys.stderr)
        status = 2
    except ConnectFailed as err:  # no server there: one line that says so, no traceback
        print(err.line(), file=sys.stderr)
        status = 1
    finally:
        parsers.close()
    if tracer_provider is not None:
        tracer_provider.shutdown()  # flushes the spans still queued
    logging.shutdown()
    # SDK calls still blocked in threads (a log stream, a long request) would hold the
    # interpreter at exit; their jobs keep running and the next worker re-attaches.
    os._exit(status)


if __name__ == "__main__":
    main()
