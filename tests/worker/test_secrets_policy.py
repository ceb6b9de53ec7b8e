"""Only the secrets the operator allows, refused before anything is cloned or launched,
and never a secret value in any failure the history keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import activity_attempts, clusters, history_text, pipeline_input, start
from records import record
from support import WorkerProcess, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError

SECRET = "s3cr3t-value-42"  # SECRET_TOKEN of the local_worker fixture


def row(what: str, where: str, message: str, ran: str) -> None:
    """A row of the hostile-input table in docs/security.md."""
    record("hostile_input", {"input": what, "where refused": where,
                             "message": " ".join(message.split()), "what ran": ran})


async def refused(client, task_queue, inp) -> tuple[str, object]:
    handle = await start(client, inp, task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    cause = failure.value.cause
    while getattr(cause, "cause", None) is not None:
        cause = cause.cause
    return failure.value.cause.message, (handle, cause)


def checkouts(work_dir: Path) -> list[str]:
    root = work_dir / "checkouts"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


@pytest.mark.parametrize("name,expected,what", [
    # In the worker's environment, but not allowed: a cloud key must not leak to a task.
    ("HOME", "'HOME' is not allowed by this worker", "a name outside the allowlist"),
    ("AWS_SECRET_ACCESS_KEY", "'AWS_SECRET_ACCESS_KEY' is not allowed by this worker",
     "a cloud key outside the allowlist"),
    # The worker's own credentials: never, whatever the allowlist says.
    ("TEMPORAL_ADDRESS", "'TEMPORAL_ADDRESS' is one of the worker's own credentials",
     "the worker's Temporal credential"),
    ("SKYPILOT_TEMPORAL_TASK_QUEUE", "one of the worker's own credentials",
     "the worker's own setting"),
])
async def test_secret_outside_the_allowlist_fails_before_the_clone(
    client, local_worker, task_queue, example_repo, work_dir, name, expected, what
):
    message, (handle, cause) = await refused(
        client, task_queue, pipeline_input(example_repo, secret_env_names=[name]))
    assert expected in message
    assert "SKYPILOT_TEMPORAL_SECRET_ALLOWLIST" in message or "own credentials" in message
    assert cause.type == "InvalidInput"
    # One attempt of the clone activity, which refused before git ran; nothing launched.
    assert await activity_attempts(handle) == [("run_git_clone", 1)]
    assert checkouts(work_dir) == [] and clusters(work_dir) == []
    row(f"secret_env_names: [{name}] ({what})", "clone, before git runs (secret_policy.py), InvalidInput",
        message, "run_git_clone x1, refused before git ran; nothing cloned or launched")


TINY_VALUE = "^~^"


async def test_secret_value_too_short_to_mask_is_refused(
    client, temporal_server, task_queue, example_repo, work_dir, tmp_path
):
    # Characters that never occur in history by chance (ids are hex, names are words),
    # so "not in history" can only fail if the value leaked.
    env = worker_env(temporal_server, work_dir, task_queue, TINY=TINY_VALUE,
                     SKYPILOT_TEMPORAL_SECRET_ALLOWLIST="TINY")
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        message, (handle, cause) = await refused(
            client, task_queue, pipeline_input(example_repo, secret_env_names=["TINY"]))
    finally:
        worker.stop()
    assert "value of TINY is shorter than 4 characters" in message
    assert cause.type == "InvalidInput" and clusters(work_dir) == []
    assert await activity_attempts(handle) == [("run_git_clone", 1)]
    assert TINY_VALUE not in await history_text(handle)
    row("secret_env_names: [TINY], whose value on the worker is 3 characters",
        "clone, before git runs (secret_policy.py), InvalidInput", message,
        "run_git_clone x1, refused before git ran; nothing cloned or launched")


async def test_worker_refuses_to_start_with_an_allowlist_naming_its_credentials(
    temporal_server, task_queue, work_dir, tmp_path
):
    env = worker_env(temporal_server, work_dir, task_queue,
                     SKYPILOT_TEMPORAL_SECRET_ALLOWLIST="HF_TOKEN,SKYPILOT_SERVICE_ACCOUNT_TOKEN")
    with pytest.raises(RuntimeError, match="exited with 2") as err:
        WorkerProcess(env, tmp_path / "worker.log").start()
    assert "'SKYPILOT_SERVICE_ACCOUNT_TOKEN' is one of the worker's own credentials" in str(err.value)
    said = next(line for line in str(err.value).splitlines() if "configuration error" in line)
    row("operator's SKYPILOT_TEMPORAL_SECRET_ALLOWLIST names SKYPILOT_SERVICE_ACCOUNT_TOKEN",
        "worker start (settings.py)", said, "the worker exits with 2; it never polls")


async def test_a_refusal_that_would_quote_a_secret_masks_it(
    client, local_worker, task_queue, tmp_path, work_dir
):
    # SkyPilot substitutes secrets into file_mounts: the path refused IS the value.
    repo = make_git_repo(tmp_path / "leak", files={
        "train.yaml": "run: echo hi\nfile_mounts:\n  /x: $SECRET_TOKEN\n"})
    message, (handle, cause) = await refused(
        client, task_queue, pipeline_input(repo, secret_env_names=["SECRET_TOKEN"]))
    assert "train.yaml: file_mounts[/x]: '***'" in message
    assert cause.type == "InvalidTask"
    assert SECRET not in await history_text(handle)
    assert SECRET not in local_worker.log()
    assert clusters(work_dir) == []
    attempts = await activity_attempts(handle)
    assert attempts == [("run_git_clone", 1)]
    row("file_mounts: {/x: $SECRET_TOKEN} with SECRET_TOKEN an allowed secret",
        "clone (task_paths.py; failures.py masks), InvalidTask", message,
        "run_git_clone x1; nothing launched; the value in no history event or log line")
