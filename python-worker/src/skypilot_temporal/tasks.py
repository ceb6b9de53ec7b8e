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

from skypilot_temporal.repo import resolve_inside


class MissingSecret(Exception):
    """A secret name the worker's environment does not define (permanent)."""


def resolve_secrets(names: list[str], environ: Mapping[str, str]) -> dict[str, str]:
    missing = [n for n in names if n not in environ]
    if missing:
        raise MissingSecret(
            f"secret_env_names: {', '.join(missing)} not set in the worker's environment "
            "(or its .env file)"
        )
    return {n: environ[n] for n in names}


def merge_envs(
    config: Mapping[str, Any], envs_override: Mapping[str, str], secrets: Mapping[str, str]
) -> dict[str, Any]:
    """Returns a copy of `config` with overrides in `envs` and secret values in `secrets`.

    Secrets go to SkyPilot's `secrets` section (redacted in its displays), not `envs`.
    A name in the YAML's `envs` that is passed as a secret moves to `secrets`.
    """
    merged = copy.deepcopy(dict(config))
    envs = dict(merged.get("envs") or {})
    envs.update(envs_override)
    for name in secrets:
        envs.pop(name, None)
    merged["envs"] = envs
    if secrets or merged.get("secrets"):
        sec = dict(merged.get("secrets") or {})
        sec.update(secrets)
        merged["secrets"] = sec
    return merged


class Redactor:
    """Replaces secret values in text that leaves the worker (logs, results, errors)."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        # Longest first so a secret containing another is masked whole; tiny values
        # would mask ordinary text, so they are left alone.
        self._values = sorted({v for v in secrets.values() if len(v) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self._values:
            text = text.replace(value, "***")
        return text


class LogTail:
    """The last lines of a log, bounded in lines and bytes: a result never exceeds the
    payload limit, however much the job prints."""

    def __init__(self, max_lines: int = 40, max_bytes: int = 8 * 1024) -> None:
        self._max_lines = max_lines
        self._max_bytes = max_bytes
        self._lines: deque[str] = deque()
        self._size = 0
        self._partial = ""

    def write(self, chunk: str) -> None:
        data = self._partial + chunk
        *lines, self._partial = data.split("\n")
        if len(self._partial) > self._max_bytes:
            lines.append(self._partial)
            self._partial = ""
        for line in lines:
            self._append(line)

    def _append(self, line: str) -> None:
        line = line[-self._max_bytes :]
        self._lines.append(line)
        self._size += len(line) + 1
        while self._lines and (len(self._lines) > self._max_lines or self._size > self._max_bytes):
            self._size -= len(self._lines.popleft()) + 1

    def text(self) -> str:
        lines = list(self._lines)
        if self._partial:
            lines.append(self._partial)
        return "\n".join(lines)[-self._max_bytes :]


def absolutize_paths(config: dict[str, Any], repo_dir: Path) -> dict[str, Any]:
    """Makes the task's local paths (workdir, file_mounts sources) absolute in the checkout.

    SkyPilot resolves them against the caller's working directory, which for a worker is
    not the repository; every local path must also stay inside the repository.
    """

    def fix(path: Any, what: str) -> Any:
        if not isinstance(path, str) or "://" in path or not path:
            return path
        if path.startswith(("/", "~")):
            raise InvalidTask(f"{what}: {path!r} must be a path relative to the repository")
        return str(resolve_inside(repo_dir, path, what))

    out = dict(config)
    if "workdir" in out:
        out["workdir"] = fix(out["workdir"], "workdir")
    mounts = out.get("file_mounts")
    if isinstance(mounts, dict):
        fixed: dict[str, Any] = {}
        for target, source in mounts.items():
            if isinstance(source, dict):
                source = dict(source)
                if "source" in source:
                    source["source"] = fix(source["source"], f"file_mounts[{target}].source")
                fixed[target] = source
            else:
                fixed[target] = fix(source, f"file_mounts[{target}]")
        out["file_mounts"] = fixed
    return out


def parse_task(config: dict[str, Any]) -> Any:
    """SkyPilot's own parser: the same YAML semantics on every executor."""
    try:
        return sky.Task.from_yaml_config(config)
    except Exception as err:  # noqa: BLE001 - any parse failure is the YAML's fault
        raise InvalidTask(f"{type(err).__name__}: {err}") from None


class InvalidTask(Exception):
    """SkyPilot refused the task config (permanent)."""
