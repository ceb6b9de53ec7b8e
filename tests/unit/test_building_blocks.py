"""The pure building blocks, without a server: policy, planning, logs, secrets, config."""

from __future__ import annotations

import pytest

from skypilot_temporal.config.settings import ConfigError, Settings, parse_env_file
from skypilot_temporal.config.temporal_connection import connect_config
from skypilot_temporal.pipeline.plan import InvalidInput, build_plan, run_tag
from skypilot_temporal.tasks.repo import RepoError, RepoPolicy, check_repo_url
from skypilot_temporal.config.secret_policy import Redactor
from skypilot_temporal.tasks.build import LogTail, merge_envs
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
    tag = run_tag("wf", "run-1234567")
    assert [(s.name, plan.cluster_name(s.cluster)) for s in plan.steps] == [
        ("preprocess", f"exp-preprocess-{tag}"), ("train", f"exp-train-{tag}"), ("eval", f"exp-train-{tag}")]
    # A plain list runs in order; a cluster goes down after the last step on it.
    assert [s.needs for s in plan.steps] == [(), ("preprocess",), ("train",)]
    assert plan.dag.users("preprocess") == ["preprocess"] and plan.dag.users("train") == ["train", "eval"]
    assert plan.job_name("preprocess") == f"exp-preprocess-{tag}"
    assert plan.clusters == [f"exp-preprocess-{tag}", f"exp-train-{tag}"]
    assert plan.options.autodown_minutes == 30


def test_two_runs_with_one_prefix_share_no_cluster_and_no_job_name():
    # Run ids of the dev server are UUIDv7: runs started within a minute share a prefix.
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", cluster_prefix="team")
    a = build_plan(inp, "wf-a", "019abcde-0000-7000-8000-000000000001")
    b = build_plan(inp, "wf-b", "019abcde-0000-7000-8000-000000000002")
    c = build_plan(inp, "wf-a", "019abcde-0000-7000-8000-000000000002")
    names = [set(p.clusters) | {p.job_name(s.name) for s in p.steps} for p in (a, b, c)]
    assert not (names[0] & names[1]) and not (names[0] & names[2]) and not (names[1] & names[2])


def test_plan_is_deterministic_and_prefix_differs_per_workflow():
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git")
    assert build_plan(inp, "a", "r").options.cluster_prefix == build_plan(inp, "a", "r").options.cluster_prefix
    assert build_plan(inp, "a", "r").options.cluster_prefix != build_plan(inp, "b", "r").options.cluster_prefix


def test_negative_autodown_disables_it():
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", launch=pb.LaunchOptions(idle_minutes_to_autodown=-1))
    assert build_plan(inp, "w", "r").options.autodown_minutes is None


def test_secret_cannot_also_be_an_override():
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", secret_env_names=["TOKEN"])
    inp.envs_override["TOKEN"] = "x"
    with pytest.raises(InvalidInput, match="secret_env_names: 'TOKEN' is also in envs_override"):
        build_plan(inp, "w", "r")


def test_log_tail_is_bounded_in_lines_and_bytes():
    tail = LogTail(max_lines=3, max_bytes=50)
    for i in range(1000):
        tail.write_line(f"line {i}")
    assert tail.text() == "line 997\nline 998\nline 999"
    tail.write_line("x" * 10_000)
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


def test_a_temporal_configuration_that_cannot_be_used_is_a_config_error(tmp_path):
    (tmp_path / "temporal.toml").write_text("[profile.default]\naddress = [")
    with pytest.raises(ConfigError, match="TOML parse error"):
        connect_config({"TEMPORAL_CONFIG_FILE": str(tmp_path / "temporal.toml")})
    with pytest.raises(ConfigError, match="No such file"):
        connect_config({"TEMPORAL_TLS_CLIENT_CERT_PATH": str(tmp_path / "missing.pem")})
    assert connect_config({"TEMPORAL_ADDRESS": "here:7233"})["target_host"] == "here:7233"


@pytest.mark.parametrize("raw,expected", [("", 1), ("0", 0), ("4", 4)])
def test_parser_processes_setting(raw, expected):
    env = {"SKYPILOT_TEMPORAL_PARSER_PROCESSES": raw, "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"}
    assert Settings.from_env(env).parser_processes == expected


@pytest.mark.parametrize("raw,message", [
    ("-1", "SKYPILOT_TEMPORAL_PARSER_PROCESSES: must be at least 0, got -1"),
    ("17", "SKYPILOT_TEMPORAL_PARSER_PROCESSES: must be at most 16, got 17"),
    ("two", "SKYPILOT_TEMPORAL_PARSER_PROCESSES: 'two' is not an integer"),
])
def test_parser_processes_out_of_range_is_named(raw, message):
    env = {"SKYPILOT_TEMPORAL_PARSER_PROCESSES": raw, "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"}
    with pytest.raises(ConfigError) as err:
        Settings.from_env(env)
    assert str(err.value) == message
