"""run_notify: POSTs one event of a run to SKYPILOT_TEMPORAL_NOTIFY_URL.

A notification never fails a run: whatever the receiver does (refuses, answers 4xx or
5xx, hangs, does not resolve), the activity returns a NotifyResult that says so. It
retries by itself, a few times and briefly, so one attempt of the activity is bounded
(MAX_SECONDS): the workflow needs no retry policy of its own beyond the worker's loss.

The URL may carry the receiver's token (Slack: https://hooks.slack.com/services/T/B/XXX):
logs, errors and results name the receiver by receiver_name() only, and error texts are
built here from status codes and exception types, never from urllib's messages (which
can quote the URL).
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

from temporalio import activity

from skypilot_temporal.activities.notify_message import notify_body
from skypilot_temporal.config.secret_policy import Redactor, SecretAllowlist
from skypilot_temporal.config.settings import Settings
from skypilot_temporal.contract.activity_types import RUN_NOTIFY, NotifyInput, NotifyResult

log = logging.getLogger("skypilot_temporal")

TRIES = 3
# urllib's timeout bounds each connect and each read of a try.
TRY_TIMEOUT_S = 5.0
# A try's hard bound: a receiver that answers a byte at a time would outlast the timeout.
TRY_LIMIT_S = TRY_TIMEOUT_S + 1
# The pauses before the second and the third try.
BACKOFF_S = (0.5, 1.0)
# The longest one attempt of the activity takes, whatever the receiver does.
MAX_SECONDS = TRIES * TRY_LIMIT_S + sum(BACKOFF_S)
USER_AGENT = "skypilot-temporal"


def receiver_name(url: str) -> str:
    """scheme://host of a URL: all that logs, errors and results may say of the receiver
    (its path, query, user and password can hold a token)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme.lower()}://{f'[{host}]' if ':' in host else host}"


def allowed_secrets(environ: Mapping[str, str], allowlist: SecretAllowlist) -> dict[str, str]:
    """The values of every secret this worker may hand a run: the ones a run's reason
    or output could carry into a notification."""
    return {name: value for name, value in environ.items() if allowlist.allows(name)}


@dataclass(frozen=True)
class _Try:
    status: int
    # "" when the receiver took the event.
    error: str
    retry: bool


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the receiver's answer, not followed: the event goes to the
    configured receiver or nowhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Notifier:
    """The run_notify activity, on the worker's Settings (read once at start)."""

    def __init__(self, settings: Settings) -> None:
        self._url, self._headers = _without_credentials(settings.notify_url)
        self.receiver = receiver_name(self._url) if self._url else ""
        self._redact = Redactor(allowed_secrets(settings.environ, settings.secret_allowlist))
        self._opener = urllib.request.build_opener(_NoRedirects)

    @activity.defn(name=RUN_NOTIFY)
    async def run_notify(self, inp: NotifyInput) -> NotifyResult:
        if not self._url:
            return NotifyResult(sent=False, status=0, attempts=0, error="")
        tag = f"[{inp.workflow_id} notify {inp.event}]"
        data = json.dumps(notify_body(inp, self._redact)).encode()
        attempts, last = 0, _Try(0, "", False)
        for attempts in range(1, TRIES + 1):
            if attempts > 1:
                await asyncio.sleep(BACKOFF_S[attempts - 2])
            last = await self._try(data)
            if not last.error:
                log.info("%s sent to %s (HTTP %s, %s)", tag, self.receiver, last.status, _tries(attempts))
                return NotifyResult(sent=True, status=last.status, attempts=attempts, error="")
            if not last.retry or attempts == TRIES:
                break
            log.info("%s %s: %s; trying again", tag, self.receiver, last.error)
        error = f"{self.receiver}: {last.error} ({_tries(attempts)})"
        log.warning("%s not sent: %s", tag, error)
        return NotifyResult(sent=False, status=last.status, attempts=attempts, error=error)

    async def _try(self, data: bytes) -> _Try:
        try:
            return await asyncio.wait_for(asyncio.to_thread(self._post, data), TRY_LIMIT_S)
        except asyncio.TimeoutError:
            # The thread ends by itself at its socket timeout; its answer is not awaited.
            return _Try(0, f"no answer within {TRY_LIMIT_S:g} s", True)

    def _post(self, data: bytes) -> _Try:
        request = urllib.request.Request(
            self._url, data=data, method="POST",
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **self._headers},
        )
        try:
            with self._opener.open(request, timeout=TRY_TIMEOUT_S) as response:
                return _Try(response.status, "", False)
        except urllib.error.HTTPError as err:
            err.close()
            return _Try(err.code, _http_status(err.code), err.code >= 500 or err.code == 429)
        except urllib.error.URLError as err:
            return _Try(0, _network_error(err.reason), True)
        except (OSError, http.client.HTTPException) as err:  # a read after the request was sent
            return _Try(0, _network_error(err), True)
        except Exception as err:  # noqa: BLE001 - a notification never fails the run
            return _Try(0, type(err).__name__, False)


def _without_credentials(url: str) -> tuple[str, dict[str, str]]:
    """A URL's user:password@ as a Basic Authorization header, as curl sends it; urllib
    would take them for part of the host name."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, {}
    credentials = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
    netloc = parts.netloc.rpartition("@")[2]
    authorization = "Basic " + base64.b64encode(credentials.encode()).decode()
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), {"Authorization": authorization}


def _http_status(code: int) -> str:
    try:
        return f"HTTP {code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def _network_error(reason: object) -> str:
    """The exception's type and the system's message (no URL in either)."""
    if not isinstance(reason, BaseException):
        return "URLError"
    message = getattr(reason, "strerror", None)
    return f"{type(reason).__name__} ({message})" if message else type(reason).__name__


def _tries(n: int) -> str:
    return f"{n} try" if n == 1 else f"{n} tries"
