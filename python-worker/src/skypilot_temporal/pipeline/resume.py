"""Which steps of an ended run a resumed run reuses. Pure and deterministic: runs in the
workflow.

A step's key is what determines its outcome: its kind, its task YAML's digest (the file
and every repository file or directory the task uses, as the clone hashed them), the
envs it gets, the names (never the values) of its secrets, its cluster's short name
and the keys of the steps it needs. A step is reused when the ended run has it
succeeded (a gate: approved) under the same key, outside sweeps. A cluster comes up
again in the new run whenever a step must run on it, so its launching step runs
again too (its key is unchanged: the steps after it keep theirs).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from skypilot_temporal.pipeline.dag import APPROVAL, LAUNCH, SELECT
from skypilot_temporal.pipeline.plan import Plan

# A gate's StepResult.status once approved, and a job's once it succeeded.
REUSABLE_STATUSES = frozenset({"SUCCEEDED", "APPROVED"})
KEY_CHARS = 32


def step_keys(plan: Plan, digests: Mapping[str, str], envs_override: Mapping[str, str],
              secret_names: list[str]) -> dict[str, str]:
    """Every step's key outside sweeps (their steps have none), in the plan's order."""
    keys: dict[str, str] = {}
    for st in plan.steps:
        if st.sweep or st.kind == SELECT or any(n not in keys for n in st.needs):
            continue
        doc = [st.name, int(st.kind), st.task_yaml, digests.get(st.task_yaml, ""),
               sorted({**envs_override, **st.envs}.items()), sorted(secret_names), st.cluster,
               list(st.approvers), [keys[n] for n in st.needs]]
        if st.kind != APPROVAL and st.task_yaml and not digests.get(st.task_yaml):
            continue  # the clone could not hash what the task uses: never reused
        keys[st.name] = hashlib.sha256(json.dumps(doc, separators=(",", ":")).encode()).hexdigest()[:KEY_CHARS]
    return keys


def reusable(plan: Plan, keys: Mapping[str, str], ended: Mapping[str, tuple[str, str]]) -> set[str]:
    """The steps to reuse, given the ended run's (key, status) by step name."""
    reuse = {name for name, key in keys.items()
             if name in ended and ended[name][0] == key and ended[name][1] in REUSABLE_STATUSES}
    for st in plan.steps:
        if st.kind != LAUNCH or st.sweep or st.name not in reuse:
            continue
        # Another step runs on this cluster: it must come up, by its launching step.
        if any(u not in reuse for u in plan.dag.users(st.cluster)):
            reuse.discard(st.name)
    return reuse
