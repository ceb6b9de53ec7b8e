"""The Go, TypeScript and Python starters, run as users run them, behave the same.

Against a real Temporal dev server and, for full runs, the real worker with the local
executor (fixtures from tests/conftest.py); the starters as tests/contract/conftest.py
runs them.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

import pytest
from support import make_git_repo

from skypilot_temporal.workflows.costs import NOTE_UNKNOWN

ROOT = Path(__file__).resolve().parents[2]
TEMPORAL = Path(sys.executable).parent / "temporal"
FLAGS = ["--repo", "--branch", "--cluster-prefix", "--env", "--secret-env", "--api-server-endpoint",
         "--wait-for-repair-minutes", "--resume-from",
         "--input", "--workflow-id", "--task-queue", "--no-wait", "--quiet", "--help"]
LANGS = ("go", "ts", "python")
# The local executor prices nothing: every run's cost is unknown, and says so.
NO_PRICE = NOTE_UNKNOWN
VECTORS = ROOT / "tests" / "contract" / "vectors"
INPUT_VECTORS = json.loads((VECTORS / "starter" / "inputs.json").read_text(encoding="utf-8"))
SWEEP = ROOT / "examples" / "sweep"


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "SKYPILOT_TEMPORAL_"))}
    env["TEMPORAL_CONFIG_FILE"] = str(ROOT / "tests" / "contract" / "no-such-temporal.toml")
    env.update(extra)
    return env


def run(cmd: list[str], *args: str, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*cmd, *args], cwd=ROOT, env=env or environment(), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def all_three(starters: Mapping[str, list[str]], *args: str, **kw) -> tuple[subprocess.CompletedProcess, ...]:
    return tuple(run(starters[lang], *args, **kw) for lang in LANGS)


def temporal_json(address: str, *args: str) -> dict:
    out = subprocess.run([str(TEMPORAL), *args, "--address", address, "-o", "json"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return json.loads(out)


def test_help_lists_every_flag_and_is_the_same(starters) -> None:
    procs = all_three(starters, "--help")
    assert [p.returncode for p in procs] == [0, 0, 0]
    for flag in FLAGS:
        assert f"  {flag} " in procs[0].stdout, flag
    # The usage lines name each starter's own command.
    usage = re.compile(r"^(Usage: |       )\S.*$", re.M)
    assert len({usage.sub("Usage:", p.stdout) for p in procs}) == 1


@pytest.mark.parametrize("case", INPUT_VECTORS["cases"], ids=[c["name"] for c in INPUT_VECTORS["cases"]])
def test_input_vectors_give_the_same_answer_and_start_nothing(starters, temporal_server, case) -> None:
    """Each case of the shared input vectors, against a real server unless the case
    names another address: a refused command line starts no workflow."""
    env = environment(**{"TEMPORAL_ADDRESS": temporal_server.address, **case.get("env", {})})

    def fill(text: str) -> str:
        return text.replace("{vectors}", str(VECTORS))

    procs = {}
    for lang in LANGS:
        workflow_id = f"vector-{lang}-{uuid.uuid4().hex[:8]}"
        argv = [fill(a) for a in case["argv"]]
        if case["exit"] != 0:
            argv = ["--workflow-id", workflow_id, *argv]
        procs[lang] = proc = run(starters[lang], *argv, env=env)
        assert proc.returncode == case["exit"], (lang, proc.stdout, proc.stderr)
        assert fill(case.get("stderr", "")) in proc.stderr and fill(case.get("stdout", "")) in proc.stdout, (lang, proc)
        if case["exit"] != 0:
            assert proc.stdout == "", (lang, proc.stdout)
            assert proc.stderr.startswith("error: ")
            assert len(proc.stderr.splitlines()) == (2 if case["exit"] == 2 else 1)
            described = subprocess.run([str(TEMPORAL), "workflow", "describe", "-w", workflow_id,
                                        "--address", temporal_server.address], capture_output=True, timeout=60)
            assert described.returncode != 0, f"{lang} started {workflow_id}"
    if case.get("same_text", True):
        assert len({p.stderr for p in procs.values()}) == 1, {lang: p.stderr for lang, p in procs.items()}


def test_no_wait_starts_the_contract_workflow(starters, temporal_server, tmp_path) -> None:
    """Flags beat environment, which beats --input; the payload is json/protobuf."""
    input_file = tmp_path / "input.json"
    input_file.write_text(json.dumps({
        "repo_url": "https://github.com/example-org/ml-pipelines.git", "branch": "file",
        "envsOverride": {"A": "file"},
        "steps": [{"name": "train", "taskYaml": "train.yaml", "kind": "STEP_KIND_LAUNCH"}],
        "launch": {"retryUntilUp": True},
    }))
    address = temporal_server.address
    env = environment(TEMPORAL_ADDRESS=address, SKYPILOT_TEMPORAL_BRANCH="env",
                      SKYPILOT_TEMPORAL_CLUSTER_PREFIX="env",
                      SKYPILOT_TEMPORAL_SECRET_ENV_NAMES="HF_TOKEN,WANDB_API_KEY",
                      SKYPILOT_TEMPORAL_TASK_QUEUE="parity-no-worker", TEMPORAL_UI_URL="http://ui.example:8080/")
    for lang, cmd in starters.items():
        wid = f"parity-no-wait-{lang}"
        proc = run(cmd, "--input", str(input_file), "--cluster-prefix", "flag", "--env", "B=2",
                   "--workflow-id", wid, "--no-wait", env=env)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == (f"workflow id: {wid}\n"
                               f"ui: http://ui.example:8080/namespaces/default/workflows/{wid}\n")
        history = temporal_json(address, "workflow", "show", "-w", wid)
        started = history["events"][0]["workflowExecutionStartedEventAttributes"]
        assert started["workflowType"]["name"] == "SkyPilotWorkflow"
        assert started["taskQueue"]["name"] == "parity-no-worker"
        [payload] = started["input"]["payloads"]
        meta = {k: base64.b64decode(v).decode() for k, v in payload["metadata"].items()}
        assert meta == {"encoding": "json/protobuf", "messageType": "skypilot_temporal.v1.SkyPilotWorkflowInput"}
        assert json.loads(base64.b64decode(payload["data"])) == {
            "repoUrl": "https://github.com/example-org/ml-pipelines.git",
            "branch": "env",
            "clusterPrefix": "flag",
            "envsOverride": {"A": "file", "B": "2"},
            "secretEnvNames": ["HF_TOKEN", "WANDB_API_KEY"],
            "steps": [{"name": "train", "taskYaml": "train.yaml", "kind": "STEP_KIND_LAUNCH"}],
            "launch": {"retryUntilUp": True},
        }
        subprocess.run([str(TEMPORAL), "workflow", "terminate", "-w", wid, "--address", address,
                        "--reason", "test"], check=True, capture_output=True, timeout=60)


def test_a_reused_running_workflow_id_fails_with_exit_1(starters, temporal_server) -> None:
    env = environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE="parity-no-worker")
    args = ("--repo", "https://github.com/example-org/x.git", "--workflow-id", "parity-dup", "--no-wait")
    assert run(starters["go"], *args, env=env).returncode == 0
    procs = all_three(starters, *args, env=env)
    assert [p.returncode for p in procs] == [1, 1, 1]
    assert [p.stderr for p in procs] == ["error: workflow id parity-dup is already in use\n"] * 3
    subprocess.run([str(TEMPORAL), "workflow", "terminate", "-w", "parity-dup", "--address",
                    temporal_server.address, "--reason", "test"], check=True, capture_output=True, timeout=60)


def _comparable(stdout: str) -> list[str]:
    """Output lines without what differs between two runs: ids, durations, log text,
    and the lines printed while following (which states a poll sees depends on timing;
    the sweep test below checks them)."""
    lines = []
    printed = stdout.splitlines()
    end = next((i for i, line in enumerate(printed) if line.startswith("workflow completed: ")), len(printed))
    for line in printed[end:]:
        # Cluster names carry a tag unique to the run; the shared output vectors
        # check the clusters lines instead.
        if line.startswith(("workflow id: ", "ui: ", "progress: ", "    ", "clusters: ")):
            continue
        line = re.sub(r" duration=[0-9.]+s$", " duration=<s>", line)
        lines.append(run_tagless(line))
    return lines


def run_tagless(line: str) -> str:
    """Cluster names without the tag unique to the run: parity-train-b1-<run tag>."""
    return re.sub(r"\b(parity-[a-z]+(?:-b[0-9]+)?)-[0-9a-f]{8}\b", r"\1-<run tag>", line)


def test_a_full_run_prints_the_same_results(starters, temporal_server, shared_worker, example_repo) -> None:
    env = environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue)
    args = ("--repo", str(example_repo), "--env", "DATA_BUCKET_NAME=parity-bucket", "--cluster-prefix", "parity")
    procs = all_three(starters, *args, env=env, timeout=300)
    assert [p.returncode for p in procs] == [0, 0, 0], [p.stderr for p in procs]
    for p in procs:
        assert re.search(r"^progress: phase=\w+ step=\S+ finished=\d+/3", p.stdout, re.M), p.stdout
        assert re.search(r"^    Evaluation completed$", p.stdout, re.M), p.stdout
        assert p.stderr == "", p.stderr
    go = procs[0]
    assert _comparable(go.stdout) == _comparable(procs[1].stdout) == _comparable(procs[2].stdout)
    assert _comparable(go.stdout)[0].startswith("workflow completed: 3 steps, commit ")
    assert _comparable(go.stdout)[1:] == [
        "step preprocess: cluster=parity-preprocess-<run tag> job_id=1 status=SUCCEEDED duration=<s>",
        "step train: cluster=parity-train-<run tag> job_id=1 status=SUCCEEDED duration=<s>",
        "step eval: cluster=parity-train-<run tag> job_id=2 status=SUCCEEDED duration=<s>",
        "clusters downed: parity-preprocess-<run tag>, parity-train-<run tag>",
        "cost: " + NO_PRICE.format(what="2 clusters have"),
    ]
    # Each starter named its run's own clusters as soon as they were known.
    for p in procs:
        named = re.search(r"^clusters: (.+)$", p.stdout, re.M)
        downed = re.search(r"^clusters downed: (.+)$", p.stdout, re.M)
        assert named and downed and set(named[1].split(", ")) == set(downed[1].split(", ")), p.stdout


def test_a_failed_run_exits_1_with_the_failure_and_its_cause(starters, temporal_server, shared_worker) -> None:
    env = environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue)
    go, ts, py = all_three(starters, "--repo", "ftp://example.com/tasks.git", env=env, timeout=300)
    assert (go.returncode, ts.returncode, py.returncode) == (1, 1, 1), (go.stderr, ts.stderr, py.stderr)
    assert go.stderr == ts.stderr == py.stderr
    lines = go.stderr.splitlines()
    assert lines[0].startswith("workflow failed: ") and "'ftp'" in lines[0], go.stderr
    assert lines[1].startswith("cause: repo_url: "), go.stderr


def test_the_starters_as_users_run_them_at_once_complete(temporal_server, shared_worker, example_repo) -> None:
    """`go run ./go-starter`, `npx ts-node ts-starter/start.ts` and `skypilot-temporal-start`,
    exactly as written, started together against one worker."""
    env = environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue)
    commands = {
        "go": ["go", "run", "./go-starter"],
        "ts": ["npx", "--no-install", "ts-node", "ts-starter/start.ts"],
        "python": [str(Path(sys.executable).parent / "skypilot-temporal-start")],
    }
    procs = {
        lang: subprocess.Popen(
            [*cmd, "--repo", str(example_repo), "--env", f"DATA_BUCKET_NAME=together-{lang}"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL,
        )
        for lang, cmd in commands.items()
    }
    outputs = {lang: p.communicate(timeout=600) for lang, p in procs.items()}
    for lang, (out, err) in outputs.items():
        assert procs[lang].returncode == 0, (lang, err)
        assert "workflow completed: 3 steps, commit " in out, out
        assert out.count("status=SUCCEEDED") == 3, out
    ids = {re.search(r"^workflow id: (\S+)$", out, re.M).group(1) for out, _ in outputs.values()}
    assert len(ids) == 3  # a fresh workflow id per run


def test_invalid_input_leaves_nothing_running(starters, temporal_server, shared_worker) -> None:
    env = environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue)
    for lang in LANGS:
        done = run(starters[lang], "--repo", "ext::sh -c id", "--workflow-id", f"refused-{lang}", env=env, timeout=300)
        assert done.returncode == 1 and "git remote helper" in done.stderr, done.stderr
        described = temporal_json(temporal_server.address, "workflow", "describe", "--workflow-id", f"refused-{lang}")
        status = json.dumps(described)
        assert "WORKFLOW_EXECUTION_STATUS_FAILED" in status and "WORKFLOW_EXECUTION_STATUS_RUNNING" not in status


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def sweep_repo(tmp_path: Path, fail_fast: bool = False) -> Path:
    """examples/sweep/ with short sleeps: three branches, two at a time, keep going past
    the first (or, fail_fast, fail the run with it), whose training diverges at once
    (its branch has ended long before the selection); the winner exports for 4 s, long
    enough for every starter's polls to see the selection."""
    pipeline = (SWEEP / "pipeline.yaml").read_text()
    if fail_fast:
        pipeline = replaced(pipeline, "        mode: keep_going        # a diverged run does not sink the sweep...\n"
                                      "        min_succeeded: 2        # ...as long as two runs make it\n",
                            "        mode: fail_fast\n")
    pipeline = replaced(pipeline, 'LR: ["1e-3", "3e-4", "1e-4"]', 'LR: ["diverge", "1e-3", "3e-4"]')
    pipeline = replaced(pipeline, "BATCH: [32, 64]", "BATCH: [32]")
    pipeline = replaced(pipeline, "max_parallel: 3", "max_parallel: 2")
    pipeline = replaced(pipeline, "    task_yaml: train.yaml\n",
                        '    task_yaml: train.yaml\n    envs: {EPOCHS: "2", SECONDS_PER_EPOCH: "0.75"}\n')
    train = replaced((SWEEP / "train.yaml").read_text(), "set -euo pipefail\n",
                     'set -euo pipefail\n  if [ "$LR" = diverge ]; then echo "loss is NaN"; exit 1; fi\n')
    export = replaced((SWEEP / "export.yaml").read_text(), '  echo "exporting', '  sleep 4\n  echo "exporting')
    return make_git_repo(tmp_path / "sweep-tasks", source=SWEEP,
                         files={"pipeline.yaml": pipeline, "train.yaml": train, "export.yaml": export})


