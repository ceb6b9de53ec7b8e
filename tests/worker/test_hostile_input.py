"""Hostile input on real parts: a dev server, a worker process, git and the local executor.

Every refused case asserts that the run fails with a message naming the file and field
(or the setting) and what is allowed, with its failure type; that nothing was launched
(no launch or exec in the history, no cluster directory); that nothing is left behind
(the run's checkout is swept, no process of the run remains); and that no secret value
(the worker's token, a cloud key it holds, the key in its HOME) is in the decoded
history or the worker's log. Each case records its row of the table in docs/security.md.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from pipeline_helpers import (
    activity_attempts,
    history_json,
    history_text,
    pipeline_input,
    progress,
    start,
    wait_until,
)
from records import record
from support import (
    DevServer,
    WorkerProcess,
    children,
    free_port,
    is_parser,
    make_git_repo,
    processes_mentioning,
    worker_env,
)
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError

from skypilot_temporal.tasks.repo import checkout_dir, checkouts_root
from skypilot_temporal.v1 import pipeline_pb2 as pb

TABLE = "hostile_input"
# Values the worker holds; none may ever leave it unmasked.
SECRET = "hostile-token-7f3a9c2e51"       # HOSTILE_TOKEN: allowed (HOSTILE_*)
AWS_VALUE = "aws-canary-Qm9vQmFyQmF6Lz"     # AWS_SECRET_ACCESS_KEY: held, not allowed
KEY_CANARY = "CANARY-PRIVATE-KEY-0d5e1f2a"  # the key in the worker's ~/.ssh
MAX_REPO_BYTES = 1024 * 1024
MAX_YAML_BYTES = 64 * 1024
TAIL_BYTES = 4096
LOG_LINE_LIMIT = 5 * 1024
LAUNCHES = {"run_sky_launch", "run_sky_exec"}


def one_step(task_yaml: str) -> list[pb.PipelineStep]:
    return [pb.PipelineStep(name="job", task_yaml=task_yaml, kind=pb.STEP_KIND_LAUNCH)]


async def start_one_step(client, h: Hostile, repo: Path, task_yaml: str, **fields) -> tuple[WorkflowHandle, int]:
    """Starts a run of `repo` whose one step runs `task_yaml`: the run, and where the
    worker's log of it begins."""
    log_from = len(h.worker.log())
    handle = await start(client, pipeline_input(repo, steps=one_step(task_yaml), **fields), h.task_queue)
    return handle, log_from


def secret_forms() -> list[str]:
    forms = []
    for value in (SECRET, AWS_VALUE, KEY_CANARY):
        raw = value.encode()
        forms += [value, raw.hex(), base64.b64encode(raw).decode()[:-4]]
    return forms


@dataclass
class Hostile:
    worker: WorkerProcess
    task_queue: str
    work_dir: Path
    home: Path


