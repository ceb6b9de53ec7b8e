"""What a run tells people (SKYPILOT_TEMPORAL_NOTIFY_URL): it waits at a gate, it
succeeded, failed or was cancelled, its teardown left clusters up. Workflow code: each
event is a run_notify activity, which never fails (activities/notify.py).

A receiver that is down or slow must not slow the run: a gate's event is sent in the
background, and the run's last event is waited for at most END_WAIT, after which the run
ends anyway (an activity already started still delivers it).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from skypilot_temporal.contract.activity_types import NOTIFY_DETAIL, RUN_NOTIFY, NotifyInput, NotifyResult

# run_notify bounds itself (about 20 s: three tries); this is a backstop for a lost worker.
NOTIFY_TIMEOUT = timedelta(seconds=60)
# The longest a run's end waits for its notification.
END_WAIT = timedelta(seconds=10)
# Marks the histories that may hold notifications: older ones replay without them.
PATCH = "notifications"


class Notifier:
    def __init__(self) -> None:
        # Whether the run notifies: the cloning worker's setting, kept in the history
        # (its result, or its failure's detail). A run refused before its clone (its
        # input) notifies no one: it fails at once, to whoever started it.
        self.on = False
        self._background: list[asyncio.Task] = []

    def _allowed(self) -> bool:
        return self.on and workflow.patched(PATCH)

    def learn(self, failure: BaseException | None) -> None:
        """Whether to notify, from a failed clone's details."""
        for detail in getattr(failure, "details", ()):
            if isinstance(detail, dict) and isinstance(detail.get(NOTIFY_DETAIL), bool):
                self.on = detail[NOTIFY_DETAIL]

    def event(self, event: str, key: str = "", **fields) -> NotifyInput:
        info = workflow.info()
        event_id = f"{info.workflow_id}/{info.run_id}/{event}" + (f"/{key}" if key else "")
        return NotifyInput(event=event, event_id=event_id, workflow_id=info.workflow_id, run_id=info.run_id,
                           **fields)

    def soon(self, inp: NotifyInput) -> None:
        """Sends `inp` in the background."""
        if self._allowed():
            self._background.append(asyncio.ensure_future(self._send(inp)))

    async def last(self, inp: NotifyInput) -> None:
        """Sends the run's last event, waiting for it at most END_WAIT."""
        if not self._allowed():
            return
        task = asyncio.ensure_future(self._send(inp))
        try:
            await workflow.wait([task], timeout=END_WAIT.total_seconds())
        except asyncio.CancelledError:  # the run is already ending: do not hold it
            pass

    async def _send(self, inp: NotifyInput) -> None:
        try:
            result = await workflow.execute_activity(
                RUN_NOTIFY, inp, result_type=NotifyResult, start_to_close_timeout=NOTIFY_TIMEOUT,
                retry_policy=RetryPolicy(maximum_attempts=2), summary=f"notify: {inp.event}")
        except Exception as err:  # noqa: BLE001 - a notification never fails the run
            workflow.logger.warning("notification %s was not sent: %s", inp.event_id, err)
            return
        if not result.sent and result.error:
            workflow.logger.warning("notification %s was not sent: %s", inp.event_id, result.error)
