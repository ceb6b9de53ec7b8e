"""Local tasks are isolated: each attempt to leave the sandbox fails inside the task
(which fails the step if it does not), and the host is unchanged afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pipeline_helpers import activity_attempts, clusters, pipeline_input, start
from records import record
from support import VENV_BIN, WorkerProcess, bucket_task, make_git_repo, worker_env
from temporalio.client import WorkflowFailureError

from skypilot_temporal.v1 import pipeline_pb2 as pb

HOSTILE = "hostile_input"

# Every check prints its marker once it has seen the attempt fail.
ESCAPES = bucket_task("escapes", """
broken() { echo "ISOLATION BROKEN: $1"; exit 1; }

if [ -e "/proc/$WORKER_PID" ] || cat "/proc/$WORKER_PID/environ" > /dev/null 2>&1; then
  broken "the worker process and its environment are visible"
fi
echo "CHECKED worker environ unreadable"

for p in /proc/[0-9]*; do
  name=$(cat "$p/comm" 2>/dev/null || true)
  case "$name" in
    bwrap|bash|cat|"") ;;
    *) broken "another process is visible: $name" ;;
  esac
done
echo "CHECKED no other process visible"

if touch "/etc/isolation-$MARK" 2>/dev/null; then broken "wrote /etc"; fi
echo "CHECKED /etc read-only"

if ls "$OTHER_CLUSTER_HOME" > /dev/null 2>&1 || touch "$OTHER_CLUSTER_HOME/pwned" 2>/dev/null; then
  broken "reached another cluster's directory"
fi
echo "CHECKED other cluster unreachable"

if ls "$OTHER_BUCKET" > /dev/null 2>&1 || touch "$OTHER_BUCKET/pwned" 2>/dev/null; then
  broken "reached a bucket it does not mount"
fi
echo "CHECKED other bucket unreachable"

if [ -e "$HOST_TMP/sentinel" ] || touch "$HOST_TMP/pwned" 2>/dev/null; then
  broken "reached the host's /tmp"
fi
touch "/tmp/isolation-$MARK"
echo "CHECKED host tmp unreachable"

if [ -n "$(ls -A "$WORKER_HOME" 2>/dev/null)" ]; then broken "sees the worker's HOME"; fi
echo "CHECKED worker home hidden"

# What is the task's own stays writable.
echo "$MARK" > "$HOME/own-file"
echo "$MARK" > /data/own-bucket-file
echo "CHECKED own home and bucket writable"
""")

MARKERS = [
    "CHECKED worker environ unreadable",
    "CHECKED no other process visible",
    "CHECKED /etc read-only",
    "CHECKED other cluster unreachable",
    "CHECKED other bucket unreachable",
    "CHECKED host tmp unreachable",
    "CHECKED worker home hidden",
    "CHECKED own home and bucket writable",
]

# Connects to the Temporal server's loopback port; EXPECT says whether it should work.
CONNECT = """name: connect
run: |
  set -euo pipefail
  if (exec 3<>"/dev/tcp/127.0.0.1/$TEMPORAL_PORT") 2>/dev/null; then
    echo "CONNECTED to the Temporal server"
    [ "$EXPECT" = connected ]
  else
    echo "NO ROUTE to the Temporal server"
    [ "$EXPECT" = refused ]
  fi
"""

# Leaves a mark on the host when it runs at all.
MARKS_THE_HOST = """name: marks
run: |
  set -euo pipefail
  echo ran > "$HOST_MARK"
  echo "RAN unsandboxed"
