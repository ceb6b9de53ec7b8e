"""Safe cloning of the task repository and loading of task YAMLs inside it.

No shell: git runs with an argument vector, its transports limited to the ones the
URL policy allows, prompts disabled. Each run clones into its own directory.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!//)[^\s]+$")
_TRANSPORT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_RUN_KEY = re.compile(r"[^A-Za-z0-9._-]")


class RepoError(Exception):
    """Permanent, and the repository's own: a refused URL, a clone git refuses (no such
    branch, no access), a repository over the size limit."""


class InvalidTaskFile(Exception):
    """Permanent, and the repository's content: a task YAML or the pipeline file is
    missing, too large, not YAML or not the shape it must be. The message names the
    file, and the input field that led to it or the spot inside it."""


@dataclass(frozen=True)
class RepoPolicy:
    allow_local: bool = False
    max_yaml_bytes: int = 1024 * 1024
    max_repo_bytes: int = 512 * 1024 * 1024


class RepoUnreachable(Exception):
    """git could not reach the repository (network, DNS, server): worth retrying."""


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


def checkouts_root(work_dir: Path) -> Path:
    return work_dir / "checkouts"


def checkout_dir(work_dir: Path, run_key: str) -> Path:
    return checkouts_root(work_dir) / _RUN_KEY.sub("_", run_key) / "repo"


def _git_env() -> dict[str, str]:
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
    return env


async def _git(*args: str, cwd: Path | None = None, transport: str = "https",
               watch: Path | None = None, max_bytes: int = 0) -> str:
    """Runs git; with `watch`, kills it once that directory grows past `max_bytes`."""
    # Only the transport the policy allowed may be used, also for submodules and redirects.
    protocol = ["-c", "protocol.allow=never", "-c", f"protocol.{transport}.allow=always"]
    proc = await asyncio.create_subprocess_exec(
        "git", *protocol, *args,
        cwd=cwd, env=_git_env(),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    communicate = asyncio.ensure_future(proc.communicate())
    try:
        while watch is not None and max_bytes > 0 and not communicate.done():
            await asyncio.wait([communicate], timeout=0.5)
            if not communicate.done() and await asyncio.to_thread(tree_bytes, watch) > max_bytes:
                proc.kill()
                await communicate
                raise RepoTooLarge(max_bytes)
        out, err = await communicate
    except BaseException:
        if proc.returncode is None:
            proc.kill()
        raise
    if proc.returncode != 0:
        raise GitFailed(args[0], err.decode(errors="replace").strip()[-2000:])
    return out.decode().strip()


def tree_bytes(path: Path) -> int:
    """Bytes used by the files under `path` (symlinks not followed)."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                continue
    return total


class RepoTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


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
                "couldn't find remote ref",
                "not our ref",  # a commit the server does not have (or will not serve)
            )
        )


async def path_digests(repo_dir: Path, uses: Mapping[str, list[str]]) -> dict[str, str]:
    """Per file of `uses`, a digest of it and of the paths it lists (relative to the
    checkout), from git's own object ids at HEAD: a change to any of them changes it.
    {} when git cannot name one (an untracked path): nothing is then reused."""
    files = sorted(uses)
    wanted = sorted({p for f in files for p in [f, *uses[f]]})
    if not wanted:
        return {}
    try:
        out = await _git("rev-parse", *(f"HEAD:{'' if p == '.' else p}" for p in wanted), cwd=repo_dir)
    except GitFailed:
        return {}
    ids = dict(zip(wanted, out.split(), strict=False))
    if len(ids) != len(wanted):
        return {}
    return {f: hashlib.sha256(" ".join(f"{p}={ids[p]}" for p in [f, *uses[f]]).encode()).hexdigest()
            for f in files}


