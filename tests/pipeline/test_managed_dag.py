"""Managed-job steps in the pipeline graph: what a pipeline may and may not do with them."""

from __future__ import annotations

import pytest
import yaml

from skypilot_temporal.pipeline.dag import MANAGED, InvalidInput, build_dag
from skypilot_temporal.pipeline.pipeline_file import parse_pipeline

MANAGED_FILE = """
steps:
  - name: prep
    task_yaml: data_preprocessing.yaml
  - name: train
    kind: managed
    task_yaml: train.yaml
    needs: [prep]
  - name: report
    task_yaml: report.yaml
    needs: [train]
"""


def dag_of(text: str, source: str = "pipeline.yaml"):
    return build_dag(list(parse_pipeline(yaml.safe_load(text), source).steps), source)


def test_a_managed_step_is_a_kind_of_its_own_with_a_cluster_named_after_it():
    dag = dag_of(MANAGED_FILE)
    train = dag.step("train")
    assert train.kind == MANAGED
    assert train.cluster == "train"
    assert not train.provision_ahead
    assert dag.users("train") == ["train"]


def test_no_step_can_exec_on_a_managed_jobs_cluster_and_the_refusal_names_it():
    text = MANAGED_FILE + """
  - name: eval
    kind: exec
    cluster: train
    task_yaml: eval.yaml
    needs: [train]
"""
    with pytest.raises(InvalidInput) as err:
        dag_of(text)
    message = str(err.value)
    assert message.startswith("pipeline.yaml: steps[3] (eval).cluster: 'train' is the cluster of MANAGED step 'train'")
    assert "newest job" in message and "LAUNCH" in message


def test_a_managed_step_can_be_swept_each_branch_a_job_of_its_own():
    text = """
steps:
  - name: train
    kind: managed
    task_yaml: train.yaml
    sweep:
      matrix: {LR: [1e-3, 3e-4, 1e-4]}
      max_parallel: 2
  - name: best
    kind: select
    select: {metric: accuracy, goal: maximize}
    needs: [train]
"""
    dag = dag_of(text)
    sweep = dag.sweeps["train"]
    assert [b.envs for b in sweep.branches] == [{"LR": "1e-3"}, {"LR": "3e-4"}, {"LR": "1e-4"}]
    assert sweep.max_parallel == 2
    assert sweep.selection is not None and sweep.selection.step == "best"


@pytest.mark.parametrize(("extra", "expected"), [
    ("    provision_ahead: true\n", "steps[1] (train).provision_ahead: only a LAUNCH step provisions a cluster ahead"),
    ("    cluster: prep\n", "steps[1] (train).cluster: 'prep' is launched by step 'prep'"),
])
def test_what_a_managed_step_may_not_ask_is_refused_naming_the_field(extra, expected):
    lines = MANAGED_FILE.splitlines(keepends=True)
    at = lines.index("    needs: [prep]\n") + 1
    with pytest.raises(InvalidInput) as err:
        dag_of("".join(lines[:at] + [extra] + lines[at:]))
    assert expected in str(err.value)


def test_a_second_step_on_a_managed_steps_cluster_is_told_it_is_the_jobs_own():
    text = MANAGED_FILE + """
  - name: again
    kind: launch
    cluster: train
    task_yaml: train.yaml
    needs: [train]
"""
    with pytest.raises(InvalidInput, match="a managed job's cluster is its own"):
        dag_of(text)