"""


def one_step(task_yaml: str) -> list[pb.PipelineStep]:
    return [pb.PipelineStep(name="probe", task_yaml=task_yaml, kind=pb.STEP_KIND_LAUNCH)]


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def worker_factory(temporal_server, tmp_path: Path) -> Iterator:
    """Starts extra workers (own queue and work dir) with given settings; stops them
    and removes their work dirs after."""
    started: list[WorkerProcess] = []
    work_dirs: list[Path] = []

    def make(name: str, work_in: Path = tmp_path, **env: str) -> tuple[WorkerProcess, str, Path]:
        queue = f"test-{uuid.uuid4().hex[:8]}"
        work = Path(tempfile.mkdtemp(prefix=f"work-{name}-", dir=work_in))
        work_dirs.append(work)
        worker = WorkerProcess(worker_env(temporal_server, work, queue, **env), tmp_path / f"{name}.log")
        started.append(worker.start())
        return worker, queue, work

    yield make
    for worker in started:
        worker.stop()
    for work in work_dirs:
        shutil.rmtree(work, ignore_errors=True)


async def test_task_cannot_reach_the_worker_other_runs_or_the_host(
    client, tmp_path: Path, worker_factory
):
    # The work dir outside /tmp: hidden as such, not merely behind the private /tmp.
    worker, task_queue, work_dir = worker_factory("escapes", work_in=Path("/var/tmp"))
    mark = uuid.uuid4().hex[:12]
    other_home = work_dir / "local" / "clusters" / "another-run-c1" / "home"
    other_bucket = work_dir / "local" / "buckets" / "another-run-bucket"
    host_tmp = tmp_path / "host-tmp"
    for d in (other_home, other_bucket, host_tmp):
        d.mkdir(parents=True)
    (other_home / "result.txt").write_text("theirs")
    (other_bucket / "model.bin").write_text("theirs")
    (host_tmp / "sentinel").write_text("host")
    before = {d: snapshot(d) for d in (other_home, other_bucket, host_tmp)}
    worker_home = Path(os.environ["HOME"])
    assert any(worker_home.iterdir()), "the check needs a worker HOME with something in it"

    repo = make_git_repo(tmp_path / "escapes", files={"escapes.yaml": ESCAPES})
    inp = pipeline_input(repo, steps=one_step("escapes.yaml"), envs_override={
        "WORKER_PID": str(worker.proc.pid),
        "OTHER_CLUSTER_HOME": str(other_home),
        "OTHER_BUCKET": str(other_bucket),
        "HOST_TMP": str(host_tmp),
        "WORKER_HOME": str(worker_home),
        "MARK": mark,
    })
    result = await (await start(client, inp, task_queue)).result()

    log_tail = result.steps[0].log_tail
    assert result.steps[0].status == "SUCCEEDED", log_tail
    for marker in MARKERS:
        assert marker in log_tail
    # The host is unchanged; only the task's own bucket got its file.
    assert {d: snapshot(d) for d in before} == before
    assert not Path(f"/etc/isolation-{mark}").exists()
    assert not Path(f"/tmp/isolation-{mark}").exists()
    bucket = work_dir / "local" / "buckets" / "test-bucket"
    assert (bucket / "own-bucket-file").read_text().strip() == mark
    assert clusters(work_dir) == ["another-run-c1"]
    ran = "the job ran in its sandbox; every attempt failed inside it; host, other cluster and bucket unchanged"
    record(HOSTILE, {"input": "job reads /proc/<worker pid>/environ",
                     "where refused": "inside the task (sandbox.py: pid namespace, fresh /proc)",
                     "message": "(run completed) CHECKED worker environ unreadable; CHECKED no other process visible",
                     "what ran": ran})
    record(HOSTILE, {"input": "job writes outside its cluster directory",
                     "where refused": "inside the task (sandbox.py: host read-only, work dir and HOME hidden, "
                                      "private /tmp)",
                     "message": "(run completed) CHECKED /etc read-only; CHECKED other cluster unreachable; "
                                "CHECKED other bucket unreachable; CHECKED host tmp unreachable",
                     "what ran": ran})


async def test_a_mount_point_leaving_the_cluster_home_is_refused(client, tmp_path: Path, worker_factory):
    worker, task_queue, work_dir = worker_factory("mount-target")
    repo = make_git_repo(tmp_path / "target", files={
        "target.yaml": "run: |\n  set -euo pipefail\n  cat ~/../../x\nfile_mounts:\n  ~/../../x: data.txt\n",
        "data.txt": "x\n"})
    handle = await start(client, pipeline_input(repo, steps=one_step("target.yaml")), task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert "file_mounts: '~/../../x' must stay inside the cluster's home" in message, message
    assert failure.value.cause.type == "SkyPilotPermanentError"
    assert clusters(work_dir) == []
    record(HOSTILE, {"input": "file_mounts target leaving the cluster's home (~/../../x) on the local executor",
                     "where refused": "launch (local executor), SkyPilotPermanentError",
                     "message": message.splitlines()[0],
                     "what ran": "run_git_clone, run_sky_launch x1 (refused before the job), run_sky_down; 0 clusters"})


async def test_network_is_off_by_default_and_on_with_the_switch(
    client, temporal_server, local_worker, task_queue, tmp_path: Path, worker_factory
):
    repo = make_git_repo(tmp_path / "connect", files={"connect.yaml": CONNECT})
    port = str(temporal_server.port)

    def connect(expect: str) -> pb.SkyPilotWorkflowInput:
        return pipeline_input(repo, steps=one_step("connect.yaml"),
                              envs_override={"TEMPORAL_PORT": port, "EXPECT": expect})

    off = await (await start(client, connect("refused"), task_queue)).result()
    assert "NO ROUTE to the Temporal server" in off.steps[0].log_tail

    _, queue, _ = worker_factory("network", SKYPILOT_TEMPORAL_LOCAL_TASK_NETWORK="1")
    on = await (await start(client, connect("connected"), queue)).result()
    assert "CONNECTED to the Temporal server" in on.steps[0].log_tail


# Prints what it can read of each file it is given.
READS_FILES = """name: reads
run: |
  set -euo pipefail
  for f in $FILES; do
    if text=$(cat "$f" 2>/dev/null) && [ -n "$text" ]; then echo "READ $f: $text"; else echo "HIDDEN $f"; fi
  done