DIVERGED, LOSER, WINNER = BRANCHES = ["0 (LR=diverge,BATCH=32)", "1 (LR=1e-3,BATCH=32)", "2 (LR=3e-4,BATCH=32)"]
# 0.95 - 0.08 |log10(LR) + 3.5| - 0.0004 (BATCH - 48)^2 / 48, as eval.yaml prints it (%.4f).
ACCURACY = {LOSER: "0.9079", WINNER: "0.946"}
SWEEP_RESULT = [
    "workflow completed: 7 steps, commit <commit>",
    f"step train [{DIVERGED}]: cluster=parity-train-b0-<run tag> job_id=1 status=FAILED duration=<s>",
    "    <log tail>",  # a failed branch keeps its tail
    f"step train [{LOSER}]: cluster=parity-train-b1-<run tag> job_id=1 status=SUCCEEDED duration=<s>",
    f"step train [{WINNER}]: cluster=parity-train-b2-<run tag> job_id=1 status=SUCCEEDED duration=<s>",
    "    <log tail>",
    f"step eval [{LOSER}]: cluster=parity-train-b1-<run tag> job_id=2 status=SUCCEEDED duration=<s>"
    f" accuracy={ACCURACY[LOSER]}",
    f"step eval [{WINNER}]: cluster=parity-train-b2-<run tag> job_id=2 status=SUCCEEDED duration=<s>"
    f" accuracy={ACCURACY[WINNER]}",
    "    <log tail>",
    f"step best: winner {WINNER} cluster=parity-train-b2-<run tag> accuracy={ACCURACY[WINNER]}",
    f"step export [{WINNER}]: cluster=parity-train-b2-<run tag> job_id=3 status=SUCCEEDED duration=<s>",
    "    <log tail>",
    "clusters downed: parity-train-b0-<run tag>, parity-train-b1-<run tag>, parity-train-b2-<run tag>",
    "cost: " + NO_PRICE.format(what="3 clusters have"),
]
STATE_LINE = re.compile(r"^step ([a-z0-9-]+)(?: \[(.+)\])?: (pending|running|succeeded|failed|cancelled|skipped)"
                        r"((?: [A-Za-z_][A-Za-z0-9_.-]*=\S+)*)$")
