"""Fault scenarios through a real worker, written once for both executors.

A `Rig` says how to run and observe the pipeline on one executor: `LocalRig` (here,
used by tests/worker) watches the local executor's job directories; `SlurmRig`
(tests/e2e/slurm_helpers.py) watches SkyPilot's own queue and request records. Each
scenario injects its fault at a phase it has *seen* begin (a log line, a job status, a
SkyPilot request), never after a guessed delay; then it checks the run's final state,
how many jobs each step left in the executor's records, that no cluster is left, and
records a row of docs/reliability.md (tests/records.py) with the times it measured.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pipeline_helpers import history_json, pipeline_input, progress, start, wait_until
from records import record
from support import (
    DevServer,
    WorkerProcess,
    bucket_task,
    free_port,
    make_git_repo,
    processes_with_env,
    start_dev_server,
    stop_process,
    worker_env,
)
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import CancelledError

from skypilot_temporal.contract.names import data_converter
from skypilot_temporal.pipeline.plan import default_cluster_prefix
from skypilot_temporal.v1 import pipeline_pb2 as pb

STEPS = ("preprocess", "train", "eval")
# The six activities of the default pipeline, named as activity_labels() names them.
PHASES = ("clone", "launch preprocess", "down preprocess", "launch train", "exec eval", "down train")
ONE_JOB_EACH = {"preprocess": 1, "train": 1, "eval": 1}


def step_of(job_name: str, prefix: str) -> str:
    """The step of a job named `{prefix}-{step}-{run tag}` ("" if not this run's)."""
    if not job_name.startswith(prefix + "-"):
        return ""
    return job_name[len(prefix) + 1:].rsplit("-", 1)[0]


def jobs_text(counts: dict[str, int], steps: tuple[str, ...] = STEPS) -> str:
    return ", ".join(f"{s} {counts.get(s, 0)}" for s in steps)


def seconds(value: float | None) -> float | str:
    return "" if value is None else round(value, 1)


def record_row(table: str, scenario: str, *, outcome: str, recovered_s: float | None = None,
               recovered: str = "", closed_s: float | None = None, clusters_left: int = 0,
               jobs: str = "", notes: str = "") -> None:
    """One row of a reliability table; every time counts from the fault."""
    record(table, {
        "scenario": scenario,
        "outcome": outcome,
        "recovered after (s)": seconds(recovered_s),
        "what recovered": recovered,
        "run closed after (s)": seconds(closed_s),
        "clusters left": clusters_left,
        "jobs per step": jobs,
        "notes": notes,
    })


# -- the run's history ------------------------------------------------------------------
def _label(kind: str, inp: dict[str, Any]) -> str:
    if kind == "run_git_clone":
        return "clone"
    if kind in ("run_sky_launch", "run_sky_exec"):
        return f"{kind.rsplit('_', 1)[1]} {inp.get('step', '?')}"
    cluster = str(inp.get("cluster_name", ""))
    short = next((s for s in ("preprocess", "train") if f"-{s}-" in cluster), cluster)
    return f"down {short}"


async def activity_labels(handle: WorkflowHandle) -> dict[str, dict[str, Any]]:
    """Each activity of the run by label ("launch train", "down preprocess", ...): the
    attempt that ran last and how it closed, as the server recorded them."""
    events = json.loads(await history_json(handle))["events"]
    by_event: dict[str, str] = {}
    out: dict[str, dict[str, Any]] = {}
    for e in events:
        if "activityTaskScheduledEventAttributes" in e:
            attrs = e["activityTaskScheduledEventAttributes"]
            payloads = attrs.get("input", {}).get("payloads", [])
            try:
                inp = json.loads(base64.b64decode(payloads[0]["data"]))
            except (IndexError, KeyError, ValueError):
                inp = {}
            label = _label(attrs["activityType"]["name"], inp if isinstance(inp, dict) else {})
            by_event[e["eventId"]] = label
            out[label] = {"attempt": 1, "closed": ""}
        for key, closed in (("activityTaskStartedEventAttributes", ""),
                            ("activityTaskCompletedEventAttributes", "completed"),
                            ("activityTaskFailedEventAttributes", "failed"),
                            ("activityTaskCanceledEventAttributes", "cancelled"),
                            ("activityTaskTimedOutEventAttributes", "timed out")):
            if key in e:
                label = by_event[e[key]["scheduledEventId"]]
                if closed:
                    out[label]["closed"] = closed
                else:
                    out[label]["attempt"] = int(e[key].get("attempt", 1))
    return out


def retried(labels: dict[str, dict[str, Any]]) -> str:
    """The activities that needed more than one attempt, e.g. `launch train: 2 attempts`."""
    return "; ".join(f"{k}: {v['attempt']} attempts" for k, v in labels.items() if v["attempt"] > 1) or "no retry"


def _attempt_start(handle: WorkflowHandle, phase: str) -> str:
    """How the worker log line that begins an attempt of the phase's activity begins, as
    a regex: the activity's tag (and, for a clone or a down, its verb)."""
    wf = re.escape(handle.id)
    verb, _, what = phase.partition(" ")
    if phase == "clone":
        return rf"\[{wf} clone\] cloning "
    if verb == "down":
        return rf"\[{wf} teardown [^\]]*-{what}-[^\]]*\] downing "
    return rf"\[{wf} {what} [^\]]*\] "


def attempt_line(handle: WorkflowHandle, phase: str) -> re.Pattern[str]:
    """The worker log line of a later attempt (2, 3, ...) of the phase's activity."""
    return re.compile(_attempt_start(handle, phase) + r".*\(attempt ([2-9]|\d{2,})\)")


def phase_started(handle: WorkflowHandle, phase: str) -> re.Pattern[str]:
    """The worker log line with which the phase's activity begins (any attempt)."""
    verb = phase.partition(" ")[0]
    step_verb = "" if verb in ("clone", "down") else "(launch|exec) "
    return re.compile(_attempt_start(handle, phase) + step_verb)


def add_big_file(repo: Path, megabytes: int = 64) -> None:
    """A big random file committed to `repo`: cloning it takes seconds (no delta, no
    compression helps), so a fault can land inside the clone for sure."""
    with open(repo / "big.bin", "wb") as f:
        for _ in range(megabytes):
            f.write(os.urandom(1 << 20))
    git = ["git", "-c", "user.email=tests@localhost", "-c", "user.name=tests"]
    import subprocess

    subprocess.run(git + ["add", "big.bin"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "big"], cwd=repo, check=True)


# -- rigs ---------------------------------------------------------------------------------
class Rig:
    """How one executor runs and shows the scenarios. Subclasses fill in the blanks."""

    name = ""
    table = ""
    heartbeat_s = 3  # steps' heartbeat timeout in these scenarios
    run_limit = 300.0  # bounds one scenario's run, not a speed target
    slow_scale = 1.0  # how much longer a "slow" job must be on this executor
    poll_s = 0.1  # how often to look for a phase in the executor's records

    def __init__(self, client: Client, server: DevServer, task_queue: str, work_dir: Path, tmp_path: Path,
                 **env: str) -> None:
        self.client = client
        self.server = server
        self.task_queue = task_queue
        self.work_dir = work_dir
        self.tmp_path = tmp_path
        self.env = env
        self.workers: list[WorkerProcess] = []

    # workers -------------------------------------------------------------------------
    async def worker(self, name: str = "worker", server: DevServer | None = None, **env: str) -> WorkerProcess:
        """A started worker (stopped by stop_workers), its log in tmp_path/<name>.log."""
        w = WorkerProcess(worker_env(server or self.server, self.work_dir, self.task_queue, **{**self.env, **env}),
                          self.tmp_path / f"{name}.log")
        self.workers.append(w)
        return await asyncio.to_thread(w.start)

    def stop_workers(self) -> None:
        for w in self.workers:
            if w.proc is not None and w.proc.poll() is None:
                os.kill(w.proc.pid, signal.SIGCONT)  # a frozen worker cannot drain
            w.stop()

    # the run --------------------------------------------------------------------------
    def repo(self, big: bool = False) -> Path:
        raise NotImplementedError

    def inputs(self, repo: Path, slow: dict[str, float] | None = None, litter: tuple[str, ...] = (),
               heartbeat_s: int | None = None, **fields: Any) -> pb.SkyPilotWorkflowInput:
        """`slow`: seconds each step's job should last; `litter`: steps whose job leaves
        many files on its cluster (a local down then takes seconds)."""
        raise NotImplementedError

    async def watch(self, handle: WorkflowHandle) -> Evidence:
        raise NotImplementedError

    async def start(self, inp: pb.SkyPilotWorkflowInput, client: Client | None = None) -> WorkflowHandle:
        return await start(client or self.client, inp, self.task_queue)

    async def reached(self, phase: str, handle: WorkflowHandle, ev: Evidence, logs: str) -> bool:
        """Whether the phase's activity is running now (and will for a while)."""
        verb, _, step = phase.partition(" ")
        if phase == "clone" or verb == "down":
            return bool(phase_started(handle, phase).search(logs))
        return ev.status(step) == "RUNNING"

    async def clusters_left(self, handle: WorkflowHandle, within: float = 60.0) -> list[str]:
        raise NotImplementedError

    async def job_stopped(self, handle: WorkflowHandle, ev: Evidence, step: str) -> float | None:
        """Waits (started before the cancel) until the executor shows the step's job
        stopped; returns when (time.monotonic()), None if the step had no job yet."""
        raise NotImplementedError

    async def cancel_proof(self, handle: WorkflowHandle, ev: Evidence, step: str) -> str:
        """Asserts the executor's records show the step's job/request cancelled and its
        cluster downed; returns them as text for the notes."""
        raise NotImplementedError

    async def submissions(self, handle: WorkflowHandle, ev: Evidence) -> str:
        """Asserts the executor's records show each step submitted once (beyond the
        job counts); returns them as text for the notes ("" if it keeps none)."""
        return ""

    def poll_interval(self, phase: str) -> float:
        # Clone and down are seen in the worker's log: read it often (they may be short).
        return 0.02 if phase == "clone" or phase.startswith("down") else self.poll_s

    def logs(self) -> str:
        return "".join(w.log() for w in {id(w): w for w in self.workers}.values())




class JobLog:
    """Per job: name, statuses in order, and when each was first seen."""

    def __init__(self) -> None:
        self.jobs: dict[tuple[str, str], dict[str, Any]] = {}

    def saw(self, cluster: str, job_id: str, name: str, status: str) -> None:
        j = self.jobs.setdefault((cluster, job_id), {"name": name, "statuses": [], "at": {}})
        if name and not j["name"]:
            j["name"] = name
        if status and (not j["statuses"] or j["statuses"][-1] != status):
            j["statuses"].append(status)
            j["at"].setdefault(status, time.monotonic())

    def of_step(self, prefix: str, step: str) -> list[dict[str, Any]]:
        return [j for j in self.jobs.values() if step_of(j["name"], prefix) == step]

    def counts(self, prefix: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for j in self.jobs.values():
            if s := step_of(j["name"], prefix):
                out[s] = out.get(s, 0) + 1
        return out


class Evidence:
    """What the executor itself shows about one run's jobs, gathered by polling while
    the run goes on (a down removes it). Subclasses poll; `log` keeps what they saw."""

    every = 0.1

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.log = JobLog()
        self.paused = False
        self._task = asyncio.ensure_future(self._poll())

    async def scan(self) -> None:
        raise NotImplementedError

    async def _poll(self) -> None:
        while True:
            if not self.paused:
                await self.scan()
            await asyncio.sleep(self.every)

    def status(self, step: str) -> str:
        """The latest status of the step's latest job ("" before it has one)."""
        jobs = self.log.of_step(self.prefix, step)
        return jobs[-1]["statuses"][-1] if jobs else ""

    def statuses(self, step: str) -> list[list[str]]:
        return [j["statuses"] for j in self.log.of_step(self.prefix, step)]

    def job_ids(self, step: str) -> list[int]:
        return [int(job_id) for (_, job_id), j in self.log.jobs.items() if step_of(j["name"], self.prefix) == step]

    def seen_at(self, step: str, status: str) -> float | None:
        """time.monotonic() when the step's job was first seen in `status`."""
        return next((j["at"][status] for j in self.log.of_step(self.prefix, step) if status in j["at"]), None)

    def jobs(self) -> dict[str, int]:
        return self.log.counts(self.prefix)

    def every_status(self) -> set[str]:
        return {s for j in self.log.jobs.values() for s in j["statuses"]}

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class LocalJobs(Evidence):
    """The local executor's job directories of one run."""

    every = 0.05

    def __init__(self, work_dir: Path, prefix: str) -> None:
        self.root = work_dir / "local" / "clusters"
        super().__init__(prefix)

    async def scan(self) -> None:
        for job_dir in self.root.glob(f"{self.prefix}-*/jobs/*"):
            try:
                name = (job_dir / "name").read_text().strip()
                status = (job_dir / "status").read_text().strip()
            except OSError:
                continue  # being written, or just downed
            self.log.saw(job_dir.parent.parent.name, job_dir.name, name, status)


# Tasks of the local scenarios: the example pipeline's hand-off through a bucket, each
# job checking its input, with knobs for how long it runs and how much it leaves behind.
def _litter(var: str) -> str:
    # Thousands of empty directories in the cluster's home: removing a directory costs
    # the down several times what making it cost the job.
    return (f'python3 -c \'import os, sys; [os.makedirs(os.path.expanduser(f"~/litter/{{d}}/{{i}}")) '
            f'for d in range(int(sys.argv[1])) for i in range(1000)]\' "${var}"')


LOCAL_TASKS = {
    "data_preprocessing.yaml": bucket_task("data-preprocessing", f"""
{_litter("PRE_LITTER")}
sleep "$PRE_SECONDS"
for i in 0 1 2; do echo "sample $i" > /data/file_$i; done
test "$(ls /data/file_* | wc -l)" -eq 3
echo "preprocessed 3 files"
""", PRE_SECONDS="0", PRE_LITTER="0"),
    "train.yaml": bucket_task("train", """
test "$(ls /data/file_* | wc -l)" -eq 3
for i in $(seq 1 "$TRAIN_TICKS"); do echo "tick $i"; sleep 0.1; done
echo "model of $(cat /data/file_* | wc -l) samples" > /data/trained_model.txt
echo trained
""", TRAIN_TICKS="3"),
    "eval.yaml": bucket_task("eval", f"""
grep -q "model of 3 samples" /data/trained_model.txt
{_litter("EVAL_LITTER")}
sleep "$EVAL_SECONDS"
echo "accuracy: 0.9" > /data/evaluation_report.txt
echo evaluated
""", EVAL_SECONDS="0", EVAL_LITTER="0"),
}
# Thousands of directories a step of `litter` leaves on its cluster: a local down
# then takes a second or more (the kill must land inside it).
LITTER_THOUSANDS = 10


class LocalRig(Rig):
    name = "local"
    table = "reliability"
    heartbeat_s = 3
    run_limit = 180.0

    def repo(self, big: bool = False) -> Path:
        repo = make_git_repo(self.tmp_path / f"tasks-{uuid.uuid4().hex[:6]}", files=LOCAL_TASKS)
        if big:
            add_big_file(repo)
        return repo

    def inputs(self, repo, slow=None, litter=(), heartbeat_s=None, **fields):
        slow = slow or {}
        # Half a second at least: every job is seen in its directory (polled every 0.05 s).
        envs = {
            "PRE_SECONDS": str(slow.get("preprocess", 0.5)),
            "TRAIN_TICKS": str(int(slow.get("train", 0.5) * 10)),
            "EVAL_SECONDS": str(slow.get("eval", 0.5)),
        }
        # preprocess litters its own cluster; eval the train cluster it runs on.
        envs["PRE_LITTER"] = str(LITTER_THOUSANDS if "preprocess" in litter else 0)
        envs["EVAL_LITTER"] = str(LITTER_THOUSANDS if "train" in litter else 0)
        steps = fields.pop("steps", None)
        if steps is None:
            from pipeline_helpers import seed_steps

            steps = seed_steps(heartbeat_s=heartbeat_s or self.heartbeat_s)
        # A big repository is cloned from file://: a plain path would be hard-linked.
        url = fields.pop("repo_url", None) or (f"file://{repo}" if (repo / "big.bin").exists() else str(repo))
        return pipeline_input(repo, repo_url=url, envs_override={**envs, **fields.pop("envs_override", {})},
                              steps=steps, **fields)

    async def watch(self, handle):
        return LocalJobs(self.work_dir, default_cluster_prefix(handle.id))

    async def clusters_left(self, handle, within=60.0):
        prefix = default_cluster_prefix(handle.id)
        root = self.work_dir / "local" / "clusters"
        deadline = time.monotonic() + within
        while True:
            left = sorted(p.name for p in root.glob(f"{prefix}-*")) if root.exists() else []
            if not left or time.monotonic() > deadline:
                return left
            await asyncio.sleep(0.2)

    async def job_stopped(self, handle, ev, step):
        # A task's environment names its job: gone from /proc = stopped. (Its status
        # file says CANCELLED only for the moment before the down removes it.)
        await wait_until(lambda: bool(ev.statuses(step)), timeout=30)
        marker = f"SKYPILOT_TASK_ID={default_cluster_prefix(handle.id)}-{step}-"
        await wait_until(lambda: not processes_with_env(marker), timeout=60, every=0.1)
        return time.monotonic()

    async def cancel_proof(self, handle, ev, step):
        statuses = ev.statuses(step)
        # One job, never finished: stopped by the cancel (the worker says so), its
        # cluster directory removed by the down.
        assert len(statuses) == 1 and not {"SUCCEEDED", "FAILED"} & set(statuses[0]), statuses
        job = ev.job_ids(step)[0]
        cancelled = rf"\[{re.escape(handle.id)} {step} [^\]]*\] run cancelled: cancelling job {job}\b"
        assert re.search(cancelled, self.logs())
        assert processes_with_env(f"SKYPILOT_TASK_ID={default_cluster_prefix(handle.id)}-") == []
        return (
            f"{step} job: {' → '.join(statuses[0])}, then cancelled by the worker (log), processes gone,"
            " directory downed"
        )


# -- scenarios ------------------------------------------------------------------------------
async def _wait_phase(rig: Rig, phase: str, handle: WorkflowHandle, ev: Evidence, timeout: float) -> None:
    async def there() -> bool:
        return await rig.reached(phase, handle, ev, rig.logs())

    await wait_until(there, timeout=timeout, every=rig.poll_interval(phase))


async def _wait_log(rig: Rig, pattern: re.Pattern[str], timeout: float) -> float:
    await wait_until(lambda: bool(pattern.search(rig.logs())), timeout=timeout, every=0.1)
    return time.monotonic()


async def _result(rig: Rig, handle: WorkflowHandle) -> pb.SkyPilotWorkflowResult:
    return await asyncio.wait_for(handle.result(), rig.run_limit)


async def _result_when(rig: Rig, handle: WorkflowHandle) -> tuple[pb.SkyPilotWorkflowResult, float]:
    """The run's result, and when it came (time.monotonic())."""
    result = await _result(rig, handle)
    return result, time.monotonic()


def _inputs_for_phase(rig: Rig, phase: str, repo: Path, **fields: Any) -> pb.SkyPilotWorkflowInput:
    """Jobs long enough for the fault to land inside the phase."""
    k = rig.slow_scale
    slow: dict[str, float] = {}
    litter: tuple[str, ...] = ()
    if phase == "launch preprocess":
        slow["preprocess"] = 4 * k
    elif phase == "launch train":
        slow["train"] = 6 * k
    elif phase == "exec eval":
        slow["eval"] = 6 * k
    elif phase in ("down preprocess", "down train"):
        litter = (phase.split()[1],)
    return rig.inputs(repo, slow=slow, litter=litter, **fields)


async def kill_worker_during(rig: Rig, phase: str) -> None:
    """SIGKILL the only worker while `phase` runs and start it again at once."""
    assert phase in PHASES
    worker = await rig.worker()
    repo = rig.repo(big=phase == "clone")
    handle = await rig.start(_inputs_for_phase(rig, phase, repo))
    ev = await rig.watch(handle)
    try:
        await _wait_phase(rig, phase, handle, ev, timeout=rig.run_limit)
        worker.kill()
        fault = time.monotonic()
        mark = len(worker.log())
        await asyncio.to_thread(worker.start)
        back = await _wait_log(rig, attempt_line(handle, phase), timeout=rig.run_limit)
        result, closed = await _result_when(rig, handle)
    finally:
        await ev.stop()
    after = await _completed_once_each(rig, handle, ev, result)
    labels = after.labels
    # The kill landed inside the phase's activity: the attempt that finished it was a later one.
    assert labels[phase]["attempt"] >= 2 and labels[phase]["closed"] == "completed", labels
    _record_completed(rig, f"worker SIGKILLed during {phase}, restarted at once", ev, after,
                      recovered=f"{phase}: attempt {labels[phase]['attempt']} on the restarted worker",
                      recovered_s=back - fault, closed_s=closed - fault,
                      notes=what_the_retry_did(handle, phase, worker.log()[mark:]))


@dataclass
class _AfterRun:
    """What the server's history and the executor show once the run has closed."""

    labels: dict[str, dict[str, Any]]  # activity_labels()
    left: list[str]  # clusters left
    sent: str  # the executor's submissions, as text for the notes


async def _completed_once_each(
    rig: Rig, handle: WorkflowHandle, ev: Evidence, result: pb.SkyPilotWorkflowResult
) -> _AfterRun:
    """Asserts that the closed run completed, that each step's job ran once and that no
    cluster is left; returns what the history and the executor show."""
    after = _AfterRun(await activity_labels(handle), await rig.clusters_left(handle, within=0),
                      await rig.submissions(handle, ev))
    assert [(s.name, s.status) for s in result.steps] == [(s, "SUCCEEDED") for s in STEPS]
    assert ev.jobs() == ONE_JOB_EACH, ev.jobs()
    assert after.left == []
    return after


def _record_completed(rig: Rig, scenario: str, ev: Evidence, after: _AfterRun, *, recovered: str,
                      recovered_s: float, closed_s: float, notes: str = "") -> None:
    record_row(rig.table, scenario, outcome="completed", recovered_s=recovered_s, recovered=recovered,
               closed_s=closed_s, clusters_left=len(after.left), jobs=jobs_text(ev.jobs()),
               notes=_notes(retried(after.labels), notes, after.sent))


def _notes(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def what_the_retry_did(handle: WorkflowHandle, phase: str, text: str) -> str:
    """From the worker log after the fault: how the phase's later attempt went on."""
    wf = re.escape(handle.id)
    verb, _, what = phase.partition(" ")
    if verb == "down":
        m = re.search(rf"\[{wf} teardown [^\]]*-{what}-[^\]]*\] (downed|already gone)", text)
        if not m:
            return ""
        found = "already gone" if m.group(1) == "already gone" else "up and downed it"
        return f"the retried down found the cluster {found}"
    if verb in ("launch", "exec"):
        m = re.search(rf"\[{wf} {what} [^\]]*\] (re-attaching to job \d+|(launch|exec) \S+) \(attempt", text)
        if not m:
            return ""
        did = m.group(1) if m.group(1).startswith("re-attaching") else f"{m.group(2)} again"
        if did.endswith("again") and "re-attaching to SkyPilot request" in text:
            did = "re-attaching to SkyPilot's request in flight"
        return f"retry: {did}"
    return ""


async def _training_on_one_of_two(
    rig: Rig, train_s: float
) -> tuple[WorkflowHandle, Evidence, WorkerProcess, WorkerProcess]:
    """Two workers and a run whose training lasts `train_s`, once it trains: the run,
    its evidence (the caller stops it), the worker training and the other one."""
    workers = [await rig.worker("worker0"), await rig.worker("worker1")]
    handle = await rig.start(rig.inputs(rig.repo(), slow={"train": train_s}))
    ev = await rig.watch(handle)
    try:
        await _wait_phase(rig, "launch train", handle, ev, timeout=rig.run_limit)
        running = next(w for w in workers if "train.yaml (attempt 1)" in w.log())
    except BaseException:
        await ev.stop()
        raise
    return handle, ev, running, next(w for w in workers if w is not running)


async def kill_one_of_two(rig: Rig) -> None:
    """Two workers; the one running training is SIGKILLed and never restarted."""
    handle, ev, running, other = await _training_on_one_of_two(rig, 8 * rig.slow_scale)
    try:
        running.kill()
        fault = time.monotonic()
        await wait_until(lambda: "re-attaching to job" in other.log(), timeout=rig.run_limit)
        back = time.monotonic()
        result, closed = await _result_when(rig, handle)
    finally:
        await ev.stop()
    after = await _completed_once_each(rig, handle, ev, result)
    assert after.labels["launch train"]["attempt"] >= 2, after.labels
    _record_completed(rig, "two workers: the one training SIGKILLed, not restarted", ev, after,
                      recovered="the other worker re-attached to the training job",
                      recovered_s=back - fault, closed_s=closed - fault)


async def freeze_one_of_two(rig: Rig) -> None:
    """Two workers; the one training is SIGSTOPped past its heartbeat timeout, the
    other takes over, then the frozen one is SIGCONTed: it must not cancel the job."""
    handle, ev, running, other = await _training_on_one_of_two(rig, 15 * rig.slow_scale)
    try:
        assert running.proc is not None
        os.kill(running.proc.pid, signal.SIGSTOP)
        fault = time.monotonic()
        try:
            # Attempts first land on the frozen worker's open polls until those expire.
            await wait_until(lambda: "re-attaching to job" in other.log(), timeout=rig.run_limit)
            back = time.monotonic()
        finally:
            os.kill(running.proc.pid, signal.SIGCONT)
            thawed = len(running.log())
        result, closed = await _result_when(rig, handle)
        # The thawed worker's attempt acts: it learns it was superseded and only stops
        # waiting, or (when the job ended meanwhile) sees the job's end and its late
        # result is refused by the server. Either way it cancels nothing (below).
        ended = re.compile(r"\] (?:attempt stopped|job \d+ [A-Z_]+)")
        await wait_until(lambda: bool(ended.search(running.log()[thawed:])), timeout=60)
        thawed_did = ("the thawed attempt only stopped waiting; no job cancelled"
                      if "attempt stopped" in running.log()[thawed:] else
                      "the thawed attempt found the job ended (its late result refused); no job cancelled")
    finally:
        await ev.stop()
    after = await _completed_once_each(rig, handle, ev, result)
    assert "cancelling job" not in rig.logs()
    assert "CANCELLED" not in ev.every_status()
    assert after.labels["launch train"]["attempt"] >= 2, after.labels
    _record_completed(rig, "two workers: the one training SIGSTOPped past the heartbeat timeout, then SIGCONTed",
                      ev, after, recovered="the other worker re-attached to the training job",
                      recovered_s=back - fault, closed_s=closed - fault, notes=thawed_did)


class FileBackedServer:
    """A dev server of this test's own, its state in a SQLite file, on fixed ports, so
    that it can be SIGKILLed and started again as the same server."""

    def __init__(self, tmp_path: Path) -> None:
        self.db = tmp_path / "temporal.db"
        self.log = tmp_path / "temporal-own.log"
        self.port = free_port()
        self.extra = ("--http-port", str(free_port()), "--metrics-port", str(free_port()),
                      "--ui-port", str(free_port()))
        self.server: DevServer | None = None

    def start(self) -> DevServer:
        self.server = start_dev_server(self.log, port=self.port, db=self.db, extra=self.extra)
        return self.server

    def kill(self) -> None:
        assert self.server is not None
        self.server.proc.kill()
        self.server.proc.wait(10)

    def stop(self) -> None:
        if self.server is not None:
            stop_process(self.server.proc)


async def connect(server: DevServer) -> Client:
    for attempt in range(120):
        try:
            return await Client.connect(server.address, data_converter=data_converter)
        except RuntimeError:
            if attempt == 119:
                raise
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


async def kill_temporal_during_training(rig: Rig, down_s: float = 5.0) -> None:
    """The Temporal dev server (file-backed) SIGKILLed during training, started again
    after `down_s`: the run goes on, with one training job."""
    own = FileBackedServer(rig.tmp_path)
    server = await asyncio.to_thread(own.start)
    try:
        client = await connect(server)
        await rig.worker(server=server)
        handle = await rig.start(rig.inputs(rig.repo(), slow={"train": 20 * rig.slow_scale}), client=client)
        ev = await rig.watch(handle)
        try:
            await _wait_phase(rig, "launch train", handle, ev, timeout=rig.run_limit)
            own.kill()
            fault = time.monotonic()
            await asyncio.sleep(down_s)
            await asyncio.to_thread(own.start)
            # A query is answered by a worker: the server is back and the worker polls it.
            handle = (await connect(server)).get_workflow_handle(handle.id, result_type=pb.SkyPilotWorkflowResult)

            async def answered() -> bool:
                try:
                    await asyncio.wait_for(progress(handle), 10)
                    return True
                except Exception:  # noqa: BLE001 - not yet
                    return False

            await wait_until(answered, timeout=rig.run_limit, every=0.5)
            back = time.monotonic()
            result, closed = await _result_when(rig, handle)
        finally:
            await ev.stop()
        after = await _completed_once_each(rig, handle, ev, result)
    finally:
        rig.stop_workers()
        own.stop()
    _record_completed(rig, f"Temporal dev server SIGKILLed during training, restarted after {down_s:g} s", ev, after,
                      recovered="the run answers its progress query again (server up, worker polling)",
                      recovered_s=back - fault, closed_s=closed - fault)


CANCEL_AT = {
    "launch": ("preprocess", "the preprocess launch"),
    "training": ("train", "training"),
    "exec": ("eval", "the eval exec"),
    "double": ("train", "training, twice"),
}


async def cancel_during(rig: Rig, when: str) -> dict[str, float | None]:
    """Cancels the run while a step's job (or launch request) is in flight; returns the
    seconds from the cancel to the job seen cancelled and to no cluster left."""
    step, what = CANCEL_AT[when]
    await rig.worker()
    slow = {"preprocess": 120, "train": 120, "eval": 120}
    handle = await rig.start(rig.inputs(rig.repo(), slow={step: slow[step]}))
    ev = await rig.watch(handle)
    stopped: asyncio.Future | None = None
    try:
        await _wait_phase(rig, f"{'exec' if step == 'eval' else 'launch'} {step}", handle, ev, timeout=rig.run_limit)
        stopped = asyncio.ensure_future(rig.job_stopped(handle, ev, step))
        fault = time.monotonic()
        await handle.cancel()
        if when == "double":
            await handle.cancel()
        with pytest.raises(WorkflowFailureError) as failure:
            await _result(rig, handle)
        closed = time.monotonic()
        assert isinstance(failure.value.cause, CancelledError)
        left = await rig.clusters_left(handle, within=60)
        gone = time.monotonic()
        job_at = await asyncio.wait_for(stopped, 60)
    finally:
        if stopped is not None:
            stopped.cancel()
        await ev.stop()
    proof = await rig.cancel_proof(handle, ev, step)
    assert (await progress(handle)).phase == "cancelled"
    assert left == []
    counts = ev.jobs()
    assert all(n <= 1 for n in counts.values()), counts
    job_s = None if job_at is None else max(0.0, job_at - fault)
    record_row(rig.table, f"cancel during {what}", outcome="cancelled",
               recovered_s=gone - fault, recovered="no cluster of the run left",
               closed_s=closed - fault, clusters_left=len(left),
               jobs=jobs_text(counts, tuple(s for s in STEPS if s in counts) or STEPS),
               notes=f"{proof}; job stopped after {seconds(job_s)} s" if job_s is not None else proof)
    return {"job": job_s, "clusters": gone - fault}


async def cancel_under_load(rig: Rig, runs: int = 3, train_s: float = 180, **worker_env: str) -> None:
    """One worker follows `runs` long trainings; one run is cancelled: its job and its
    cluster go within seconds, whatever the others do (no starvation)."""
    await rig.worker(**worker_env)
    handles = [await rig.start(rig.inputs(rig.repo(), slow={"train": train_s})) for _ in range(runs)]
    evs = [await rig.watch(h) for h in handles]
    stopped: asyncio.Future | None = None
    try:
        for h, ev in zip(handles, evs, strict=True):
            await _wait_phase(rig, "launch train", h, ev, timeout=rig.run_limit * 2)
        victim, ev = handles[0], evs[0]
        for other_ev in evs[1:]:
            other_ev.paused = True  # only the victim's records matter now: less load
        stopped = asyncio.ensure_future(rig.job_stopped(victim, ev, "train"))
        fault = time.monotonic()
        await victim.cancel()
        with pytest.raises(WorkflowFailureError):
            await _result(rig, victim)
        closed = time.monotonic()
        left = await rig.clusters_left(victim, within=60)
        gone = time.monotonic()
        job_at = await asyncio.wait_for(stopped, 60)
        proof = await rig.cancel_proof(victim, ev, "train")
        # The others are still training, undisturbed.
        for other_ev in evs[1:]:
            other_ev.paused = False
            await other_ev.scan()
            assert other_ev.status("train") == "RUNNING"
    finally:
        if stopped is not None:
            stopped.cancel()
        for h in handles[1:]:
            await h.cancel()
        for h in handles[1:]:
            try:
                await _result(rig, h)
            except WorkflowFailureError:
                pass
        for ev_ in evs:
            await ev_.stop()
    for h in handles[1:]:
        assert await rig.clusters_left(h, within=60) == []
    assert left == []
    job_s = None if job_at is None else max(0.0, job_at - fault)
    threads = worker_env.get("SKYPILOT_TEMPORAL_SDK_THREADS", "64")
    record_row(rig.table, f"cancel 1 of {runs} runs training on one worker ({threads} SDK thread(s))",
               outcome="cancelled; the others kept training", recovered_s=gone - fault,
               recovered="no cluster of the cancelled run left", closed_s=closed - fault,
               clusters_left=len(left), jobs=jobs_text(ev.jobs(), ("preprocess", "train")),
               notes=f"{proof}; job stopped after {seconds(job_s)} s")
