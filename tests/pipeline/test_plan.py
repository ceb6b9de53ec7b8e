"""The plan built from an input: pure, deterministic, every refusal named."""

from __future__ import annotations

import pytest

from skypilot_temporal.pipeline.plan import InvalidInput, build_plan, run_tag
from skypilot_temporal.v1 import pipeline_pb2 as pb


def test_default_plan_is_the_seed_and_downs_each_cluster_after_its_last_step():
    plan = build_plan(pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", cluster_prefix="exp"), "wf", "run-1234567")
    tag = run_tag("wf", "run-1234567")
    assert [(s.name, plan.cluster_name(s.cluster)) for s in plan.steps] == [
        ("preprocess", f"exp-preprocess-{tag}"), ("train", f"exp-train-{tag}"), ("eval", f"exp-train-{tag}")]
    # A plain list runs in order; a cluster goes down after the last step on it.
    assert [s.needs for s in plan.steps] == [(), ("preprocess",), ("train",)]
    assert plan.dag.users("preprocess") == ["preprocess"] and plan.dag.users("train") == ["train", "eval"]
    assert plan.job_name("preprocess") == f"exp-preprocess-{tag}"
    assert plan.clusters == [f"exp-preprocess-{tag}", f"exp-train-{tag}"]
    assert plan.options.autodown_minutes == 30


def test_two_runs_with_one_prefix_share_no_cluster_and_no_job_name():
    # Run ids of the dev server are UUIDv7: runs started within a minute share a prefix.
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", cluster_prefix="team")
    a = build_plan(inp, "wf-a", "019abcde-0000-7000-8000-000000000001")
    b = build_plan(inp, "wf-b", "019abcde-0000-7000-8000-000000000002")
    c = build_plan(inp, "wf-a", "019abcde-0000-7000-8000-000000000002")
    names = [set(p.clusters) | {p.job_name(s.name) for s in p.steps} for p in (a, b, c)]
    assert not (names[0] & names[1]) and not (names[0] & names[2]) and not (names[1] & names[2])


def test_plan_is_deterministic_and_prefix_differs_per_workflow():
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git")
    assert build_plan(inp, "a", "r").options.cluster_prefix == build_plan(inp, "a", "r").options.cluster_prefix
    assert build_plan(inp, "a", "r").options.cluster_prefix != build_plan(inp, "b", "r").options.cluster_prefix


def test_negative_autodown_disables_it():
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", launch=pb.LaunchOptions(idle_minutes_to_autodown=-1))
    assert build_plan(inp, "w", "r").options.autodown_minutes is None


def test_secret_cannot_also_be_an_override():
    inp = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", secret_env_names=["TOKEN"])
    inp.envs_override["TOKEN"] = "x"
    with pytest.raises(InvalidInput, match="secret_env_names: 'TOKEN' is also in envs_override"):
        build_plan(inp, "w", "r")


def test_the_runs_wait_for_repair_is_bounded_and_a_repaired_step_runs_as_a_job_of_its_own():
    ok = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git", cluster_prefix="exp",
                                  launch=pb.LaunchOptions(wait_for_repair_minutes=10080))
    plan = build_plan(ok, "wf", "run-1")
    assert plan.options.repair_minutes == 10080
    tag = run_tag("wf", "run-1")
    assert plan.job_name("eval", repair=2) == f"exp-eval-r2-{tag}" != plan.job_name("eval")
    too_long = pb.SkyPilotWorkflowInput(repo_url="https://h/r.git",
                                        launch=pb.LaunchOptions(wait_for_repair_minutes=10081))
    with pytest.raises(InvalidInput, match="launch.wait_for_repair_minutes: at most 10080 minutes, got 10081"):
        build_plan(too_long, "w", "r")