ORDER = {"pending": 0, "running": 1, "succeeded": 2, "failed": 2, "cancelled": 2, "skipped": 2}


def sweep_parts(stdout: str) -> tuple[list[str], list[str]]:
    """What a starter printed while following the run (but the running steps' output,
    whose lines depend on when polls land), and the result: its lines without what
    differs between runs (ids, durations, run tags, commit, log text)."""
    lines = stdout.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("workflow completed: "))
    result: list[str] = []
    for line in lines[end:]:
        if line.startswith("    "):
            if result[-1] != "    <log tail>":
                result.append("    <log tail>")
            continue
        line = re.sub(r" duration=[0-9.]+s\b", " duration=<s>", run_tagless(line))
        result.append(re.sub(r"commit [0-9a-f]{40}$", "commit <commit>", line))
    return [run_tagless(line) for line in lines[:end] if not line.startswith("    ")], result


def test_a_sweep_shows_its_graph_live_and_its_results_the_same(
    starters, temporal_server, shared_worker, tmp_path
) -> None:
    """A real sweep through the three programs: while following, a line per change of
    a branch's state, in order, with metrics, and the select's winner; then every
    branch's result, the winner's log tails only; --quiet prints the result alone."""
    repo = sweep_repo(tmp_path)
    env = environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue)
    procs = all_three(starters, "--repo", str(repo), "--cluster-prefix", "parity", env=env, timeout=600)
    assert [p.returncode for p in procs] == [0, 0, 0], [p.stderr for p in procs]
    finals = []
    for lang, p in zip(LANGS, procs, strict=True):
        assert p.stderr == "", (lang, p.stderr)
        following, result = sweep_parts(p.stdout)
        assert result == SWEEP_RESULT, (lang, p.stdout)
        # The running branches' output lines (as many as the polls caught), labelled by branch.
        for line in p.stdout.split("workflow completed: ")[0].splitlines():
            if line.startswith("    "):
                m = re.match(r"^    [a-z]+ \[(\d+ \([^)]*\))\] \| ", line)
                assert m and m[1] in BRANCHES, (lang, line)
        assert following[0].startswith("workflow id: ") and following[1].startswith("ui: "), (lang, p.stdout)
        states: dict[str, list[str]] = {}
        winners = []
        for line in following[2:]:
            if line.startswith(("progress: ", "clusters: ")):
                assert not line.startswith("progress: phase=running") or re.search(r" finished=\d+/10$", line), line
                continue
            if line.startswith("step best: winner "):
                winners.append(line)
                continue
            m = STATE_LINE.match(line)
            assert m, (lang, line)
            name, branch, state, metrics = m.groups()
            assert branch in BRANCHES, (lang, line)
            label = f"{name} [{branch}]"
            seen = states.setdefault(label, [])
            # Forward only: pending -> running -> one end state; a poll may miss a state.
            assert not seen or ORDER[state] > ORDER[seen[-1]], (lang, label, seen, state)
            seen.append(state)
            if state == "succeeded" and name == "eval":
                assert metrics == f" accuracy={ACCURACY[branch]}", (lang, line)
            else:
                assert metrics == "", (lang, line)
        assert winners == [f"step best: winner {WINNER} accuracy={ACCURACY[WINNER]}"], (lang, p.stdout)
        final = {label: seen[-1] for label, seen in states.items()}
        # Every end state, the run's last step's too: a starter asks once more after the end.
        assert final == {
            f"train [{DIVERGED}]": "failed", f"train [{LOSER}]": "succeeded", f"train [{WINNER}]": "succeeded",
            f"eval [{DIVERGED}]": "skipped", f"eval [{LOSER}]": "succeeded", f"eval [{WINNER}]": "succeeded",
            f"export [{DIVERGED}]": "skipped", f"export [{LOSER}]": "skipped", f"export [{WINNER}]": "succeeded",
        }, (lang, p.stdout)
        finals.append(final)
    assert finals[0] == finals[1] == finals[2]
    results = [sweep_parts(p.stdout)[1] for p in procs]
    assert results[0] == results[1] == results[2]

    quiet = all_three(starters, "--repo", str(repo), "--cluster-prefix", "parity", "--quiet", env=env, timeout=600)
    for lang, p, full in zip(LANGS, quiet, procs, strict=True):
        assert (p.returncode, p.stderr) == (0, ""), (lang, p.stderr)
        assert p.stdout.startswith("workflow completed: 7 steps, commit "), (lang, p.stdout)
        assert sweep_parts(p.stdout) == ([], sweep_parts(full.stdout)[1]), (lang, p.stdout)


