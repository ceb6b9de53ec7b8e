"""Where a run's activities go once it is cloned.

A SkyPilot cluster is reachable from any worker, through the API server. A cluster of
the local executor is a directory of its worker's work dir: only the workers that
share that directory (on one host, or on a shared file system) can run a job on it or
down it. Workers on several hosts may serve one task queue, so a run on the local
executor sends every activity after its clone to a task queue of that work dir, which
every worker sharing the directory polls besides the run's own queue: the launch, the
exec on its cluster and the down all meet the cluster, whichever of those workers is
alive. Its name is the run's queue and the work dir's id, which the first worker to
use the directory makes.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ID_FILE = "queue-id"


def work_dir_queue(task_queue: str, root: Path) -> str:
    """`task_queue@<id of root>`; the id is made once, atomically, and kept in root."""
    return f"{task_queue}@{_work_dir_id(root)}"


def _work_dir_id(root: Path) -> str:
    path = root / ID_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    root.mkdir(parents=True, exist_ok=True)
    made = secrets.token_hex(6)
    tmp = root / f"{ID_FILE}.{os.getpid()}.{made}.tmp"
    tmp.write_text(made + "\n")
    try:
        # A link never replaces: of workers starting together, the first one's id wins,
        # and no worker ever reads a half-written file.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()