@pytest.fixture(scope="module")
def hostile(temporal_server: DevServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    """A local-executor worker as a shared platform runs it: a secret allowlist, a
    cloud key it must not hand out, a key in its HOME, small repo/YAML/tail bounds and
    a housekeeping sweep every second."""
    tmp = tmp_path_factory.mktemp("hostile")
    home = tmp / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text(KEY_CANARY + "\n")
    (tmp / "work").mkdir()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = worker_env(
        temporal_server, tmp / "work", queue,
        HOME=str(home),
        HOSTILE_TOKEN=SECRET,
        AWS_SECRET_ACCESS_KEY=AWS_VALUE,
        SKYPILOT_TEMPORAL_SECRET_ALLOWLIST="HOSTILE_*",
        SKYPILOT_TEMPORAL_HOUSEKEEPING_SECONDS="1",
        SKYPILOT_TEMPORAL_MAX_REPO_BYTES=str(MAX_REPO_BYTES),
        SKYPILOT_TEMPORAL_MAX_YAML_BYTES=str(MAX_YAML_BYTES),
        SKYPILOT_TEMPORAL_LOG_TAIL_BYTES=str(TAIL_BYTES),
    )
    worker = WorkerProcess(env, tmp / "worker.log").start()
    yield Hostile(worker, queue, tmp / "work", home)
    worker.stop()
    log = worker.log()
    for form in secret_forms():
        assert form not in log


# -- what a run left ------------------------------------------------------------


@dataclass
class Seen:
    handle: WorkflowHandle
    run_key: str
    clusters: list[str]
    attempts: list[tuple[str, int]]
    history: str
    log: str  # the worker's log written during the run


async def left_nothing(h: Hostile, handle: WorkflowHandle, log_from: int) -> Seen:
    """No cluster, the run's checkout swept, no process of the run, no secret anywhere."""
    run_id = (await handle.describe()).run_id
    run_key = f"{handle.id}-{run_id}"
    run_dir = checkout_dir(h.work_dir, run_key).parent
    await wait_until(lambda: not run_dir.exists(), timeout=20)
    clusters = list((await progress(handle)).clusters)
    cluster_root = h.work_dir / "local" / "clusters"
    assert not cluster_root.exists() or list(cluster_root.iterdir()) == []
    await wait_until(lambda: not processes_mentioning([handle.id, *clusters]), timeout=20)
    assert h.worker.proc is not None
    # The worker's parser processes serve every run; nothing else of the worker's stays.
    await wait_until(lambda: [c for c in children(h.worker.proc.pid) if not is_parser(c)] == [], timeout=20)
    history = await history_text(handle)
    log = h.worker.log()[log_from:]
    for form in secret_forms():
        assert form not in history, form
        assert form not in log, form
    return Seen(handle, run_key, clusters, await activity_attempts(handle), history, log)


def one_line(message: str, h: Hostile, seen: Seen, extra: Mapping[str, str] | None = None) -> str:
    """The message as the test saw it, on one line, with this machine's paths named."""
    checkout = checkout_dir(h.work_dir, seen.run_key)
    names = {
        str(checkout): "<checkout>",
        str(checkout.parent): "<checkout>/..",
        str(checkouts_root(h.work_dir)): "<checkout>/../..",
        str(h.home): "<worker HOME>",
        seen.handle.id: "<workflow id>",
        **(extra or {}),
    }
    for cluster in seen.clusters:
        names[cluster] = "<cluster>"
    for raw, name in sorted(names.items(), key=lambda kv: -len(kv[0])):
        message = message.replace(raw, name)
    message = re.sub(r"/tmp/pytest-of-[^/]+/pytest-\d+/[^'\s]*/", "<tmp>/", message)
    message = re.sub(r"(.)\1{15,}", lambda m: f"{m[1]}\u00d7{len(m[0])}", message)  # xxxx -> x×4071
    message = " ".join(message.split())
    return message if len(message) <= 320 else message[:317] + "..."


def what_ran(seen: Seen, note: str = "") -> str:
    # The history keeps the started event of an activity's last attempt only.
    counts = Counter(name for name, _ in seen.attempts)
    tries = {name: attempt for name, attempt in seen.attempts}
    ran = ", ".join(
        f"{name} x{n}" + (f" ({tries[name]} attempts)" if tries[name] > 1 else "")
        for name, n in counts.items()
    ) or "no activity"
    launched = LAUNCHES & set(counts)
    tail = "nothing launched, 0 clusters" if not launched else "all clusters downed"
    text = f"{ran}; {tail}; checkout swept; no process left"
    return f"{text}; {note}" if note else text


# -- refused runs ------------------------------------------------------------------


@dataclass
class Refusal:
    seen: Seen
    message: str
    kind: str
    seconds: float


async def refused(client, h: Hostile, inp: pb.SkyPilotWorkflowInput) -> Refusal:
    log_from = len(h.worker.log())
    started = time.monotonic()
    handle = await start(client, inp, h.task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    seconds = time.monotonic() - started
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError), cause
    seen = await left_nothing(h, handle, log_from)
    names = {name for name, _ in seen.attempts}
    assert not names & LAUNCHES, seen.attempts
    return Refusal(seen, cause.message, cause.type or "", seconds)


def task(body: str, run: str = "find /stolen -type f -exec cat {} +") -> str:
    """A task YAML whose job, if it ever ran, would print what it stole (and fail if it
    found nothing)."""
    return f"name: eval\n{body}run: |\n  set -euo pipefail\n  {run}\n"


# (id, row's input, files, symlinks {repo path: target}, envs_override, expected)
# The hostile task is eval.yaml, the LAST step's: the clone builds every task first, so
# even a late step's task stops the run before any cluster is launched.
PATH_CASES = [
    ("workdir-etc", "workdir: /etc", {"eval.yaml": task("workdir: /etc\n", "cat passwd")}, {}, {},
     "eval.yaml: workdir: '/etc' resolves to '/etc', outside the repository"),
    # Quoted: a bare ~ is YAML's null (no workdir at all).
    ("workdir-home", "workdir: '~'", {"eval.yaml": task("workdir: '~'\n", "cat .ssh/*")}, {}, {},
     "eval.yaml: workdir: '~' resolves to '<worker HOME>', outside the repository"),
    ("mount-ssh", "file_mounts: {/stolen: ~/.ssh}",
     {"eval.yaml": task("file_mounts:\n  /stolen: ~/.ssh\n")}, {}, {},
     "eval.yaml: file_mounts[/stolen]: '~/.ssh' resolves to '<worker HOME>/.ssh', outside the repository"),
    ("mount-passwd", "file_mounts: {/stolen/passwd: /etc/passwd}",
     {"eval.yaml": task("file_mounts:\n  /stolen/passwd: /etc/passwd\n")}, {}, {},
     "eval.yaml: file_mounts[/stolen/passwd]: '/etc/passwd' resolves to '/etc/passwd', outside the repository"),
    ("mount-dotdot", "file_mounts: {/stolen: ../outside}",
     {"eval.yaml": task("file_mounts:\n  /stolen: ../outside\n")}, {}, {},
     "eval.yaml: file_mounts[/stolen]: '../outside' resolves to '<checkout>/../outside', "
     "outside the repository"),
    ("mount-other-runs", "file_mounts: {/stolen: ../..} (every run's checkout)",
     {"eval.yaml": task("file_mounts:\n  /stolen: ../..\n")}, {}, {},
     "resolves to '<checkout>/../..', outside the repository"),
    ("symlink", "file_mounts: {/stolen/key: leak}; leak -> ~/.ssh/id_ed25519 committed",
     {"eval.yaml": task("file_mounts:\n  /stolen/key: leak\n")},
     {"leak": "HOME/.ssh/id_ed25519"}, {},
     "eval.yaml: file_mounts[/stolen/key]: 'leak' resolves to "
     "'<worker HOME>/.ssh/id_ed25519', outside the repository"),
    ("symlink-in-dir", "workdir: data; data/keys -> ~/.ssh committed",
     {"eval.yaml": task("workdir: data\n", "cat keys/*"), "data/readme.txt": "data\n"},
     {"data/keys": "HOME/.ssh"}, {},
     "eval.yaml: workdir: 'data' holds the symlink 'data/keys', which leads outside the repository"),
    ("storage-string", "storage source ~/.ssh (string, MOUNT)",
     {"eval.yaml": task("file_mounts:\n  /stolen:\n    name: hostile-bkt\n    source: ~/.ssh\n    mode: MOUNT\n")},
     {}, {},
     "eval.yaml: file_mounts[/stolen].source: '~/.ssh' resolves to '<worker HOME>/.ssh', outside the repository"),
    ("storage-list", "storage source [src, ~/.ssh] (list)",
     {"eval.yaml": task("file_mounts:\n  /stolen:\n    name: hostile-bkt\n    source: [src, ~/.ssh]\n"),
      "src/a.txt": "a\n"},
     {}, {},
     "eval.yaml: file_mounts[/stolen].source: '~/.ssh' resolves to '<worker HOME>/.ssh', outside the repository"),
    ("storage-copy", "storage source ~/.ssh, mode COPY",
     {"eval.yaml": task("file_mounts:\n  /stolen:\n    source: ~/.ssh\n    mode: COPY\n")}, {}, {},
     "eval.yaml: file_mounts[/stolen].source: '~/.ssh' resolves to '<worker HOME>/.ssh', outside the repository"),
    ("service-tls", "service.tls keyfile/certfile ~/.ssh/id_ed25519",
     {"eval.yaml": task("service:\n  readiness_probe: /\n  replicas: 1\n  tls:\n"
                        "    keyfile: ~/.ssh/id_ed25519\n    certfile: ~/.ssh/id_ed25519\n")}, {}, {},
     "eval.yaml: service.tls.keyfile: '~/.ssh/id_ed25519' resolves to '<worker HOME>/.ssh/id_ed25519', "
     "outside the repository"),
    # Not a URL SkyPilot reads as remote: a local path, judged as one.
    ("file-url", "file_mounts: {/stolen/passwd: file:///etc/passwd}",
     {"eval.yaml": task("file_mounts:\n  /stolen/passwd: file:///etc/passwd\n")}, {}, {},
     "eval.yaml: file_mounts[/stolen/passwd]: 'file:///etc/passwd' resolves to '/etc/passwd', outside the repository"),
    ("env-mount", "file_mounts: {/stolen: $WHERE}, envs_override WHERE=/etc",
     {"eval.yaml": task("file_mounts:\n  /stolen: $WHERE\n", 'test "$WHERE" = /etc; ls /stolen')},
     {}, {"WHERE": "/etc"},
     "eval.yaml: file_mounts[/stolen]: '/etc' resolves to '/etc', outside the repository"),
    ("env-workdir", "workdir: ${WHERE}, envs_override WHERE=/etc",
     {"eval.yaml": task("workdir: ${WHERE}\n", 'test "$WHERE" = /etc; cat passwd')},
     {}, {"WHERE": "/etc"},
     "eval.yaml: workdir: '/etc' resolves to '/etc', outside the repository"),
]


def hostile_repo(dest: Path, files: Mapping[str, str], links: Mapping[str, str], home: Path) -> Path:
    """The example repository with `files` over it and `links` committed as symlinks."""
    repo = make_git_repo(dest, files=files)
    if links:
        for rel, target in links.items():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).symlink_to(target.replace("HOME", str(home), 1))
        git = ["git", "-c", "user.email=t@localhost", "-c", "user.name=t"]
        subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
        subprocess.run(git + ["commit", "-qm", "links"], cwd=repo, check=True)
        committed = subprocess.run(["git", "ls-files", "-s", *links], cwd=repo, check=True,
                                   capture_output=True, text=True).stdout
        assert committed.count("120000 ") == len(links), committed  # committed as symlinks
    return repo


