"""Every refused input fails the run with a message naming the field; nothing executes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import activity_names, clusters, pipeline_input, start
from support import WorkerProcess, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError

from skypilot_temporal.v1 import pipeline_pb2 as pb

L, E = pb.STEP_KIND_LAUNCH, pb.STEP_KIND_EXEC


def _step(**kw) -> list[pb.PipelineStep]:
    base = {"name": "one", "task_yaml": "train.yaml", "kind": L}
    base.update(kw)
    return [pb.PipelineStep(**base)]


# (input fields, text the failure must contain)
REFUSED_BY_WORKFLOW = [
    ({"repo_url": ""}, "repo_url: required"),
    ({"cluster_prefix": "Bad_Prefix"}, "cluster_prefix: 'Bad_Prefix'"),
    ({"envs_override": {"1BAD": "x"}}, "envs_override: '1BAD' is not a valid variable name"),
    ({"secret_env_names": ["BAD-NAME"]}, "secret_env_names: 'BAD-NAME'"),
    ({"steps": _step(task_yaml="../outside.yaml")}, "steps[0].task_yaml: '../outside.yaml' must be a relative path"),
    ({"steps": _step(task_yaml="/etc/passwd.yaml")}, "steps[0].task_yaml: '/etc/passwd.yaml' must be a relative path"),
    ({"steps": _step(task_yaml="train.txt")}, "must end in .yaml or .yml"),
    ({"steps": _step(kind=7)}, "steps[0].kind: must be STEP_KIND_LAUNCH, STEP_KIND_EXEC or STEP_KIND_SELECT"),
    ({"steps": _step(kind=E, cluster="nowhere")},
     "steps[0].cluster: 'nowhere' must be the cluster of a LAUNCH step this step needs"),
    ({"steps": _step(name="Bad Name")}, "steps[0].name: 'Bad Name'"),
    ({"steps": _step() + _step()}, "steps[1].name: 'one' is used by steps[0]"),
]

REFUSED_BY_CLONE = [
    ("ext::sh -c touch% /tmp/pwned", "uses a git remote helper"),
    ("fd::3", "uses a git remote helper"),
    ("-uhello", "must not start with '-'"),
    ("--upload-pack=touch /tmp/pwned", "must not start with '-'"),
    ("ftp://example.com/repo.git", "'ftp' is not an allowed scheme"),
    ("http://example.com/repo.git", "'http' is not an allowed scheme"),
    ("git://example.com/repo.git", "'git' is not an allowed scheme"),
]


async def assert_refused(client, task_queue, inp, expected: str, work_dir: Path) -> list[str]:
    handle = await start(client, inp, task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert expected in message, message
    names = await activity_names(handle)
    assert "run_sky_launch" not in names and "run_sky_exec" not in names
    assert clusters(work_dir) == []
    return names


@pytest.mark.parametrize("fields,expected", REFUSED_BY_WORKFLOW, ids=[e for _, e in REFUSED_BY_WORKFLOW])
async def test_invalid_input_fails_before_any_activity(
    client, shared_worker, example_repo, fields, expected
):
    task_queue, work_dir = shared_worker.task_queue, shared_worker.work_dir
    inp = pipeline_input(example_repo)
    for key, value in fields.items():
        if key == "envs_override":
            inp.envs_override.update(value)
        elif isinstance(value, list):
            getattr(inp, key).extend(value)
        else:
            setattr(inp, key, value)
    assert await assert_refused(client, task_queue, inp, expected, work_dir) == []


@pytest.mark.parametrize("url,expected", REFUSED_BY_CLONE, ids=[u for u, _ in REFUSED_BY_CLONE])
async def test_refused_repo_urls_never_reach_git(client, shared_worker, url, expected):
    task_queue, work_dir = shared_worker.task_queue, shared_worker.work_dir
    inp = pipeline_input(Path("."))
    inp.repo_url = url
    names = await assert_refused(client, task_queue, inp, expected, work_dir)
    assert names == ["run_git_clone"]  # one attempt: non-retryable
    assert not Path("/tmp/pwned").exists()


async def test_local_repos_need_the_worker_opt_in(
    client, temporal_server, task_queue, example_repo, tmp_path, work_dir
):
    env = worker_env(temporal_server, work_dir, task_queue, SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS="0")
    worker = WorkerProcess(env, tmp_path / "strict.log").start()
    try:
        for url in (str(example_repo), f"file://{example_repo}"):
            inp = pipeline_input(example_repo)
            inp.repo_url = url
            await assert_refused(
                client, task_queue, inp, "SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS=1", work_dir
            )
    finally:
        worker.stop()


BAD_REPO_FILES = [
    ({"train.yaml": "run: echo hi\nenvs: [unclosed\n"}, "train.yaml line 3 column 1"),
    ({"eval.yaml": "- just\n- a list\n"}, "eval.yaml must be a mapping"),
    ({"train.yaml": "run: echo hi\nnot_a_sky_field: 1\n"}, "not_a_sky_field"),
    ({"train.yaml": "# " + "x" * (1024 * 1024 + 10) + "\nrun: echo\n"}, "the limit is 1048576"),
]


@pytest.mark.parametrize("files,expected", BAD_REPO_FILES, ids=[e for _, e in BAD_REPO_FILES])
async def test_bad_task_yaml_fails_at_clone_before_any_launch(
    client, shared_worker, tmp_path, files, expected
):
    task_queue, work_dir = shared_worker.task_queue, shared_worker.work_dir
    repo = make_git_repo(tmp_path / "bad", files=files)
    names = await assert_refused(client, task_queue, pipeline_input(repo), expected, work_dir)
    assert names == ["run_git_clone"]


async def test_yaml_symlink_leaving_the_repository_is_refused(
    client, local_worker, task_queue, tmp_path, work_dir
):
    outside = tmp_path / "outside.yaml"
    outside.write_text("run: echo stolen\n")
    repo = tmp_path / "symlinked"
    make_git_repo(repo)
    (repo / "train.yaml").unlink()
    (repo / "train.yaml").symlink_to(outside)
    import subprocess

    subprocess.run(["git", "-c", "user.email=t@l", "-c", "user.name=t", "commit", "-qam", "link"], cwd=repo, check=True)
    await assert_refused(client, task_queue, pipeline_input(repo), "resolves outside the repository", work_dir)


async def test_missing_branch_and_missing_file_are_permanent(
    client, local_worker, task_queue, example_repo, work_dir
):
    inp = pipeline_input(example_repo, branch="no-such-branch")
    names = await assert_refused(client, task_queue, inp, "no-such-branch", work_dir)
    assert names == ["run_git_clone"]
    inp = pipeline_input(example_repo, steps=_step(task_yaml="missing.yaml"))
    await assert_refused(client, task_queue, inp, "'missing.yaml' is not a file", work_dir)


async def test_secret_missing_on_the_worker_fails_clearly(
    client, local_worker, task_queue, example_repo, work_dir
):
    inp = pipeline_input(example_repo, secret_env_names=["NOT_DEFINED_ANYWHERE"])
    handle = await start(client, inp, task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    assert "NOT_DEFINED_ANYWHERE not set in the worker's environment" in failure.value.cause.message
    assert clusters(work_dir) == []
