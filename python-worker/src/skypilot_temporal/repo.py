"""Safe cloning of the task repository and loading of task YAMLs inside it.

No shell: git runs with an argument vector, its transports limited to the ones the
URL policy allows, prompts disabled. Each run clones into its own directory.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!//)[^\s]+$")
_TRANSPORT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_RUN_KEY = re.compile(r"[^A-Za-z0-9._-]")


class RepoError(Exception):
    """Permanent: a refused URL, a missing branch or file, an invalid YAML."""


@dataclass(frozen=True)
class RepoPolicy:
    allow_local: bool = False
    max_yaml_bytes: int = 1024 * 1024


def check_repo_url(url: str, policy: RepoPolicy) -> str:
    """Returns the git transport the URL uses, or raises RepoError naming what is allowed."""
    allowed = "allowed: https://host/path, ssh://[user@]host/path or user@host:path"
    if policy.allow_local:
        allowed += ", file:// or a local path"
    if not url:
        raise RepoError(f"repo_url: required ({allowed})")
    if url.startswith("-"):
        raise RepoError(f"repo_url: {url!r} must not start with '-' ({allowed})")
    if _TRANSPORT.match(url):
        raise RepoError(f"repo_url: {url!r} uses a git remote helper ('<transport>::'); {allowed}")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise RepoError(f"repo_url: must not contain whitespace or control characters ({allowed})")
    lowered = url.lower()
    if lowered.startswith("https://"):
        return "https"
    if lowered.startswith("ssh://") or _SCP_LIKE.match(url):
        return "ssh"
    is_local = lowered.startswith("file://") or url.startswith(("/", "./", "../"))
    if is_local:
        if policy.allow_local:
            return "file"
        raise RepoError(
            f"repo_url: local repositories are refused unless the worker sets "
            f"SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS=1 ({allowed})"
        )
    scheme = url.split("://", 1)[0] if "://" in url else url
    raise RepoError(f"repo_url: {scheme!r} is not an allowed scheme ({allowed})")


def checkout_dir(work_dir: Path, run_key: str) -> Path:
    return work_dir / "checkouts" / _RUN_KEY.sub("_", run_key) / "repo"


async def _git(*args: str, cwd: Path | None = None, transport: str = "https") -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"),
        "LANG": "C",
    }
    for key in ("SSH_AUTH_SOCK", "GIT_SSL_CAINFO", "SSL_CERT_FILE", "HTTPS_PROXY", "NO_PROXY"):
        if key in os.environ:
            env[key] = os.environ[key]
    # Only the transport the policy allowed may be used, also for submodules and redirects.
    protocol = ["-c", "protocol.allow=never", "-c", f"protocol.{transport}.allow=always"]
    proc = await asyncio.create_subprocess_exec(
        "git", *protocol, *args,
        cwd=cwd, env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise GitFailed(args[0], err.decode(errors="replace").strip()[-2000:])
    return out.decode().strip()


class GitFailed(Exception):
    def __init__(self, command: str, stderr: str) -> None:
        super().__init__(f"git {command} failed: {stderr}")
        self.stderr = stderr

    @property
    def permanent(self) -> bool:
        s = self.stderr.lower()
        return any(
            m in s
            for m in (
                "not found",
                "does not exist",
                "remote branch",
                "could not find remote",
                "repository not found",
                "authentication failed",
                "could not read username",
                "permission denied",
                "not a git repository",
                "is not allowed",
            )
        )


async def ensure_checkout(
    work_dir: Path, run_key: str, url: str, branch: str, commit: str, policy: RepoPolicy
) -> tuple[Path, str]:
    """Shallow-clones `url` into this run's own directory; returns (dir, HEAD commit).

    Idempotent: a checkout already at `commit` (or any, when commit is empty) is reused,
    so a retried activity or a later step on the same worker does not clone again.
    """
    transport = check_repo_url(url, policy)
    dest = checkout_dir(work_dir, run_key)
    if (dest / ".git").is_dir():
        try:
            head = await _git("rev-parse", "HEAD", cwd=dest, transport=transport)
            if not commit or head == commit:
                return dest, head
        except GitFailed:
            pass
    tmp = dest.with_name(dest.name + ".partial")
    await asyncio.to_thread(shutil.rmtree, tmp, True)
    await asyncio.to_thread(shutil.rmtree, dest, True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    clone = ["clone", "--depth", "1", "--no-tags", "--single-branch"]
    if branch:
        clone += ["--branch", branch]
    try:
        await _git(*clone, "--", url, str(tmp), transport=transport)
        head = await _git("rev-parse", "HEAD", cwd=tmp, transport=transport)
        if commit and head != commit:
            # The branch moved since the run began: fetch exactly the commit the run uses.
            await _git("fetch", "--depth", "1", "origin", commit, cwd=tmp, transport=transport)
            await _git("checkout", "--detach", commit, cwd=tmp, transport=transport)
            head = commit
    except GitFailed as err:
        await asyncio.to_thread(shutil.rmtree, tmp, True)
        if err.permanent:
            raise RepoError(f"repo_url {url!r} branch {branch or '(default)'}: {err}") from None
        raise
    tmp.rename(dest)
    return dest, head


def resolve_inside(root: Path, rel: str, what: str) -> Path:
    """Resolves `rel` under `root`, refusing anything (symlinks included) that leaves it."""
    root = root.resolve()
    path = (root / rel).resolve()
    if path != root and root not in path.parents:
        raise RepoError(f"{what}: {rel!r} resolves outside the repository")
    return path


def load_task_yaml(root: Path, rel: str, policy: RepoPolicy) -> dict[str, Any]:
    """Reads and parses one task YAML from the checkout, bounded in size."""
    path = resolve_inside(root, rel, "task_yaml")
    if not path.is_file():
        raise RepoError(f"task_yaml: {rel!r} is not a file in the repository")
    size = path.stat().st_size
    if size > policy.max_yaml_bytes:
        raise RepoError(
            f"task_yaml: {rel!r} is {size} bytes; the limit is {policy.max_yaml_bytes} "
            "(SKYPILOT_TEMPORAL_MAX_YAML_BYTES)"
        )
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise RepoError(f"task_yaml: {rel}{where}: {problem}") from None
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise RepoError(f"task_yaml: {rel} must be a mapping of SkyPilot task fields")
    return config