@pytest.mark.parametrize("case", PATH_CASES, ids=[c[0] for c in PATH_CASES])
async def test_task_paths_leaving_the_checkout_are_refused(client, hostile, tmp_path, case):
    _, row_input, files, links, envs, expected = case
    repo = hostile_repo(tmp_path / "repo", files, links, hostile.home)
    r = await refused(client, hostile, pipeline_input(repo, envs_override=envs))
    message = one_line(r.message, hostile, r.seen)
    assert r.kind == "InvalidTask", r.message
    assert message.startswith("step 'clone' failed: ")
    assert expected in message, message
    assert r.seen.attempts == [("run_git_clone", 1)]  # permanent: not retried
    record(TABLE, {"input": row_input, "where refused": "clone (task_paths.py), InvalidTask",
                   "message": message, "what ran": what_ran(r.seen)})


async def test_paths_inside_the_checkout_still_work(client, hostile, tmp_path):
    """The control: the same fields naming the repository's own files run, and the job
    fails if it did not get exactly them."""
    files = {
        "data/in.txt": "inside-canary\n",
        "eval.yaml": (
            "name: eval\nworkdir: data\nfile_mounts:\n  ~/mounted.txt: data/in.txt\n"
            "run: |\n  set -euo pipefail\n"
            "  test \"$(cat in.txt)\" = inside-canary\n"
            "  test -L alias && test \"$(cat alias)\" = inside-canary\n"
            "  test \"$(cat ~/mounted.txt)\" = inside-canary\n"
            "  echo paths-inside-ok\n"
        ),
    }
    repo = hostile_repo(tmp_path / "repo", files, {"data/alias": "in.txt"}, hostile.home)
    handle, log_from = await start_one_step(client, hostile, repo, "eval.yaml")
    result = await handle.result()
    assert [s.status for s in result.steps] == ["SUCCEEDED"]
    assert "paths-inside-ok" in result.steps[0].log_tail
    seen = await left_nothing(hostile, handle, log_from)
    record(TABLE, {"input": "control: workdir, file_mounts and a symlink inside the repository",
                   "where refused": "not refused", "message": "(run completed: paths-inside-ok)",
                   "what ran": what_ran(seen, "the job checked it got the repository's files")})


