"""Periodic activity heartbeats carrying the step's checkpoint (request id, job id)
and, for a step that runs a job, its latest output.

A dead worker is noticed within the heartbeat timeout, and the next attempt reads the
last checkpoint to re-attach instead of starting over. A starter following the run
reads the output part (LIVE_OUTPUT_KEY, see joblog.LiveLines) to show the step's
latest lines while it runs.

A cancel reaches an activity only in the answer to a heartbeat the SDK sends, and the
SDK sends at most one per throttle interval (the worker's heartbeat setting, 2 s): so
beating more often than that only costs CPU (each call converts the details and
crosses into the SDK core). The first periodic beat comes after one interval: an
activity that ends sooner has nothing to report, and its checkpoints beat at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import activity

from skypilot_temporal.config.settings import DEFAULT_HEARTBEAT_SECONDS
from skypilot_temporal.contract.names import LIVE_OUTPUT_KEY
from skypilot_temporal.pipeline.dag import DEFAULT_HEARTBEAT_TIMEOUT_S


class Heartbeater:
    """`details` is the checkpoint (what the executors need to re-attach); `output`,
    when given, is called on each beat for the step's latest output, sent beside it.
    `every_s`: the most often a periodic beat is sent."""

    def __init__(
        self,
        details: dict[str, Any] | None = None,
        output: Callable[[], dict[str, Any]] | None = None,
        every_s: float = DEFAULT_HEARTBEAT_SECONDS,
    ) -> None:
        # An earlier attempt's output is not this attempt's: only its checkpoint carries over.
        self.details: dict[str, Any] = {k: v for k, v in (details or {}).items() if k != LIVE_OUTPUT_KEY}
        self._output = output
        self._every_s = every_s
        self._task: asyncio.Task[None] | None = None

    def checkpoint(self, update: dict[str, Any], *, urgent: bool = True) -> None:
        """Records progress and heartbeats it at once, or (not urgent) with the next
        periodic beat."""
        self.details.update(update)
        if urgent:
            self._send()

    def _send(self) -> None:
        if self._output is None:
            activity.heartbeat(self.details)
        else:
            activity.heartbeat({**self.details, LIVE_OUTPUT_KEY: self._output()})

    async def _beat(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            self._send()

    async def __aenter__(self) -> Heartbeater:
        timeout = activity.info().heartbeat_timeout or timedelta(seconds=DEFAULT_HEARTBEAT_TIMEOUT_S)
        # Several beats per timeout, and none more often than the SDK would send them.
        every = max(0.2, min(timeout.total_seconds() / 4, self._every_s))
        self._task = asyncio.create_task(self._beat(every))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


def previous_checkpoint() -> dict[str, Any]:
    """The checkpoint an earlier attempt of this activity heartbeat last (without its output)."""
    details = activity.info().heartbeat_details
    if details and isinstance(details[0], dict):
        return {k: v for k, v in details[0].items() if k != LIVE_OUTPUT_KEY}
    return {}