"""


async def test_the_workers_own_settings_and_credential_files_are_hidden(
    client, tmp_path: Path, worker_factory
):
    # Where an operator may keep them: outside HOME, the work dir and /tmp.
    where = Path(tempfile.mkdtemp(prefix="worker-files-", dir="/var/tmp"))
    try:
        canary = f"CANARY-{uuid.uuid4().hex[:12]}"
        dotenv, key, cert, profile_key = (where / n for n in ("worker.env", "client.key", "client.pem", "profile.key"))
        dotenv.write_text(f"WANDB_API_KEY={canary}-env\n")
        for path in (key, cert, profile_key):
            path.write_text(f"{canary}-{path.name}\n")
        profile = where / "temporal.toml"
        profile.write_text(f'[profile.default.tls]\ndisabled = true\nclient_key_path = "{profile_key}"\n')
        keys = where / "keys"
        keys.mkdir()
        (keys / "cloud.json").write_text(f"{canary}-cloud\n")
        public = where / "public.txt"
        public.write_text("not a secret\n")
        _, queue, _ = worker_factory(
            "files", SKYPILOT_TEMPORAL_ENV_FILE=str(dotenv), TEMPORAL_CONFIG_FILE=str(profile),
            # TLS off for the dev server; the worker hides what the settings name anyway.
            TEMPORAL_TLS="false", TEMPORAL_TLS_CLIENT_KEY_PATH=str(key), TEMPORAL_TLS_CLIENT_CERT_PATH=str(cert),
            SKYPILOT_TEMPORAL_LOCAL_HIDE=str(keys),
        )
        hidden = [dotenv, key, cert, profile, profile_key, keys / "cloud.json"]
        repo = make_git_repo(tmp_path / "reads", files={"reads.yaml": READS_FILES})
        handle = await start(client, pipeline_input(repo, steps=one_step("reads.yaml"), envs_override={
            "FILES": " ".join(str(p) for p in [*hidden, public])}), queue)
        result = await handle.result()

        log_tail = result.steps[0].log_tail
        for path in hidden:
            assert f"HIDDEN {path}" in log_tail, log_tail
        assert f"READ {public}: not a secret" in log_tail, log_tail
        assert canary not in (await handle.fetch_history()).to_json()
        # Hidden from the task only: the files are as they were.
        assert dotenv.read_text() == f"WANDB_API_KEY={canary}-env\n"
    finally:
        shutil.rmtree(where, ignore_errors=True)
    record(HOSTILE, {"input": "job reads the worker's .env, its Temporal TLS key and profile, "
                              "and a path the operator hides",
                     "where refused": "inside the task (sandbox.py: each file bound over by an empty device, "
                                      "SKYPILOT_TEMPORAL_LOCAL_HIDE's directory empty)",
                     "message": "(run completed) HIDDEN for each; a file beside them still READ",
                     "what ran": "the job ran in its sandbox; no value of those files in the run's history"})


def path_without_bwrap(tmp_path: Path) -> str:
    """A PATH with the worker's tools (python, git, bash, ...) but no bwrap."""
    bin_dir = tmp_path / "bin-without-bwrap"
    bin_dir.mkdir()
    for directory in ("/usr/local/bin", "/usr/bin", "/bin"):
        for tool in os.listdir(directory):
            link = bin_dir / tool
            if tool != "bwrap" and not link.exists() and os.access(os.path.join(directory, tool), os.X_OK):
                link.symlink_to(os.path.join(directory, tool))
    return f"{VENV_BIN}:{bin_dir}"


