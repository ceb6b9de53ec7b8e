"""Run notifications: the worker POSTs a run's events to SKYPILOT_TEMPORAL_NOTIFY_URL, a
real HTTP receiver here, and whatever that receiver does, the activity returns in
bounded time without raising, with no secret value and no more of the URL than
scheme://host in what it sends, logs or returns."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import math
import time

import pytest
from notify_receiver import closed_port, receiver, silent_port
from temporalio.testing import ActivityEnvironment

from skypilot_temporal.activities.notify import MAX_SECONDS, Notifier
from skypilot_temporal.activities.notify_message import MAX_TEXT_CHARS, notify_text
from skypilot_temporal.config.secret_policy import MASK
from skypilot_temporal.config.settings import ConfigError, Settings
from skypilot_temporal.contract.activity_types import NotifyInput, NotifyResult

SECRET = "s3cr3t-value-42"
TOKEN = "SECRETTOKEN"
# What a loaded 2-core machine may add to the activity's own bound.
SLACK_S = 10


def notifier(url: str, **env: str) -> Notifier:
    return Notifier(Settings.from_env({
        "SKYPILOT_TEMPORAL_NOTIFY_URL": url, "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent", **env,
    }))


async def notify(n: Notifier, inp: NotifyInput) -> NotifyResult:
    return await ActivityEnvironment().run(n.run_notify, inp)


def waiting() -> NotifyInput:
    return NotifyInput(
        event="waiting", event_id="skypilot-pipeline-ab12/waiting/deploy", workflow_id="skypilot-pipeline-ab12",
        run_id="0193-run", gate="deploy", since="2026-12-06T09:00:00Z", approvers=["alice"],
        commands={"go": "go run ./go-starter approve skypilot-pipeline-ab12 deploy",
                  "temporal": "temporal workflow update execute --workflow-id skypilot-pipeline-ab12 --name approve"},
        metrics={"accuracy": 0.91}, branch="eval",
    )


def failed(reason: str) -> NotifyInput:
    return NotifyInput(event="failed", event_id="run-1/failed", workflow_id="run-1", run_id="r1",
                       failing_step="train", failure_type="JobFailed", reason=reason)


async def test_a_receiver_that_answers_200_gets_one_post_with_the_events_fields():
    with receiver() as r:
        result = await notify(notifier(r.url()), waiting())
    assert result == NotifyResult(sent=True, status=200, attempts=1, error="")
    assert len(r.received) == 1
    got = r.received[0]
    assert (got.path, got.content_type) == ("/hook", "application/json")
    assert got.body == {
        "id": "skypilot-pipeline-ab12/waiting/deploy", "event": "waiting", "text": got.body["text"],
        "workflow_id": "skypilot-pipeline-ab12", "run_id": "0193-run", "gate": "deploy",
        "since": "2026-12-06T09:00:00Z", "approvers": ["alice"], "commands": waiting().commands,
        "metrics": {"accuracy": 0.91}, "branch": "eval",
    }
    assert got.body["text"] == (
        'SkyPilot run skypilot-pipeline-ab12 is waiting for approval at gate "deploy" since 2026-12-06T09:00:00Z '
        "(eval: accuracy=0.91). Approvers: alice. "
        "Approve: temporal workflow update execute --workflow-id skypilot-pipeline-ab12 --name approve"
    )


def test_each_event_has_its_one_line_text():
    def text(**fields: object) -> str:
        return notify_text(NotifyInput(event_id="e", workflow_id="X", run_id="r", **fields))

    assert text(event="succeeded", commit="abc123", steps=["preprocess SUCCEEDED", "train SUCCEEDED"]) == (
        "SkyPilot run X succeeded (commit abc123): preprocess SUCCEEDED, train SUCCEEDED")
    assert text(event="failed", failing_step="train", failure_type="JobFailed", reason="exit 3") == (
        'SkyPilot run X failed at step "train" (JobFailed): exit 3')
    assert text(event="cancelled") == "SkyPilot run X was cancelled"
    assert text(event="waiting_for_repair", failing_step="eval", reason="step 'eval' failed: exit 3",
                deadline="2026-12-06T14:00:00Z", clusters_kept=["c-train"],
                commands={"temporal": "temporal workflow update execute ... --name retry"}) == (
        'SkyPilot run X: step "eval" failed and waits for a repair until 2026-12-06T14:00:00Z (clusters kept: '
        "c-train): step 'eval' failed: exit 3 Retry once fixed: temporal workflow update execute ... --name retry")
    assert text(event="clusters_left", clusters_left=["a", "b"]) == (
        "SkyPilot run X: teardown left clusters up: a, b. Down them by hand (sky down a b).")


async def test_a_metric_that_is_no_finite_number_still_makes_a_json_body():
    inp = dataclasses.replace(waiting(), metrics={"loss": math.nan, "accuracy": 0.5})
    with receiver() as r:
        assert (await notify(notifier(r.url()), inp)).sent
    assert r.received[0].body["metrics"] == {"loss": "nan", "accuracy": 0.5}


async def test_a_long_reason_is_cut_in_the_text_only():
    reason = "x" * 10_000
    text = notify_text(failed(reason))
    assert len(text) == MAX_TEXT_CHARS
    assert text.startswith('SkyPilot run run-1 failed at step "train" (JobFailed): xxx') and text.endswith("x...")
    with receiver() as r:
        assert (await notify(notifier(r.url()), failed(reason))).sent
    assert r.received[0].body["reason"] == reason


async def test_5xx_is_retried_with_the_same_id_until_the_receiver_takes_it():
    with receiver(500, 503) as r:
        result = await notify(notifier(r.url()), failed("boom"))
    assert result == NotifyResult(sent=True, status=200, attempts=3, error="")
    assert len(r.received) == 3
    assert {json.dumps(got.body, sort_keys=True) for got in r.received} == {json.dumps(r.received[0].body,
                                                                                      sort_keys=True)}
    assert r.received[0].body["id"] == "run-1/failed"


async def test_a_4xx_is_not_retried_nor_a_redirect_followed():
    for status in (404, 302, 307):
        with receiver(status) as r:
            result = await notify(notifier(r.url()), failed("boom"))
        assert (result.sent, result.status, result.attempts) == (False, status, 1)
        assert [got.path for got in r.received] == ["/hook"]
        assert result.error.startswith(f"http://127.0.0.1: HTTP {status} ")


async def test_a_refusing_receiver_costs_a_bounded_time_and_raises_nothing():
    started = time.monotonic()
    result = await notify(notifier(f"http://127.0.0.1:{closed_port()}/hook"), failed("boom"))
    assert time.monotonic() - started < MAX_SECONDS + SLACK_S
    assert (result.sent, result.status, result.attempts) == (False, 0, 3)
    assert result.error == "http://127.0.0.1: ConnectionRefusedError (Connection refused) (3 tries)"


@pytest.mark.slow  # it waits out every try's timeout: `make e2e`
async def test_a_receiver_that_never_answers_costs_a_bounded_time_and_raises_nothing():
    with silent_port() as port:
        started = time.monotonic()
        result = await notify(notifier(f"http://127.0.0.1:{port}/hook"), failed("boom"))
        elapsed = time.monotonic() - started
    assert elapsed < MAX_SECONDS + SLACK_S < 30
    assert (result.sent, result.status, result.attempts) == (False, 0, 3)
    assert result.error.startswith("http://127.0.0.1: ") and "tries" in result.error


async def test_the_urls_token_is_in_no_result_log_or_error(caplog):
    caplog.set_level(logging.DEBUG)
    path = f"/services/T000/B000/{TOKEN}?token=abc"
    with receiver(403) as r:
        answered = await notify(notifier(f"http://user:pw-{TOKEN}@127.0.0.1:{r.port}{path}"), waiting())
    assert [(got.path, got.authorization) for got in r.received] == [
        (path, "Basic " + base64.b64encode(f"user:pw-{TOKEN}".encode()).decode())]
    refused = await notify(notifier(f"http://127.0.0.1:{closed_port()}{path}"), waiting())
    with pytest.raises(ConfigError) as refused_setting:
        Settings.from_env({"SKYPILOT_TEMPORAL_NOTIFY_URL": f"ftp://127.0.0.1{path}",
                           "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"})
    assert answered.error == "http://127.0.0.1: HTTP 403 Forbidden (1 try)"
    assert refused.error == "http://127.0.0.1: ConnectionRefusedError (Connection refused) (3 tries)"
    assert "http://127.0.0.1: HTTP 403" in caplog.text  # the failures were logged, by scheme and host
    everything = " ".join([repr(answered), repr(refused), str(refused_setting.value), caplog.text])
    for leak in (TOKEN, "token=abc", "T000", "pw-"):
        assert leak not in everything


async def test_a_secret_value_is_masked_in_the_body():
    env = {"SECRET_TOKEN": SECRET, "SKYPILOT_TEMPORAL_SECRET_ALLOWLIST": "SECRET_*"}
    with receiver() as r:
        result = await notify(notifier(r.url(), **env), failed(f"auth with {SECRET} refused"))
    assert result.sent
    body = r.received[0].body
    assert SECRET not in json.dumps(body)
    assert body["reason"] == f"auth with {MASK} refused"
    assert body["text"].endswith(f"auth with {MASK} refused")


async def test_without_a_url_nothing_is_sent():
    started = time.monotonic()
    result = await notify(notifier(""), waiting())
    assert result == NotifyResult(sent=False, status=0, attempts=0, error="")
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("raw,problem", [
    ("ftp://x", "; got scheme 'ftp'"),
    ("not a url", ", without spaces or control characters"),
    ("hooks.example.com/x", "; got no scheme"),
    ("https://", "; got no host"),
    ("https://example.com:99999/x", "; its port is not a number from 0 to 65535"),
])
def test_a_notify_url_that_is_no_http_url_is_refused_naming_the_variable(raw, problem):
    with pytest.raises(ConfigError) as err:
        Settings.from_env({"SKYPILOT_TEMPORAL_NOTIFY_URL": raw, "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"})
    assert str(err.value) == (
        "SKYPILOT_TEMPORAL_NOTIFY_URL: must be an http:// or https:// URL with a host "
        f"(e.g. https://hooks.slack.com/services/...){problem}"
    )


@pytest.mark.parametrize("raw", ["", "https://hooks.slack.com/services/T/B/X", "http://127.0.0.1:8080/hook"])
def test_a_notify_url_setting_that_is_empty_or_an_http_url_is_kept(raw):
    env = {"SKYPILOT_TEMPORAL_NOTIFY_URL": raw, "SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"}
    assert Settings.from_env(env).notify_url == raw