# -- YAML ---------------------------------------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]")
    return "name: eval\nenvs:\n  " + "\n  ".join(lines) + "\nrun: |\n  set -euo pipefail\n  echo built\n"


BIG_YAML = "# " + "x" * (MAX_YAML_BYTES + 1000) + "\nname: eval\nrun: echo\n"
YAML_CASES = [
    ("alias-bomb", "alias bomb (billion laughs, 10^9 values in 600 bytes)", alias_bomb(),
     "task_yaml: eval.yaml expands to more than 100000 values (YAML aliases that repeat large parts); refused"),
    ("deep", "5000-deep nesting", "name: eval\nenvs:\n  X: " + "[" * 5000 + "]" * 5000 + "\nrun: echo\n",
     "task_yaml: eval.yaml is nested more than 64 levels deep"),
    ("too-big", f"task YAML of {len(BIG_YAML)} bytes (limit set to {MAX_YAML_BYTES})",
     BIG_YAML,
     f"task_yaml: 'eval.yaml' is {len(BIG_YAML)} bytes; the limit is {MAX_YAML_BYTES} "
     "(SKYPILOT_TEMPORAL_MAX_YAML_BYTES)"),
]


@pytest.mark.parametrize("case", YAML_CASES, ids=[c[0] for c in YAML_CASES])
async def test_hostile_yaml_is_refused_before_it_is_built(client, hostile, tmp_path, case):
    _, row_input, text, expected = case
    repo = make_git_repo(tmp_path / "repo", files={"eval.yaml": text})
    r = await refused(client, hostile, pipeline_input(repo))
    message = one_line(r.message, hostile, r.seen)
    assert r.kind == "InvalidTask", r.message
    assert expected in message, message
    assert r.seen.attempts == [("run_git_clone", 1)]
    # Refused in the clone activity's time, not after minutes of expansion.
    assert r.seconds < 30
    record(TABLE, {"input": row_input, "where refused": "clone (repo.py), InvalidTask",
                   "message": message, "what ran": what_ran(r.seen, f"failed in {r.seconds:.1f} s")})


