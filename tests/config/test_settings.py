"""Worker settings: the environment, the .env file, Temporal configuration."""

from __future__ import annotations

import pytest

from skypilot_temporal.config.settings import ConfigError, Settings, parse_env_file
from skypilot_temporal.config.temporal_connection import connect_config


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


@pytest.mark.parametrize("raw,expected", [("", True), ("1", True), ("true", True), ("0", False),
                                          ("false", False), (" FALSE ", False)])
def test_metrics_step_label_setting(raw, expected):
    env = {"SKYPILOT_TEMPORAL_METRICS_STEP_LABEL": raw, "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"}
    assert Settings.from_env(env).metrics_step_label is expected


def test_a_metrics_step_label_that_is_no_flag_is_named():
    env = {"SKYPILOT_TEMPORAL_METRICS_STEP_LABEL": "off", "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"}
    with pytest.raises(ConfigError) as err:
        Settings.from_env(env)
    assert str(err.value) == "SKYPILOT_TEMPORAL_METRICS_STEP_LABEL: 'off' must be 1 or 0 (or true/false, yes/no)"


@pytest.mark.parametrize("raw,expected", [("", False), ("1", True), ("yes", True), ("0", False)])
def test_trace_housekeeping_setting(raw, expected):
    env = {"SKYPILOT_TEMPORAL_TRACE_HOUSEKEEPING": raw, "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"}
    assert Settings.from_env(env).trace_housekeeping is expected


def test_a_trace_housekeeping_that_is_no_flag_is_named():
    env = {"SKYPILOT_TEMPORAL_TRACE_HOUSEKEEPING": "sometimes", "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"}
    with pytest.raises(ConfigError) as err:
        Settings.from_env(env)
    assert str(err.value) == "SKYPILOT_TEMPORAL_TRACE_HOUSEKEEPING: 'sometimes' must be 1 or 0 (or true/false, yes/no)"
