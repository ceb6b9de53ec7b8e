"""What steps and runs cost, from the prices their clusters report: arithmetic, and an
unknown price never turned into zero."""

from __future__ import annotations

import pytest

from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.workflows.costs import kept_cost, price, run_cost


def result(name: str, seconds: float, rate: float | None, idle: float = 0.0, **fields) -> pb.StepResult:
    r = pb.StepResult(name=name, kind=pb.STEP_KIND_LAUNCH, cluster_name=f"c-{name}", duration_seconds=seconds,
                      idle_cluster_seconds=idle, **fields)
    price(r, rate)
    return r


def test_a_step_costs_its_clusters_price_over_its_duration_and_its_idle_time():
    r = result("train", 1800, 0.11, idle=360)
    assert (r.usd_per_hour, r.cost_usd, r.idle_cost_usd) == (0.11, 0.055, 0.011)
    unknown = result("train", 1800, None, idle=360)
    assert not unknown.HasField("cost_usd") and not unknown.HasField("idle_cost_usd")


def test_the_runs_cost_splits_running_idle_and_reused():
    c = run_cost([result("a", 3600, 1.0), result("b", 1800, 2.0, idle=900),
                  result("c", 3600, 0.5, reused_from="earlier-run")])
    assert (c.running_usd, c.idle_usd, c.reused_usd, c.note) == (2.0, 0.5, 0.5, "")


def test_an_unknown_price_leaves_the_runs_cost_unset_and_says_so():
    c = run_cost([result("a", 3600, 1.0), result("b", 60, None), result("b2", 60, None)])
    assert not c.HasField("running_usd") and not c.HasField("idle_usd")
    assert c.note.startswith("unknown: 2 clusters have no price (the local executor prices nothing")
    assert c.reused_usd == 0  # nothing was reused: that part is known


@pytest.mark.parametrize("rates, expected", [({"x": 1.0, "y": 0.5}, 0.75), ({"x": 1.0}, None)])
def test_clusters_kept_through_a_wait_cost_each_its_price(rates, expected):
    assert kept_cost(1800, ["x", "y"], rates) == expected
