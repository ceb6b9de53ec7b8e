"""What the run's progress answers say, each thing printed once."""

from __future__ import annotations

from skypilot_temporal.starter.format import or_dash, quote
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli


class ProgressView:
    """Prints a line per change of progress and the run's cluster names when first
    known; keeps the clusters teardown left up for the end (see outcome.py)."""

    def __init__(self, task_queue: str) -> None:
        self._task_queue = task_queue
        self._last_line = ""
        self._waiting_shown = False
        self._clusters_shown = False
        self.clusters: list[str] = []  # every cluster the run may launch
        self.clusters_left: list[str] = []  # teardown gave up on these: still up

    def show(self, p: pb.SkyPilotWorkflowProgress) -> None:
        """Takes one answer of the progress query."""
        line = progress_line(p)
        if line != self._last_line:
            print(line, flush=True)
            self._last_line = line
        self._note(p)

    def unavailable(self) -> None:
        """Takes a progress query that got no answer."""
        if not self._waiting_shown:
            print(cli.progress_unavailable(task_queue=quote(self._task_queue)), flush=True)
            self._waiting_shown = True

    def wants_last_answer(self, failed: bool) -> bool:
        """Whether to ask once more after the run ended: a failed run may have left
        clusters up, and a short run may have ended before any answer listed its clusters."""
        return failed or not self._clusters_shown

    def settle(self, p: pb.SkyPilotWorkflowProgress) -> None:
        """Takes the answer asked for after the run ended; the outcome, not a
        progress line, says how it ended."""
        self._note(p)

    def _note(self, p: pb.SkyPilotWorkflowProgress) -> None:
        if p.clusters:
            self.clusters = list(p.clusters)
            if not self._clusters_shown:
                print(cli.clusters(clusters=", ".join(p.clusters)), flush=True)
                self._clusters_shown = True
        if p.clusters_left:
            self.clusters_left = list(p.clusters_left)


def progress_line(p: pb.SkyPilotWorkflowProgress) -> str:
    line = f"progress: phase={p.phase} step={or_dash(p.current_step)} finished={len(p.finished)}"
    if p.steps_total:
        line += f"/{p.steps_total}"
    return line + "".join(f" {s.name}:{s.status}" for s in p.finished)
