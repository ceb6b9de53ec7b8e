"""Repairing a failed step from the Go, TypeScript and Python starters, run as users run
them, against a real dev server and the real worker (local executor): a run started with
--wait-for-repair-minutes whose eval fails prints, in the following starter's own form,
the line that retries it; refusals get the same text and exit status from all three;
the fix is committed and the printed line, run as is, retries the run, which succeeds
without running preprocess or train again."""

from __future__ import annotations

import subprocess
import uuid

import pytest
from support import make_git_repo
from test_starter_decisions import BUCKET, Followed
from test_starter_parity import LANGS, environment, run

from skypilot_temporal.v1 import starter_cli as cli

BROKEN_EVAL = "name: eval\nrun: |\n  echo evaluating\n  echo 'NameError: accurcy' >&2\n  exit 3\n"
FIXED_EVAL = "name: eval\nrun: |\n  echo 'SKYPILOT_TEMPORAL_METRIC accuracy=0.93'\n"


@pytest.fixture
def repair_env(temporal_server, shared_worker) -> dict[str, str]:
    return environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue,
                       SKYPILOT_TEMPORAL_APPROVER="alice")


def commit_fix(repo) -> str:
    (repo / "eval.yaml").write_text(FIXED_EVAL)
    git = ["git", "-c", "user.email=tests@localhost", "-c", "user.name=tests"]
    subprocess.run(git + ["commit", "-qam", "fix eval"], cwd=repo, check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_a_failed_step_waits_and_the_printed_retry_line_repairs_it(starters, repair_env, tmp_path) -> None:
    repo = make_git_repo(tmp_path / "tasks", files={"eval.yaml": BROKEN_EVAL})
    workflow_id = f"repair-{uuid.uuid4().hex[:6]}"
    f = Followed([*starters["go"], "--repo", str(repo), *BUCKET, "--workflow-id", workflow_id,
                  "--wait-for-repair-minutes", "30"], repair_env)
    f.line(r"step eval: failed; waiting for a repair until \S+Z \(clusters kept: \S+-train-\S+\): "
           r"step 'eval' failed: .*")
    retry = f.line(r"  retry: (.+)")[1]
    assert retry == cli.retry_hint(command=cli.COMMANDS["go"], workflow_id=workflow_id, step="eval")

    def all_say(*args: str) -> tuple[int, str, str]:
        procs = [run(starters[lang], *args, env=repair_env) for lang in LANGS]
        outs = {(p.returncode, p.stdout, p.stderr) for p in procs}
        assert len(outs) == 1, outs
        return outs.pop()

    assert all_say("retry", workflow_id, "--step", "deploy") == (
        1, "", "error: refused: step: no step named 'deploy' in this run (its steps: preprocess, train, eval)\n")
    assert all_say("abort", workflow_id, "--step", "train")[0:2] == (1, "")
    assert all_say("retry", workflow_id, "--commit", "abc") == (
        2, "", f"{cli.usage_error(message=cli.commit_invalid(value=chr(34) + 'abc' + chr(34)))}\n{cli.usage_hint()}\n")

    fixed = commit_fix(repo)
    # The printed line, with the starter's command as this test runs it, from another starter's user too.
    done = run(starters["go"], *retry.removeprefix(cli.COMMANDS["go"]).split(), env=repair_env)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout == cli.retry_accepted(steps="eval", workflow_id=workflow_id, commit=fixed[:12],
                                             requester="alice") + "\n"
    f.line(rf"step eval: retry by alice at commit {fixed[:12]}")
    code, err = f.end()
    assert (code, err) == (0, ""), err
    f.line(rf"workflow completed: 3 steps, commit {fixed}")
    f.line(r"    repair: retry by alice at \S+Z at commit [0-9a-f]{12}; it had failed: step 'eval' failed: .*")
    # One job each for preprocess and train: their results name job 1 on their own clusters.
    assert f.line(r"step preprocess: cluster=\S+ job_id=(\d+) status=SUCCEEDED .*")[1] == "1"
    assert f.line(r"step train: cluster=\S+ job_id=(\d+) status=SUCCEEDED .*")[1] == "1"
    assert f.line(r"step eval: cluster=\S+ job_id=(\d+) status=SUCCEEDED .*")[1] == "3"
    # The run has ended: nothing waits for a repair.
    assert all_say("abort", workflow_id) == (1, "", cli.run_not_found(workflow_id=workflow_id) + "\n")

    # Resumed from another starter, nothing changed since: every step is reused, nothing runs.
    resumed = run(starters["ts"], "--repo", str(repo), *BUCKET, "--resume-from", workflow_id, "--quiet",
                  env=repair_env, timeout=180)
    assert (resumed.returncode, resumed.stderr) == (0, ""), resumed.stderr
    steps = [line for line in resumed.stdout.splitlines() if line.startswith("step ")]
    assert len(steps) == 3 and all(line.endswith(f" reused_from={workflow_id}") for line in steps), steps
