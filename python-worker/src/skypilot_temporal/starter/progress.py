"""What the run's progress answers say, each thing printed once."""

from __future__ import annotations

from collections.abc import Sequence

from skypilot_temporal.contract.names import STATE_PENDING, STATE_RUNNING
from skypilot_temporal.starter.format import metrics_text, or_dash, quote, step_label
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.v1 import starter_cli as cli


class ProgressView:
    """Prints a line per change of progress, the run's cluster names when first
    known and a line per change of a step's (or a branch's) state; keeps the
    clusters teardown left up for the end (see outcome.py). Quiet, it prints nothing."""

    def __init__(self, task_queue: str, quiet: bool = False) -> None:
        self._task_queue = task_queue
        self._quiet = quiet
        self._last_line = ""
        self._waiting_shown = False
        self._clusters_shown = False
        self._steps = StepLines()
        self.clusters: list[str] = []  # every cluster the run may launch
        self.clusters_left: list[str] = []  # teardown gave up on these: still up

    def show(self, p: pb.SkyPilotWorkflowProgress) -> None:
        """Takes one answer of the progress query."""
        line = progress_line(p)
        if line != self._last_line:
            self._print(line)
            self._last_line = line
        self._note(p)
        for line in self._steps.changes(p.steps):
            self._print(line)

    def unavailable(self) -> None:
        """Takes a progress query that got no answer."""
        if not self._waiting_shown:
            self._print(cli.progress_unavailable(task_queue=quote(self._task_queue)))
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
                self._print(cli.clusters(clusters=", ".join(p.clusters)))
                self._clusters_shown = True
        if p.clusters_left:
            self.clusters_left = list(p.clusters_left)

    def _print(self, line: str) -> None:
        if not self._quiet:
            print(line, flush=True)


def progress_line(p: pb.SkyPilotWorkflowProgress) -> str:
    """Phase, running steps, how many finished. With sweeps, `finished` counts the
    entries of `steps` (steps, and branches of swept steps) that are neither pending
    nor running, of all entries; finished results are named only outside sweeps."""
    if any(s.branch for s in p.steps):
        done = sum(1 for s in p.steps if s.state not in (STATE_PENDING, STATE_RUNNING))
        finished = cli.progress_of_total(finished=str(done), total=str(len(p.steps)))
        named = [s for s in p.finished if not s.branch]
    else:
        finished = str(len(p.finished))
        if p.steps_total:
            finished = cli.progress_of_total(finished=finished, total=str(p.steps_total))
        named = list(p.finished)
    steps = "".join(cli.progress_step(name=s.name, status=s.status) for s in named)
    return cli.progress(phase=p.phase, step=or_dash(p.current_step), finished=finished, steps=steps)


class StepLines:
    """The lines that say how the steps' states changed from one answer to the next.

    A step has one entry in `steps`; a swept step one per branch. An entry gets a
    line when its state changes (not when first seen pending), with its metrics. A
    select's pick (an only entry, `winner`, with a branch and no cluster) gets one
    `winner` line. A step with more than BRANCH_LINES_MAX entries gets a summary line
    (how many branches are in each state) whenever those counts change.
    """

    def __init__(self) -> None:
        self._states: dict[str, str] = {}  # by step label
        self._winners: dict[str, str] = {}  # by step name
        self._summaries: dict[str, str] = {}  # by step name

    def changes(self, steps: Sequence[pb.StepProgress]) -> list[str]:
        groups: dict[str, list[pb.StepProgress]] = {}
        for s in steps:
            groups.setdefault(s.name, []).append(s)
        lines: list[str] = []
        for name, entries in groups.items():
            if len(entries) == 1 and is_pick(entries[0]):
                pick = entries[0]
                if self._winners.get(name) != pick.branch:
                    self._winners[name] = pick.branch
                    lines.append(cli.step_winner(step=name, branch=pick.branch, metrics=metrics_text(pick.metrics)))
            elif len(entries) > cli.BRANCH_LINES_MAX:
                counts = summary(entries)
                before = self._summaries.get(name)
                self._summaries[name] = counts
                if counts != before and (before is not None or any(s.state != STATE_PENDING for s in entries)):
                    lines.append(cli.step_summary(step=name, counts=counts))
            else:
                for s in entries:
                    label = step_label(s.name, s.branch)
                    before = self._states.get(label)
                    self._states[label] = s.state
                    if s.state != before and (before is not None or s.state != STATE_PENDING):
                        lines.append(cli.step_state(step=label, state=s.state, metrics=metrics_text(s.metrics)))
        return lines


def is_pick(s: pb.StepProgress) -> bool:
    """Whether the entry is a select step's pick: the winner's label, on a step with no cluster."""
    return s.winner and bool(s.branch) and not s.cluster_name


def summary(entries: Sequence[pb.StepProgress]) -> str:
    """`3 running, 12 succeeded, ...`: branches per state, in STATE_SUMMARY_ORDER, then
    any other state in the order it first appears."""
    counts: dict[str, int] = {}
    for s in entries:
        counts[s.state] = counts.get(s.state, 0) + 1
    order = [st for st in cli.STATE_SUMMARY_ORDER if st in counts]
    order += [st for st in counts if st not in cli.STATE_SUMMARY_ORDER]
    return ", ".join(cli.state_count(count=str(counts[st]), state=st) for st in order)