# -- repository ------------------------------------------------------------------------


async def test_branch_that_does_not_exist(client, hostile, tmp_path):
    repo = make_git_repo(tmp_path / "repo")
    r = await refused(client, hostile, pipeline_input(repo, branch="no-such-branch"))
    message = one_line(r.message, hostile, r.seen, {str(repo): "<repo>"})
    assert r.kind == "InvalidRepo", r.message
    assert "repo_url '<repo>' branch no-such-branch: git clone failed:" in message, message
    assert "Remote branch no-such-branch not found" in message
    assert r.seen.attempts == [("run_git_clone", 1)]
    record(TABLE, {"input": "branch that does not exist", "where refused": "clone (git), InvalidRepo",
                   "message": message, "what ran": what_ran(r.seen)})


async def test_unreachable_repository_fails_after_the_clone_retries(client, hostile):
    port = free_port()  # bound, then closed: connections are refused
    inp = pipeline_input(Path("."))
    inp.repo_url = f"https://127.0.0.1:{port}/x.git"
    r = await refused(client, hostile, inp)
    message = one_line(r.message, hostile, r.seen, {str(port): "<closed port>"})
    assert r.kind == "RepoUnreachable", r.message
    assert "repo_url 'https://127.0.0.1:<closed port>/x.git' branch (default): git clone failed:" in message
    assert "Failed to connect to 127.0.0.1 port <closed port>" in message, message
    # Retried: 4 attempts, 1 s + 2 s + 4 s apart (the history keeps the last one).
    assert r.seen.attempts == [("run_git_clone", 4)]
    assert 7 <= r.seconds < 30, r.seconds
    record(TABLE, {"input": "unreachable repository (https to a closed port)",
                   "where refused": "clone (git), RepoUnreachable after retries", "message": message,
                   "what ran": what_ran(r.seen, f"failed after {r.seconds:.1f} s")})


