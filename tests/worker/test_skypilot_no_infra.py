"""The skypilot executor against a real local SkyPilot API server with no infra enabled.

SkyPilot refuses the launch with NoCloudAccessError: the step must fail at once
(no retry), say why, and the run must still try to down the cluster.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pipeline_helpers import activity_attempts, activity_names, pipeline_input, start
from support import WorkerProcess, free_port, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError

from skypilot_temporal.v1 import pipeline_pb2 as pb


@pytest.fixture(scope="module")
def sky_api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real SkyPilot API server on a free loopback port, with a HOME of its own (so no
    clouds and no Slurm are enabled). Run in the foreground of a process group this
    fixture owns, so it is stopped by PID."""
    home = tmp_path_factory.mktemp("skyhome")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKYPILOT_")}
    env.update(HOME=str(home), SKYPILOT_DISABLE_USAGE_COLLECTION="1",
               SKYPILOT_API_SERVER_ENDPOINT=f"http://127.0.0.1:{port}",
               # Moves the server's internal queue port too, so it can run beside
               # another local API server (e.g. the Slurm one on the default port).
               SKYPILOT_API_SERVER_LOCAL_PORT=str(port))
    log = open(home / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sky.server.server", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"SkyPilot API server did not start:\n{(home / 'server.log').read_text()}")
            time.sleep(0.5)
        yield env
    finally:
        # The server does not exit on SIGTERM/SIGINT while it has request workers.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(30)


@pytest.fixture
def sky_worker(temporal_server, sky_api_server, task_queue, work_dir: Path, tmp_path: Path) -> Iterator[WorkerProcess]:
    """A worker with the skypilot executor, talking to that API server."""
    env = worker_env(temporal_server, work_dir, task_queue,
                     SKYPILOT_TEMPORAL_EXECUTOR="skypilot",
                     HOME=sky_api_server["HOME"],
                     SKYPILOT_API_SERVER_ENDPOINT=sky_api_server["SKYPILOT_API_SERVER_ENDPOINT"])
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    yield worker
    worker.stop()


@pytest.mark.parametrize("task_yaml,expected", [
    ("hello.yaml", "NoCloudAccessError"),
    # The seed's bucket on a store whose cloud is not enabled.
    ("data_preprocessing.yaml", 'Storage "store: s3" specified, but AWS access is disabled'),
])
async def test_permanent_skypilot_errors_fail_once_and_teardown_is_attempted(
    client, sky_worker, task_queue, tmp_path: Path, task_yaml: str, expected: str
):
    repo = make_git_repo(tmp_path / "tasks", files={"hello.yaml": "run: echo hello\n"})
    steps = [pb.PipelineStep(name="preprocess", task_yaml=task_yaml, kind=pb.STEP_KIND_LAUNCH)]
    handle = await start(client, pipeline_input(repo, steps=steps), task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert "step 'preprocess' failed" in message
    assert expected in message
    attempts = await activity_attempts(handle)
    assert [a for a in attempts if a[0] == "run_sky_launch"] == [("run_sky_launch", 1)]
    names = await activity_names(handle)
    assert names == ["run_git_clone", "run_sky_launch", "run_sky_down"]
    assert "already gone" in sky_worker.log()


async def test_endpoint_other_than_the_workers_is_refused(client, sky_worker, task_queue, example_repo: Path):
    inp = pipeline_input(example_repo, api_server_endpoint="http://127.0.0.1:1")
    handle = await start(client, inp, task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    assert "api_server_endpoint: 'http://127.0.0.1:1' is not served by this worker" in failure.value.cause.message
