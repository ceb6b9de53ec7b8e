"""Worker settings: the process environment, then a .env file (the environment wins).

Read once at start-up. Temporal's own connection settings (TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE, temporal.toml)
go through temporalio.envconfig unchanged.
"""

from __future__ import annotations

import io
import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv.parser import parse_stream

from skypilot_temporal.config.secret_policy import SecretAllowlist
from skypilot_temporal.contract.names import DEFAULT_TASK_QUEUE, SWEEP_BRANCHES_MAX

EXECUTORS = ("skypilot", "local")
# The most often an activity heartbeats (SKYPILOT_TEMPORAL_HEARTBEAT_SECONDS): a cancel
# reaches it at most this late.
DEFAULT_HEARTBEAT_SECONDS = 2
# A run holds at most this many clusters up at once unless the operator says otherwise:
# a whole typical sweep at once (a grid of a few axes), yet far from the 1,000 branches a
# sweep may have, so one careless pipeline file cannot take a cloud's quota or budget.
DEFAULT_MAX_CLUSTERS_PER_RUN = 32


class ConfigError(ValueError):
    """A configuration the process cannot use: a worker setting (SKYPILOT_TEMPORAL_*,
    .env) or Temporal's client configuration. The message names the setting."""


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=VALUE lines as python-dotenv reads them: `export`, quotes, escapes, and
    `# comments`, after a value too. A line it cannot parse is an error, where
    dotenv_values would only log and skip it: the worker must not start on half its
    settings."""
    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        # A binding's original text starts with the blank lines before it.
        source = binding.original.string
        number = binding.original.line + source[: len(source) - len(source.lstrip())].count("\n")
        if binding.key is None and not binding.error:
            continue  # a comment or a blank line
        if binding.error or binding.key is None or binding.value is None:
            raise ConfigError(f".env line {number}: expected KEY=VALUE")
        if not binding.key.replace("_", "").isalnum():
            raise ConfigError(f".env line {number}: {binding.key!r} is not a variable name")
        values[binding.key] = binding.value
    return values


def env_file(environ: Mapping[str, str]) -> Path:
    """The .env file the worker reads: SKYPILOT_TEMPORAL_ENV_FILE or ./.env."""
    return Path(environ.get("SKYPILOT_TEMPORAL_ENV_FILE", ".env"))


def load_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment over the .env file (SKYPILOT_TEMPORAL_ENV_FILE or ./.env)."""
    env = dict(os.environ if environ is None else environ)
    path = env_file(env)
    if path.is_file():
        return {**parse_env_file(path.read_text()), **env}
    return env


def _absolute_paths(env: Mapping[str, str], key: str) -> tuple[Path, ...]:
    """A list of absolute paths, separated by ':' as in PATH; `~` is expanded."""
    paths = []
    for entry in env.get(key, "").split(os.pathsep):
        entry = entry.strip()
        if not entry:
            continue
        path = Path(entry).expanduser()
        if not path.is_absolute():
            raise ConfigError(f"{key}: {entry!r} is not an absolute path (separate paths with ':')")
        paths.append(path)
    return tuple(paths)


