"""What a cluster costs per hour, as the SkyPilot API server prices it.

The price comes from the server, not from this process: the clouds' catalogues and the
operator's pricing (`slurm.pricing`, `kubernetes.pricing` in the server's SkyPilot
config) live there, and a worker pricing a cluster itself would use its own config
(usually without either) and download catalogues of its own. The server prices a
cluster only in its cost report: the cost of the cluster's whole time up so far, all
its nodes included (`Resources.get_cost(duration) * num_nodes`). That cost divided by
that time is the cluster's hourly price.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from sky.server import common as server_common
from sky.server.requests import payloads

_SECONDS_PER_HOUR = 3600
# Past this, the quotient carries only float noise (a price is quoted to the cent
# per hour, a catalogue's to a few more places).
_DIGITS = 9


def request_cost_report(cluster_name: str) -> str:
    """Asks the API server for the cost report of the cluster now up under that name;
    returns the request's id. Blocking.

    As `sky.cost_report` does, narrowed to the one cluster (the SDK function reports
    every cluster up and every one of the last days, each priced by the server).
    """
    body = payloads.CostReportBody(days=0, cluster_names=[cluster_name])
    response = server_common.make_authenticated_request(
        "POST", "/cost_report", json=json.loads(body.model_dump_json())
    )
    return str(server_common.get_request_id(response))


def current_record(records: list[dict[str, Any]] | None, cluster_name: str) -> dict[str, Any] | None:
    """The cost report's record of the cluster up under that name (a name reused
    after a down also has records of its earlier clusters, with no status)."""
    for record in records or []:
        if record.get("name") == cluster_name and record.get("status") is not None:
            return record
    return None


def hourly_price(record: dict[str, Any]) -> float | None:
    """The cluster's price in USD per hour, all nodes included; None when SkyPilot
    has none for it. SkyPilot prices what it has no price for at 0 (a Slurm or
    Kubernetes cluster without configured pricing, an accelerator its pricing does
    not list) and reports a cluster it failed to price at 0 too: unknown, not free."""
    total = float(record.get("total_cost") or 0.0)
    seconds = float(record.get("duration") or 0)
    if total <= 0 or seconds <= 0:
        return None
    return round(total * _SECONDS_PER_HOUR / seconds, _DIGITS)


class PriceCache:
    """Hourly prices (None included: SkyPilot has none) by cluster name, dropping the
    least recently used past `size` names."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._prices: OrderedDict[str, float | None] = OrderedDict()

    def __contains__(self, cluster_name: str) -> bool:
        return cluster_name in self._prices

    def get(self, cluster_name: str) -> float | None:
        self._prices.move_to_end(cluster_name)
        return self._prices[cluster_name]

    def put(self, cluster_name: str, price: float | None) -> None:
        self._prices[cluster_name] = price
        self._prices.move_to_end(cluster_name)
        while len(self._prices) > self._size:
            self._prices.popitem(last=False)

    def forget(self, cluster_name: str) -> None:
        self._prices.pop(cluster_name, None)
