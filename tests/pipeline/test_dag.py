"""The pipeline graph and the pipeline file, without a server."""

from __future__ import annotations

import pytest
import yaml

from skypilot_temporal.pipeline.dag import InvalidInput, build_dag
from skypilot_temporal.pipeline.pipeline_file import parse_pipeline
from skypilot_temporal.v1 import pipeline_pb2 as pb

SWEEP_FILE = """
steps:
  - name: preprocess
    task_yaml: data_preprocessing.yaml
  - name: train
    task_yaml: train.yaml
    needs: [preprocess]
    sweep:
      matrix:
        LR: [1e-3, 3e-4, 1e-4]
        BATCH: [32, 64]
      include:
        - {LR: 1e-2, BATCH: 16}
      max_parallel: 3
      on_failure: {mode: keep_going, min_succeeded: 2}
  - name: eval
    kind: exec
    cluster: train
    task_yaml: eval.yaml
    needs: [train]
  - name: best
    kind: select
    select: {metric: accuracy, goal: maximize}
    needs: [eval]
  - name: export
    kind: exec
    cluster: train
    task_yaml: export.yaml
    needs: [best]
  - name: report
    task_yaml: report.yaml
    needs: [best]
"""


def dag_of(text: str, source: str = "pipeline.yaml"):
    return build_dag(list(parse_pipeline(yaml.safe_load(text), source).steps), source)


def test_a_sweep_expands_into_branches_and_lanes():
    dag = dag_of(SWEEP_FILE)
    sweep = dag.sweeps["train"]
    assert [b.envs for b in sweep.branches] == [
        {"LR": "1e-3", "BATCH": "32"}, {"LR": "1e-3", "BATCH": "64"},
        {"LR": "3e-4", "BATCH": "32"}, {"LR": "3e-4", "BATCH": "64"},
        {"LR": "1e-4", "BATCH": "32"}, {"LR": "1e-4", "BATCH": "64"},
        {"LR": "1e-2", "BATCH": "16"},
    ]
    assert sweep.branches[2].label == "2 (LR=3e-4,BATCH=32)"
    assert (sweep.lane, sweep.after) == (["train", "eval"], ["export"])
    assert (sweep.max_parallel, sweep.keep_going, sweep.min_succeeded) == (3, True, 2)
    assert sweep.selection is not None and sweep.selection.metric_step == "eval" and sweep.selection.maximize
    assert dag.step("export").after_select and not dag.step("report").sweep
    assert dag.task_yamls == ["data_preprocessing.yaml", "eval.yaml", "export.yaml", "report.yaml", "train.yaml"]


def test_steps_with_no_needs_at_all_run_in_order_else_as_a_graph():
    a = pb.PipelineStep(name="a", task_yaml="a.yaml", kind=pb.STEP_KIND_LAUNCH)
    b = pb.PipelineStep(name="b", task_yaml="b.yaml", kind=pb.STEP_KIND_LAUNCH)
    c = pb.PipelineStep(name="c", task_yaml="c.yaml", kind=pb.STEP_KIND_LAUNCH, needs=["a", "b"])
    assert [s.needs for s in build_dag([a, b]).steps] == [(), ("a",)]
    assert [s.needs for s in build_dag([a, b, c]).steps] == [(), (), ("a", "b")]


def test_fraction_policy_rounds_up():
    dag = dag_of(SWEEP_FILE.replace("min_succeeded: 2", "min_succeeded_fraction: 0.5"))
    assert dag.sweeps["train"].min_succeeded == 4  # half of 7, rounded up


