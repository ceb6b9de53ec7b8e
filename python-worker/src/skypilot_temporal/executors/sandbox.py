"""Private mount namespaces for local jobs (bubblewrap).

A task may mount a bucket at an absolute path such as /data. Locally that must not
touch the host's real /data, nor create an empty /data on the host. The new root
is built from binds of the host's entries; only directories on the way to a mount
point are fresh (tmpfs) directories, so the mount points exist inside the namespace
only.
"""

from __future__ import annotations

import os
import shutil

BWRAP = "bwrap"
_SKIP = {"/proc", "/dev"}


def available() -> bool:
    return shutil.which(BWRAP) is not None


def bwrap_argv(mounts: dict[str, str]) -> list[str]:
    """argv prefix that runs a command with `mounts` (target -> host source) bound."""
    targets = {os.path.normpath(t) for t in mounts}
    argv = [BWRAP, "--die-with-parent", "--proc", "/proc", "--dev-bind", "/dev", "/dev"]

    def on_the_way(path: str) -> bool:
        return any(t.startswith(path.rstrip("/") + "/") for t in targets)

    def populate(host_dir: str) -> None:
        for entry in sorted(os.listdir(host_dir)):
            path = os.path.join(host_dir, entry)
            if path in _SKIP or path in targets:
                continue
            if os.path.islink(path):
                if on_the_way(path):
                    raise ValueError(f"mount point below symlink {path} is not supported")
                argv.extend(["--symlink", os.readlink(path), path])
            elif on_the_way(path) and os.path.isdir(path):
                argv.extend(["--dir", path])
                populate(path)
            else:
                argv.extend(["--dev-bind", path, path])

    populate("/")
    # Parents before children, so a nested mount point lands inside its parent mount.
    for target in sorted(mounts, key=lambda t: os.path.normpath(t).count("/")):
        argv.extend(["--bind", mounts[target], os.path.normpath(target)])
    return argv
