// What the run's progress answers say, each thing printed once.
import { statePending, stateRunning } from './contract';
import { metricsText, orDash, stepLabel } from './format';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import type { Output } from './output';
import pb = skypilot_temporal.v1;

/**
 * Prints a line per change of progress, the run's cluster names when first known
 * and a line per change of a step's (or a branch's) state; keeps the clusters
 * teardown left up for the end (see outcome.ts). Quiet, it prints nothing.
 */
export class ProgressView {
  private lastLine = '';
  private waitingShown = false;
  private clustersShown = false;
  private readonly steps = new StepLines();
  /** Every cluster the run may launch. */
  clusters: string[] = [];
  /** Teardown gave up on these: still up. */
  clustersLeft: string[] = [];

  constructor(
    private readonly output: Output,
    private readonly taskQueue: string,
    private readonly quiet = false,
  ) {}

  /** Takes one answer of the progress query. */
  show(p: pb.SkyPilotWorkflowProgress): void {
    const line = progressLine(p);
    if (line !== this.lastLine) this.print((this.lastLine = line));
    this.note(p);
    for (const change of this.steps.changes(entries(p))) this.print(change);
  }

  /** Takes a progress query that got no answer. */
  unavailable(): void {
    if (this.waitingShown) return;
    this.print(cli.progressUnavailable({ taskQueue: JSON.stringify(this.taskQueue) }));
    this.waitingShown = true;
  }

  /**
   * Whether to ask once more after the run ended: a failed run may have left
   * clusters up, and a short run may have ended before any answer listed its clusters.
   */
  wantsLastAnswer(failed: boolean): boolean {
    return failed || !this.clustersShown;
  }

  /** Takes the answer asked for after the run ended; the outcome, not a progress line, says how it ended. */
  settle(p: pb.SkyPilotWorkflowProgress): void {
    this.note(p);
  }

  private note(p: pb.SkyPilotWorkflowProgress): void {
    if (p.clusters.length > 0) {
      this.clusters = [...p.clusters];
      if (!this.clustersShown) this.print(cli.clusters({ clusters: p.clusters.join(', ') }));
      this.clustersShown = true;
    }
    if (p.clustersLeft.length > 0) this.clustersLeft = [...p.clustersLeft];
  }

  private print(line: string): void {
    if (!this.quiet) this.output.out(line);
  }
}

// Nested messages arrive as plain objects, without the fields left at their default.
const entries = (p: pb.SkyPilotWorkflowProgress) => (p.steps ?? []).map((s) => pb.StepProgress.create(s));
const finishedResults = (p: pb.SkyPilotWorkflowProgress) => (p.finished ?? []).map((s) => pb.StepResult.create(s));

/**
 * Phase, running steps, how many finished. With sweeps, `finished` counts the
 * entries of `steps` (steps, and branches of swept steps) that are neither pending
 * nor running, of all entries; finished results are named only outside sweeps.
 */
export function progressLine(p: pb.SkyPilotWorkflowProgress): string {
  const steps = entries(p);
  let named = finishedResults(p);
  let finished: string;
  if (steps.some((s) => s.branch)) {
    const done = steps.filter((s) => s.state !== statePending && s.state !== stateRunning).length;
    finished = cli.progressOfTotal({ finished: String(done), total: String(steps.length) });
    named = named.filter((s) => !s.branch);
  } else {
    finished = String(named.length);
    if (p.stepsTotal > 0) finished = cli.progressOfTotal({ finished, total: String(p.stepsTotal) });
  }
  return cli.progress({
    phase: p.phase,
    step: orDash(p.currentStep),
    finished,
    steps: named.map((s) => cli.progressStep({ name: s.name, status: s.status })).join(''),
  });
}

/**
 * The lines that say how the steps' states changed from one answer to the next.
 *
 * A step has one entry in `steps`; a swept step one per branch. An entry gets a
 * line when its state changes (not when first seen pending), with its metrics. A
 * select's pick (an only entry, `winner`, with a branch and no cluster) gets one
 * `winner` line. A step with more than branchLinesMax entries gets a summary line
 * (how many branches are in each state) whenever those counts change.
 */
export class StepLines {
  private readonly states = new Map<string, string>(); // by step label
  private readonly winners = new Map<string, string>(); // by step name
  private readonly summaries = new Map<string, string>(); // by step name

  changes(steps: pb.StepProgress[]): string[] {
    const groups = new Map<string, pb.StepProgress[]>();
    for (const s of steps) groups.set(s.name, [...(groups.get(s.name) ?? []), s]);
    const lines: string[] = [];
    for (const [name, group] of groups) {
      if (group.length === 1 && isPick(group[0])) {
        const pick = group[0];
        if (this.winners.get(name) !== pick.branch) {
          this.winners.set(name, pick.branch);
          lines.push(cli.stepWinner({ step: name, branch: pick.branch, metrics: metricsText(pick.metrics) }));
        }
      } else if (group.length > cli.branchLinesMax) {
        const counts = summary(group);
        const before = this.summaries.get(name);
        this.summaries.set(name, counts);
        if (counts !== before && (before !== undefined || group.some((s) => s.state !== statePending))) {
          lines.push(cli.stepSummary({ step: name, counts }));
        }
      } else {
        for (const s of group) {
          const label = stepLabel(s.name, s.branch);
          const before = this.states.get(label);
          this.states.set(label, s.state);
          if (s.state !== before && (before !== undefined || s.state !== statePending)) {
            lines.push(cli.stepState({ step: label, state: s.state, metrics: metricsText(s.metrics) }));
          }
        }
      }
    }
    return lines;
  }
}

/** Whether the entry is a select step's pick: the winner's label, on a step with no cluster. */
function isPick(s: pb.StepProgress): boolean {
  return s.winner && Boolean(s.branch) && !s.clusterName;
}

/**
 * `3 running, 12 succeeded, ...`: branches per state, in stateSummaryOrder, then
 * any other state in the order it first appears.
 */
function summary(group: pb.StepProgress[]): string {
  const counts = new Map<string, number>();
  for (const s of group) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const order = [
    ...cli.stateSummaryOrder.filter((state) => counts.has(state)),
    ...[...counts.keys()].filter((state) => !cli.stateSummaryOrder.includes(state)),
  ];
  return order.map((state) => cli.stateCount({ count: String(counts.get(state)), state })).join(', ');
}
