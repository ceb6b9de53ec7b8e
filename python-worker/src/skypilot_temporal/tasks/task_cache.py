"""Tasks the clone built, kept in memory for the steps of the same run on this worker.

The clone loads and builds every task YAML of the run (SkyPilot's parser, the path
policy) so that a bad late step fails the run before anything launches; each step
then needs the same task again. Parsing is most of what a step costs the worker, so
the clone's result is kept and each step gets a copy of it. A task is kept as its
pickle (the parser process hands it over so): every reader loads a copy of its own,
about three times faster than a deep copy of the object, and nobody can change the
kept one.

What makes an entry the same task: the checkout directory (one per run: no run is
ever served another run's task), the commit it is at, the YAML's path, and the env
overrides. Runs with secrets are never cached: a built task holds the secret values
(in `secrets`, and wherever SkyPilot substituted them), and those must not outlive
the step that resolved them. Memory only, bounded, and an entry goes when its run
releases its checkout.
"""

from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

Key = tuple[str, str, str, tuple[tuple[str, str], ...]]


def task_key(
    repo_dir: Path, commit: str, task_yaml: str, envs_override: Mapping[str, str],
    secret_names: Iterable[str],
) -> Key | None:
    """The cache key of a task, or None when it must not be cached (secrets, or no
    known commit to pin the checkout's content)."""
    if any(True for _ in secret_names) or not commit:
        return None
    return (str(repo_dir), commit, task_yaml, tuple(sorted(envs_override.items())))


def pickled(task: Any) -> bytes | None:
    """What the cache keeps of a task; None if it cannot be pickled (SkyPilot could
    hold something that cannot: the steps then build it again)."""
    try:
        return pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - not cached, never wrong
        return None


class TaskCache:
    def __init__(self, max_entries: int = 2048) -> None:
        self._max = max_entries
        # Used from the event loop only (the parser processes hand their pickles back
        # to it), so it needs no lock.
        self._entries: OrderedDict[Key, bytes] = OrderedDict()
        # The keys of each checkout: a run's release drops its own, not a scan of all.
        self._by_checkout: dict[str, set[Key]] = {}

    def put(self, key: Key | None, task: bytes) -> None:
        """Keeps a task, as its pickle (see `pickled`)."""
        if key is None:
            return
        self._entries[key] = task
        self._entries.move_to_end(key)
        self._by_checkout.setdefault(key[0], set()).add(key)
        while len(self._entries) > self._max:
            old, _ = self._entries.popitem(last=False)
            keys = self._by_checkout[old[0]]
            keys.discard(old)
            if not keys:
                del self._by_checkout[old[0]]

    def get(self, key: Key | None) -> Any | None:
        """A copy of the cached task (the caller may change it), or None."""
        if key is None:
            return None
        data = self._entries.get(key)
        if data is None:
            return None
        self._entries.move_to_end(key)
        return pickle.loads(data)

    def forget(self, repo_dir: Path) -> None:
        """Drops every task of one checkout (its run released it)."""
        for key in self._by_checkout.pop(str(repo_dir), ()):
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