@pytest.mark.parametrize("change,expected", [
    (("needs: [preprocess]", "needs: [nowhere]"), "steps[1] (train).needs: 'nowhere' is not a step"),
    (("needs: [preprocess]", "needs: [train]"), "steps[1] (train).needs: a step cannot need itself"),
    (("    task_yaml: data_preprocessing.yaml", "    task_yaml: data_preprocessing.yaml\n    needs: [report]"),
     "the needs form a cycle"),
    (("    cluster: train\n    task_yaml: eval.yaml\n    needs: [train]",
      "    cluster: preprocess2\n    task_yaml: eval.yaml\n    needs: [train]"),
     "steps[2] (eval).cluster: 'preprocess2' must be the cluster of a LAUNCH step this step needs"),
    (("- name: eval", "- name: Eval!"), "steps[2] (Eval!).name: 'Eval!' must be 1-20"),
    (("max_parallel: 3", "max_parallel: 3\n      colour: red"),
     "steps[1] (train).sweep: unknown key 'colour' (allowed: "),
    (("kind: select", "kind: choose"), "steps[3] (best).kind: 'choose' is not one of launch, exec, select, approval"),
    (("metric: accuracy", "metric: ''"), "steps[3] (best).select.metric: required"),
    (("LR: [1e-3, 3e-4, 1e-4]", "LR: []"), "steps[1] (train).sweep.matrix.LR: must be a non-empty list"),
    (("task_yaml: export.yaml", "task_yaml: ../export.yaml"),
     "steps[4] (export).task_yaml: '../export.yaml' must be a relative path"),
    (("- name: report", "- name: report\n    nedds: [best]"), "steps[5] (report): unknown key 'nedds'"),
])
def test_refusals_name_the_file_the_step_and_the_field(change, expected):
    with pytest.raises(InvalidInput) as err:
        dag_of(SWEEP_FILE.replace(*change))
    assert str(err.value).startswith("pipeline.yaml: ")
    assert expected in str(err.value)


def test_too_many_branches_are_refused():
    axes = "\n".join(f"        V{i}: [a, b]" for i in range(10))  # 1024 combinations
    text = f"steps:\n  - name: t\n    task_yaml: t.yaml\n    sweep:\n      matrix:\n{axes}\n"
    with pytest.raises(InvalidInput, match=r"steps\[0\] \(t\).sweep: 1024 branches; at most 1000"):
        dag_of(text)


def test_a_branch_cannot_pair_with_another_sweeps_branches():
    text = """
steps:
  - {name: a, task_yaml: a.yaml, sweep: {matrix: {X: [1, 2]}}}
  - {name: b, task_yaml: b.yaml, sweep: {matrix: {Y: [1, 2]}}, needs: [a]}
"""
    with pytest.raises(InvalidInput, match="'a' belongs to sweep 'a'; a step of sweep 'b' can only need"):
        dag_of(text)
    # Through a step outside any sweep (it waits for every branch), it can.
    fan_in = text.replace("needs: [a]", "needs: [gather]") + "  - {name: gather, task_yaml: g.yaml, needs: [a]}\n"
    assert set(dag_of(fan_in).sweeps) == {"a", "b"}


def test_select_needs_one_sweep_and_a_metric_step_of_it():
    text = """
steps:
  - {name: prep, task_yaml: p.yaml}
  - {name: train, task_yaml: t.yaml, needs: [prep], sweep: {matrix: {LR: [1, 2]}}}
  - {name: pick, kind: select, select: {metric: acc}, needs: [prep]}
"""
    with pytest.raises(InvalidInput,
                       match=r"steps\[2\] \(pick\).needs: a SELECT step needs steps of exactly one sweep"):
        dag_of(text)
    with pytest.raises(InvalidInput, match=r"select.step: 'prep' must be a step of sweep 'train'"):
        dag_of(text.replace("needs: [prep]}\n", "needs: [train]}\n")
               .replace("{metric: acc}", "{metric: acc, step: prep}"))


def test_the_input_steps_are_checked_the_same_way_naming_the_field():
    steps = [pb.PipelineStep(name="a", task_yaml="a.yaml", kind=pb.STEP_KIND_LAUNCH,
                             sweep=pb.Sweep(max_parallel=2))]
    with pytest.raises(InvalidInput, match=r"^steps\[0\].sweep: a sweep needs a matrix or include"):
        build_dag(steps)


