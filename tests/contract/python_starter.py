"""The Python starter run in process, for the tests of its subcommands."""

from __future__ import annotations

import pytest

from skypilot_temporal.starter.start import command
from skypilot_temporal.v1 import starter_cli as cli


def usage(message: str) -> str:
    """What a usage error prints on stderr."""
    return f"{cli.usage_error(message=message)}\n{cli.usage_hint()}\n"


async def run_command(capsys: pytest.CaptureFixture[str], argv: list[str], env: dict[str, str]
                      ) -> tuple[int, str, str]:
    """The starter in process: exit status, stdout, stderr."""
    code = await command(argv, env)
    out, err = capsys.readouterr()
    return code, out, err
