"""Worker settings: the process environment, then a .env file (the environment wins).

Read once at start-up. Temporal's own connection settings (TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE, temporal.toml)
go through temporalio.envconfig unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from skypilot_temporal.contract import DEFAULT_TASK_QUEUE

EXECUTORS = ("skypilot", "local")


class ConfigError(ValueError):
    pass


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=VALUE lines; `export`, comments and matching quotes allowed."""
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.replace("_", "").isalnum():
            raise ConfigError(f".env line {number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def load_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment over the .env file (SKYPILOT_TEMPORAL_ENV_FILE or ./.env)."""
    env = dict(os.environ if environ is None else environ)
    path = Path(env.get("SKYPILOT_TEMPORAL_ENV_FILE", ".env"))
    if path.is_file():
        return {**parse_env_file(path.read_text()), **env}
    return env


def _int(env: Mapping[str, str], key: str, default: int, minimum: int = 1) -> int:
    raw = env.get(key, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{key}: {raw!r} is not an integer") from None
    if value < minimum:
        raise ConfigError(f"{key}: must be at least {minimum}, got {value}")
    return value


def _flag(env: Mapping[str, str], key: str) -> bool:
    raw = env.get(key, "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise ConfigError(f"{key}: {raw!r} must be 1 or 0")


@dataclass(frozen=True)
class Settings:
    task_queue: str
    executor: str
    work_dir: Path
    allow_local_repos: bool
    max_yaml_bytes: int
    log_tail_lines: int
    log_tail_bytes: int
    sdk_threads: int
    max_concurrent_activities: int
    heartbeat_throttle_seconds: int
    # Full environment (process over .env): secrets are resolved from it.
    environ: Mapping[str, str]
    # Local executor: isolated tasks may use the host's network; tasks run unsandboxed.
    local_task_network: bool = False
    local_trusted_tasks: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = load_environment(environ)
        executor = env.get("SKYPILOT_TEMPORAL_EXECUTOR", "skypilot") or "skypilot"
        if executor not in EXECUTORS:
            raise ConfigError(
                f"SKYPILOT_TEMPORAL_EXECUTOR: {executor!r} is not one of {', '.join(EXECUTORS)}"
            )
        work_dir = Path(
            env.get("SKYPILOT_TEMPORAL_WORK_DIR") or Path.home() / ".skypilot_temporal"
        ).expanduser()
        return cls(
            task_queue=env.get("SKYPILOT_TEMPORAL_TASK_QUEUE") or DEFAULT_TASK_QUEUE,
            executor=executor,
            work_dir=work_dir.resolve(),
            allow_local_repos=_flag(env, "SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS"),
            max_yaml_bytes=_int(env, "SKYPILOT_TEMPORAL_MAX_YAML_BYTES", 1024 * 1024),
            log_tail_lines=_int(env, "SKYPILOT_TEMPORAL_LOG_TAIL_LINES", 40),
            log_tail_bytes=_int(env, "SKYPILOT_TEMPORAL_LOG_TAIL_BYTES", 8 * 1024),
            sdk_threads=_int(env, "SKYPILOT_TEMPORAL_SDK_THREADS", 64),
            max_concurrent_activities=_int(env, "SKYPILOT_TEMPORAL_MAX_CONCURRENT_ACTIVITIES", 200),
            heartbeat_throttle_seconds=_int(env, "SKYPILOT_TEMPORAL_HEARTBEAT_SECONDS", 2),
            environ=env,
            local_task_network=_flag(env, "SKYPILOT_TEMPORAL_LOCAL_TASK_NETWORK"),
            local_trusted_tasks=_flag(env, "SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS"),
        )
