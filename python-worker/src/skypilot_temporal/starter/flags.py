"""The command line (flags after the shared table, v1/starter_cli.py) and the workflow input it
builds: the --input file, then the environment, then the flags, each beating the one before
(input_fields.py puts each flag's text into the field it names)."""

from __future__ import annotations

import argparse
import json
import secrets as random_ids
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from google.protobuf import json_format

from skypilot_temporal.contract.unknown_fields import unknown_fields
from skypilot_temporal.starter.format import quote
from skypilot_temporal.starter.input_fields import set_from_text
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli

ENV_NAME_RULE = cli.env_name_rule(pattern=cli.ENV_NAME_PATTERN, max_length=str(cli.ENV_NAME_MAX_LENGTH))


class UsageError(Exception):
    """A problem with the command line or --input (exit status 2)."""


@dataclass
class Options:
    input: pb.SkyPilotWorkflowInput
    workflow_id: str
    task_queue: str
    no_wait: bool
    quiet: bool


def parse_command_line(argv: Sequence[str], env: Mapping[str, str]) -> Options | None:
    """The options the command line asks for; None for --help."""
    given, _ = parse_flags(argv, cli.FLAGS)
    if given.get(cli.HELP.name):
        return None
    inp = workflow_input(given, env)
    random_id = cli.WORKFLOW_ID_PREFIX + random_ids.token_hex(cli.WORKFLOW_ID_RANDOM_BYTES)
    return Options(inp, setting(given, env, cli.WORKFLOW_ID) or random_id,
                   setting(given, env, cli.TASK_QUEUE) or cli.DEFAULT_TASK_QUEUE,
                   no_wait=bool(given.get(cli.NO_WAIT.name)), quiet=bool(given.get(cli.QUIET.name)))


def setting(given: Mapping[str, list], env: Mapping[str, str], flag: cli.Flag) -> str:
    """The flag's last value, else its environment variable's."""
    return (given.get(flag.name) or [""])[-1] or variable(env, flag)


def variable(env: Mapping[str, str], flag: cli.Flag) -> str:
    """The value of the flag's environment variable; empty when it has none."""
    return env.get(flag.env, "") if flag.env else ""


def workflow_input(given: Mapping[str, list], env: Mapping[str, str]) -> pb.SkyPilotWorkflowInput:
    """The input the start flags among `given` (parse_flags) ask for, with the environment."""
    inp = read_input(path) if (path := setting(given, env, cli.INPUT)) else pb.SkyPilotWorkflowInput()
    for flag in cli.FLAGS:
        if flag.input_field and not flag.repeatable:
            try:
                set_from_text(inp, flag, given.get(flag.name, []), variable(env, flag))
            except ValueError as err:
                raise UsageError(str(err)) from None
    for item in given.get(cli.ENV.name, []):
        key, sep, value = item.partition("=")
        if not sep or not cli.is_env_name(key):
            raise UsageError(cli.env_invalid(value=quote(item), rule=ENV_NAME_RULE))
        inp.envs_override[key] = value
    from_env = [s.strip() for s in env.get(cli.SECRET_ENV.env, "").split(",") if s.strip()]
    for name in given.get(cli.SECRET_ENV.name) or from_env:
        if not cli.is_env_name(name):
            raise UsageError(cli.secret_env_invalid(value=quote(name), rule=ENV_NAME_RULE))
        if name not in inp.secret_env_names:
            inp.secret_env_names.append(name)
    if not inp.repo_url:
        raise UsageError(cli.repo_missing())
    return inp


def read_input(path: str) -> pb.SkyPilotWorkflowInput:
    """--input: a SkyPilotWorkflowInput in proto JSON, refused with every unknown field named."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        if not (unknown := unknown_fields(pb.SkyPilotWorkflowInput.DESCRIPTOR, doc)):
            return json_format.ParseDict(doc, pb.SkyPilotWorkflowInput())
        detail = cli.input_unknown_fields(fields=", ".join(unknown))
    except OSError as err:
        detail = err.strerror or str(err)
    except json.JSONDecodeError as err:
        detail = cli.input_not_json(detail=str(err))
    except json_format.ParseError as err:
        detail = str(err)
    raise UsageError(cli.input_invalid(path=path, detail=detail))


class _Parser(argparse.ArgumentParser):
    """Raises a UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parse_flags(argv: Sequence[str], flags: Sequence[cli.Flag], positionals: int = 0
                ) -> tuple[dict[str, list], list[str]]:
    """Every value given to each of `flags`, by flag name (a switch that is on holds True), and the
    at most `positionals` other arguments, flags before and after them; the first surplus one is refused."""
    parser = _Parser(prog="skypilot-temporal-start", add_help=False, allow_abbrev=False)
    for flag in flags:
        names = [f"--{flag.name}", *([f"-{flag.short}"] if flag.short else [])]
        if flag.arg:
            parser.add_argument(*names, dest=flag.name, action="append", metavar=flag.arg)
        else:
            parser.add_argument(*names, dest=flag.name, action="append_const", const=True)
    given, rest = parser.parse_known_args(list(argv))
    for i, arg in enumerate(rest):
        if arg.startswith("-"):
            raise UsageError(f"unrecognized arguments: {arg}")
        if i == positionals:
            raise UsageError(cli.unexpected_argument(value=quote(arg)))
    return {name: values for name, values in vars(given).items() if values}, rest
