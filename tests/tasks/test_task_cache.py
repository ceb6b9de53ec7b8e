"""The clone's tasks reused by the steps of the same run, and nothing else: no other
run, no other commit or inputs, never with secrets, and the path policy still applies."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import make_git_repo
from temporalio.testing import ActivityEnvironment

from skypilot_temporal.activities import clone_check
from skypilot_temporal.activities.pipeline_activities import PipelineActivities
from skypilot_temporal.config.settings import Settings
from skypilot_temporal.contract.activity_types import CloneInput, StepInput
from skypilot_temporal.tasks import build as tasks_module
from skypilot_temporal.tasks import repo as repo_module
from skypilot_temporal.tasks.repo import checkout_dir, ensure_checkout
from skypilot_temporal.tasks.task_cache import TaskCache, pickled, task_key
from skypilot_temporal.tasks.task_paths import PathRefused

TASKS = ["data_preprocessing.yaml", "train.yaml", "eval.yaml"]
ENVS = {"DATA_BUCKET_NAME": "bucket-a"}


@pytest.fixture
def acts(tmp_path: Path) -> PipelineActivities:
    settings = Settings.from_env({
        "SKYPILOT_TEMPORAL_WORK_DIR": str(tmp_path / "work"),
        "SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS": "1",
        "SKYPILOT_TEMPORAL_SECRET_ALLOWLIST": "MY_TOKEN",
        "MY_TOKEN": "s3cret-value",
        "SKYPILOT_TEMPORAL_ENV_FILE": str(tmp_path / "none.env"),
    })
    return PipelineActivities(settings, executor=None)  # type: ignore[arg-type]  # these tests run no job


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The task YAMLs built (parsed by SkyPilot) from here on (the activities build in
    threads here: no parser process, so the counting stands in for the real one)."""
    seen: list[str] = []
    real = tasks_module.build_task

    def counting(config, repo_dir, task_yaml, *args, **kwargs):
        seen.append(task_yaml)
        return real(config, repo_dir, task_yaml, *args, **kwargs)

    monkeypatch.setattr(tasks_module, "build_task", counting)
    monkeypatch.setattr(clone_check, "build_task", counting)
    return seen


async def clone(acts: PipelineActivities, repo: Path, run_key: str, envs=ENVS, secrets=()) -> str:
    # No steps named: the default pipeline, whose steps run TASKS.
    inp = CloneInput(repo_url=str(repo), branch="", steps=None, run_key=run_key,
                     envs_override=dict(envs), secret_env_names=list(secrets))
    return (await ActivityEnvironment().run(acts.run_git_clone, inp)).commit


def step(repo: Path, run_key: str, commit: str, task_yaml="train.yaml", envs=ENVS, secrets=()):
    return StepInput(step="train", cluster_name="c", job_name=f"job-{run_key}", task_yaml=task_yaml,
                     repo_url=str(repo), branch="", commit=commit, run_key=run_key,
                     envs_override=dict(envs), secret_env_names=list(secrets))


async def submission(acts: PipelineActivities, inp: StepInput):
    return await acts.submission(inp, "launch", acts._secrets(inp.secret_env_names), retry=False)


async def test_a_step_reuses_what_the_clone_of_its_run_built(acts, tmp_path, builds):
    repo = make_git_repo(tmp_path / "tasks")
    commit = await clone(acts, repo, "run-a")
    assert builds == TASKS
    sub = await submission(acts, step(repo, "run-a", commit))
    assert builds == TASKS  # nothing parsed again
    assert sub.task.name == "job-run-a"
    assert sub.task.envs["DATA_BUCKET_NAME"] == "bucket-a"
    assert str(sub.repo_dir) == str(checkout_dir(acts.settings.work_dir, "run-a"))
    # Each step gets its own copy: what one changes, the next does not see.
    sub.task.envs["DATA_BUCKET_NAME"] = "changed"
    again = await submission(acts, step(repo, "run-a", commit))
    assert again.task.envs["DATA_BUCKET_NAME"] == "bucket-a"


async def test_no_run_is_served_another_runs_task(acts, tmp_path, builds):
    repo = make_git_repo(tmp_path / "tasks")
    commit = await clone(acts, repo, "run-a")
    builds.clear()
    sub = await submission(acts, step(repo, "run-b", commit))
    assert builds == ["train.yaml"]  # built for run-b, in run-b's own checkout
    assert str(sub.repo_dir) == str(checkout_dir(acts.settings.work_dir, "run-b"))
    assert sub.task.name == "job-run-b"


async def test_a_changed_input_is_built_again(acts, tmp_path, builds):
    repo = make_git_repo(tmp_path / "tasks")
    commit = await clone(acts, repo, "run-a")
    builds.clear()
    sub = await submission(acts, step(repo, "run-a", commit, envs={"DATA_BUCKET_NAME": "bucket-b"}))
    assert builds == ["train.yaml"]
    assert sub.task.envs["DATA_BUCKET_NAME"] == "bucket-b"


