"""Secret values reach the task exactly, and never a file: on a real worker and when a
restarted worker has to start a job the dead one recorded."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from pipeline_helpers import pipeline_input, start, wait_until
from support import make_git_repo

from skypilot_temporal.executors.base import Submission
from skypilot_temporal.executors.local.executor import LocalExecutor
from skypilot_temporal.tasks.build import merge_envs, parse_task
from skypilot_temporal.v1 import pipeline_pb2 as pb

SECRET = "s3cr3t-value-42"  # set in the worker's environment by the local_worker fixture
DIGEST = hashlib.sha256(SECRET.encode()).hexdigest()

# Fails unless the secret arrived intact, then holds the job until the test releases it.
CHECK_SECRET = """name: secret-check
run: |
  set -euo pipefail
  got=$(printf %s "$SECRET_TOKEN" | sha256sum | cut -d' ' -f1)
  if [ "$got" != "$EXPECTED_SHA256" ]; then echo "SECRET MISMATCH"; exit 1; fi
  echo "SECRET MATCHES"
  for i in $(seq 1 600); do
    if [ -e "$HOME/release" ]; then exit 0; fi
    sleep 0.1
  done
  echo "never released"; exit 1
"""


def files_containing(root: Path, value: bytes) -> list[Path]:
    found = []
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath) / name
            try:
                if path.is_file() and not path.is_symlink() and value in path.read_bytes():
                    found.append(path)
            except OSError:
                continue
    return found


def job_dir(work_dir: Path) -> Path | None:
    for path in (work_dir / "local" / "clusters").glob("*/jobs/1"):
        return path
    return None


def log_of(work_dir: Path) -> str:
    job = job_dir(work_dir)
    return (job / "log").read_text(errors="replace") if job and (job / "log").exists() else ""


async def test_secret_reaches_the_task_exactly_and_no_file_holds_it(
    client, local_worker, task_queue, tmp_path: Path, work_dir: Path
):
    repo = make_git_repo(tmp_path / "secret", files={"check.yaml": CHECK_SECRET})
    steps = [pb.PipelineStep(name="check", task_yaml="check.yaml", kind=pb.STEP_KIND_LAUNCH)]
    inp = pipeline_input(repo, steps=steps, secret_env_names=["SECRET_TOKEN"],
                         envs_override={"EXPECTED_SHA256": DIGEST})
    handle = await start(client, inp, task_queue)
    await wait_until(lambda: "SECRET MATCHES" in log_of(work_dir), timeout=60)

    # While the job runs: not in the job's files, nor in its supervisor's environment.
    job = job_dir(work_dir)
    assert job is not None
    assert files_containing(work_dir, SECRET.encode()) == []
    assert "SECRET_TOKEN" in (job / "spec").read_bytes().decode(errors="replace")  # the name
    supervisor = (job / "pid").read_text().strip()
    for what in ("environ", "cmdline"):
        assert SECRET.encode() not in Path(f"/proc/{supervisor}/{what}").read_bytes()

    (job.parent.parent / "home" / "release").touch()
    result = await handle.result()
    assert result.steps[0].status == "SUCCEEDED"
    assert "SECRET MATCHES" in result.steps[0].log_tail
    assert files_containing(work_dir, SECRET.encode()) == []


CHECK_API_KEY = """set -euo pipefail
test "$(printf %s "$API_KEY" | sha256sum | cut -d' ' -f1)" = "$EXPECTED_SHA256"
echo "API KEY MATCHES"
"""


async def submitted_by_a_worker_that_died(root: Path, repo: Path, config: dict) -> int:
    """A job recorded (spec, PENDING, name) long ago whose supervisor never started."""
    dying = LocalExecutor(root, hide=(root.parent,))

    def dies_before_starting(job_dir: Path, secrets) -> None:
        return None

    dying._start = dies_before_starting  # type: ignore[method-assign]  # a worker that dies right there
    sub = Submission("launch", "c1", "job", parse_task(config), repo)
    job_id = await dying.submit(sub, lambda c, urgent=True: None, {}, lambda s: None)
    job = root / "clusters" / "c1" / "jobs" / str(job_id)
    assert (job / "status").read_text() == "PENDING" and not (job / "started").exists()
    old = time.time() - 60
    os.utime(job / "name", (old, old))
    return job_id


async def test_a_job_the_dead_worker_never_started_gets_its_secrets_from_the_next(tmp_path: Path):
    (tmp_path / "repo").mkdir()
    root = tmp_path / "work" / "local"
    config = merge_envs({"name": "digest", "run": CHECK_API_KEY},
                        {"EXPECTED_SHA256": DIGEST}, {"API_KEY": SECRET})
    job_id = await submitted_by_a_worker_that_died(root, tmp_path / "repo", config)
    assert files_containing(tmp_path, SECRET.encode()) == []

    restarted = LocalExecutor(root, hide=(root.parent,))
    out: list[str] = []
    status = await restarted.wait_job("c1", job_id, out.append, {"API_KEY": SECRET})
    assert status == "SUCCEEDED", "".join(out)
    assert "API KEY MATCHES" in "".join(out)
    assert files_containing(tmp_path, SECRET.encode()) == []
    assert await restarted.down("c1")


async def test_a_job_started_without_its_secret_fails_naming_it(tmp_path: Path):
    (tmp_path / "repo").mkdir()
    root = tmp_path / "work" / "local"
    config = merge_envs({"name": "x", "run": "echo ran"}, {}, {"API_KEY": SECRET})
    job_id = await submitted_by_a_worker_that_died(root, tmp_path / "repo", config)

    restarted = LocalExecutor(root, hide=(root.parent,))
    out: list[str] = []
    status = await restarted.wait_job("c1", job_id, out.append, {})
    assert status == "FAILED_DRIVER"
    assert "secrets API_KEY were not handed to the job" in "".join(out)
    assert "ran" not in "".join(out)
    assert await restarted.down("c1")
