"""Local paths a task names must stay inside the run's checkout.

SkyPilot uploads (or, with an API server on the same host, reads) every local path
a task names: `workdir`, `file_mounts` sources, storage `source` (a string or a
list), a service's TLS key and certificate. A task YAML from a repository must not
make the worker hand over its own files (`~/.ssh`, `/etc`, another run's checkout).

Two passes: before SkyPilot parses the YAML, literal relative paths are made absolute
inside the checkout (SkyPilot would resolve them against the worker's directory);
after it parses (variables substituted, `~` expanded), every local path is checked
on the parsed task itself, symlinks resolved, including symlinks inside directories.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

# Directory walks are bounded: the checkout itself is bounded by the repository
# size limit, this bounds the work on a tree of many tiny files.
_MAX_WALK_ENTRIES = 200_000


class PathRefused(Exception):
    """A local path of a task leaves the checkout (permanent)."""


def _is_remote(path: str) -> bool:
    # SkyPilot treats anything with a network location (s3://b, gs://b, https://h)
    # as a store URL; file:// has none and is a local path.
    return "://" in path and not path.startswith("file://")


def _literal_relative(path: Any) -> bool:
    return (
        isinstance(path, str) and bool(path) and not _is_remote(path)
        and not path.startswith(("/", "~", "$", "file://")) and "$" not in path
    )


def absolutize_paths(config: dict[str, Any], repo_dir: Path) -> dict[str, Any]:
    """Returns `config` with literal relative local paths made absolute in the checkout.

    Anything else (absolute, `~`, variables, odd shapes) is left for `check_task_paths`
    to judge on the parsed task.
    """

    def fix(path: Any) -> Any:
        if isinstance(path, list):
            return [fix(p) for p in path]
        return str(repo_dir / path) if _literal_relative(path) else path

    out = dict(config)
    if "workdir" in out:
        out["workdir"] = fix(out["workdir"])
    mounts = out.get("file_mounts")
    if isinstance(mounts, dict):
        fixed: dict[Any, Any] = {}
        for target, source in mounts.items():
            if isinstance(source, dict) and "source" in source:
                source = {**source, "source": fix(source["source"])}
            elif isinstance(source, (str, list)):
                source = fix(source)
            fixed[target] = source
        out["file_mounts"] = fixed
    return out


def local_paths(task: Any) -> Iterator[tuple[str, str]]:
    """(field, path) of every local path SkyPilot would read for the parsed task."""
    workdir = getattr(task, "workdir", None)
    if isinstance(workdir, str):
        yield "workdir", workdir
    for target, source in (getattr(task, "file_mounts", None) or {}).items():
        if isinstance(source, str) and not _is_remote(source):
            yield f"file_mounts[{target}]", source
    for target, storage in (getattr(task, "storage_mounts", None) or {}).items():
        sources = getattr(storage, "source", None)
        if sources is None:
            continue
        for source in sources if isinstance(sources, list) else [sources]:
            if not isinstance(source, str):
                raise PathRefused(
                    f"file_mounts[{target}].source: {source!r} is not a path or URL"
                )
            if not _is_remote(source):
                yield f"file_mounts[{target}].source", source
    service = getattr(task, "service", None)
    tls = getattr(service, "tls_credential", None) if service is not None else None
    if tls is not None:
        yield "service.tls.keyfile", tls.keyfile
        yield "service.tls.certfile", tls.certfile


def check_path(root: Path, field: str, raw: str) -> Path:
    """The resolved path, or PathRefused naming the field and the path."""
    path = raw[len("file://"):] if raw.startswith("file://") else raw
    # Paths made absolute in the checkout are shown as the repository wrote them: a
    # refusal need not tell a run where the worker keeps its checkouts.
    shown = os.path.relpath(raw, root) if PurePath(raw).is_relative_to(root) else raw
    expanded = os.path.expanduser(path)
    if not os.path.isabs(expanded):
        raise PathRefused(
            f"{field}: {shown!r} is relative after variable substitution, so SkyPilot would "
            "read it from the worker's directory; write it as a literal path in the repository"
        )
    resolved = Path(os.path.realpath(expanded))
    if not resolved.is_relative_to(root):
        raise PathRefused(f"{field}: {shown!r} resolves to {str(resolved)!r}, outside the repository")
    if not resolved.exists():
        raise PathRefused(f"{field}: {shown!r} does not exist in the repository")
    if resolved.is_dir():
        _check_tree(root, resolved, field, shown)
    return resolved


def _check_tree(root: Path, top: Path, field: str, raw: str) -> None:
    """Symlinks inside a directory must not lead out of the checkout either: the
    upload would carry the link, and whatever runs the task would follow it."""
    seen = 0
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            seen += 1
            if seen > _MAX_WALK_ENTRIES:
                raise PathRefused(f"{field}: {raw!r} holds more than {_MAX_WALK_ENTRIES} entries")
            entry = Path(dirpath) / name
            if entry.is_symlink() and not Path(os.path.realpath(entry)).is_relative_to(root):
                rel = entry.relative_to(root)
                raise PathRefused(
                    f"{field}: {raw!r} holds the symlink {str(rel)!r}, which leads outside "
                    "the repository"
                )


def check_task_paths(task: Any, repo_dir: Path, task_yaml: str) -> None:
    """Raises PathRefused (naming the file, field and path) for any local path of the
    parsed task that is not inside the checkout."""
    root = Path(os.path.realpath(repo_dir))
    try:
        for field, raw in local_paths(task):
            check_path(root, field, raw)
    except PathRefused as err:
        raise PathRefused(f"{task_yaml}: {err}") from None
