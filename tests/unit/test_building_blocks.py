"""The pure building blocks, without a server: policy, planning, logs, secrets, config."""

from __future__ import annotations

import pytest

from skypilot_temporal.config import ConfigError, Settings, parse_env_file
from skypilot_temporal.pipeline import InvalidInput, build_plan
from skypilot_temporal.repo import RepoError, RepoPolicy, check_repo_url
from skypilot_temporal.tasks import LogTail, Redactor, merge_envs
from skypilot_temporal.v1 import pipeline_pb2 as pb


@pytest.mark.parametrize("url,transport", [
    ("https://github.com/org/repo.git", "https"),
    ("ssh://git@github.com/org/repo.git", "ssh"),
    ("git@github.com:org/repo.git", "ssh"),
])
def test_allowed_urls(url, transport):
    assert check_repo_url(url, RepoPolicy()) == transport


def test_local_urls_only_when_allowed():
    with pytest.raises(RepoError, match="SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS=1"):
        check_repo_url("/srv/repo", RepoPolicy())
    assert check_repo_url("file:///srv/repo", RepoPolicy(allow_local=True)) == "file"


def test_default_plan_is_the_seed_and_downs_each_cluster_after_its_last_step():
    plan = build_plan(pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", cluster_prefix="exp"), "wf", "run-1234567")
    assert [(s.name, s.cluster_name) for s in plan.steps] == [
        ("preprocess", "exp-preprocess"), ("train", "exp-train"), ("eval", "exp-train")]
    assert plan.release_after == {0: ["exp-preprocess"], 2: ["exp-train"]}
    assert plan.steps[0].job_name == "exp-preprocess-run-1234"
    assert plan.autodown_minutes == 30


def test_plan_is_deterministic_and_prefix_differs_per_workflow():
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git")
    assert build_plan(inp, "a", "r").cluster_prefix == build_plan(inp, "a", "r").cluster_prefix
    assert build_plan(inp, "a", "r").cluster_prefix != build_plan(inp, "b", "r").cluster_prefix


def test_negative_autodown_disables_it():
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", launch=pb.LaunchOptions(idle_minutes_to_autodown=-1))
    assert build_plan(inp, "w", "r").autodown_minutes is None


def test_secret_cannot_also_be_an_override():
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", secret_env_names=["TOKEN"])
    inp.envs_override["TOKEN"] = "x"
    with pytest.raises(InvalidInput, match="secret_env_names: 'TOKEN' is also in envs_override"):
        build_plan(inp, "w", "r")


def test_log_tail_is_bounded_in_lines_and_bytes():
    tail = LogTail(max_lines=3, max_bytes=50)
    for i in range(1000):
        tail.write(f"line {i}\n")
    assert tail.text() == "line 997\nline 998\nline 999"
    tail.write("x" * 10_000)
    assert len(tail.text()) <= 50


def test_redactor_masks_secret_values_not_short_ones():
    redact = Redactor({"A": "hunter2-long", "B": "ab"})
    assert redact("pw=hunter2-long ab") == "pw=*** ab"


def test_secrets_move_out_of_envs():
    merged = merge_envs({"envs": {"A": 1, "TOKEN": None}}, {"B": "2"}, {"TOKEN": "v"})
    assert merged["envs"] == {"A": 1, "B": "2"}
    assert merged["secrets"] == {"TOKEN": "v"}


def test_env_file_parsing_and_environment_precedence(tmp_path):
    assert parse_env_file("# c\nexport A=1\nB='two words'\n") == {"A": "1", "B": "two words"}
    with pytest.raises(ConfigError, match="line 1"):
        parse_env_file("not a pair")
    (tmp_path / ".env").write_text("SKYPILOT_TEMPORAL_EXECUTOR=local\nSKYPILOT_TEMPORAL_TASK_QUEUE=from-file\n")
    env = {"SKYPILOT_TEMPORAL_ENV_FILE": str(tmp_path / ".env"), "SKYPILOT_TEMPORAL_TASK_QUEUE": "from-env"}
    settings = Settings.from_env(env)
    assert (settings.executor, settings.task_queue) == ("local", "from-env")
    with pytest.raises(ConfigError, match="SKYPILOT_TEMPORAL_EXECUTOR: 'cloud'"):
        Settings.from_env({"SKYPILOT_TEMPORAL_EXECUTOR": "cloud", "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"})
