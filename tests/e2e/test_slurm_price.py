"""A cluster's hourly price on real SkyPilot and the local Slurm cluster: what the rig's
slurm.pricing (tests/infra/slurm/up.sh) gives for the resources SkyPilot launched."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
import yaml
from slurm_helpers import SLURM_DIR

from skypilot_temporal.executors.base import SUCCEEDED, Submission
from skypilot_temporal.executors.skypilot.executor import SkyPilotExecutor
from skypilot_temporal.tasks.build import parse_task

pytestmark = [pytest.mark.slurm, pytest.mark.slow]  # make e2e; test_slurm_repair.py checks the prices of a run


def rig_pricing() -> dict[str, float]:
    """slurm.pricing of the API server's config, as up.sh wrote it."""
    return yaml.safe_load((SLURM_DIR / "sky-config.yaml").read_text())["slurm"]["pricing"]


async def launched(cluster: str) -> tuple[float, float, int]:
    """vCPUs and GB of memory per node, and nodes, of the cluster as SkyPilot launched it."""
    import sky
    from sky.provision.slurm.utils import SlurmInstanceType

    [record] = await asyncio.to_thread(lambda: sky.get(sky.status([cluster], all_users=True)))
    handle = record["handle"]
    node = SlurmInstanceType.from_instance_type(handle.launched_resources.instance_type)
    return node.cpus, node.memory, handle.launched_nodes


async def test_a_clusters_hourly_price_is_the_rigs_price_for_its_resources(tmp_path: Path):
    executor = SkyPilotExecutor(threads=4)
    cluster = f"e2e-price-{uuid.uuid4().hex[:8]}"
    task = parse_task({"name": "price", "resources": {"infra": "slurm", "cpus": "1+"}, "run": "true"})
    # The autodown is a net for a test that dies before its own down.
    sub = Submission("launch", cluster, "price", task, tmp_path, autodown_minutes=10)
    try:
        job_id = await executor.submit(sub, lambda update, urgent=True: None, {}, lambda text: None)
        assert await executor.wait_job(cluster, job_id, lambda text: None, {}) == SUCCEEDED
        price = await executor.hourly_cost(cluster)
        cpus, memory, nodes = await launched(cluster)
    finally:
        await executor.down(cluster)
    rates = rig_pricing()
    expected = nodes * (rates["cpu"] * cpus + rates["memory"] * memory)
    print(f"\n{cluster}: {nodes} x {cpus:g} vCPU, {memory:g} GB -> {price} USD/hour (rig: {rates})")
    assert expected > 0
    assert price == pytest.approx(expected)
