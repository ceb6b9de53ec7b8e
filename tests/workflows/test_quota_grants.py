"""next_grants, the quota's rule of who is granted next, on queues built by hand."""

from __future__ import annotations

from skypilot_temporal.contract.quota_types import QuotaEntry, QuotaRequest
from skypilot_temporal.workflows.quota import next_grants


def entry(holder: str, request_id: str, count: int = 1, reserve: bool = False) -> QuotaEntry:
    return QuotaEntry(QuotaRequest(holder, f"{holder}-run", request_id, count, reserve), "2026-01-01T00:00:00+00:00")


def names(entries: list[QuotaEntry]) -> list[str]:
    return [f"{e.request.holder_workflow_id}/{e.request.request_id}" for e in entries]


def test_what_does_not_fit_blocks_the_requests_behind_it() -> None:
    waiting = [entry("a", "up"), entry("b", "up", 2), entry("c", "up")]
    assert names(next_grants([], waiting, 2)) == ["a/up"]


def test_no_limit_grants_every_request() -> None:
    waiting = [entry("a", "up", 5), entry("b", "up", 7)]
    assert names(next_grants([], waiting, None)) == ["a/up", "b/up"]


def test_a_limit_of_zero_grants_nothing() -> None:
    assert next_grants([], [entry("a", "up")], 0) == []


def test_a_reserved_holder_passes_a_waiter_that_does_not_fit() -> None:
    granted = [entry("a", "first", reserve=True)]
    waiting = [entry("b", "both", 2), entry("a", "second")]
    assert names(next_grants(granted, waiting, 2)) == ["a/second"]


def test_while_a_reserved_holder_does_not_fit_nothing_else_is_granted() -> None:
    granted = [entry("a", "first", reserve=True), entry("x", "up")]
    waiting = [entry("c", "up"), entry("a", "more", 2)]
    assert next_grants(granted, waiting, 3) == []


def test_a_second_reserve_waits_while_another_holder_builds_its_share() -> None:
    granted = [entry("a", "part", reserve=True)]
    waiting = [entry("b", "part", reserve=True), entry("c", "up")]
    assert next_grants(granted, waiting, 3) == []


def test_a_holder_granted_a_reserve_keeps_its_place_for_the_request_after_it() -> None:
    waiting = [entry("a", "part", reserve=True), entry("a", "rest"), entry("b", "up")]
    assert names(next_grants([], waiting, 2)) == ["a/part", "a/rest"]