def test_steps_run_round_by_round_each_round_in_the_order_given():
    def step(name: str, *needs: str) -> pb.PipelineStep:
        return pb.PipelineStep(name=name, task_yaml=f"{name}.yaml", kind=pb.STEP_KIND_LAUNCH, needs=needs)

    dag = build_dag([step("a", "b", "d"), step("b"), step("c", "d"), step("d")])
    assert [s.name for s in dag.steps] == ["b", "d", "a", "c"]


def test_a_cycle_is_named_step_by_step_from_the_one_given_first():
    steps = [pb.PipelineStep(name=n, task_yaml=f"{n}.yaml", needs=[need])
             for n, need in (("x", "x2"), ("a", "c"), ("b", "a"), ("c", "b"), ("x2", "a"))]
    with pytest.raises(InvalidInput) as err:
        build_dag(steps)
    assert str(err.value) == "steps: the needs form a cycle: a -> c -> b -> a"


def test_a_step_that_names_no_kind_launches_as_in_a_pipeline_file():
    unset = pb.PipelineStep(name="a", task_yaml="a.yaml")
    assert unset.kind == pb.STEP_KIND_UNSPECIFIED
    launch = pb.PipelineStep(name="a", task_yaml="a.yaml", kind=pb.STEP_KIND_LAUNCH)
    assert build_dag([unset]).steps == build_dag([launch]).steps
    assert build_dag([unset]).steps[0].kind == pb.STEP_KIND_LAUNCH
    from_file = dag_of("steps:\n  - {name: a, task_yaml: a.yaml}\n")
    assert from_file.steps == build_dag([launch], "pipeline.yaml").steps


def test_a_kind_the_contract_does_not_define_is_refused_naming_the_kinds():
    steps = [pb.PipelineStep(name="a", task_yaml="a.yaml", kind=9)]
    with pytest.raises(InvalidInput) as err:
        build_dag(steps)
    assert str(err.value) == (
        "steps[0].kind: must be STEP_KIND_LAUNCH, STEP_KIND_EXEC, STEP_KIND_SELECT, STEP_KIND_APPROVAL or "
        "STEP_KIND_MANAGED "
        "(unset: STEP_KIND_LAUNCH), got 9"
    )


def test_the_pipeline_file_keys_and_choices_are_the_contracts():
    """Every field of a step is a key of the file; every kind, failure mode and goal
    of the contract is a choice, spelled as its value name without its prefix."""
    with pytest.raises(InvalidInput) as err:
        dag_of("steps:\n  - {name: a, task_yaml: a.yaml, colour: red}\n")
    allowed = ", ".join(f.name for f in pb.PipelineStep.DESCRIPTOR.fields)
    assert str(err.value) == f"pipeline.yaml: steps[0] (a): unknown key 'colour' (allowed: {allowed})"
    with pytest.raises(InvalidInput, match=r"mode: 'halt' is not one of fail_fast, keep_going$"):
        dag_of(SWEEP_FILE.replace("mode: keep_going", "mode: halt"))
    with pytest.raises(InvalidInput, match=r"goal: 'best' is not one of maximize, minimize$"):
        dag_of(SWEEP_FILE.replace("goal: maximize", "goal: best"))
    assert dag_of(SWEEP_FILE.replace("mode: keep_going", "mode: fail_fast").replace(", min_succeeded: 2", "")
                  ).sweeps["train"].keep_going is False


REPORT = "  - name: report\n    task_yaml: report.yaml\n    needs: [best]\n"
GATED_FILE = SWEEP_FILE.replace(REPORT, """  - name: ship-it
    kind: approval
    needs: [best]
    approvers: [alice, "bob@example.com"]
    timeout_seconds: 3600
  - name: report
    task_yaml: report.yaml
    needs: [ship-it]
""")


