"""Every error that leaves an activity: classified, and with secret values masked.

What leaves an activity is written to the workflow history, which every client of
the namespace can read. So no exception leaves raw: each becomes an ApplicationError
whose message has gone through the step's redactor and whose type says what a
client can do about it. Errors nobody foresaw (a bug, a YAML shape our code did not
expect) are not retried as if transient: retrying cannot fix them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

from temporalio.exceptions import ApplicationError

from skypilot_temporal.config.secret_policy import MissingSecret, SecretRefused
from skypilot_temporal.contract.names import (
    INVALID_INPUT,
    INVALID_REPO,
    INVALID_TASK,
    REPO_UNREACHABLE,
    SKYPILOT_PERMANENT_ERROR,
    SKYPILOT_UNAVAILABLE,
    WORKER_ERROR,
)
from skypilot_temporal.executors.base import PermanentError, TransientError
from skypilot_temporal.pipeline.dag import InvalidInput
from skypilot_temporal.tasks.build import InvalidTask
from skypilot_temporal.tasks.repo import GitFailed, InvalidTaskFile, RepoError, RepoUnreachable
from skypilot_temporal.tasks.task_paths import PathRefused

log = logging.getLogger("skypilot_temporal")

_PERMANENT: list[tuple[type[BaseException], str]] = [
    (InvalidInput, INVALID_INPUT),
    (SecretRefused, INVALID_INPUT),
    (MissingSecret, INVALID_INPUT),
    (RepoError, INVALID_REPO),
    (InvalidTask, INVALID_TASK),
    (InvalidTaskFile, INVALID_TASK),
    (PathRefused, INVALID_TASK),
    (PermanentError, SKYPILOT_PERMANENT_ERROR),
]
_TRANSIENT: list[tuple[type[BaseException], str]] = [
    (RepoUnreachable, REPO_UNREACHABLE),
    (GitFailed, REPO_UNREACHABLE),
    (TransientError, SKYPILOT_UNAVAILABLE),
]


def as_application_error(
    err: BaseException, redact: Callable[[str], str], where: str, details: tuple[Any, ...] = ()
) -> ApplicationError:
    """The ApplicationError that stands for `err` in the history, with `details` after its own."""
    if isinstance(err, ApplicationError):
        return ApplicationError(
            redact(err.message), *err.details, *details, type=err.type, non_retryable=err.non_retryable,
            next_retry_delay=err.next_retry_delay,
        )
    for cls, kind in _PERMANENT:
        if isinstance(err, cls):
            return ApplicationError(redact(str(err)), *details, type=kind, non_retryable=True)
    for cls, kind in _TRANSIENT:
        if isinstance(err, cls):
            return ApplicationError(redact(str(err)), *details, type=kind, non_retryable=False)
    # Not foreseen: our own bug or a shape our code did not expect. Fail fast, say where.
    log.exception("%s: unexpected error", redact(where))
    return ApplicationError(
        redact(f"{where}: internal error: {type(err).__name__}: {err}"),
        *details,
        type=WORKER_ERROR,
        non_retryable=True,
    )


class FailureBoundary:
    """`async with FailureBoundary(where):` converts whatever leaves the block.

    `redact` starts as the identity and is replaced once the step's secret values
    are known; cancellation passes through untouched.
    """

    def __init__(self, where: str, details: tuple[Any, ...] = ()) -> None:
        self.where = where
        self.redact: Callable[[str], str] = lambda text: text
        # Added to every failure it converts: what the workflow must learn even then.
        self.details = details

    async def __aenter__(self) -> FailureBoundary:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        if err is None or isinstance(err, (asyncio.CancelledError, KeyboardInterrupt, SystemExit)):
            return
        raise as_application_error(err, self.redact, self.where, self.details) from None
