"""Resuming an ended run (resume_from) on a real dev server and worker, local executor:
the new run reuses every step whose key did not change and runs the rest, and a
resume that cannot be (no such run, one still running, another repository) is refused
before anything launches."""

from __future__ import annotations

import uuid

import pytest
from faults import LocalJobs
from pipeline_helpers import clusters, pipeline_input, start
from support import make_git_repo
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError
from test_repair import BROKEN_EVAL, FIXED_EVAL, commit

from skypilot_temporal.contract.names import INVALID_INPUT, WORKFLOW_TYPE
from skypilot_temporal.pipeline.plan import build_plan, default_cluster_prefix
from skypilot_temporal.pipeline.resume import reusable, step_keys
from skypilot_temporal.v1 import pipeline_pb2 as pb

# eval on a cluster of its own: a fix of eval reruns eval alone.
OWN_CLUSTER = ("steps:\n  - {name: preprocess, task_yaml: data_preprocessing.yaml}\n"
               "  - {name: train, task_yaml: train.yaml}\n"
               "  - {name: eval, task_yaml: eval.yaml}\n")


async def failure_of(handle) -> ApplicationError:
    with pytest.raises(WorkflowFailureError) as err:
        await handle.result()
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


async def test_a_resumed_run_reuses_the_steps_whose_keys_did_not_change(
    client, local_worker, task_queue, tmp_path, work_dir
):
    repo = make_git_repo(tmp_path / "tasks", files={"eval.yaml": BROKEN_EVAL, "pipeline.yaml": OWN_CLUSTER})
    first = await start(client, pipeline_input(repo), task_queue)
    # Resuming a run still going is refused, and launches nothing.
    early = await start(client, pipeline_input(repo, resume_from=first.id), task_queue)
    refused = await failure_of(early)
    assert refused.type == INVALID_INPUT
    assert refused.message == f"resume_from: run {first.id!r} is still running: resume a run that has ended"
    assert (await failure_of(first)).message.startswith("step 'eval' failed: ")

    commit(repo, {"eval.yaml": FIXED_EVAL})
    resumed = await start(client, pipeline_input(repo, resume_from=first.id), task_queue)
    jobs = LocalJobs(work_dir, default_cluster_prefix(resumed.id))
    try:
        result = await resumed.result()
    finally:
        await jobs.stop()
    by_name = {s.name: s for s in result.steps}
    assert [by_name[n].reused_from for n in ("preprocess", "train", "eval")] == [first.id, first.id, ""]
    assert by_name["eval"].status == "SUCCEEDED" and by_name["eval"].key
    assert result.lines[1].startswith("step preprocess: cluster=") and result.lines[1].endswith(
        f" reused_from={first.id}")
    # The executor's own records: only eval ran in the resumed run.
    assert jobs.jobs() == {"eval": 1}
    assert clusters(work_dir) == []

    # Resumed again with nothing changed: every step is reused, nothing launches.
    again = await start(client, pipeline_input(repo, resume_from=resumed.id), task_queue)
    result = await again.result()
    assert [s.reused_from for s in result.steps] == [first.id, first.id, resumed.id]


async def test_a_resume_that_cannot_be_is_refused_naming_why(client, local_worker, task_queue, tmp_path, work_dir):
    repo = make_git_repo(tmp_path / "tasks")
    other = make_git_repo(tmp_path / "other")
    missing = await start(client, pipeline_input(repo, resume_from=f"no-such-{uuid.uuid4().hex[:6]}"), task_queue)
    assert (await failure_of(missing)).message.startswith("resume_from: no run with workflow id 'no-such-")
    done = await start(client, pipeline_input(repo), task_queue)
    await done.result()
    elsewhere = await start(client, pipeline_input(other, resume_from=done.id), task_queue)
    cause = await failure_of(elsewhere)
    assert (cause.type, cause.message) == (INVALID_INPUT, f"resume_from: run {done.id!r} cloned {str(repo)!r}, "
                                                          f"not {str(other)!r}")
    own = await client.start_workflow(WORKFLOW_TYPE, pipeline_input(repo, resume_from="itself"), id="itself",
                                      task_queue=task_queue, result_type=pb.SkyPilotWorkflowResult)
    assert "resume_from: names this run's own workflow id" in (await failure_of(own)).message
    assert clusters(work_dir) == []


def test_a_step_on_a_cluster_that_must_come_up_again_reruns_with_its_launching_step():
    plan = build_plan(pb.SkyPilotWorkflowInput(repo_url="r"), "wf", "run")  # the seed: eval an exec on train
    digests = {"data_preprocessing.yaml": "p", "train.yaml": "t", "eval.yaml": "e"}
    before = step_keys(plan, digests, {}, [])
    after = step_keys(plan, {**digests, "eval.yaml": "e2"}, {}, [])
    assert [before[n] == after[n] for n in ("preprocess", "train", "eval")] == [True, True, False]
    ended = {name: (key, "SUCCEEDED") for name, key in before.items()}
    assert reusable(plan, after, ended) == {"preprocess"}  # train comes up again for eval
    assert reusable(plan, before, ended) == {"preprocess", "train", "eval"}
    # An env or a secret's name changes the key; what a step needs changes its successors'.
    assert step_keys(plan, digests, {"LR": "1"}, [])["preprocess"] != before["preprocess"]
    assert step_keys(plan, digests, {}, ["TOKEN"])["preprocess"] != before["preprocess"]
    changed = step_keys(plan, {**digests, "data_preprocessing.yaml": "p2"}, {}, [])
    assert all(changed[n] != before[n] for n in ("preprocess", "train", "eval"))
    # A task the clone could not hash has no key: never reused.
    assert "eval" not in step_keys(plan, {k: v for k, v in digests.items() if k != "eval.yaml"}, {}, [])