def test_an_approval_gate_runs_no_task_and_waits_a_day_unless_it_says():
    dag = dag_of(GATED_FILE)
    gate = dag.step("ship-it")
    assert (gate.kind, gate.task_yaml, gate.cluster, gate.needs) == (pb.STEP_KIND_APPROVAL, "", "", ("best",))
    assert gate.approvers == ("alice", "bob@example.com") and gate.timeout_s == 3600
    assert dag.step("report").needs == ("ship-it",)
    assert dag_of(GATED_FILE.replace("    timeout_seconds: 3600\n", "")).step("ship-it").timeout_s == 24 * 3600


@pytest.mark.parametrize("change,expected", [
    (("    needs: [best]\n    approvers", "    approvers"),
     "steps[5] (ship-it).needs: an APPROVAL step needs the steps whose results it approves"),
    (("    kind: approval\n", "    kind: approval\n    task_yaml: deploy.yaml\n"),
     "steps[5] (ship-it).task_yaml: an APPROVAL step runs no task"),
    (("    kind: approval\n", "    kind: approval\n    envs: {A: b}\n"),
     "steps[5] (ship-it).kind: an APPROVAL step runs no task"),
    (("approvers: [alice,", "approvers: ['  ',"),
     "steps[5] (ship-it).approvers: '  ' must be 1-128 characters, not blank"),
    (('approvers: [alice, "bob@example.com"]', "approvers: {a: 1}"), "steps[5] (ship-it).approvers: must be a list"),
    (("  - name: report\n    task_yaml: report.yaml\n",
      "  - name: report\n    task_yaml: report.yaml\n    approvers: [x]\n"),
     "steps[6] (report).approvers: only an APPROVAL step has approvers"),
])
def test_gate_refusals_name_the_field(change, expected):
    assert change[0] in GATED_FILE
    with pytest.raises(InvalidInput) as err:
        dag_of(GATED_FILE.replace(*change))
    assert expected in str(err.value)


def test_a_step_outside_sweeps_may_wait_for_a_repair_and_unset_is_the_runs_default():
    dag = dag_of(SWEEP_FILE.replace("  - name: report\n    task_yaml: report.yaml\n",
                                    "  - name: report\n    task_yaml: report.yaml\n    wait_for_repair_minutes: 90\n"))
    assert dag.step("report").repair_minutes == 90
    assert dag.step("preprocess").repair_minutes is None
    # A sweep's lane step waits per branch.
    lane = dag_of(SWEEP_FILE.replace("    cluster: train\n    task_yaml: eval.yaml\n",
                                     "    cluster: train\n    task_yaml: eval.yaml\n    wait_for_repair_minutes: 5\n"))
    assert lane.step("eval").repair_minutes == 5 and lane.step("eval").sweep == "train"


@pytest.mark.parametrize("change, expected", [
    (("  - name: report\n    task_yaml: report.yaml\n",
      "  - name: report\n    task_yaml: report.yaml\n    wait_for_repair_minutes: 10081\n"),
     "steps[5] (report).wait_for_repair_minutes: at most 10080 minutes, got 10081"),
    (("  - name: report\n    task_yaml: report.yaml\n",
      "  - name: report\n    task_yaml: report.yaml\n    wait_for_repair_minutes: -1\n"),
     "steps[5] (report).wait_for_repair_minutes: must be a whole number of minutes (0: fail at once)"),
    (("    select: {metric: accuracy, goal: maximize}\n",
      "    select: {metric: accuracy, goal: maximize}\n    wait_for_repair_minutes: 5\n"),
     "steps[3] (best).kind: a SELECT step runs no task"),
])
def test_repair_refusals_name_the_field(change, expected):
    assert change[0] in SWEEP_FILE
    with pytest.raises(InvalidInput) as err:
        dag_of(SWEEP_FILE.replace(*change))
    assert expected in str(err.value)
