"""The pipeline's steps as a validated graph, with sweeps expanded. Pure and deterministic.

Runs inside the workflow (and, for a pipeline file, in the clone activity first, so a
bad file fails before anything launches). Every refusal names where it was found
(`pipeline.yaml: steps[2] (eval).cluster: ...` or `steps[2].cluster: ...`) and what is
allowed.

The model:
- A LAUNCH step makes a cluster; an EXEC step runs on the cluster of a LAUNCH step it
  needs (directly or through other steps); a SELECT step runs no task and picks one
  branch of a sweep.
- A MANAGED step runs its task as a managed job, on capacity the jobs controller gets
  for it and brings back after a preemption; no EXEC step can run there.
- A LAUNCH (or MANAGED) step with a sweep runs once per branch, each on its own cluster. The EXEC
  steps on that cluster are its *lane*: they run once per branch, on the branch's
  cluster. Lane steps that need the sweep's SELECT run on the winner only.
- An APPROVAL step runs no task: once the steps it needs are done the run waits for a
  decision on it; the steps that need it run once it is approved.
- A step outside the lane that needs a lane step waits for every branch (fan-in).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import PurePosixPath

from skypilot_temporal.contract.names import SWEEP_BRANCHES_MAX, WAIT_FOR_REPAIR_MAX_MINUTES, is_env_name
from skypilot_temporal.v1 import pipeline_pb2 as pb

LAUNCH = pb.STEP_KIND_LAUNCH
EXEC = pb.STEP_KIND_EXEC
SELECT = pb.STEP_KIND_SELECT
APPROVAL = pb.STEP_KIND_APPROVAL
MANAGED = pb.STEP_KIND_MANAGED
# The kinds that get capacity of their own: the cluster a launch makes, a managed job's.
CAPACITY = (LAUNCH, MANAGED)
# A step that names no kind launches (as in a pipeline file).
DEFAULT_KIND = LAUNCH

DEFAULT_STEP_TIMEOUT_S = 60 * 60
DEFAULT_HEARTBEAT_TIMEOUT_S = 60
# How long an approval gate waits for its decision unless it says.
DEFAULT_GATE_TIMEOUT_S = 24 * 60 * 60
MAX_APPROVERS = 50
# What an approver may be called: a user name, an e-mail address, a service account.
APPROVER = re.compile(r"^(?=.*\S)[^\x00-\x1f\x7f]{1,128}$")
APPROVER_RULE = "1-128 characters, not blank, no control characters"
MAX_STEPS = 64
# The longest wait for a repair a step or a run may ask for.
MAX_REPAIR_MINUTES = WAIT_FOR_REPAIR_MAX_MINUTES
MAX_BRANCHES = SWEEP_BRANCHES_MAX
MAX_ENV_VALUE = 64 * 1024

_NAME = re.compile(r"^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$")
_NAME_RULE = "1-20 of lower-case letters, digits and '-', starting with a letter"
# The kinds a step may name, as the enum spells them.
_KIND_NAMES = [v.name for v in pb.StepKind.DESCRIPTOR.values if v.number]
_KINDS_ALLOWED = f"{', '.join(_KIND_NAMES[:-1])} or {_KIND_NAMES[-1]}"


class InvalidInput(ValueError):
    """The input breaks a rule; the message names the field and what is allowed."""


@dataclass(frozen=True)
class Branch:
    index: int
    envs: dict[str, str]

    @property
    def label(self) -> str:
        """`3 (LR=3e-4,BATCH=64)`: what progress lines and results show."""
        pairs = ",".join(f"{k}={v}" for k, v in self.envs.items())
        return f"{self.index} ({pairs})" if pairs else str(self.index)


@dataclass(frozen=True)
class Step:
    name: str
    kind: pb.StepKind
    task_yaml: str
    # LAUNCH: the cluster it makes; MANAGED: its job's (named after it, no other step
    # runs there); EXEC: the cluster it runs on (short names).
    cluster: str
    needs: tuple[str, ...]
    envs: dict[str, str]
    timeout_s: int
    heartbeat_timeout_s: int
    provision_ahead: bool
    # The swept LAUNCH step whose lane this step is in ("" = runs once).
    sweep: str = ""
    # A lane step that runs on the winner only (it needs the sweep's SELECT).
    after_select: bool = False
    # APPROVAL: who may decide (empty: anyone).
    approvers: tuple[str, ...] = ()
    # LAUNCH, MANAGED and EXEC outside sweeps: minutes a failure waits for a repair (None:
    # the run's wait_for_repair_minutes).
    repair_minutes: int | None = None


@dataclass(frozen=True)
class Selection:
    step: str  # the SELECT step
    metric: str
    maximize: bool
    metric_step: str  # the lane step whose reported metric counts


@dataclass
class Sweep:
    step: str  # the swept LAUNCH step
    cluster: str
    branches: list[Branch]
    max_parallel: int
    keep_going: bool
    min_succeeded: int
    # Lane steps in the order a branch runs them: before the select, and after it.
    lane: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    selection: Selection | None = None


@dataclass
class Dag:
    # In an order where every step comes after the steps it needs.
    steps: list[Step]
    sweeps: dict[str, Sweep]

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    @property
    def task_yamls(self) -> list[str]:
        return sorted({s.task_yaml for s in self.steps if s.task_yaml})

    def users(self, cluster: str) -> list[str]:
        """Steps that run on a cluster outside any sweep: it goes down after the last."""
        return [s.name for s in self.steps if s.cluster == cluster and not s.sweep]


def build_dag(raw: list[pb.PipelineStep], source: str = "", provision_ahead: bool = False) -> Dag:
    """Validates `raw` (the input's steps, or a pipeline file's) into a Dag.

    `source` names the pipeline file in messages ("" for the input's steps).
    """
    where = _Where(source)
    if not raw:
        raise InvalidInput(f"{where.top('steps')}: at least one step is required")
    if len(raw) > MAX_STEPS:
        raise InvalidInput(f"{where.top('steps')}: at most {MAX_STEPS} steps, got {len(raw)}")
    names: dict[str, int] = {}
    for i, s in enumerate(raw):
        if not _NAME.match(s.name):
            raise InvalidInput(f"{where.at(i, s.name, 'name')}: {s.name!r} must be {_NAME_RULE}")
        if s.name in names:
            raise InvalidInput(f"{where.at(i, s.name, 'name')}: {s.name!r} is used by steps[{names[s.name]}]")
        names[s.name] = i
    # A plain list (no step names `needs`) runs in the order given.
    sequential = not any(s.needs for s in raw)
    needs: dict[str, tuple[str, ...]] = {}
    for i, s in enumerate(raw):
        if sequential:
            needs[s.name] = (raw[i - 1].name,) if i else ()
            continue
        seen: set[str] = set()
        for n in s.needs:
            if n not in names:
                raise InvalidInput(
                    f"{where.at(i, s.name, 'needs')}: {n!r} is not a step (steps: {', '.join(names)})"
                )
            if n == s.name:
                raise InvalidInput(f"{where.at(i, s.name, 'needs')}: a step cannot need itself")
            if n in seen:
                raise InvalidInput(f"{where.at(i, s.name, 'needs')}: {n!r} is listed twice")
            seen.add(n)
        needs[s.name] = tuple(s.needs)
    order = _topological(names, needs, where)
    ancestors = _ancestors(order, needs)

    launches: dict[str, str] = {}  # cluster -> launching step
    managed: set[str] = set()  # clusters of managed steps
    steps: dict[str, Step] = {}
    sweeps: dict[str, Sweep] = {}
    for name in order:
        i = names[name]
        s = raw[i]
        steps[name] = _step(s, i, where, needs[name], launches, managed, ancestors, provision_ahead)
        if steps[name].kind in CAPACITY and s.HasField("sweep"):
            sweeps[name] = _sweep(s, i, where, steps[name].cluster)
        elif s.HasField("sweep"):
            raise InvalidInput(f"{where.at(i, name, 'sweep')}: only a LAUNCH or MANAGED step can be swept")
    _assign_lanes(raw, names, order, steps, sweeps, launches, ancestors, where)
    return Dag(steps=[steps[n] for n in order], sweeps=sweeps)


class _Where:
    """Where a refusal points: the file and step, or the input field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def top(self, fieldname: str) -> str:
        return f"{self.source}: {fieldname}" if self.source else fieldname

    def at(self, index: int, name: str, fieldname: str) -> str:
        if self.source:
            return f"{self.source}: steps[{index}] ({name}).{fieldname}"
        return f"steps[{index}].{fieldname}"


def _topological(names: dict[str, int], needs: dict[str, tuple[str, ...]], where: _Where) -> list[str]:
    """Every step after the steps it needs: round by round, each round the steps whose
    needs are all met, in the order given (so the order is the same on every replay).
    A cycle is named."""
    graph = TopologicalSorter({name: needs[name] for name in names})
    try:
        graph.prepare()
    except CycleError as err:
        raise InvalidInput(
            f"{where.top('steps')}: the needs form a cycle: {' -> '.join(_as_needs(err.args[1], names))}"
        ) from None
    order: list[str] = []
    while graph.is_active():
        ready = sorted(graph.get_ready(), key=names.__getitem__)
        order.extend(ready)
        graph.done(*ready)
    return order


def _as_needs(cycle: list[str], names: dict[str, int]) -> list[str]:
    """graphlib's cycle (each step needed by the next, the first repeated last) as each
    step needing the next, from the one given first."""
    steps = cycle[:0:-1]
    first = min(range(len(steps)), key=lambda k: names[steps[k]])
    steps = steps[first:] + steps[:first]
    return [*steps, steps[0]]


def _ancestors(order: list[str], needs: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name in order:
        found[name] = set(needs[name]).union(*(found[n] for n in needs[name]))
    return found


def stays_inside(path: str) -> bool:
    """Whether `path` is relative and cannot leave the directory it is read from
    (no `..`, no `~`, no NUL): the rule for the repository paths of the input."""
    posix = PurePosixPath(path.replace("\\", "/"))
    return not (posix.is_absolute() or path.startswith("~") or ".." in posix.parts or "\x00" in path)


def _check_task_yaml(path: str, where: str) -> None:
    if not path:
        raise InvalidInput(f"{where}: required (a path inside the repository)")
    if not stays_inside(path):
        raise InvalidInput(f"{where}: {path!r} must be a relative path inside the repository")
    if not path.endswith((".yaml", ".yml")):
        raise InvalidInput(f"{where}: {path!r} must end in .yaml or .yml")


def check_env_name(name: str, where: str) -> None:
    """Refuses `name` (found at `where`) unless it may be an environment variable name."""
    if not is_env_name(name):
        raise InvalidInput(
            f"{where}: {name!r} is not a valid variable name (letters, digits and '_', not starting with a digit)"
        )


def check_envs(envs: Mapping[str, str], where: str) -> None:
    """Refuses a variable of `envs` (found at `where`) with a bad name or a value too long."""
    for key, value in envs.items():
        check_env_name(key, where)
        if len(value) > MAX_ENV_VALUE:
            raise InvalidInput(f"{where}[{key}]: value longer than {MAX_ENV_VALUE} bytes")


def _step(
    s: pb.PipelineStep,
    i: int,
    where: _Where,
    needs: tuple[str, ...],
    launches: dict[str, str],
    managed: set[str],
    ancestors: dict[str, set[str]],
    provision_default: bool,
) -> Step:
    envs = dict(s.envs)
    check_envs(envs, where.at(i, s.name, "envs"))
    kind = s.kind or DEFAULT_KIND
    if kind == SELECT:
        for fieldname in ("task_yaml", "cluster"):
            if getattr(s, fieldname):
                raise InvalidInput(f"{where.at(i, s.name, fieldname)}: a SELECT step runs no task")
        if s.HasField("provision_ahead") or envs or s.HasField("wait_for_repair_minutes"):
            raise InvalidInput(f"{where.at(i, s.name, 'kind')}: a SELECT step runs no task")
        if not s.HasField("select") or not s.select.metric:
            raise InvalidInput(f"{where.at(i, s.name, 'select.metric')}: required on a SELECT step")
        if not needs:
            raise InvalidInput(f"{where.at(i, s.name, 'needs')}: a SELECT step needs the steps of a sweep")
        return Step(s.name, SELECT, "", "", needs, {}, 0, 0, False)
    if s.HasField("select"):
        raise InvalidInput(f"{where.at(i, s.name, 'select')}: only a SELECT step selects")
    if kind == APPROVAL:
        return _gate(s, i, where, needs)
    repair = check_repair_minutes(s.wait_for_repair_minutes, where.at(i, s.name, "wait_for_repair_minutes"))
    if s.approvers:
        raise InvalidInput(f"{where.at(i, s.name, 'approvers')}: only an APPROVAL step has approvers")
    _check_task_yaml(s.task_yaml, where.at(i, s.name, "task_yaml"))
    if kind in CAPACITY:
        short = s.cluster or s.name
        if short in launches:
            raise InvalidInput(
                f"{where.at(i, s.name, 'cluster')}: {short!r} is launched by step {launches[short]!r}; "
                + ("use kind EXEC to run on it" if short not in managed else
                   "a managed job's cluster is its own: give this step another cluster")
            )
        launches[short] = s.name
        if kind == MANAGED:
            managed.add(short)
            if s.HasField("provision_ahead"):
                raise InvalidInput(f"{where.at(i, s.name, 'provision_ahead')}: only a LAUNCH step provisions a "
                                   "cluster ahead; a managed job gets its capacity when it is submitted")
            provision = False
        else:
            provision = s.provision_ahead if s.HasField("provision_ahead") else provision_default
    elif kind == EXEC:
        short = s.cluster
        launcher = launches.get(short)
        if short in managed:
            # SkyPilot reads a managed job's status from the newest job on its cluster:
            # a job exec'd there would be taken for the managed job's own.
            raise InvalidInput(
                f"{where.at(i, s.name, 'cluster')}: {short!r} is the cluster of MANAGED step {launcher!r}, "
                "and no step can exec on a managed job's cluster (SkyPilot reads the managed job's status "
                f"from the newest job there); make {launcher!r} a LAUNCH step, or this step a MANAGED one"
            )
        if launcher is None or launcher not in ancestors[s.name]:
            known = sorted(c for c, st in launches.items() if st in ancestors[s.name])
            raise InvalidInput(
                f"{where.at(i, s.name, 'cluster')}: {short!r} must be the cluster of a LAUNCH step "
                f"this step needs (directly or not); known: {known or 'none'}"
            )
        if s.HasField("provision_ahead"):
            raise InvalidInput(
                f"{where.at(i, s.name, 'provision_ahead')}: only a LAUNCH step provisions a cluster"
            )
        provision = False
    else:
        raise InvalidInput(
            f"{where.at(i, s.name, 'kind')}: must be {_KINDS_ALLOWED} "
            f"(unset: {pb.StepKind.Name(DEFAULT_KIND)}), got {s.kind}"
        )
    if not _NAME.match(short):
        raise InvalidInput(f"{where.at(i, s.name, 'cluster')}: {short!r} must be {_NAME_RULE}")
    return Step(
        name=s.name,
        kind=kind,
        task_yaml=s.task_yaml,
        cluster=short,
        needs=needs,
        envs=envs,
        timeout_s=s.timeout_seconds or DEFAULT_STEP_TIMEOUT_S,
        heartbeat_timeout_s=s.heartbeat_timeout_seconds or DEFAULT_HEARTBEAT_TIMEOUT_S,
        provision_ahead=provision,
        repair_minutes=repair if s.HasField("wait_for_repair_minutes") else None,
    )


def check_repair_minutes(minutes: int, where: str) -> int:
    if minutes > MAX_REPAIR_MINUTES:
        raise InvalidInput(f"{where}: at most {MAX_REPAIR_MINUTES} minutes, got {minutes}")
    return minutes


def _gate(s: pb.PipelineStep, i: int, where: _Where, needs: tuple[str, ...]) -> Step:
    """An APPROVAL step: no task, a wait for a decision after the steps it needs."""
    for fieldname in ("task_yaml", "cluster", "heartbeat_timeout_seconds"):
        if getattr(s, fieldname):
            raise InvalidInput(f"{where.at(i, s.name, fieldname)}: an APPROVAL step runs no task")
    if s.HasField("provision_ahead") or s.envs or s.HasField("wait_for_repair_minutes"):
        raise InvalidInput(f"{where.at(i, s.name, 'kind')}: an APPROVAL step runs no task")
    if not needs:
        raise InvalidInput(
            f"{where.at(i, s.name, 'needs')}: an APPROVAL step needs the steps whose results it approves"
        )
    if len(s.approvers) > MAX_APPROVERS:
        raise InvalidInput(f"{where.at(i, s.name, 'approvers')}: at most {MAX_APPROVERS}, got {len(s.approvers)}")
    for a in s.approvers:
        if not APPROVER.match(a):
            raise InvalidInput(f"{where.at(i, s.name, 'approvers')}: {a!r} must be {APPROVER_RULE}")
    return Step(
        name=s.name, kind=APPROVAL, task_yaml="", cluster="", needs=needs, envs={},
        timeout_s=s.timeout_seconds or DEFAULT_GATE_TIMEOUT_S, heartbeat_timeout_s=0, provision_ahead=False,
        approvers=tuple(dict.fromkeys(s.approvers)),
    )


def _sweep(s: pb.PipelineStep, i: int, where: _Where, cluster: str) -> Sweep:
    sw = s.sweep
    axes: list[tuple[str, list[str]]] = []
    for a, axis in enumerate(sw.matrix):
        at = where.at(i, s.name, f"sweep.matrix[{a}]")
        check_env_name(axis.name, f"{at}.name")
        if any(axis.name == n for n, _ in axes):
            raise InvalidInput(f"{at}.name: {axis.name!r} is listed twice")
        if not axis.values:
            raise InvalidInput(f"{at}.values: at least one value is required")
        axes.append((axis.name, list(axis.values)))
    size = 1
    for _, values in axes:
        size *= len(values)
    total = (size if axes else 0) + len(sw.include)
    if total == 0:
        raise InvalidInput(f"{where.at(i, s.name, 'sweep')}: a sweep needs a matrix or include")
    if total > MAX_BRANCHES:
        raise InvalidInput(
            f"{where.at(i, s.name, 'sweep')}: {total} branches; at most {MAX_BRANCHES} per sweep"
        )
    branches: list[Branch] = []
    if axes:
        for combo in itertools.product(*(values for _, values in axes)):
            branches.append(Branch(len(branches), dict(zip((n for n, _ in axes), combo, strict=True))))
    for j, extra in enumerate(sw.include):
        envs = dict(extra.envs)
        if not envs:
            raise InvalidInput(f"{where.at(i, s.name, f'sweep.include[{j}]')}: an empty branch")
        check_envs(envs, where.at(i, s.name, f"sweep.include[{j}].envs"))
        branches.append(Branch(len(branches), envs))
    policy = sw.on_failure
    keep_going = policy.mode == pb.BRANCH_FAILURE_MODE_KEEP_GOING
    at = where.at(i, s.name, "sweep.on_failure")
    if not keep_going and (policy.min_succeeded or policy.min_succeeded_fraction):
        raise InvalidInput(f"{at}: min_succeeded needs mode KEEP_GOING (FAIL_FAST fails at the first)")
    if not 0 <= policy.min_succeeded_fraction <= 1:
        raise InvalidInput(f"{at}.min_succeeded_fraction: must be between 0 and 1")
    if policy.min_succeeded > total:
        raise InvalidInput(f"{at}.min_succeeded: {policy.min_succeeded} is more than the {total} branches")
    needed = max(policy.min_succeeded, math.ceil(policy.min_succeeded_fraction * total - 1e-9), 1)
    return Sweep(
        step=s.name,
        cluster=cluster,
        branches=branches,
        max_parallel=sw.max_parallel or total,
        keep_going=keep_going,
        min_succeeded=min(needed, total) if keep_going else total,
    )


def _assign_lanes(
    raw: list[pb.PipelineStep],
    names: dict[str, int],
    order: list[str],
    steps: dict[str, Step],
    sweeps: dict[str, Sweep],
    launches: dict[str, str],
    ancestors: dict[str, set[str]],
    where: _Where,
) -> None:
    """Puts every EXEC step on a swept cluster in that sweep's lane, attaches SELECT
    steps to their sweep, and refuses what would cross sweeps."""
    swept_clusters = {sw.cluster: sw.step for sw in sweeps.values()}
    lane_of: dict[str, str] = {sw.step: sw.step for sw in sweeps.values()}
    for name in order:
        st = steps[name]
        if st.kind == EXEC and st.cluster in swept_clusters:
            lane_of[name] = swept_clusters[st.cluster]
    selects: dict[str, str] = {}  # select step -> sweep
    for name in order:
        st = steps[name]
        if st.kind != SELECT:
            continue
        i = names[name]
        targets = {lane_of.get(n) for n in st.needs}
        target = targets.pop() if len(targets) == 1 else None
        if target is None:
            raise InvalidInput(
                f"{where.at(i, name, 'needs')}: a SELECT step needs steps of exactly one sweep "
                f"(the swept LAUNCH step or steps that exec on its cluster)"
            )
        sweep = sweeps[target]
        if sweep.selection is not None:
            raise InvalidInput(
                f"{where.at(i, name, 'kind')}: sweep {sweep.step!r} already has the SELECT step "
                f"{sweep.selection.step!r}"
            )
        sel = raw[i].select
        metric_step = sel.step or (st.needs[0] if len(st.needs) == 1 else "")
        if not metric_step:
            raise InvalidInput(
                f"{where.at(i, name, 'select.step')}: required when the step needs several steps "
                "(the step whose reported metric counts)"
            )
        if lane_of.get(metric_step) != sweep.step or metric_step not in ancestors[name]:
            raise InvalidInput(
                f"{where.at(i, name, 'select.step')}: {metric_step!r} must be a step of sweep "
                f"{sweep.step!r} that this step needs"
            )
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}", sel.metric):
            raise InvalidInput(
                f"{where.at(i, name, 'select.metric')}: {sel.metric!r} must be a metric name "
                "(letters, digits, '_', '.', '-')"
            )
        sweep.selection = Selection(
            step=name,
            metric=sel.metric,
            maximize=sel.goal != pb.SELECT_GOAL_MINIMIZE,
            metric_step=metric_step,
        )
        selects[name] = sweep.step
    for name in order:
        st = steps[name]
        i = names[name]
        mine = lane_of.get(name)
        if mine is not None:
            # Branch by branch pairing only works within one sweep; another sweep is
            # reached through a step outside any sweep (which waits for all its
            # branches) or its SELECT step.
            for n in st.needs:
                theirs = lane_of.get(n)
                if theirs and theirs != mine:
                    raise InvalidInput(
                        f"{where.at(i, name, 'needs')}: {n!r} belongs to sweep {theirs!r}; a step "
                        f"of sweep {mine!r} can only need steps of its own sweep, a SELECT step, "
                        "or steps outside any sweep"
                    )
        if mine is None:
            continue
        sweep = sweeps[mine]
        after = sweep.selection is not None and sweep.selection.step in ancestors[name]
        steps[name] = dataclasses.replace(st, sweep=mine, after_select=after)
        (sweep.after if after else sweep.lane).append(name)
