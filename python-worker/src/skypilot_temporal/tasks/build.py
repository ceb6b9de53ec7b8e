"""Task config assembly: env overrides and worker-side secrets merged before parsing.

SkyPilot substitutes env vars into `file_mounts` when a YAML config is parsed
(skypilot #4363), so overrides must be in the config before Task.from_yaml_config.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sky

from skypilot_temporal.tasks.repo import RepoPolicy, load_task_yaml
from skypilot_temporal.tasks.task_paths import absolutize_paths, check_task_paths


class InvalidTask(Exception):
    """SkyPilot refused the task config (permanent)."""


def merge_envs(
    config: Mapping[str, Any], envs_override: Mapping[str, str], secrets: Mapping[str, str]
) -> dict[str, Any]:
    """Returns a copy of `config` with overrides in `envs` and secret values in `secrets`.

    Secrets go to SkyPilot's `secrets` section (redacted in its displays), not `envs`.
    A name in the YAML's `envs` that is passed as a secret moves to `secrets`.
    """
    merged = copy.deepcopy(dict(config))
    raw_envs = merged.get("envs") or {}
    if not isinstance(raw_envs, dict):
        raise InvalidTask(f"envs: must be a mapping of names to values, got {type(raw_envs).__name__}")
    envs = dict(raw_envs)
    envs.update(envs_override)
    for name in secrets:
        envs.pop(name, None)
    merged["envs"] = envs
    if secrets or merged.get("secrets"):
        raw_secrets = merged.get("secrets") or {}
        if not isinstance(raw_secrets, dict):
            raise InvalidTask(
                f"secrets: must be a mapping of names to values, got {type(raw_secrets).__name__}"
            )
        merged["secrets"] = {**raw_secrets, **secrets}
    return merged


def build_task(
    config: Mapping[str, Any],
    repo_dir: Path,
    task_yaml: str,
    envs_override: Mapping[str, str],
    secrets: Mapping[str, str],
    name: str | None = None,
) -> Any:
    """The sky.Task of one step: envs and secrets merged, local paths made absolute in
    the checkout, parsed by SkyPilot, then every local path checked to stay inside it.

    Raises InvalidTask (naming the file) for anything SkyPilot or the path policy
    refuses, including shapes SkyPilot's own code trips over.
    """
    try:
        merged = merge_envs(absolutize_paths(dict(config), repo_dir), envs_override, secrets)
    except InvalidTask as err:
        raise InvalidTask(f"{task_yaml}: {err}") from None
    if name is not None:
        merged["name"] = name
    task = parse_task(merged, task_yaml)
    check_task_paths(task, repo_dir, task_yaml)
    return task


def load_and_build(
    repo_dir: Path, task_yaml: str, policy: RepoPolicy, envs_override: Mapping[str, str],
    secrets: Mapping[str, str], name: str | None,
) -> Any:
    """Reads one task YAML of the checkout (the repository's policy) and builds it."""
    config = load_task_yaml(repo_dir, task_yaml, policy)
    return build_task(config, repo_dir, task_yaml, envs_override, secrets, name)


def parse_task(config: dict[str, Any], task_yaml: str = "task") -> Any:
    """SkyPilot's own parser: the same YAML semantics on every executor."""
    try:
        return sky.Task.from_yaml_config(config)
    except Exception as err:  # noqa: BLE001 - any parse failure is the YAML's fault
        raise InvalidTask(f"{task_yaml}: {type(err).__name__}: {err}") from None


class LogTail:
    """The last lines of a log, bounded in lines and bytes: a result never exceeds the
    payload limit, however much the job prints."""

    def __init__(self, max_lines: int = 40, max_bytes: int = 8 * 1024) -> None:
        self._max_lines = max_lines
        self._max_bytes = max_bytes
        self._lines: deque[tuple[str, int]] = deque()  # (line, its UTF-8 bytes + newline)
        self._size = 0

    def write_line(self, line: str) -> None:
        # Counted in UTF-8 bytes (a replacement character is 3), and a line is cut to
        # fit with its newline: the last line, the one that matters, is always kept.
        raw = line.encode()
        if len(raw) >= self._max_bytes:
            line = raw[len(raw) - self._max_bytes + 1 :].decode(errors="ignore")
        self._lines.append((line, len(line.encode()) + 1))
        self._size += self._lines[-1][1]
        while self._lines and (len(self._lines) > self._max_lines or self._size > self._max_bytes):
            self._size -= self._lines.popleft()[1]

    def text(self) -> str:
        return "\n".join(line for line, _ in self._lines)