async def test_without_bubblewrap_steps_are_refused_unless_tasks_are_trusted(
    client, tmp_path: Path, worker_factory
):
    repo = make_git_repo(tmp_path / "marks", files={"marks.yaml": MARKS_THE_HOST})
    path = path_without_bwrap(tmp_path)
    assert shutil.which("bwrap", path=path) is None
    host_mark = tmp_path / "host-mark"
    inp = pipeline_input(repo, steps=one_step("marks.yaml"), envs_override={"HOST_MARK": str(host_mark)})

    strict, queue, work = worker_factory("no-bwrap", PATH=path)
    handle = await start(client, inp, queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert "SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS=1" in message, message
    assert "bubblewrap" in message
    launches = [a for a in await activity_attempts(handle) if a[0] == "run_sky_launch"]
    assert launches == [("run_sky_launch", 1)]  # refused at once, not retried
    assert not host_mark.exists() and clusters(work) == []
    assert "every local task will be refused" in strict.log()

    trusting, queue, _ = worker_factory("trusted", PATH=path, SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS="1")
    result = await (await start(client, inp, queue)).result()
    assert result.steps[0].status == "SUCCEEDED"
    assert host_mark.read_text().strip() == "ran"  # unsandboxed: it wrote to the host
    assert "SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS=1: local tasks run unsandboxed" in trusting.log()


# Leaves a symlink to /etc in its bucket, hoping the worker's next upload follows it.
PLANTS_A_LINK = bucket_task("plant", """
ln -s /etc /data/conf
echo "PLANTED a link to /etc"
""")

UPLOADS_INTO_THE_BUCKET = """name: upload
envs:
  DATA_BUCKET_NAME:
file_mounts:
  /data:
    name: $DATA_BUCKET_NAME
    source: payload
    store: s3
run: |
  set -euo pipefail
  echo "uploaded"
"""


async def test_a_link_a_task_left_in_its_bucket_cannot_redirect_the_next_upload(
    client, local_worker, task_queue, tmp_path: Path, work_dir: Path
):
    mark = f"isolation-{uuid.uuid4().hex[:12]}"
    repo = make_git_repo(tmp_path / "plant", files={
        "plant.yaml": PLANTS_A_LINK,
        "upload.yaml": UPLOADS_INTO_THE_BUCKET,
        f"payload/conf/{mark}": "written through the link\n",
    })
    steps = one_step("plant.yaml") + [
        pb.PipelineStep(name="upload", task_yaml="upload.yaml", kind=pb.STEP_KIND_LAUNCH)
    ]
    handle = await start(client, pipeline_input(repo, steps=steps), task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    message = failure.value.cause.message
    assert "step 'upload' failed" in message and "copying into bucket test-bucket failed" in message, message
    assert not Path(f"/etc/{mark}").exists()
    assert (work_dir / "local" / "buckets" / "test-bucket" / "conf").is_symlink()
    assert clusters(work_dir) == []
