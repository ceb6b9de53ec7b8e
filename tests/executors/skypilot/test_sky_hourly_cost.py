"""hourly_cost on the SkyPilot executor, without an API server: one cost report request
for the one cluster, its cost over its time up as the hourly price (all nodes), None
where SkyPilot has no price or no such cluster is up, each cluster asked once until it
is downed, and errors classified as every call's are."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sky import exceptions as sky_exc
from sky.utils import status_lib

from skypilot_temporal.executors.base import PermanentError, TransientError
from skypilot_temporal.executors.skypilot import executor as sky_executor
from skypilot_temporal.executors.skypilot import pricing

CLUSTER = "c-train-1a2b3c4d"


def report(name: str, per_node: float, nodes: int, seconds: int, up: bool = True) -> dict[str, Any]:
    """A decoded cost report record, its total as the API server works it out
    (Resources.get_cost(duration) * num_nodes)."""
    return {"name": name, "status": status_lib.ClusterStatus.UP if up else None, "num_nodes": nodes,
            "duration": seconds, "total_cost": per_node * seconds / 3600 * nodes}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The API server's cost report: the requests sent to it (method, path, body), and
    the records its result holds (or the error it raises)."""
    seen: dict[str, Any] = {"sent": [], "records": [], "raises": None}

    def send(method: str, path: str, **kwargs: Any) -> requests.Response:
        seen["sent"].append((method, path, kwargs["json"]))
        response = requests.Response()
        response.status_code = 200
        response.headers["X-Skypilot-Request-ID"] = f"req-{len(seen['sent'])}"
        return response

    async def request_get(request_id: str) -> Any:
        if request_id == "req-down":
            return None
        assert request_id == f"req-{len(seen['sent'])}"
        if seen["raises"] is not None:
            raise seen["raises"]
        return seen["records"]

    monkeypatch.setattr(pricing.server_common, "make_authenticated_request", send)
    monkeypatch.setattr(sky_executor.sky_streams, "request_get", request_get)
    monkeypatch.setattr(sky_executor.sky, "down", lambda name: "req-down")
    return seen


async def test_the_price_is_the_clusters_cost_over_its_time_up_all_nodes_included(server):
    # A name reused after a down: the earlier cluster's record has no status.
    server["records"] = [report(CLUSTER, 0.11, 2, 1800), report(CLUSTER, 3.0, 1, 600, up=False)]
    assert await sky_executor.SkyPilotExecutor(threads=1).hourly_cost(CLUSTER) == pytest.approx(0.11 * 2)
    [(method, path, body)] = server["sent"]
    assert (method, path) == ("POST", "/cost_report")
    # The one cluster, up now: no other cluster priced for nothing.
    assert body["cluster_names"] == [CLUSTER] and body["days"] == 0


async def test_a_price_is_asked_once_per_cluster_until_it_is_downed(server):
    server["records"] = [report(CLUSTER, 0.5, 1, 90), report("other-1a2b3c4d", 0.25, 1, 90)]
    executor = sky_executor.SkyPilotExecutor(threads=1)
    assert await executor.hourly_cost(CLUSTER) == pytest.approx(0.5)
    server["records"] = [report(CLUSTER, 9.0, 1, 120)]
    assert await executor.hourly_cost(CLUSTER) == pytest.approx(0.5)
    assert len(server["sent"]) == 1
    # The name may come back on other resources.
    assert await executor.down(CLUSTER) is True
    assert await executor.hourly_cost(CLUSTER) == pytest.approx(9.0)
    assert len(server["sent"]) == 2


async def test_a_cluster_skypilot_has_no_price_for_is_unknown_and_asked_once(server):
    # Slurm or Kubernetes without pricing: SkyPilot prices it at 0.
    server["records"] = [report(CLUSTER, 0.0, 1, 600)]
    executor = sky_executor.SkyPilotExecutor(threads=1)
    assert await executor.hourly_cost(CLUSTER) is None
    assert await executor.hourly_cost(CLUSTER) is None
    assert len(server["sent"]) == 1


@pytest.mark.parametrize("records", [
    [],
    [report(CLUSTER, 0.5, 1, 600, up=False)],
    [report(CLUSTER, 0.5, 1, 0)],
], ids=["never-launched", "downed", "up-for-no-second-yet"])
async def test_no_cluster_up_under_the_name_is_unknown_and_asked_again_later(server, records):
    server["records"] = records
    executor = sky_executor.SkyPilotExecutor(threads=1)
    assert await executor.hourly_cost(CLUSTER) is None
    server["records"] = [report(CLUSTER, 0.5, 1, 600)]
    assert await executor.hourly_cost(CLUSTER) == pytest.approx(0.5)


@pytest.mark.parametrize("error,kind", [
    (sky_exc.PermissionDeniedError("not allowed to read cost reports"), PermanentError),
    (ConnectionError("API server restarting"), TransientError),
], ids=["permanent", "transient"])
async def test_errors_are_classified_and_nothing_is_kept(server, error, kind):
    server["raises"] = error
    executor = sky_executor.SkyPilotExecutor(threads=1)
    with pytest.raises(kind, match=str(error)):
        await executor.hourly_cost(CLUSTER)
    server["raises"] = None
    server["records"] = [report(CLUSTER, 0.5, 1, 600)]
    assert await executor.hourly_cost(CLUSTER) == pytest.approx(0.5)


def test_the_price_cache_drops_the_least_recently_used_cluster():
    cache = pricing.PriceCache(size=2)
    cache.put("a", 1.0)
    cache.put("b", None)
    assert cache.get("a") == 1.0  # "b" is now the least recently used
    cache.put("c", 3.0)
    assert "b" not in cache and "a" in cache and "c" in cache
    assert cache.get("a") == 1.0 and cache.get("c") == 3.0