def test_a_failed_sweep_branch_fails_the_run_alike(starters, temporal_server, shared_worker, tmp_path) -> None:
    """The sweep above, fail-fast: its diverged branch fails the run. The three starters
    print the same failure, and each showed the branch fail before the run ended."""
    repo = sweep_repo(tmp_path, fail_fast=True)
    env = environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue)
    procs = all_three(starters, "--repo", str(repo), "--cluster-prefix", "parity", env=env, timeout=600)
    assert [p.returncode for p in procs] == [1, 1, 1], [p.stderr for p in procs]
    for lang, p in zip(LANGS, procs, strict=True):
        assert f"step train [{DIVERGED}]: failed" in p.stdout.splitlines(), (lang, p.stdout)
        assert "workflow completed" not in p.stdout and "step best: winner" not in p.stdout, (lang, p.stdout)
        assert p.stderr.startswith(f"workflow failed: step 'train' failed in branch {DIVERGED} of sweep 'train' "
                                   "(on_failure: fail fast): "), (lang, p.stderr)
    assert len({run_tagless(p.stderr) for p in procs}) == 1, [p.stderr for p in procs]


# Leaves an entry in its cluster that no down can remove once the test makes it immutable.
STUCK_TRAIN = "run: |\n  set -e\n  mkdir -p stuck && touch stuck/file\n  sleep 5\n"


