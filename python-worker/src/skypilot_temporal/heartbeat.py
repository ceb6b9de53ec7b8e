"""Periodic activity heartbeats carrying the step's checkpoint (request id, job id).

A dead worker is noticed within the heartbeat timeout, and the next attempt reads the
last checkpoint to re-attach instead of starting over.

A cancel reaches an activity only in the answer to a heartbeat the SDK sends, and the
SDK sends at most one per throttle interval (the worker's heartbeat setting, 2 s): so
beating more often than that only costs CPU (each call converts the details and
crosses into the SDK core). The first periodic beat comes after one interval: an
activity that ends sooner has nothing to report, and its checkpoints beat at once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import activity


class Heartbeater:
    def __init__(self, details: dict[str, Any] | None = None, every_s: float = 2.0) -> None:
        self.details: dict[str, Any] = dict(details or {})
        self._every_s = every_s
        self._task: asyncio.Task[None] | None = None

    def checkpoint(self, update: dict[str, Any]) -> None:
        """Records progress and heartbeats it at once."""
        self.details.update(update)
        activity.heartbeat(self.details)

    async def _beat(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            activity.heartbeat(self.details)

    async def __aenter__(self) -> "Heartbeater":
        timeout = activity.info().heartbeat_timeout or timedelta(seconds=60)
        # Several beats per timeout, and none more often than the SDK would send them.
        every = max(0.2, min(timeout.total_seconds() / 4, self._every_s))
        self._task = asyncio.create_task(self._beat(every))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


def previous_checkpoint() -> dict[str, Any]:
    details = activity.info().heartbeat_details
    if details and isinstance(details[0], dict):
        return dict(details[0])
    return {}
