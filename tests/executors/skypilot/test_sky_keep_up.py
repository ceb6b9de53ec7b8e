"""keep_up on the SkyPilot executor, without an API server: one autodown request
(sky.autostop with down=True), a cluster SkyPilot does not have is False, and other
errors are classified as every call's are."""

from __future__ import annotations

from typing import Any

import pytest
from sky import exceptions as sky_exc

from skypilot_temporal.executors.base import PermanentError, TransientError
from skypilot_temporal.executors.skypilot import executor as sky_executor


@pytest.fixture
def autostop(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """sky.autostop, recording what it was sent; the request's result raises `raises`."""
    seen: dict[str, Any] = {"sent": [], "raises": None}

    def send(*args: Any, **kwargs: Any) -> str:
        seen["sent"].append((args, kwargs))
        return "req-autostop"

    async def request_get(request_id: str) -> None:
        assert request_id == "req-autostop"
        if seen["raises"] is not None:
            raise seen["raises"]

    monkeypatch.setattr(sky_executor.sky, "autostop", send)
    monkeypatch.setattr(sky_executor.sky_streams, "request_get", request_get)
    return seen


async def test_keep_up_asks_skypilot_for_an_autodown_of_that_many_minutes(autostop):
    executor = sky_executor.SkyPilotExecutor(threads=1)
    assert await executor.keep_up("c-train-1a2b3c4d", 240) is True
    assert autostop["sent"] == [(("c-train-1a2b3c4d",), {"idle_minutes": 240, "down": True})]


@pytest.mark.parametrize("error", [
    sky_exc.ClusterDoesNotExist("Cluster 'c-train-1a2b3c4d' does not exist."),
    sky_exc.ClusterNotUpError("Cluster 'c-train-1a2b3c4d' is not up.", cluster_status=None),
], ids=["missing", "not-up"])
async def test_keep_up_of_a_cluster_skypilot_cannot_use_is_false(autostop, error):
    autostop["raises"] = error
    assert await sky_executor.SkyPilotExecutor(threads=1).keep_up("c-train-1a2b3c4d", 240) is False


@pytest.mark.parametrize("error,kind", [
    (sky_exc.NotSupportedError("Autodown is not supported on this cloud"), PermanentError),
    (ConnectionError("API server restarting"), TransientError),
], ids=["permanent", "transient"])
async def test_other_errors_are_classified(autostop, error, kind):
    autostop["raises"] = error
    with pytest.raises(kind, match=str(error)):
        await sky_executor.SkyPilotExecutor(threads=1).keep_up("c-train-1a2b3c4d", 240)
