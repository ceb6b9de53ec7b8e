// What the run's progress answers say, each thing printed once.
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import type { Output } from './output';
import pb = skypilot_temporal.v1;

/**
 * Prints a line per change of progress and the run's cluster names when first
 * known; keeps the clusters teardown left up for the end (see outcome.ts).
 */
export class ProgressView {
  private lastLine = '';
  private waitingShown = false;
  private clustersShown = false;
  /** Every cluster the run may launch. */
  clusters: string[] = [];
  /** Teardown gave up on these: still up. */
  clustersLeft: string[] = [];

  constructor(
    private readonly output: Output,
    private readonly taskQueue: string,
  ) {}

  /** Takes one answer of the progress query. */
  show(p: pb.SkyPilotWorkflowProgress): void {
    const line = progressLine(p);
    if (line !== this.lastLine) this.output.out((this.lastLine = line));
    this.note(p);
  }

  /** Takes a progress query that got no answer. */
  unavailable(): void {
    if (this.waitingShown) return;
    this.output.out(cli.progressUnavailable({ taskQueue: JSON.stringify(this.taskQueue) }));
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
      if (!this.clustersShown) this.output.out(cli.clusters({ clusters: p.clusters.join(', ') }));
      this.clustersShown = true;
    }
    if (p.clustersLeft.length > 0) this.clustersLeft = [...p.clustersLeft];
  }
}

export function progressLine(p: pb.SkyPilotWorkflowProgress): string {
  let line = `progress: phase=${p.phase} step=${p.currentStep || '-'} finished=${p.finished.length}`;
  if (p.stepsTotal > 0) line += `/${p.stepsTotal}`;
  // Nested messages arrive as plain objects, without the fields left at their default.
  for (const s of p.finished.map((step) => pb.StepResult.create(step))) line += ` ${s.name}:${s.status}`;
  return line;
}
