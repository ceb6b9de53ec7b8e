"""The files that hold the worker's own settings and credentials.

An isolated local task sees the host read-only, as the worker's user can read it,
except what the local executor hides. These files can sit anywhere on the host (a
`.env` beside the worker, a TLS key under /etc), and hold what no run may read: the
values of every secret the worker can hand out, its Temporal API key or client key.
The executor hides each one of them that exists when the worker starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: a profile's own paths are not read
    tomllib = None  # type: ignore[assignment]  # None stands for the module Python 3.10 lacks

# Temporal's environment configuration (temporalio.envconfig, as the CLI reads it):
# the variables that name a file.
TEMPORAL_FILE_VARIABLES = (
    "TEMPORAL_CONFIG_FILE",
    "TEMPORAL_TLS_CLIENT_CERT_PATH",
    "TEMPORAL_TLS_CLIENT_KEY_PATH",
    "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
)


def credential_files(environ: Mapping[str, str], env_file: Path | None) -> list[Path]:
    """The worker's `.env` file, the files Temporal's variables name, Temporal's
    configuration file and every `*_path` its profiles name: those that exist, each
    once, with links resolved."""
    config = temporal_config_file(environ)
    named = [env_file, config, *(environ.get(v) for v in TEMPORAL_FILE_VARIABLES), *_paths_in(config)]
    return _existing_files(named)


def temporal_config_file(environ: Mapping[str, str]) -> Path:
    """Where temporalio.envconfig reads its profiles from."""
    if environ.get("TEMPORAL_CONFIG_FILE"):
        return Path(environ["TEMPORAL_CONFIG_FILE"]).expanduser()
    config_home = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "temporalio" / "temporal.toml"


def _paths_in(config: Path) -> list[str]:
    """Every string value of a key ending in `_path` (a profile's TLS files)."""
    if tomllib is None:
        return []
    try:
        with open(config, "rb") as f:
            document = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return []  # none, or one the connection itself refuses
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and key.endswith("_path"):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    return found


def _existing_files(paths: Iterable[str | Path | None]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if not p:
            continue
        real = Path(os.path.realpath(Path(p).expanduser()))
        if real.is_file() and real not in out:
            out.append(real)
    return out