def _int(env: Mapping[str, str], key: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    raw = env.get(key, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{key}: {raw!r} is not an integer") from None
    if value < minimum:
        raise ConfigError(f"{key}: must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{key}: must be at most {maximum}, got {value}")
    return value


def _team_quotas(env: Mapping[str, str]) -> bool:
    """Whether SKYPILOT_TEMPORAL_TEAM_QUOTAS is set; a value it cannot read stops the worker."""
    from skypilot_temporal.config.team_quotas import TEAM_QUOTAS_SETTING, parse_team_quotas

    raw = env.get(TEAM_QUOTAS_SETTING, "")
    parse_team_quotas(raw)
    return bool(raw.strip())


def _flag(env: Mapping[str, str], key: str, default: bool = False) -> bool:
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in ("0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise ConfigError(f"{key}: {raw!r} must be 1 or 0 (or true/false, yes/no)")


def _http_url(env: Mapping[str, str], key: str) -> str:
    """An http:// or https:// URL with a host, or "" when unset. The message never
    repeats the value: a webhook URL holds its token."""
    raw = env.get(key, "").strip()
    if not raw:
        return ""
    allowed = "an http:// or https:// URL with a host (e.g. https://hooks.slack.com/services/...)"
    if any(c.isspace() or not c.isprintable() for c in raw):
        raise ConfigError(f"{key}: must be {allowed}, without spaces or control characters")
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https"):
        got = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise ConfigError(f"{key}: must be {allowed}; got {got}")
    if not parts.hostname:
        raise ConfigError(f"{key}: must be {allowed}; got no host")
    try:
        _ = parts.port  # a port that is no number in range raises ValueError
    except ValueError:
        raise ConfigError(f"{key}: must be {allowed}; its port is not a number from 0 to 65535") from None
    return raw


@dataclass(frozen=True)
class Settings:
    task_queue: str
    executor: str
    work_dir: Path
    allow_local_repos: bool
    max_yaml_bytes: int
    max_repo_bytes: int
    log_tail_lines: int
    log_tail_bytes: int
    sdk_threads: int
    max_concurrent_activities: int
    heartbeat_throttle_seconds: int
    # Processes that build tasks with SkyPilot's parser (parser_pool.py); 0: threads.
    parser_processes: int
    # Names a run may ask for in secret_env_names (SKYPILOT_TEMPORAL_SECRET_ALLOWLIST).
    secret_allowlist: SecretAllowlist
    # Housekeeping of the work dir: how often, how long a finished run's leftovers
    # may stay, and the disk bound past which idle leftovers go oldest first.
    housekeeping_seconds: int
    max_idle_seconds: int
    max_work_dir_bytes: int
    # Full environment (process over .env): secrets are resolved from it.
    environ: Mapping[str, str]
    # Local executor: isolated tasks may use the host's network; tasks run unsandboxed.
    local_task_network: bool = False
    local_trusted_tasks: bool = False
    # Local executor: more host files and directories isolated tasks must not see
    # (SKYPILOT_TEMPORAL_LOCAL_HIDE), besides the work dir, HOME and credential_files.
    local_hide: tuple[Path, ...] = ()
    # The .env file the settings were read from (absolute), if there was one.
    env_file: Path | None = None
    # Run the workflow code in Temporal's sandbox (worker.workflow_runner says why it is off).
    workflow_sandbox: bool = False
    # Step durations labelled with the step's name (off: one series set per kind for the
    # whole fleet); reaches the runs through the clone's result.
    metrics_step_label: bool = True
    # The housekeeping sweeps' SkyPilot calls traced, a trace per call (ops/tracing.py).
    trace_housekeeping: bool = False
    # Where run notifications are POSTed (activities/notify.py); "" = none. Holds a
    # token for some receivers: never logged whole.
    notify_url: str = ""
    # The most clusters one run holds up at once (SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN),
    # and the most branches one sweep may have (SKYPILOT_TEMPORAL_MAX_BRANCHES); both
    # reach the runs through the clone's result.
    max_clusters_per_run: int = DEFAULT_MAX_CLUSTERS_PER_RUN
    max_branches: int = SWEEP_BRANCHES_MAX
    # Whether runs count their clusters against their team's quota
    # (SKYPILOT_TEMPORAL_TEAM_QUOTAS set); the limits are read by each team's quota
    # workflow where it runs, when it needs them (config/team_quotas.py).
    team_quotas: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = load_environment(environ)
        # The file read: named by the process environment, not by the file itself.
        dotenv = env_file(os.environ if environ is None else environ)
        executor = env.get("SKYPILOT_TEMPORAL_EXECUTOR", "skypilot") or "skypilot"
        if executor not in EXECUTORS:
            raise ConfigError(
                f"SKYPILOT_TEMPORAL_EXECUTOR: {executor!r} is not one of {', '.join(EXECUTORS)}"
            )
        try:
            allowlist = SecretAllowlist.parse(env.get("SKYPILOT_TEMPORAL_SECRET_ALLOWLIST", ""))
        except ValueError as err:
            raise ConfigError(str(err)) from None
        work_dir = Path(
            env.get("SKYPILOT_TEMPORAL_WORK_DIR") or Path.home() / ".skypilot_temporal"
        ).expanduser()
        return cls(
            task_queue=env.get("SKYPILOT_TEMPORAL_TASK_QUEUE") or DEFAULT_TASK_QUEUE,
            executor=executor,
            work_dir=work_dir.resolve(),
            allow_local_repos=_flag(env, "SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS"),
            max_yaml_bytes=_int(env, "SKYPILOT_TEMPORAL_MAX_YAML_BYTES", 1024 * 1024),
            max_repo_bytes=_int(env, "SKYPILOT_TEMPORAL_MAX_REPO_BYTES", 512 * 1024 * 1024),
            log_tail_lines=_int(env, "SKYPILOT_TEMPORAL_LOG_TAIL_LINES", 40),
            log_tail_bytes=_int(env, "SKYPILOT_TEMPORAL_LOG_TAIL_BYTES", 8 * 1024),
            sdk_threads=_int(env, "SKYPILOT_TEMPORAL_SDK_THREADS", 64),
            max_concurrent_activities=_int(env, "SKYPILOT_TEMPORAL_MAX_CONCURRENT_ACTIVITIES", 200),
            heartbeat_throttle_seconds=_int(env, "SKYPILOT_TEMPORAL_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS),
            parser_processes=_int(env, "SKYPILOT_TEMPORAL_PARSER_PROCESSES", 1, minimum=0, maximum=16),
            secret_allowlist=allowlist,
            housekeeping_seconds=_int(env, "SKYPILOT_TEMPORAL_HOUSEKEEPING_SECONDS", 60),
            max_idle_seconds=_int(env, "SKYPILOT_TEMPORAL_MAX_IDLE_SECONDS", 24 * 3600),
            max_work_dir_bytes=_int(env, "SKYPILOT_TEMPORAL_MAX_WORK_DIR_BYTES", 20 * 1024**3),
            environ=env,
            local_task_network=_flag(env, "SKYPILOT_TEMPORAL_LOCAL_TASK_NETWORK"),
            local_trusted_tasks=_flag(env, "SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS"),
            local_hide=_absolute_paths(env, "SKYPILOT_TEMPORAL_LOCAL_HIDE"),
            env_file=dotenv.resolve() if dotenv.is_file() else None,
            workflow_sandbox=_flag(env, "SKYPILOT_TEMPORAL_WORKFLOW_SANDBOX"),
            metrics_step_label=_flag(env, "SKYPILOT_TEMPORAL_METRICS_STEP_LABEL", default=True),
            trace_housekeeping=_flag(env, "SKYPILOT_TEMPORAL_TRACE_HOUSEKEEPING"),
            notify_url=_http_url(env, "SKYPILOT_TEMPORAL_NOTIFY_URL"),
            max_clusters_per_run=_int(env, "SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN", DEFAULT_MAX_CLUSTERS_PER_RUN,
                                      maximum=SWEEP_BRANCHES_MAX),
            max_branches=_int(env, "SKYPILOT_TEMPORAL_MAX_BRANCHES", SWEEP_BRANCHES_MAX, maximum=SWEEP_BRANCHES_MAX),
            team_quotas=_team_quotas(env),
        )
