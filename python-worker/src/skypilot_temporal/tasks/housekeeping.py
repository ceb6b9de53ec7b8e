"""Nothing piles up on a long-lived worker: checkouts and local leftovers are pruned.

Every worker that ran a step of a run holds its own checkout of the run's repository.
The run's last down removes the checkout on the worker that runs it; this sweep, on
every worker, removes the rest: checkouts of runs that have ended (asked of Temporal),
of runs idle past a maximum age, and, past a bound on disk use, the least recently
used ones that no activity of this worker is using (a later step simply clones again
at the run's pinned commit).
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from skypilot_temporal.contract.metrics import CLUSTERS_UP
from skypilot_temporal.ops import telemetry, tracing
from skypilot_temporal.tasks.repo import checkouts_root, tree_bytes

log = logging.getLogger("skypilot_temporal.tasks.housekeeping")

# run_key = "<workflow id>-<run id>"; run ids are UUIDs.
_RUN_KEY = re.compile(r"^(?P<wf>.+)-(?P<run>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
_LOOKUPS_AT_ONCE = 16


@dataclass
class InUse:
    """Run keys of the activities running on this worker right now."""

    counts: Counter[str] = field(default_factory=Counter)

    def __contains__(self, run_key: str) -> bool:
        return self.counts[run_key] > 0

    def hold(self, run_key: str) -> _Hold:
        return _Hold(self, run_key)


class _Hold:
    def __init__(self, registry: InUse, run_key: str) -> None:
        self._registry, self._key = registry, run_key

    def __enter__(self) -> None:
        self._registry.counts[self._key] += 1

    def __exit__(self, *exc: object) -> None:
        self._registry.counts[self._key] -= 1
        if self._registry.counts[self._key] <= 0:
            del self._registry.counts[self._key]


@dataclass
class Checkout:
    path: Path  # checkouts/<run dir>/
    run_key: str
    last_used: float
    size: int


@dataclass
class Housekeeper:
    work_dir: Path
    client: Client
    in_use: InUse
    every_s: float
    max_idle_s: float
    max_bytes: int
    prune_executor: Callable[..., dict[str, Any]] | None = None
    executor_runs: Callable[[], set[str]] | None = None
    clusters_up: Callable[[], Awaitable[int | None]] | None = None

    @property
    def root(self) -> Path:
        return checkouts_root(self.work_dir)

    async def run_forever(self) -> None:
        with tracing.untraced():
            await self._sweep_forever()

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.every_s)
            try:
                await self.sweep()
            except Exception:  # housekeeping must never stop the worker (logged with its traceback)
                log.exception("housekeeping sweep failed")

    async def sweep(self) -> dict[str, Any]:
        now = time.time()
        checkouts = await asyncio.to_thread(self._scan)
        closed = await self._closed_runs([c.run_key for c in checkouts if c.run_key not in self.in_use])
        removed: list[str] = []
        kept: list[Checkout] = []
        for c in checkouts:
            if c.run_key in self.in_use:
                kept.append(c)
            elif c.run_key in closed or now - c.last_used > self.max_idle_s:
                removed.append(await self._remove(c))
            else:
                kept.append(c)
        # Past the bound, the least recently used idle checkouts go first.
        total = sum(c.size for c in kept)
        for c in sorted(kept, key=lambda c: c.last_used):
            if total <= self.max_bytes:
                break
            if c.run_key not in self.in_use:
                removed.append(await self._remove(c))
                total -= c.size
        report: dict[str, Any] = {"checkouts_removed": removed, "checkout_bytes": total}
        if self.prune_executor is not None:
            # The executor's leftovers of runs still going on (their data between
            # steps) stay; a run Temporal could not be asked about counts as going on.
            runs = await asyncio.to_thread(self.executor_runs) if self.executor_runs else set()
            open_runs = runs - await self._closed_runs(sorted(runs))
            report["executor"] = await asyncio.to_thread(
                self.prune_executor, now, self.max_idle_s, max(0, self.max_bytes - total), open_runs
            )
        if self.clusters_up is not None:
            try:
                up = await self.clusters_up()
            except Exception as err:  # noqa: BLE001 - a metric, not a duty
                log.warning("counting the clusters up: %s", err)
            else:
                if up is not None:
                    telemetry.gauge(CLUSTERS_UP, up)
                    report["clusters_up"] = up
        if removed:
            log.info("housekeeping: removed %d checkouts, %d bytes of checkouts left", len(removed), total)
        return report

    def _scan(self) -> list[Checkout]:
        if not self.root.is_dir():
            return []
        found = []
        for entry in self.root.iterdir():
            if not entry.is_dir():
                continue
            try:
                run_key = (entry / "run_key").read_text().strip()
            except OSError:
                run_key = entry.name
            found.append(Checkout(entry, run_key, entry.stat().st_mtime, tree_bytes(entry)))
        return found

    async def _closed_runs(self, run_keys: list[str]) -> set[str]:
        gate = asyncio.Semaphore(_LOOKUPS_AT_ONCE)

        async def closed(run_key: str) -> bool:
            m = _RUN_KEY.match(run_key)
            if not m:
                return False
            async with gate:
                try:
                    handle = self.client.get_workflow_handle(m["wf"], run_id=m["run"])
                    desc = await asyncio.wait_for(handle.describe(), timeout=10)
                except RPCError as err:
                    return err.status == RPCStatusCode.NOT_FOUND
                except Exception:  # noqa: BLE001 - unknown: keep it, age will tell
                    return False
            return desc.status != WorkflowExecutionStatus.RUNNING

        flags = await asyncio.gather(*(closed(k) for k in run_keys))
        return {k for k, flag in zip(run_keys, flags, strict=True) if flag}

    async def _remove(self, c: Checkout) -> str:
        await asyncio.to_thread(shutil.rmtree, c.path, True)
        return c.run_key