async def ensure_checkout(
    work_dir: Path, run_key: str, url: str, branch: str, commit: str, policy: RepoPolicy, fresh: bool = False
) -> tuple[Path, str]:
    """Shallow-clones `url` into this run's own directory; returns (dir, HEAD commit).

    Idempotent: a checkout already at `commit` (or any, when commit is empty) is reused,
    so a retried activity or a later step on the same worker does not clone again;
    `fresh` clones again all the same when no commit is given (the branch may have moved).
    Bounded: a clone that grows past policy.max_repo_bytes is stopped and refused.
    """
    transport = check_repo_url(url, policy)
    dest = checkout_dir(work_dir, run_key)
    if (dest / ".git").is_dir() and not (fresh and not commit):
        try:
            head = _known_head(dest) or await _git("rev-parse", "HEAD", cwd=dest, transport=transport)
            if not commit or head == commit:
                _remember_head(dest, head)
                _touch(dest.parent)
                return dest, head
        except GitFailed:
            pass
    tmp = dest.with_name(dest.name + ".partial")
    # Leftovers of an attempt that died (or a checkout at another commit); a first
    # clone has none, and costs no hop to a thread for them.
    for stale in (tmp, dest):
        if os.path.lexists(stale):
            await asyncio.to_thread(shutil.rmtree, stale, True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    (tmp.parent / "run_key").write_text(run_key)
    # No template: no sample hooks or other files to write now and delete at the end
    # (nor hooks from a template directory the host's git config may name).
    clone = ["clone", "--template=", "--depth", "1", "--no-tags", "--single-branch"]
    if branch:
        clone += ["--branch", branch]
    where = f"repo_url {url!r} branch {branch or '(default)'}"
    limit = policy.max_repo_bytes
    try:
        await _git(*clone, "--", url, str(tmp), transport=transport, watch=tmp, max_bytes=limit)
        head = _read_head(tmp) or await _git("rev-parse", "HEAD", cwd=tmp, transport=transport)
        if commit and head != commit:
            # The branch moved since the run began: fetch exactly the commit the run uses.
            await _git("fetch", "--depth", "1", "origin", commit, cwd=tmp, transport=transport,
                       watch=tmp, max_bytes=limit)
            await _git("checkout", "--detach", commit, cwd=tmp, transport=transport)
            head = commit
        size = await asyncio.to_thread(tree_bytes, tmp)
        if size > limit:
            raise RepoTooLarge(limit)
    except RepoTooLarge:
        await asyncio.to_thread(shutil.rmtree, tmp, True)
        raise RepoError(
            f"{where}: the repository is larger than the limit of {limit} bytes "
            "(SKYPILOT_TEMPORAL_MAX_REPO_BYTES)"
        ) from None
    except GitFailed as err:
        await asyncio.to_thread(shutil.rmtree, tmp, True)
        if err.permanent:
            raise RepoError(f"{where}: {err}") from None
        raise RepoUnreachable(f"{where}: {err}") from None
    except BaseException:
        await asyncio.to_thread(shutil.rmtree, tmp, True)
        raise
    tmp.rename(dest)
    _remember_head(dest, head)
    _touch(dest.parent)
    return dest, head


# The commit each checkout this process made or verified is at, with what its
# .git/HEAD looked like then: a later step of the run asks no git process. Anything
# that changes the checkout (a new clone, a checkout) writes a new HEAD file.
_HEADS: dict[Path, tuple[str, tuple[int, int, int]]] = {}
_MAX_HEADS = 4096


_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def _read_head(checkout: Path) -> str:
    """HEAD's commit as a fresh clone records it (a branch ref, loose or packed, or a
    detached commit), read without starting git; "" when it is anything else."""
    git = checkout / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if head.startswith("ref: refs/"):
            ref = head[5:]
            loose = git / ref
            if loose.is_file():
                head = loose.read_text().strip()
            else:
                packed = (git / "packed-refs").read_text().splitlines()
                head = next((line.split()[0] for line in packed
                             if not line.startswith(("#", "^")) and line.split()[1:] == [ref]), "")
    except (OSError, IndexError):
        return ""
    return head if _SHA.match(head) else ""


def _head_signature(dest: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(dest / ".git" / "HEAD")
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def _known_head(dest: Path) -> str:
    known = _HEADS.get(dest)
    if known is None or known[1] != _head_signature(dest):
        return ""
    return known[0]


def _remember_head(dest: Path, head: str) -> None:
    signature = _head_signature(dest)
    if signature is None:
        return
    if len(_HEADS) >= _MAX_HEADS:
        _HEADS.clear()
    _HEADS[dest] = (head, signature)


def _touch(path: Path) -> None:
    """Marks a checkout as used now: housekeeping removes the least recently used."""
    try:
        os.utime(path)
    except OSError:
        pass


def resolve_inside(root: Path, rel: str, what: str) -> Path:
    """Resolves `rel` under `root`, refusing anything (symlinks included) that leaves it
    with RepoError, which each caller turns into what it means there (repo_file)."""
    root = root.resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        raise RepoError(f"{what}: {rel!r} resolves outside the repository")
    return path


def repo_file(root: Path, rel: str, field: str) -> Path | None:
    """The checkout's file `rel`, named by the input's `field`; None when there is no
    such file. InvalidTaskFile when it leads outside the checkout (a symlink)."""
    try:
        path = resolve_inside(root, rel, field)
    except RepoError as err:
        raise InvalidTaskFile(str(err)) from None
    return path if path.is_file() else None


def read_yaml(path: Path, rel: str, field: str, policy: RepoPolicy) -> Any:
    """The YAML document in the checkout's file `path` (`rel`, named by `field`),
    bounded in size and shape; InvalidTaskFile naming the field, the file and the spot."""
    size = path.stat().st_size
    if size > policy.max_yaml_bytes:
        raise InvalidTaskFile(
            f"{field}: {rel!r} is {size} bytes; the limit is {policy.max_yaml_bytes} "
            "(SKYPILOT_TEMPORAL_MAX_YAML_BYTES)"
        )
    return safe_yaml(path.read_text(encoding="utf-8", errors="replace"), rel, field)


def load_task_yaml(root: Path, rel: str, policy: RepoPolicy) -> dict[str, Any]:
    """Reads and parses one task YAML from the checkout, bounded in size and shape."""
    path = repo_file(root, rel, "task_yaml")
    if path is None:
        raise InvalidTaskFile(f"task_yaml: {rel!r} is not a file in the repository")
    config = read_yaml(path, rel, "task_yaml", policy)
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise InvalidTaskFile(
            f"task_yaml: {rel} must be a mapping of SkyPilot task fields, got {type(config).__name__}"
        )
    return config


# A YAML document is a graph: aliases let a few bytes stand for an exponential tree
# ("billion laughs"), which every later copy, schema check and serialization walks
# in full. Both bounds are far above any real task.
MAX_YAML_NODES = 100_000
MAX_YAML_DEPTH = 64


# libyaml's parser (when PyYAML has it) reads a task about six times faster than the
# pure-Python one, and caps nesting itself (1000 levels, "exceeded maximum nesting
# depth") before its recursive composer could exhaust the C stack. Its syntax errors
# say less ("found character that cannot start any token", not which one): a
# document it refuses is read again by the pure-Python parser for the message.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
_TOO_DEEP = "exceeded maximum nesting depth"


def safe_yaml(text: str, rel: str, field: str) -> Any:
    """yaml.safe_load, refusing alias bombs and deep nesting before building anything.
    `field` is the input's field that named the file `rel`, for the messages."""
    if _FAST_LOADER is not None:
        try:
            return _load_checked(_FAST_LOADER, text, rel, field)
        except yaml.YAMLError as err:
            if _TOO_DEEP in str(getattr(err, "problem", "")):
                raise _too_deep(rel, field) from None
    try:
        return _load_checked(yaml.SafeLoader, text, rel, field)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise InvalidTaskFile(f"{field}: {rel}{where}: {problem}") from None
    except RecursionError:
        raise _too_deep(rel, field) from None


def _too_deep(rel: str, field: str) -> InvalidTaskFile:
    return InvalidTaskFile(f"{field}: {rel} is nested more than {MAX_YAML_DEPTH} levels deep")


def _load_checked(loader_class: type, text: str, rel: str, field: str) -> Any:
    """Composes the document, checks its shape, then builds it; YAMLError propagates."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_shape(node, rel, field)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_shape(root: yaml.Node, rel: str, field: str) -> None:
    """Counts the nodes of the document as it would be expanded (aliases included)."""
    sizes: dict[int, int] = {}
    # Iterative post-order walk: deep documents must not exhaust Python's stack.
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, expanded = stack.pop()
        if depth > MAX_YAML_DEPTH:
            raise _too_deep(rel, field)
        if id(node) in sizes:
            continue
        children = _children(node)
        if expanded or not children:
            total = 1 + sum(sizes.get(id(c), 0) for c in children)
            if total > MAX_YAML_NODES:
                raise InvalidTaskFile(
                    f"{field}: {rel} expands to more than {MAX_YAML_NODES} values "
                    "(YAML aliases that repeat large parts); refused"
                )
            sizes[id(node)] = total
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []
