"""What the clone activity checks in the fresh checkout before anything launches:
the pipeline (the input's steps, the repository's pipeline file, or the default) and
every task YAML it runs, built exactly as its steps will build them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from google.protobuf import json_format

from skypilot_temporal.contract.names import DEFAULT_PIPELINE_FILE
from skypilot_temporal.pipeline.dag import Dag, InvalidInput, build_dag
from skypilot_temporal.pipeline.limits import FleetLimits, check_limits
from skypilot_temporal.pipeline.pipeline_file import parse_pipeline
from skypilot_temporal.pipeline.plan import default_steps
from skypilot_temporal.tasks.build import build_task
from skypilot_temporal.tasks.repo import InvalidTaskFile, RepoPolicy, load_task_yaml, read_yaml, repo_file
from skypilot_temporal.tasks.task_cache import pickled
from skypilot_temporal.tasks.task_paths import check_path, local_paths
from skypilot_temporal.v1 import pipeline_pb2 as pb

_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def load_pipeline(
    repo_dir: Path, steps: dict | None, pipeline_file: str, provision_ahead: bool, policy: RepoPolicy
) -> tuple[Dag, pb.PipelineSpec | None, str]:
    """(the dag, the spec read from a file or None, that file). Raises InvalidInput
    (the input's steps) or InvalidTaskFile (the pipeline file, whatever is wrong in it:
    it is the task repository's to fix, not the input's)."""
    if steps is not None:
        spec = json_format.ParseDict(steps, pb.PipelineSpec())
        return build_dag(list(spec.steps), "", provision_ahead), None, ""
    rel = pipeline_file or DEFAULT_PIPELINE_FILE
    path = repo_file(repo_dir, rel, "pipeline_file")
    if path is None:
        if pipeline_file:
            raise InvalidTaskFile(f"pipeline_file: {rel!r} is not a file in the repository")
        return build_dag(default_steps(), "", provision_ahead), None, ""
    doc = read_yaml(path, rel, "pipeline_file", policy)
    try:
        spec = parse_pipeline(doc, rel)
        return build_dag(list(spec.steps), rel, provision_ahead), spec, rel
    except InvalidInput as err:  # names the file and the spot in it
        raise InvalidTaskFile(str(err)) from None


def check_tasks(
    repo_dir: Path,
    dag: Dag,
    envs_override: Mapping[str, str],
    secrets: Mapping[str, str],
    policy: RepoPolicy,
    built: Callable[[str, dict[str, str], Any], None] | None = None,
    uses: dict[str, list[str]] | None = None,
) -> None:
    """Builds every step's task with the envs it will get (every branch's, where a
    branch's values can change a local path). `built(task_yaml, envs, task)` is told
    of every task built, and handed it: this function never uses that task again.
    `uses` gets, per task YAML, the repository paths its task reads (workdir, local
    file mounts), relative to the checkout."""
    configs: dict[str, dict[str, Any]] = {}
    for st in dag.steps:
        if not st.task_yaml:
            continue
        if st.task_yaml not in configs:
            configs[st.task_yaml] = load_task_yaml(repo_dir, st.task_yaml, policy)
        config = configs[st.task_yaml]
        base = {**envs_override, **st.envs}
        sweep = dag.sweeps.get(st.sweep) if st.sweep else None
        branches = sweep.branches if sweep else []
        envs = {**base, **(branches[0].envs if branches else {})}
        task = build_task(config, repo_dir, st.task_yaml, envs, secrets)
        if uses is not None and st.task_yaml not in uses:
            root = Path(os.path.realpath(repo_dir))
            uses[st.task_yaml] = sorted({str(check_path(root, field, raw).relative_to(root))
                                         for field, raw in local_paths(task)})
        if built:
            built(st.task_yaml, envs, task)
        # SkyPilot substitutes variables into local paths: a branch whose values reach
        # one is built too (every other branch builds to the same paths).
        in_paths = _path_variables(config)
        first = branches[0].envs if branches else {}
        for branch in branches[1:]:
            if any(branch.envs.get(v) != first.get(v) for v in in_paths):
                envs = {**base, **branch.envs}
                task = build_task(config, repo_dir, st.task_yaml, envs, secrets)
                if built:
                    built(st.task_yaml, envs, task)


def check_clone(
    repo_dir: Path,
    steps: dict | None,
    pipeline_file: str,
    provision_ahead: bool,
    envs_override: Mapping[str, str],
    secrets: Mapping[str, str],
    policy: RepoPolicy,
    keep_tasks: bool,
    limits: FleetLimits | None = None,
) -> tuple[Dag, pb.PipelineSpec | None, str, list[tuple[str, dict[str, str], bytes | None]],
           dict[str, list[str]]]:
    """The clone's whole check, in one call (a parser process's, see parser_pool.py):
    load_pipeline then check_tasks. Returns (dag, spec, pipeline file, when
    `keep_tasks` every task built as (task_yaml, envs, its pickle for the task cache;
    None if it has none), and the repository paths each task YAML's task reads)."""
    dag, spec, source = load_pipeline(repo_dir, steps, pipeline_file, provision_ahead, policy)
    # Within the fleet's limits (this worker's settings), before any task is built.
    check_limits(dag, limits or FleetLimits(), source)
    built: list[tuple[str, dict[str, str], bytes | None]] = []

    def keep(rel: str, envs: dict[str, str], task: Any) -> None:
        built.append((rel, envs, pickled(task)))

    uses: dict[str, list[str]] = {}
    check_tasks(repo_dir, dag, envs_override, secrets, policy, keep if keep_tasks else None, uses)
    return dag, spec, source, built, uses


def _path_variables(config: Mapping[str, Any]) -> set[str]:
    """Variables named in the fields that hold local paths."""
    text = repr([config.get("workdir"), config.get("file_mounts"), config.get("service")])
    return set(_VAR.findall(text))
