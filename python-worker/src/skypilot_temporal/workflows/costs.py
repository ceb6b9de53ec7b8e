"""What a run's steps cost, from the prices their activities report (StepOutcome.usd_per_hour,
as SkyPilot prices each cluster). Deterministic (workflow code): arithmetic on results.

An unknown price is never a zero: a cost that counts a cluster with no price is left
unset, and the run's cost says why (the local executor prices nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from skypilot_temporal.pipeline.dag import APPROVAL, SELECT
from skypilot_temporal.v1 import pipeline_pb2 as pb

# Costs are kept to the millionth of a dollar.
DIGITS = 6
NOTE_UNKNOWN = ("unknown: {what} no price (the local executor prices nothing; on SkyPilot, a cloud's "
                "catalogue, slurm.pricing or kubernetes.pricing gives one)")


def per_hour(rate: float, seconds: float) -> float:
    return round(rate * seconds / 3600, DIGITS)


def price(r: pb.StepResult, rate: float | None) -> None:
    """Puts the step's cost on its result: its cluster's price over its duration and idle time."""
    if rate is None:
        return
    r.usd_per_hour = rate
    r.cost_usd = per_hour(rate, r.duration_seconds)
    if r.idle_cluster_seconds:
        r.idle_cost_usd = per_hour(rate, r.idle_cluster_seconds)


def kept_cost(seconds: float, clusters: Iterable[str], rates: Mapping[str, float | None]) -> float | None:
    """What clusters kept up unused for `seconds` cost, each at its price; None if one has none."""
    found = [rates.get(c) for c in clusters]
    if any(rate is None for rate in found):
        return None
    return per_hour(sum(rate for rate in found if rate is not None), seconds)


def run_cost(finished: Iterable[pb.StepResult]) -> pb.RunCost:
    """The run's cost so far from every result it recorded (each attempt's, each branch's)."""
    c = pb.RunCost()
    results = list(finished)
    ran = [r for r in results if not r.reused_from and r.kind not in (SELECT, APPROVAL)]
    unpriced = {r.cluster_name or r.name for r in ran if not r.HasField("cost_usd")}
    idle = [r for r in results if not r.reused_from and r.idle_cluster_seconds > 0]
    unpriced |= {r.cluster_name or r.name for r in idle if not r.HasField("idle_cost_usd")}
    if not unpriced:
        c.running_usd = round(sum(r.cost_usd for r in ran), DIGITS)
        c.idle_usd = round(sum(r.idle_cost_usd for r in idle), DIGITS)
    reused = [r for r in results if r.reused_from and r.kind not in (SELECT, APPROVAL)]
    if all(r.HasField("cost_usd") for r in reused):
        c.reused_usd = round(sum(r.cost_usd for r in reused), DIGITS)
    if unpriced:
        c.note = NOTE_UNKNOWN.format(what="1 cluster has" if len(unpriced) == 1 else f"{len(unpriced)} clusters have")
    elif not c.HasField("reused_usd"):
        c.note = NOTE_UNKNOWN.format(what="a step reused from the run it resumes has")
    return c
