"""SkyPilot-side evidence for the Slurm scenarios: job queues and cluster lists."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

SLURM_DIR = Path(os.environ.get("LOCAL_SLURM_DIR", "/tmp/skypilot-temporal-slurm"))


class QueueWatcher:
    """Polls `sky.queue` of the given clusters while a run goes on, keeping every job
    record seen: evidence from SkyPilot itself, gathered before teardown removes it."""

    def __init__(self, clusters: list[str]) -> None:
        self.clusters = clusters
        self.jobs: dict[str, dict[int, dict]] = {c: {} for c in clusters}
        self._task: asyncio.Task | None = None

    async def _poll(self) -> None:
        import sky

        while True:
            for cluster in self.clusters:
                try:
                    records = await asyncio.to_thread(lambda c=cluster: sky.get(sky.queue(c, all_users=True)))
                except Exception:  # noqa: BLE001 - not up yet, or already down
                    continue
                for r in records:
                    seen = self.jobs[cluster].setdefault(int(r["job_id"]), {"job_name": r["job_name"], "statuses": []})
                    status = str(getattr(r["status"], "value", r["status"]))
                    if not seen["statuses"] or seen["statuses"][-1] != status:
                        seen["statuses"].append(status)
                    seen["status"] = status
            await asyncio.sleep(1.0)

    def saw_only(self, cluster: str, expected: dict[int, str]) -> None:
        """What the queue showed of `cluster` are jobs of `expected` (job id -> a part of
        its name): a short job may start and end between two polls, but no other job
        may appear."""
        jobs = self.jobs[cluster]
        assert set(jobs) <= set(expected), (cluster, jobs)
        for job_id, record in jobs.items():
            assert expected[job_id] in record["job_name"], (cluster, job_id, record)

    def statuses_seen(self) -> set[str]:
        return {s for jobs in self.jobs.values() for r in jobs.values() for s in r["statuses"]}

    def start(self) -> QueueWatcher:
        self._task = asyncio.ensure_future(self._poll())
        return self

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def sky_clusters(prefix: str) -> list[str]:
    """Clusters SkyPilot knows with this prefix (refreshed from Slurm)."""
    import sky

    def status() -> list:
        return sky.get(sky.status(refresh=sky.StatusRefreshMode.FORCE, all_users=True))

    return sorted(r["name"] for r in await asyncio.to_thread(status) if r["name"].startswith(prefix))


async def requests_on(cluster: str) -> list[tuple[str, str]]:
    """(request name, status) of every API server request about a cluster: SkyPilot's
    own record of what was launched, cancelled and downed, kept after teardown."""
    import sky

    records = await asyncio.to_thread(sky.api_status, None, all_status=True, cluster_name=cluster)
    return [(r.name, str(r.status)) for r in records if r.cluster_name == cluster]


async def request_records(cluster: str) -> list[dict]:
    """Like requests_on, with times: name, status, created_at, finished_at (epoch s)."""
    import sky

    records = await asyncio.to_thread(sky.api_status, None, all_status=True, cluster_name=cluster)
    return [
        {"id": r.request_id, "name": r.name, "status": str(r.status).split(".")[-1],
         "created_at": r.created_at, "finished_at": r.finished_at}
        for r in records if r.cluster_name == cluster
    ]


def rig_pricing() -> dict[str, float]:
    """slurm.pricing of the API server's config, as tests/infra/slurm/up.sh wrote it."""
    import yaml

    return yaml.safe_load((SLURM_DIR / "sky-config.yaml").read_text())["slurm"]["pricing"]


async def rig_prices(clusters: list[str]) -> dict[str, float]:
    """What the rig's slurm.pricing makes each cluster cost, USD per hour: nodes ×
    (cpu × vCPUs + memory × GB) of one node as SkyPilot launched it. The resources come
    from SkyPilot's cost report, which keeps the clusters already downed; the price is
    the rig's arithmetic, not the server's."""
    import sky
    from sky.provision.slurm.utils import SlurmInstanceType

    rates = rig_pricing()
    records = await asyncio.to_thread(lambda: sky.get(sky.cost_report(days=1)))
    prices = {}
    for r in records:
        if r["name"] in clusters:
            node = SlurmInstanceType.from_instance_type(r["resources"].instance_type)
            prices[r["name"]] = r["num_nodes"] * (rates["cpu"] * node.cpus + rates["memory"] * node.memory)
    return prices
