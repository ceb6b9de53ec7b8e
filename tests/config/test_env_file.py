"""The worker's .env file, read by python-dotenv."""

from __future__ import annotations

from pathlib import Path

import pytest

from skypilot_temporal.config.settings import ConfigError, load_environment, parse_env_file


def test_comments_after_a_value_are_not_part_of_it() -> None:
    text = 'A=1 # the first\nB="x # y"\nC=\'two words\'  # quoted\nexport D=4\n# E=5\n\nF=\n'
    assert parse_env_file(text) == {"A": "1", "B": "x # y", "C": "two words", "D": "4", "F": ""}


def test_values_are_taken_as_written() -> None:
    # No ${...} expansion: a secret may hold a dollar sign.
    assert parse_env_file("TOKEN=ab${C}d\nSINGLE='$HOME'\n") == {"TOKEN": "ab${C}d", "SINGLE": "$HOME"}


@pytest.mark.parametrize("text, line", [("A=1\nnot a pair\n", 2), ("A=1\n\nB\n", 3), ("bad-key=1\n", 1)])
def test_a_line_that_is_not_a_setting_is_an_error(text: str, line: int) -> None:
    with pytest.raises(ConfigError, match=f"^.env line {line}: "):
        parse_env_file(text)


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    env_file = tmp_path / "worker.env"
    env_file.write_text("A=file # comment\nB=file\n")
    env = load_environment({"SKYPILOT_TEMPORAL_ENV_FILE": str(env_file), "B": "process"})
    assert (env["A"], env["B"]) == ("file", "process")