def test_keys_differ_by_checkout_commit_file_and_inputs(tmp_path):
    base = task_key(tmp_path / "a", "c1", "t.yaml", {"X": "1"}, [])
    assert base is not None
    assert base == task_key(tmp_path / "a", "c1", "t.yaml", {"X": "1"}, [])
    for other in (
        task_key(tmp_path / "b", "c1", "t.yaml", {"X": "1"}, []),
        task_key(tmp_path / "a", "c2", "t.yaml", {"X": "1"}, []),
        task_key(tmp_path / "a", "c1", "u.yaml", {"X": "1"}, []),
        task_key(tmp_path / "a", "c1", "t.yaml", {"X": "2"}, []),
        task_key(tmp_path / "a", "c1", "t.yaml", {"X": "1", "Y": ""}, []),
    ):
        assert other != base
    # Never cached: with secrets, or with no commit to pin the checkout.
    assert task_key(tmp_path / "a", "c1", "t.yaml", {}, ["MY_TOKEN"]) is None
    assert task_key(tmp_path / "a", "", "t.yaml", {}, []) is None


async def test_runs_with_secrets_are_never_cached(acts, tmp_path, builds):
    repo = make_git_repo(tmp_path / "tasks")
    commit = await clone(acts, repo, "run-a", secrets=["MY_TOKEN"])
    assert len(acts.tasks) == 0
    builds.clear()
    sub = await submission(acts, step(repo, "run-a", commit, secrets=["MY_TOKEN"]))
    assert builds == ["train.yaml"] and "MY_TOKEN" in (sub.task.secrets or {})
    assert len(acts.tasks) == 0
    assert "s3cret-value" not in repr(acts.tasks._entries)


async def test_a_cached_task_still_meets_the_path_policy(acts, tmp_path, builds):
    files = {"train.yaml": "run: echo hi\nworkdir: src\n"}
    repo = make_git_repo(tmp_path / "tasks", files={**files, "src/main.py": "print(1)\n"})
    commit = await clone(acts, repo, "run-a")
    # The checkout changes under the worker (it never should): the step notices.
    src = checkout_dir(acts.settings.work_dir, "run-a") / "src"
    shutil.rmtree(src)
    src.symlink_to(tmp_path)
    with pytest.raises(PathRefused):
        await submission(acts, step(repo, "run-a", commit))


async def test_a_released_run_leaves_nothing_cached(acts, tmp_path):
    repo = make_git_repo(tmp_path / "tasks")
    await clone(acts, repo, "run-a")
    await clone(acts, repo, "run-b")
    assert len(acts.tasks) == 6
    acts.tasks.forget(checkout_dir(acts.settings.work_dir, "run-a"))
    assert len(acts.tasks) == 3


def test_a_kept_task_is_private_to_the_cache():
    cache = TaskCache()
    mine = {"run": "echo a"}
    cache.put(("d", "c", "kept.yaml", ()), pickled(mine))
    mine["run"] = "changed by its builder"
    first = cache.get(("d", "c", "kept.yaml", ()))
    assert first == {"run": "echo a"}
    first["run"] = "changed by a step"
    assert cache.get(("d", "c", "kept.yaml", ()))["run"] == "echo a"
    # What cannot be pickled is not kept (the steps build it again).
    assert pickled(lambda: None) is None


def test_the_cache_is_bounded():
    cache = TaskCache(max_entries=2)
    for i in range(3):
        cache.put(("d", "c", f"{i}.yaml", ()), pickled({"n": i}))
    assert len(cache) == 2
    assert cache.get(("d", "c", "0.yaml", ())) is None
    assert cache.get(("d", "c", "2.yaml", ())) == {"n": 2}
    # A checkout whose every entry was pushed out, then released: nothing to drop.
    cache.put(("e", "c", "e.yaml", ()), pickled({"n": "e"}))
    cache.put(("f", "c", "f.yaml", ()), pickled({"n": "f"}))
    cache.forget(Path("d"))
    assert len(cache) == 2
    cache.forget(Path("e"))
    assert len(cache) == 1 and cache.get(("f", "c", "f.yaml", ())) == {"n": "f"}


async def test_a_known_checkout_asks_no_git_until_it_changes(tmp_path, monkeypatch):
    repo = make_git_repo(tmp_path / "tasks")
    policy = repo_module.RepoPolicy(allow_local=True)
    work = tmp_path / "work"
    dest, commit = await ensure_checkout(work, "run-a", str(repo), "", "", policy)
    calls: list[tuple[str, ...]] = []
    real = repo_module._git

    async def counting(*args, **kwargs):
        calls.append(args)
        return await real(*args, **kwargs)

    monkeypatch.setattr(repo_module, "_git", counting)
    assert await ensure_checkout(work, "run-a", str(repo), "", commit, policy) == (dest, commit)
    assert calls == []
    # Replaced behind the worker's back (a new HEAD file): git is asked again.
    shutil.rmtree(dest)
    shutil.copytree(repo, dest)
    assert await ensure_checkout(work, "run-a", str(repo), "", commit, policy) == (dest, commit)
    assert calls and calls[0][0] == "rev-parse"


async def test_a_fresh_clone_reads_its_commit_as_git_does(tmp_path):
    repo = make_git_repo(tmp_path / "tasks")
    policy = repo_module.RepoPolicy(allow_local=True)
    dest, commit = await ensure_checkout(tmp_path / "work", "run-a", str(repo), "", "", policy)
    git = subprocess.run(["git", "rev-parse", "HEAD"], cwd=dest, capture_output=True, text=True)
    assert commit == git.stdout.strip()
    assert not (dest / ".git" / "hooks").exists()  # cloned without a template
    subprocess.run(["git", "pack-refs", "--all"], cwd=dest, check=True)
    assert repo_module._read_head(dest) == commit
    (dest / ".git" / "HEAD").write_text("ref: refs/heads/elsewhere\n")
    assert repo_module._read_head(dest) == ""  # anything unexpected: git is asked