def test_a_teardown_failure_prints_the_same_and_names_the_clusters_left(
    starters, temporal_server, shared_worker, tmp_path
) -> None:
    """Each run's job leaves an entry in its cluster that no down can remove (as a busy
    mount or a failing API server would): teardown runs out of its budget and the run
    fails with TeardownFailed. The three starters, started together, print the same
    failure and then, from the failure's detail, their run's cluster still up."""
    repo = make_git_repo(tmp_path / "stuck", files={"train.yaml": STUCK_TRAIN})
    input_file = tmp_path / "input.json"
    input_file.write_text(json.dumps({
        "steps": [{"name": "train", "taskYaml": "train.yaml", "kind": "STEP_KIND_LAUNCH"}],
        "launch": {"teardownTimeoutSeconds": 6},
    }))
    env = environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue)
    commands = {lang: [*starters[lang], "--input", str(input_file), "--repo", str(repo), "--cluster-prefix", "parity"]
                for lang in LANGS}
    procs = {lang: subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    stdin=subprocess.DEVNULL) for lang, cmd in commands.items()}
    root = shared_worker.work_dir / "local" / "clusters"
    stuck: set[Path] = set()
    try:
        deadline = time.monotonic() + 240
        while len(stuck) < len(procs):
            assert time.monotonic() < deadline, (stuck, {lang: p.poll() for lang, p in procs.items()})
            for found in root.glob("parity-train-*/home/stuck/file"):
                if found.parent not in stuck:
                    subprocess.run(["chattr", "+i", str(found.parent)], check=True)
                    stuck.add(found.parent)
            time.sleep(0.1)
        outputs = {lang: p.communicate(timeout=300) for lang, p in procs.items()}
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
        for path in stuck:
            subprocess.run(["chattr", "-i", str(path)], check=False)
            shutil.rmtree(path.parent.parent, ignore_errors=True)  # its watchdog exits with it
    for lang, (out, err) in outputs.items():
        assert procs[lang].returncode == 1, (lang, out, err)
        named = re.search(r"^clusters: (.+)$", out, re.M)
        assert named and "workflow completed" not in out, (lang, out)
        cluster = named[1]  # the run's one cluster
        lines = err.splitlines()
        assert lines[0].startswith(f"workflow failed: teardown failed: clusters still up: {cluster}. "
                                   f"Last errors: {cluster} ("), (lang, err)
        assert "could not be removed" in lines[0] and "The steps themselves completed: train SUCCEEDED" in lines[0]
        assert lines[1:] == [f"clusters still up (teardown failed): {cluster}"], (lang, err)
    assert len({run_tagless(err) for _, err in outputs.values()}) == 1, outputs
