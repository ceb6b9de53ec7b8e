"""Managed jobs on the SkyPilot executor, without an API server: SkyPilot's jobs queue
and request records are a stand-in, so that each re-attach path is seen to submit
nothing a second time. tests/e2e/test_slurm_managed_executor.py runs them for real."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
import sky
from sky import exceptions as sky_exc

from skypilot_temporal.executors.base import ClusterGone, PermanentError, Submission
from skypilot_temporal.executors.skypilot import executor as sky_executor
from skypilot_temporal.executors.skypilot import managed as sky_managed


class Handle:
    """Like the controller handle a launch returns: its repr raises on the client."""

    def __repr__(self) -> str:
        raise AttributeError("no repr on the client")


class FakeSkyPilot:
    """The API server as the executor sees it: requests by id, managed job records."""

    def __init__(self) -> None:
        self.requests: dict[str, dict[str, Any]] = {}
        self.records: list[dict[str, Any]] = []
        self.launched: list[str] = []
        self.cancelled: list[Any] = []
        self.queries: list[dict[str, Any]] = []

    def add_request(self, name: str, status: str, result: Any = None, body: dict | None = None) -> str:
        request_id = f"req-{len(self.requests) + 1}"
        self.requests[request_id] = {"name": name, "status": status, "result": result, "body": body or {}}
        return request_id

    def add_job(self, job_id: int, name: str, status: str = "RUNNING", **fields: Any) -> None:
        self.records.append({"job_id": job_id, "task_id": 0, "job_name": name,
                             "status": sky.jobs.ManagedJobStatus(status), **fields})

    # -- the SDK calls ---------------------------------------------------------
    def launch(self, task: Any, name: str) -> str:
        self.launched.append(name)
        job_id = 100 + len(self.launched)
        self.add_job(job_id, name, "PENDING")
        return self.add_request("sky.jobs.launch", "RUNNING", ([job_id], Handle()), {"name": name})

    def queue_v2(self, refresh: bool, all_users: bool = False, job_ids=None, name_match=None, **kw: Any) -> str:
        self.queries.append({"refresh": refresh, "all_users": all_users, "job_ids": job_ids, "name_match": name_match})
        found = [r for r in self.records
                 if (job_ids is None or r["job_id"] in job_ids) and (name_match is None or name_match in r["job_name"])]
        return self.add_request("sky.jobs.queue_v2", "SUCCEEDED", (found, len(found), {}, len(self.records)))

    def cancel(self, job_ids=None, **kw: Any) -> str:
        self.cancelled.append(("job", list(job_ids or [])))
        return self.add_request("sky.jobs.cancel", "SUCCEEDED")

    def api_cancel(self, request_ids: list[str]) -> str:
        self.cancelled.append(("request", list(request_ids)))
        for request_id in request_ids:
            self.requests[request_id]["status"] = "CANCELLED"
        return self.add_request("sky.api_cancel", "SUCCEEDED")

    def api_status(self, request_ids=None, **kw: Any) -> list[SimpleNamespace]:
        # Without ids: the requests not finished, as SkyPilot lists them by default.
        wanted = [i for i, r in self.requests.items()
                  if (i in request_ids if request_ids else r["status"] in ("PENDING", "RUNNING"))]
        return [SimpleNamespace(request_id=i, name=self.requests[i]["name"],
                                status=f"RequestStatus.{self.requests[i]['status']}",
                                request_body=json.dumps(self.requests[i]["body"]))
                for i in wanted]

    async def get(self, request_id: str, *_: Any) -> Any:
        return self.requests[request_id]["result"]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeSkyPilot:
    f = FakeSkyPilot()
    monkeypatch.setattr(sky.jobs, "launch", f.launch)
    monkeypatch.setattr(sky.jobs, "queue_v2", f.queue_v2)
    monkeypatch.setattr(sky.jobs, "cancel", f.cancel)
    monkeypatch.setattr(sky, "api_status", f.api_status)
    monkeypatch.setattr(sky, "api_cancel", f.api_cancel)
    monkeypatch.setattr(sky_managed.sky_streams, "request_get", f.get)
    monkeypatch.setattr(sky_managed.sky_streams, "request_result", f.get)
    return f


class Checkpoints(list):
    def __call__(self, update: dict[str, Any], *, urgent: bool = True) -> None:
        self.append((dict(update), urgent))


def submission(name: str = "r1-train-1a2b3c4d", retry: bool = False) -> Submission:
    return Submission("managed", "", name, object(), repo_dir=None, retry=retry)  # type: ignore[arg-type]


async def test_a_launch_checkpoints_its_request_at_once_then_the_job(fake: FakeSkyPilot):
    cps = Checkpoints()
    job_id = await sky_executor.SkyPilotExecutor(threads=1).launch_managed(submission(), cps, {}, lambda t: None)
    assert fake.launched == ["r1-train-1a2b3c4d"]
    assert job_id == 101
    assert cps == [({"request_id": "req-1"}, True), ({"request_id": "req-1", "job_id": 101}, False)]


async def test_a_checkpointed_job_is_re_attached_without_a_request(fake: FakeSkyPilot):
    executor = sky_executor.SkyPilotExecutor(threads=1)
    assert await executor.launch_managed(submission(retry=True), Checkpoints(), {"job_id": 7}, lambda t: None) == 7
    assert fake.launched == [] and fake.requests == {}


async def test_a_running_request_is_re_attached_to(fake: FakeSkyPilot):
    request_id = fake.add_request("sky.jobs.launch", "RUNNING", ([42], Handle()), {"name": "r1-train-1a2b3c4d"})
    cps = Checkpoints()
    job_id = await sky_executor.SkyPilotExecutor(threads=1).launch_managed(
        submission(retry=True), cps, {"request_id": request_id}, lambda t: None)
    assert job_id == 42 and fake.launched == []
    assert cps == [({"request_id": request_id, "job_id": 42}, False)]


async def test_a_failed_request_whose_job_exists_is_not_sent_again(fake: FakeSkyPilot):
    request_id = fake.add_request("sky.jobs.launch", "FAILED", body={"name": "r1-train-1a2b3c4d"})
    fake.add_job(9, "r1-train-1a2b3c4d")
    executor = sky_executor.SkyPilotExecutor(threads=1)
    assert await executor.launch_managed(submission(), Checkpoints(), {"request_id": request_id}, lambda t: None) == 9
    assert fake.launched == []


async def test_a_failed_request_without_a_job_is_sent_again(fake: FakeSkyPilot):
    request_id = fake.add_request("sky.jobs.launch", "FAILED", body={"name": "r1-train-1a2b3c4d"})
    cps = Checkpoints()
    executor = sky_executor.SkyPilotExecutor(threads=1)
    job_id = await executor.launch_managed(submission(), cps, {"request_id": request_id}, lambda t: None)
    assert fake.launched == ["r1-train-1a2b3c4d"] and job_id == 101
    assert cps[0] == ({"request_id": "req-3"}, True)


async def test_a_retry_with_nothing_checkpointed_finds_the_request_in_flight(fake: FakeSkyPilot):
    fake.add_request("sky.jobs.launch", "RUNNING", ([5], Handle()), {"name": "r1-train-1a2b3c4d-other"})
    mine = fake.add_request("sky.jobs.launch", "RUNNING", ([6], Handle()), {"name": "r1-train-1a2b3c4d"})
    cps = Checkpoints()
    job_id = await sky_executor.SkyPilotExecutor(threads=1).launch_managed(
        submission(retry=True), cps, {}, lambda t: None)
    assert job_id == 6 and fake.launched == []
    assert cps[-1] == ({"request_id": mine, "job_id": 6}, False)


async def test_find_managed_is_the_newest_job_of_exactly_that_name(fake: FakeSkyPilot):
    fake.add_job(3, "r1-train-1a2b3c4d", "FAILED")
    fake.add_job(4, "r1-train-1a2b3c4d", "RUNNING")
    fake.add_job(5, "r1-train-1a2b3c4d-2", "RUNNING")
    executor = sky_executor.SkyPilotExecutor(threads=1)
    assert await executor.find_managed("r1-train-1a2b3c4d") == 4
    assert await executor.find_managed("r1-eval-1a2b3c4d") is None
    assert fake.queries[0] == {"refresh": False, "all_users": True, "job_ids": None, "name_match": "r1-train-1a2b3c4d"}


async def test_managed_jobs_are_every_job_with_its_recoveries(fake: FakeSkyPilot):
    fake.add_job(1, "a", "SUCCEEDED", recovery_count=0, last_recovered_at=1700000000.0, failure_reason="old")
    fake.add_job(2, "b", "FAILED", recovery_count=2, last_recovered_at=1700000100.0, failure_reason="exit 1")
    jobs = await sky_executor.SkyPilotExecutor(threads=1).managed_jobs()
    assert [(j.job_id, j.name, j.status, j.recoveries, j.last_recovered_at, j.failure_reason) for j in jobs] == [
        # A first start is stamped as well; it is no recovery.
        (1, "a", "SUCCEEDED", 0, None, ""),
        (2, "b", "FAILED", 2, 1700000100.0, "exit 1"),
    ]


async def test_waiting_for_a_job_that_does_not_exist_is_cluster_gone(fake: FakeSkyPilot):
    with pytest.raises(ClusterGone, match="managed job 77 does not exist"):
        await sky_executor.SkyPilotExecutor(threads=1).wait_managed(77, lambda t: None, {}, lambda j: None)


async def test_a_launch_the_api_server_refuses_is_permanent(fake: FakeSkyPilot, monkeypatch: pytest.MonkeyPatch):
    def refuse(task: Any, name: str) -> str:
        raise sky_exc.NotSupportedError("managed jobs are not supported here")

    monkeypatch.setattr(sky.jobs, "launch", refuse)
    with pytest.raises(PermanentError, match="NotSupportedError"):
        await sky_executor.SkyPilotExecutor(threads=1).launch_managed(submission(), Checkpoints(), {}, lambda t: None)


async def test_cancel_reaches_the_job_by_id_by_request_or_by_name(fake: FakeSkyPilot):
    executor = sky_executor.SkyPilotExecutor(threads=1)
    await executor.cancel_managed(8, "r1-train-1a2b3c4d", {})
    done = fake.add_request("sky.jobs.launch", "SUCCEEDED", ([11], Handle()), {"name": "r1-train-1a2b3c4d"})
    await executor.cancel_managed(None, "r1-train-1a2b3c4d", {"request_id": done})
    fake.add_job(12, "r1-eval-1a2b3c4d")
    await executor.cancel_managed(None, "r1-eval-1a2b3c4d", {})
    assert fake.cancelled == [("job", [8]), ("job", [11]), ("job", [12])]


async def test_cancel_stops_a_submission_in_flight(fake: FakeSkyPilot):
    flying = fake.add_request("sky.jobs.launch", "RUNNING", ([13], Handle()), {"name": "r1-train-1a2b3c4d"})
    await sky_executor.SkyPilotExecutor(threads=1).cancel_managed(None, "r1-train-1a2b3c4d", {"request_id": flying})
    assert fake.cancelled == [("request", [flying])]


async def test_cancel_never_raises(fake: FakeSkyPilot, monkeypatch: pytest.MonkeyPatch):
    def down(*args: Any, **kwargs: Any) -> str:
        raise ConnectionError("API server restarting")

    monkeypatch.setattr(sky.jobs, "cancel", down)
    monkeypatch.setattr(sky.jobs, "queue_v2", down)
    monkeypatch.setattr(sky, "api_status", down)
    executor = sky_executor.SkyPilotExecutor(threads=1)
    await executor.cancel_managed(8, "r1-train-1a2b3c4d", {})
    await executor.cancel_managed(None, "r1-train-1a2b3c4d", {"request_id": "req-9"})
