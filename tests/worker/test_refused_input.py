"""Every refused input fails the run with a message naming the field and a failure type
saying what must be fixed (the input, the repository, or what the repository holds);
nothing executes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pipeline_helpers import activity_attempts, activity_names, clusters, pipeline_input, progress, start, wait_until
from support import WorkerProcess, held_until_released, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError

from skypilot_temporal.tasks.repo import checkout_dir
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
    ({"steps": _step(kind=7)},
     "steps[0].kind: must be STEP_KIND_LAUNCH, STEP_KIND_EXEC, STEP_KIND_SELECT, STEP_KIND_APPROVAL or "
     "STEP_KIND_MANAGED"),
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


async def assert_refused(client, task_queue, inp, kind: str, expected: str, work_dir: Path) -> list[str]:
    """Runs `inp` to its failure: of type `kind`, its message holding `expected`;
    nothing launched. The activities the run scheduled."""
    handle = await start(client, inp, task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert failure.value.cause.type == kind, message
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
    assert await assert_refused(client, task_queue, inp, "InvalidInput", expected, work_dir) == []


@pytest.mark.parametrize("url,expected", REFUSED_BY_CLONE, ids=[u for u, _ in REFUSED_BY_CLONE])
async def test_refused_repo_urls_never_reach_git(client, shared_worker, url, expected):
    task_queue, work_dir = shared_worker.task_queue, shared_worker.work_dir
    inp = pipeline_input(Path("."))
    inp.repo_url = url
    names = await assert_refused(client, task_queue, inp, "InvalidRepo", expected, work_dir)
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
                client, task_queue, inp, "InvalidRepo", "SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS=1", work_dir
            )
    finally:
        worker.stop()


# What the repository holds: each fails the clone as InvalidTask, naming the field that
# led to the file, the file, and the spot in it.
BAD_TASK_YAMLS = [
    ({"train.yaml": "run: echo hi\nenvs: [unclosed\n"},
     "step 'clone' failed: task_yaml: train.yaml line 3 column 1: expected ',' or ']', but got '<stream end>'"),
    ({"eval.yaml": "- just\n- a list\n"},
     "step 'clone' failed: task_yaml: eval.yaml must be a mapping of SkyPilot task fields, got list"),
    ({"train.yaml": "run: echo hi\nnot_a_sky_field: 1\n"},
     "step 'clone' failed: train.yaml: InvalidSkyPilotConfigError: Invalid task YAML: "
     "Found unsupported field 'not_a_sky_field'"),
    ({"train.yaml": "# " + "x" * (1024 * 1024 + 10) + "\nrun: echo\n"},
     "step 'clone' failed: task_yaml: 'train.yaml' is 1048599 bytes; the limit is 1048576"),
]


@pytest.mark.parametrize("files,expected", BAD_TASK_YAMLS, ids=["syntax", "list", "sky-field", "too-big"])
async def test_bad_task_yaml_fails_at_clone_before_any_launch(
    client, shared_worker, tmp_path, files, expected
):
    task_queue, work_dir = shared_worker.task_queue, shared_worker.work_dir
    repo = make_git_repo(tmp_path / "bad", files=files)
    names = await assert_refused(client, task_queue, pipeline_input(repo), "InvalidTask", expected, work_dir)
    assert names == ["run_git_clone"]


# The pipeline file is the repository's too: InvalidTask, naming the file and the field
# path in it (never task_yaml), however it is wrong.
BAD_PIPELINE_FILES = [
    ("syntax", "steps:\n  - name: a\n    task_yaml: train.yaml\n   kind: exec\n",
     "step 'clone' failed: pipeline_file: pipeline.yaml line 4 column 4: "
     "expected <block end>, but found '<block mapping start>'"),
    ("not-a-mapping", "- train.yaml\n- eval.yaml\n",
     "step 'clone' failed: pipeline.yaml: must be a mapping with a `steps` list"),
    ("unknown-key", "steps:\n  - {name: a, task_yaml: train.yaml, colour: red}\n",
     "step 'clone' failed: pipeline.yaml: steps[0] (a): unknown key 'colour' (allowed: name, task_yaml, "),
    ("bad-kind", "steps:\n  - {name: a, task_yaml: train.yaml, kind: sideways}\n",
     "step 'clone' failed: pipeline.yaml: steps[0] (a).kind: 'sideways' is not one of launch, exec, select"),
    ("unknown-need", "steps:\n  - {name: a, task_yaml: train.yaml}\n"
     "  - {name: b, task_yaml: eval.yaml, needs: [c]}\n",
     "step 'clone' failed: pipeline.yaml: steps[1] (b).needs: 'c' is not a step (steps: a, b)"),
    ("missing-task-yaml", "steps:\n  - {name: a, task_yaml: nowhere.yaml}\n",
     "step 'clone' failed: task_yaml: 'nowhere.yaml' is not a file in the repository"),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in BAD_PIPELINE_FILES], ids=[c[0] for c in BAD_PIPELINE_FILES])
async def test_bad_pipeline_file_fails_at_clone_as_invalid_task(client, shared_worker, tmp_path, text, expected):
    task_queue, work_dir = shared_worker.task_queue, shared_worker.work_dir
    repo = make_git_repo(tmp_path / "bad", files={"pipeline.yaml": text})
    names = await assert_refused(client, task_queue, pipeline_input(repo), "InvalidTask", expected, work_dir)
    assert names == ["run_git_clone"]


async def test_a_pipeline_file_the_input_names_must_be_in_the_repository(client, shared_worker, example_repo):
    task_queue, work_dir = shared_worker.task_queue, shared_worker.work_dir
    inp = pipeline_input(example_repo, pipeline_file="ci/pipeline.yaml")
    names = await assert_refused(
        client, task_queue, inp, "InvalidTask",
        "step 'clone' failed: pipeline_file: 'ci/pipeline.yaml' is not a file in the repository", work_dir,
    )
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
    subprocess.run(["git", "-c", "user.email=t@l", "-c", "user.name=t", "commit", "-qam", "link"], cwd=repo, check=True)
    await assert_refused(client, task_queue, pipeline_input(repo), "InvalidTask",
                         "step 'clone' failed: task_yaml: 'train.yaml' resolves outside the repository", work_dir)


async def test_missing_branch_and_missing_file_are_permanent(
    client, local_worker, task_queue, example_repo, work_dir
):
    inp = pipeline_input(example_repo, branch="no-such-branch")
    names = await assert_refused(
        client, task_queue, inp, "InvalidRepo",
        f"step 'clone' failed: repo_url {str(example_repo)!r} branch no-such-branch: git clone failed:", work_dir,
    )
    assert names == ["run_git_clone"]
    inp = pipeline_input(example_repo, steps=_step(task_yaml="missing.yaml"))
    names = await assert_refused(
        client, task_queue, inp, "InvalidTask",
        "step 'clone' failed: task_yaml: 'missing.yaml' is not a file in the repository", work_dir,
    )
    assert names == ["run_git_clone"]


HELD = "name: held\nrun: |\n  set -euo pipefail\n" + held_until_released(600)


async def test_a_commit_gone_from_the_repository_fails_the_step_as_invalid_repo(
    client, local_worker, task_queue, tmp_path, work_dir
):
    """The run's commit is rewritten out of the repository while its first step runs,
    and the checkout it was cloned into is gone: the next step cannot have its commit."""
    repo = make_git_repo(tmp_path / "moving", files={"held.yaml": HELD})
    steps = [pb.PipelineStep(name="first", task_yaml="held.yaml", kind=L),
             pb.PipelineStep(name="second", task_yaml="train.yaml", kind=L, needs=["first"])]
    handle = await start(client, pipeline_input(repo, steps=steps), task_queue)

    async def first_runs() -> bool:
        return (await progress(handle)).current_step == "first" and bool(
            list((work_dir / "local" / "clusters").glob("*/jobs/1/log")))

    await wait_until(first_runs, timeout=60)
    git = ["git", "-c", "user.email=t@localhost", "-c", "user.name=t"]
    for args in (["checkout", "-q", "--orphan", "rewritten"], ["commit", "-qm", "rewritten"],
                 ["branch", "-qD", "main"], ["branch", "-qm", "main"],
                 ["reflog", "expire", "--expire=now", "--all"], ["gc", "-q", "--prune=now"]):
        subprocess.run(git + args, cwd=repo, check=True)
    description = await handle.describe()
    checkout = checkout_dir(work_dir, f"{handle.id}-{description.run_id}")
    assert checkout.is_dir()
    shutil.rmtree(checkout)
    (next((work_dir / "local" / "clusters").glob("*/home")) / "release").touch()

    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert failure.value.cause.type == "InvalidRepo", message
    where = f"repo_url {str(repo)!r} branch (default)"
    assert message.startswith(f"step 'second' failed: {where}: git fetch failed:"), message
    assert "not our ref" in message
    # Not retried as if git could not reach the repository.
    launches = [a for a in await activity_attempts(handle) if a[0] == "run_sky_launch"]
    assert launches == [("run_sky_launch", 1)] * 2
    assert clusters(work_dir) == []


async def test_secret_missing_on_the_worker_fails_clearly(
    client, local_worker, task_queue, example_repo, work_dir
):
    inp = pipeline_input(example_repo, secret_env_names=["NOT_DEFINED_ANYWHERE"])
    handle = await start(client, inp, task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    assert "NOT_DEFINED_ANYWHERE not set in the worker's environment" in failure.value.cause.message
    assert clusters(work_dir) == []
