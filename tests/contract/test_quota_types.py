"""The quota workflow's state survives the payload converter, as continue-as-new carries it."""

from __future__ import annotations

from skypilot_temporal.contract.names import data_converter
from skypilot_temporal.contract.quota_types import QuotaEntry, QuotaRequest, QuotaState, TeamQuotaInput


def test_a_carried_state_decodes_to_what_was_sent() -> None:
    state = QuotaState(
        granted=[QuotaEntry(QuotaRequest("run-a", "r1", "up", 2, reserve=True), "2026-01-01T00:00:00+00:00", 1)],
        waiting=[QuotaEntry(QuotaRequest("run-b", "r2", "up", 1), "2026-01-01T00:00:01+00:00")],
        finished=["run-c\nr3\nup"],
        limit=None,
        limit_known=True,
    )
    sent = TeamQuotaInput("vision", check_seconds=5, state=state)
    converter = data_converter.payload_converter
    [payload] = converter.to_payloads([sent])
    [back] = converter.from_payloads([payload], [TeamQuotaInput])
    assert back == sent
    assert back.state.granted[0].held == 1


def test_a_request_names_what_is_wrong_with_it() -> None:
    assert QuotaRequest("run-a", "r1", "up", 1).problem() == ""
    assert "count 0" in QuotaRequest("run-a", "r1", "up", 0).problem()
    assert "must not be empty" in QuotaRequest("run-a", "", "up", 1).problem()
    assert "'all'" in QuotaRequest("run-a", "r1", "all", 1).problem()
