"""The fleet's limits on one run (worker settings the clone hands the run): how many
branches a sweep may have, how many clusters a run may hold up at once, and whether a
pipeline can run within them at all. Pure and deterministic.

A run takes a slot for each cluster it brings up (a launch, a sweep branch, a managed
job's capacity) and gives it back when the cluster is down; its clusters take their
slots in the order the pipeline lists their steps (workflows/slots.py). In that order a
pipeline can always finish within `max_clusters` if, when each cluster is due, the
clusters that cannot have gone by then fit beside it: those brought up before it that
some step still needs and that step waits, directly or not, for this cluster or a later
one. `need` counts them; a pipeline whose need is larger is refused before anything
launches, naming the step.
"""

from __future__ import annotations

from dataclasses import dataclass

from skypilot_temporal.contract.names import SWEEP_BRANCHES_MAX
from skypilot_temporal.pipeline.dag import CAPACITY, Dag, InvalidInput, Step

MAX_CLUSTERS_SETTING = "SKYPILOT_TEMPORAL_MAX_CLUSTERS_PER_RUN"
MAX_BRANCHES_SETTING = "SKYPILOT_TEMPORAL_MAX_BRANCHES"


@dataclass(frozen=True)
class FleetLimits:
    """0 clusters: no limit (a run recorded before limits)."""

    max_branches: int = SWEEP_BRANCHES_MAX
    max_clusters: int = 0


def capacity_steps(dag: Dag) -> list[Step]:
    """The steps that bring a cluster up, in the order their clusters take slots."""
    return [st for st in dag.steps if st.kind in CAPACITY]


def need(dag: Dag, step: Step) -> tuple[int, list[str]]:
    """How many clusters are up at once when `step`'s cluster is due, at least, and the
    steps that launched the others (kept for a step that waits for this one or later)."""
    order = capacity_steps(dag)
    position = {st.name: i for i, st in enumerate(order)}
    at = position[step.name]
    ancestors = _ancestors(dag)
    # A step waits for the capacity step at or after `at` it is, or needs (directly or not).
    late = {st.name for st in dag.steps
            if any(position.get(a, -1) >= at for a in ancestors[st.name] | {st.name})}
    kept = [st.name for st in order[:at]
            if st.cluster != step.cluster and any(u.name in late for u in _users(dag, st.cluster))]
    return 1 + len(kept), kept


def check_limits(dag: Dag, limits: FleetLimits, source: str = "") -> None:
    """Refuses (InvalidInput) a sweep with more branches than allowed and a pipeline that
    needs more clusters at once than a run may hold, naming the step and the setting."""
    where = f"{source}: " if source else ""
    for sweep in dag.sweeps.values():
        if len(sweep.branches) > limits.max_branches:
            raise InvalidInput(
                f"{where}step {sweep.step!r}: its sweep has {len(sweep.branches)} branches; this fleet allows at most "
                f"{limits.max_branches} per sweep ({MAX_BRANCHES_SETTING})")
    if not limits.max_clusters:
        return
    for st in capacity_steps(dag):
        count, kept = need(dag, st)
        if count > limits.max_clusters:
            raise InvalidInput(
                f"{where}step {st.name!r}: needs {count} clusters up at once (its own and those of "
                f"{', '.join(repr(k) for k in kept)}, which steps after it still run on); a run of this fleet "
                f"holds at most {limits.max_clusters} ({MAX_CLUSTERS_SETTING})")


def clamped_parallel(dag: Dag, limits: FleetLimits) -> dict[str, tuple[int, int]]:
    """The sweeps whose max_parallel the run's limit lowers: {sweep: (asked, allowed)}
    (asked 0: all branches at once)."""
    out: dict[str, tuple[int, int]] = {}
    if not limits.max_clusters:
        return out
    for name, sweep in dag.sweeps.items():
        asked = sweep.max_parallel or len(sweep.branches)
        if asked > limits.max_clusters and len(sweep.branches) > limits.max_clusters:
            out[name] = (sweep.max_parallel, limits.max_clusters)
    return out


def _users(dag: Dag, cluster: str) -> list[Step]:
    """Every step that runs on `cluster` (a sweep's: its lane, on every branch's)."""
    return [st for st in dag.steps if st.cluster == cluster]


def _ancestors(dag: Dag) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for st in dag.steps:  # in topological order
        out[st.name] = set(st.needs).union(*(out[n] for n in st.needs)) if st.needs else set()
    return out
