"""Approval gates from the Go, TypeScript and Python starters, run as users run them,
against a real dev server and the real worker (local executor): a followed run prints,
when it starts waiting, the line that approves it in that starter's own form; running
that line approves it; a second decision, a decision at a run not waiting, a reject
without a reason and a run that does not exist get the same text and exit status from
all three."""

from __future__ import annotations

import re
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from support import ROOT, make_git_repo
from test_starter_parity import LANGS, environment, run

from skypilot_temporal.v1 import starter_cli as cli

GATED = ROOT / "examples" / "gated"
BUCKET = ("--env", "DATA_BUCKET_NAME=gated-bucket")


class Followed:
    """A starter following a run, its stdout read line by line as it comes."""

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, stdin=subprocess.DEVNULL)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def line(self, pattern: str, timeout: float = 180) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if m := re.fullmatch(pattern, line):
                    return m
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.2)
        err = self.proc.stderr.read() if self.proc.poll() is not None and self.proc.stderr else ""
        raise AssertionError(f"no line {pattern!r} in {self.lines} {err}")

    def end(self, timeout: float = 180) -> tuple[int, str]:
        self.proc.wait(timeout)
        self._reader.join(10)
        assert self.proc.stderr is not None
        return self.proc.returncode, self.proc.stderr.read()


@pytest.fixture
def decide_env(temporal_server, shared_worker) -> dict[str, str]:
    return environment(TEMPORAL_ADDRESS=temporal_server.address, SKYPILOT_TEMPORAL_TASK_QUEUE=shared_worker.task_queue,
                       SKYPILOT_TEMPORAL_APPROVER="alice")


def test_each_starter_prints_its_approve_line_and_running_it_approves(starters, decide_env, tmp_path) -> None:
    repo = make_git_repo(tmp_path / "gated", source=GATED)
    followed = {lang: Followed([*starters[lang], "--repo", str(repo), *BUCKET, "--workflow-id",
                                f"gated-{lang}-{uuid.uuid4().hex[:6]}"], decide_env) for lang in LANGS}
    said: dict[str, str] = {}
    for lang, f in followed.items():
        workflow_id = f.line(r"workflow id: (\S+)")[1]
        f.line(r"step approve-deploy: waiting for approval since \S+Z, until \S+Z accuracy=0\.9\d*")
        approve = f.line(r"  approve: (.+)")[1]
        assert approve == cli.approve_hint(command=cli.COMMANDS[lang], workflow_id=workflow_id, gate="approve-deploy")
        # The line as printed, with the starter's command as this test runs it.
        argv = approve.removeprefix(cli.COMMANDS[lang]).split()
        done = run(starters[lang], *argv, "--reason", "accuracy is fine", env=decide_env)
        assert (done.returncode, done.stderr) == (0, ""), (lang, done.stderr)
        assert done.stdout == cli.decision_approved(gate="approve-deploy", workflow_id=workflow_id,
                                                    approver="alice") + "\n"
        f.line(r"step approve-deploy: approved by alice: accuracy is fine")
        code, err = f.end()
        assert (code, err) == (0, ""), (lang, err)
        f.line(r"step approve-deploy: approved by alice at \S+Z waited=[\d.]+s accuracy=0\.9\d*")
        said[lang] = workflow_id

    # A second decision on each run: refused alike, nothing recorded.
    refusals = {lang: run(starters[lang], "reject", said[lang], "--reason", "too late", env=decide_env)
                for lang in LANGS}
    texts = {lang: p.stderr.replace(said[lang], "<run>") for lang, p in refusals.items()}
    assert [p.returncode for p in refusals.values()] == [1, 1, 1]
    assert len(set(texts.values())) == 1, texts
    # The runs have ended: there is no running workflow to decide.
    assert texts["go"] == cli.run_not_found(workflow_id="<run>") + "\n"


def test_refusals_and_usage_errors_are_the_same_from_every_starter(starters, decide_env, client, tmp_path) -> None:
    repo = make_git_repo(tmp_path / "gated", source=GATED)
    workflow_id = f"gated-refusals-{uuid.uuid4().hex[:6]}"
    f = Followed([*starters["python"], "--repo", str(repo), *BUCKET, "--workflow-id", workflow_id], decide_env)

    def all_say(*args: str, env: dict[str, str] = decide_env) -> tuple[int, str, str]:
        procs = [run(starters[lang], *args, env=env) for lang in LANGS]
        outs = {(p.returncode, p.stdout, p.stderr) for p in procs}
        assert len(outs) == 1, outs
        return outs.pop()

    f.line(r"  approve: .+")
    assert all_say("reject", workflow_id) == (2, "", f"{cli.usage_error(message=cli.reason_required())}\n"
                                                      f"{cli.usage_hint()}\n")
    assert all_say("approve")[0] == 2
    assert all_say("approve", "no-such-run") == (1, "", cli.run_not_found(workflow_id="no-such-run") + "\n")
    assert all_say("approve", workflow_id, "--gate", "nowhere") == (
        1, "", "error: refused: gate: no gate named 'nowhere' in this run (its gates: approve-deploy)\n")
    # The name a gate's timeout decides as is no one's to take.
    code, out, err = all_say("approve", workflow_id, env={**decide_env, "SKYPILOT_TEMPORAL_APPROVER": "timeout"})
    assert (code, out) == (1, "") and "'timeout' is kept for a gate whose time ran out" in err
    done = run(starters["ts"], "reject", workflow_id, "--reason", "below last week's model", env=decide_env)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == cli.decision_rejected(gate="approve-deploy", workflow_id=workflow_id, approver="alice") + "\n"
    code, err = f.end()
    assert code == 1
    assert err.splitlines()[0] == ("workflow failed: gate 'approve-deploy' rejected by alice: below last week's "
                                   "model")


def test_the_plain_json_decision_of_the_temporal_cli(decide_env, temporal_server, shared_worker, tmp_path,
                                                     starters) -> None:
    repo = make_git_repo(tmp_path / "gated", source=GATED)
    workflow_id = f"gated-cli-{uuid.uuid4().hex[:6]}"
    f = Followed([*starters["python"], "--repo", str(repo), *BUCKET, "--workflow-id", workflow_id], decide_env)
    f.line(r"  approve: .+", timeout=180)
    temporal = [str(Path(starters["python"][0]).parent / "temporal"), "workflow", "update", "execute",
                "--address", temporal_server.address, "--workflow-id", workflow_id, "--name", cli.DECIDE_UPDATE]
    wrong = subprocess.run([*temporal, "--input", '{"decision": "approve", "approver": "bob", "reasn": "typo"}'],
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode != 0 and "reasn" in wrong.stderr + wrong.stdout
    ok = subprocess.run([*temporal, "--input", '{"gate": "approve-deploy", "decision": "approve", "approver": "bob",'
                         ' "reason": "from the CLI"}'], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "approver:bob" in ok.stdout and "reason:from the CLI" in ok.stdout, ok.stdout
    code, err = f.end()
    assert (code, err) == (0, "")