async def test_repository_over_the_size_limit(client, hostile, tmp_path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "blob.bin").write_bytes(os.urandom(3 * MAX_REPO_BYTES))
    subprocess.run(["git", "add", "blob.bin"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.email=t@localhost", "-c", "user.name=t", "commit", "-qm", "blob"],
                   cwd=repo, check=True)
    inp = pipeline_input(repo)
    inp.repo_url = f"file://{repo}"
    r = await refused(client, hostile, inp)
    message = one_line(r.message, hostile, r.seen, {str(repo): "<repo>"})
    assert r.kind == "InvalidRepo", r.message
    assert (f"repo_url 'file://<repo>' branch (default): the repository is larger than the limit of "
            f"{MAX_REPO_BYTES} bytes (SKYPILOT_TEMPORAL_MAX_REPO_BYTES)") in message, message
    assert r.seen.attempts == [("run_git_clone", 1)]
    record(TABLE, {"input": f"repository of 3 MiB of random data (limit {MAX_REPO_BYTES} bytes)",
                   "where refused": "clone (repo.py), InvalidRepo", "message": message,
                   "what ran": what_ran(r.seen)})


# -- secrets a task reaches for without naming them ------------------------------------


async def test_worker_variables_a_run_did_not_name_never_reach_its_task(client, hostile, tmp_path):
    """The YAML names the worker's cloud key and token in envs; nothing substitutes them:
    the job gets the literal text and fails if it got a value."""
    script = (
        "name: eval\nenvs:\n  A: $AWS_SECRET_ACCESS_KEY\n  B: ${HOSTILE_TOKEN}\n"
        "run: |\n  set -euo pipefail\n"
        "  test -z \"${AWS_SECRET_ACCESS_KEY:-}\" && test -z \"${HOSTILE_TOKEN:-}\"\n"
        "  test \"$A\" = '$AWS_SECRET_ACCESS_KEY' && test \"$B\" = '${HOSTILE_TOKEN}'\n"
        "  echo not-handed-over\n"
    )
    repo = make_git_repo(tmp_path / "repo", files={"eval.yaml": script})
    handle, log_from = await start_one_step(client, hostile, repo, "eval.yaml")
    result = await handle.result()
    assert "not-handed-over" in result.steps[0].log_tail
    seen = await left_nothing(hostile, handle, log_from)
    record(TABLE, {"input": "task YAML refers to worker variables it was not given "
                            "($AWS_SECRET_ACCESS_KEY, ${HOSTILE_TOKEN})",
                   "where refused": "never substituted (only envs_override and named secrets are)",
                   "message": "(run completed: the job saw the literal text)",
                   "what ran": what_ran(seen, "the job checked it got no value")})


async def test_an_allowed_secret_printed_in_any_common_form_is_masked(client, hostile, tmp_path):
    script = (
        "name: eval\nrun: |\n  set -euo pipefail\n"
        "  test ${#HOSTILE_TOKEN} -ge 16\n"
        # Nothing of the cluster on disk (its job spec included) holds the value.
        "  if grep -rqsF -- \"$HOSTILE_TOKEN\" \"$HOME/..\"; then echo 'value on disk'; exit 1; fi\n"
        "  echo \"plain $HOSTILE_TOKEN\"\n"
        "  echo \"b64 $(printf %s \"$HOSTILE_TOKEN\" | base64 -w0)\"\n"
        "  echo \"hex $(printf %s \"$HOSTILE_TOKEN\" | od -An -tx1 | tr -d ' \\n')\"\n"
        "  printf 'no newline %s' \"$HOSTILE_TOKEN\"\n"
    )
    repo = make_git_repo(tmp_path / "repo", files={"eval.yaml": script})
    handle, log_from = await start_one_step(client, hostile, repo, "eval.yaml", secret_env_names=["HOSTILE_TOKEN"])
    result = await handle.result()
    tail = result.steps[0].log_tail
    assert "plain ***" in tail and "no newline ***" in tail
    assert re.search(r"b64 \S*\*\*\*", tail) and re.search(r"hex \*\*\*", tail), tail
    seen = await left_nothing(hostile, handle, log_from)
    assert "plain ***" in seen.log
    record(TABLE, {"input": "job prints an allowed secret plain, base64, hex, without newline "
                            "(and looks for it on disk)",
                   "where refused": "masked (joblog.py, secret_policy.Redactor)",
                   "message": "(run completed) " + " / ".join(tail.splitlines()[-4:]),
                   "what ran": what_ran(seen, "value in no history event, result, log line or "
                                              "file of the cluster")})


# -- job output ---------------------------------------------------------------------------

TEN_MB = 10 * 1000 * 1000
NOISY = """\
name: noisy
run: |
  set -euo pipefail
  printf 'start\\n'
  printf '\\033[31mred\\033[0m \\033]0;title\\007plain\\r\\n'
  printf 'bad utf8: \\xff\\xfe\\xc3\\x28 end\\n'
  head -c 100000 /dev/zero | tr '\\0' '\\377'
  printf '\\n'
  head -c {ten_mb} /dev/zero | tr '\\0' x
  exit {code}
"""


@pytest.mark.parametrize("code", [0, 1], ids=["exit-0", "exit-1"])
async def test_job_output_is_bounded_plain_text(client, hostile, tmp_path, code):
    """One 10 MB line without a newline, 100 KB of bytes that are not UTF-8, terminal
    escapes: the run completes (or fails only because the job did), the log tail and
    every worker log line stay bounded, the history stays small."""
    repo = make_git_repo(tmp_path / "repo", files={"noisy.yaml": NOISY.format(ten_mb=TEN_MB, code=code)})
    handle, log_from = await start_one_step(client, hostile, repo, "noisy.yaml")
    if code == 0:
        result = await handle.result()
        assert result.steps[0].status == "SUCCEEDED"
        tail = result.steps[0].log_tail
        message = ""
    else:
        with pytest.raises(WorkflowFailureError) as failure:
            await handle.result()
        cause = failure.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == "JobFailed", cause
        message = cause.message
        assert message.startswith("step 'job' failed: step job: job 1 on cluster ")
        assert "ended FAILED" in message.splitlines()[0]
        tail = message.split("\n--- log tail ---\n", 1)[1]
        assert len(message.encode()) <= TAIL_BYTES + 300
    seen = await left_nothing(hostile, handle, log_from)

    assert len(tail.encode()) <= TAIL_BYTES, len(tail.encode())
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", tail)  # no escape or control character
    # The 10 MB line: its first 4096 characters and a count of the rest.
    cut = re.search(r"\.\.\. \[(\d+) more characters\]$", tail.splitlines()[-1])
    assert cut and int(cut[1]) >= TEN_MB - 4096, tail[-200:]
    log_lines = seen.log.encode().split(b"\n")
    longest = max(len(line) for line in log_lines)
    assert longest <= LOG_LINE_LIMIT, longest
    text = seen.log
    assert "red plain" in text and "bad utf8: \ufffd\ufffd\ufffd( end" in text and "\x1b" not in text
    history = await history_json(handle)
    assert len(history) < 100_000, len(history)
    assert "WorkflowTaskFailed" not in history and "size limit" not in seen.history.lower()
    assert "exceeds" not in text.lower() and "payload" not in text.lower()
    outcome = "run COMPLETED" if code == 0 else "run failed: JobFailed (the job's exit 1)"
    record(TABLE, {
        "input": f"job prints a 10 MB line without newline, 100 KB of non-UTF-8, terminal escapes; exit {code}",
        "where refused": "bounded (joblog.py, LogTail)",
        "message": one_line(message or f"(run completed) ... {tail.splitlines()[-1]}", hostile, seen),
        "what ran": what_ran(seen, f"{outcome}; log tail {len(tail.encode())} B "
                                   f"(limit {TAIL_BYTES}); longest worker log line {longest} B; "
                                   f"history {len(history) // 1024} KB"),
    })
