"""Isolation for local tasks (bubblewrap): what a task can see, write and reach.

An isolated task gets every namespace of its own (user, mount, pid, ipc, uts, cgroup,
and network unless the operator shares it), no capabilities, and a root built from
read-only binds of the host's entries. Writable: the cluster's home, a private /tmp
(a directory of the cluster) and what the task mounts. Hidden behind empty read-only
directories: the worker's work dir (other clusters, buckets, checkouts), the worker
user's HOME (credentials), and /run, whose sockets (D-Bus, container runtimes) a
read-only mount does not protect. Hidden behind an empty device: the files holding the
worker's own settings and credentials, wherever they are (credential_files.py).

A mount point such as /data must not touch the host's real /data, nor create an empty
/data on the host: only directories on the way to a mount point are fresh directories
of the new root; every other host entry is bound as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

BWRAP = "bwrap"
# Where host services keep their sockets; hidden from every isolated task.
HOST_SOCKETS = "/run"
# Provided fresh by bubblewrap, never bound from the host.
_FRESH = ("/proc", "/dev")
# Refuses to create further user namespaces inside the sandbox, where the kernel
# allows it: they are the usual way into kernel bugs that need capabilities.
_HARDENING = ("--disable-userns",)


@dataclass(frozen=True)
class Isolation:
    """What bubblewrap can do on this host, probed once when the executor starts."""

    bwrap: str | None
    # Optional hardening flags this bwrap and kernel accept.
    flags: tuple[str, ...] = ()
    # Why tasks cannot be isolated; "" when they can.
    problem: str = ""

    @property
    def available(self) -> bool:
        return self.bwrap is not None and not self.problem


def probe() -> Isolation:
    """Runs `true` the way tasks will run (less the mounts): it works or says why not."""
    path = shutil.which(BWRAP)
    if path is None:
        return Isolation(None, problem="bubblewrap (bwrap) is not on the worker's PATH")
    true = shutil.which("true", path=os.defpath) or "/bin/true"
    base = [path, "--unshare-all", "--unshare-user", "--cap-drop", "ALL",
            "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    error = ""
    for flags in (_HARDENING, ()):
        try:
            done = subprocess.run([*base, *flags, "--", true], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as err:
            return Isolation(path, problem=f"{path} did not run: {err}")
        if done.returncode == 0:
            return Isolation(path, flags)
        error = error or done.stderr.decode(errors="replace").strip()
    return Isolation(path, problem=f"{path} cannot create namespaces here ({error})")


@dataclass(frozen=True)
class Box:
    """The view of the host one task gets. Paths are absolute and normalized."""

    home: str  # the cluster's home: writable, at its host path
    tmp: str  # host directory bound at /tmp
    cwd: str
    # Sandbox path -> host path, writable: buckets and file mounts.
    binds: Mapping[str, str] = field(default_factory=dict)
    # Host directories the task must not see (replaced by empty read-only directories).
    hidden: Iterable[str] = ()
    # Host files the task must not read (replaced by an empty device, /dev/null).
    hidden_files: Iterable[str] = ()
    network: bool = False


def isolated_argv(isolation: Isolation, box: Box) -> list[str]:
    """argv prefix that runs a command inside `box`."""
    assert isolation.bwrap is not None
    binds = {box.home: box.home, **box.binds}
    targets = set(binds)
    hidden = _visible_hidden(box.hidden, targets)
    argv = [isolation.bwrap, "--unshare-all", "--unshare-user", *isolation.flags]
    if box.network:
        argv.append("--share-net")
    argv += ["--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    # Targets below /tmp or a hidden directory land in a fresh directory already.
    shadowed = ["/tmp", *hidden]
    in_root = {t for t in targets if not _under_any(t, shadowed)}
    _bind_root(argv, in_root, "--ro-bind", private_tmp=True)
    argv += ["--proc", "/proc", "--dev", "/dev", "--bind", box.tmp, "/tmp"]
    for path in hidden:
        argv += ["--tmpfs", path]
    if box.network:
        argv += _resolver_binds(hidden)
    # Before the task's binds: a file below one of them is the task's own, not the host's.
    for path in _visible_files(box.hidden_files, [*_FRESH, *shadowed, *targets]):
        argv += ["--ro-bind", os.devnull, path]
    # Parents before children, so a nested mount point lands inside its parent mount.
    for target in sorted(binds, key=_depth):
        argv += ["--bind", binds[target], target]
    for path in hidden:
        argv += ["--remount-ro", path]
    return [*argv, "--chdir", box.cwd]


def mounts_argv(bwrap: str, mounts: Mapping[str, str]) -> list[str]:
    """argv prefix that only gives a command private mounts (target -> host source):
    for trusted tasks, which otherwise see and reach what the worker does."""
    targets = {os.path.normpath(t) for t in mounts}
    argv = [bwrap, "--die-with-parent", "--proc", "/proc", "--dev-bind", "/dev", "/dev"]
    _bind_root(argv, targets, "--dev-bind")
    for target in sorted(mounts, key=_depth):
        argv += ["--bind", mounts[target], os.path.normpath(target)]
    return argv


def upload_argv(isolation: Isolation, source: str, bucket: str) -> list[str]:
    """argv that copies `source` into `bucket` with only the bucket writable: tasks
    write buckets, and a symlink a task left there must not send the worker's copy
    anywhere else on the host."""
    assert isolation.bwrap is not None
    return [
        isolation.bwrap, "--unshare-all", "--unshare-user", *isolation.flags,
        "--die-with-parent", "--cap-drop", "ALL",
        "--ro-bind", "/", "/", "--bind", bucket, bucket,
        "cp", "-R", "--preserve=mode,timestamps", "-T", source, bucket,
    ]


def _bind_root(argv: list[str], targets: set[str], bind: str, private_tmp: bool = False) -> None:
    """Binds the host's entries into the new root, except /proc, /dev, mount points and
    (with `private_tmp`) /tmp; directories on the way to a mount point are fresh ones."""
    key = (frozenset(targets), bind, private_tmp)
    known = _ROOTS.get(key)
    if known is not None and all(_mtime(d) == m for d, m in known[1]):
        argv.extend(known[0])
        return
    part: list[str] = []
    listed = _list_root(part, targets, bind, (*_FRESH, "/tmp") if private_tmp else _FRESH)
    if len(_ROOTS) >= _MAX_ROOTS:
        _ROOTS.clear()
    _ROOTS[key] = (tuple(part), listed)
    argv.extend(part)


# Every launch binds the same host entries: what _list_root made, by its targets, and
# the directories it listed with their mtimes (adding, removing or replacing an entry
# changes its directory's mtime, and then the list is made again).
_ROOTS: dict[tuple[frozenset[str], str, bool], tuple[tuple[str, ...], list[tuple[str, int]]]] = {}
_MAX_ROOTS = 256


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def _list_root(argv: list[str], targets: set[str], bind: str, fresh: tuple[str, ...]) -> list[tuple[str, int]]:
    listed: list[tuple[str, int]] = []

    def on_the_way(path: str) -> bool:
        # Called for paths that are not targets themselves: a target under `path`.
        return any(PurePath(t).is_relative_to(path) for t in targets)

    def populate(host_dir: str) -> None:
        listed.append((host_dir, _mtime(host_dir)))
        for entry in sorted(os.listdir(host_dir)):
            path = os.path.join(host_dir, entry)
            if path in fresh or path in targets:
                continue
            if os.path.islink(path):
                if on_the_way(path):
                    raise ValueError(f"mount point below symlink {path} is not supported")
                argv.extend(["--symlink", os.readlink(path), path])
            elif on_the_way(path) and os.path.isdir(path):
                argv.extend(["--dir", path])
                populate(path)
            else:
                argv.extend([bind, path, path])

    populate("/")
    return listed


def _visible_hidden(hidden: Iterable[str], targets: set[str]) -> list[str]:
    """Hidden directories that the task would otherwise see, outermost only."""
    out: list[str] = []
    candidates = {os.path.normpath(p) for p in [*hidden, HOST_SOCKETS]}
    for path in sorted(candidates, key=lambda p: (_depth(p), p)):
        if path == "/" or _under_any(path, ["/tmp", *out]) or not os.path.isdir(path):
            continue  # not hideable (a HOME of /), private anyway, or nothing to hide
        if _under_any(path, targets):
            continue  # a mount of the task covers it
        out.append(path)
    return out


def _visible_files(files: Iterable[str], covered: list[str]) -> list[str]:
    """Hidden files the task would otherwise read: not below a directory that is fresh,
    private, hidden or the task's own, and still there (a bind needs its target)."""
    out = []
    for path in files:
        path = os.path.normpath(path)
        if not _under_any(path, covered) and os.path.lexists(path) and path not in out:
            out.append(path)
    return out


def _resolver_binds(hidden: list[str]) -> list[str]:
    # With the network shared, DNS must keep working when /etc/resolv.conf points into
    # a hidden directory (systemd-resolved keeps its file under /run).
    real = os.path.realpath("/etc/resolv.conf")
    return ["--ro-bind", real, real] if _under_any(real, hidden) and os.path.isfile(real) else []


def _under_any(path: str, roots: Iterable[str]) -> bool:
    """Whether `path` is one of `roots` or under one."""
    candidate = PurePath(path)
    return any(candidate.is_relative_to(r) for r in roots)


def _depth(path: str) -> int:
    return os.path.normpath(path).count("/")
