// How the run ended: its result, or its failure and the clusters teardown left up.
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { teardownFailed } from './contract';
import { metricsText, orDash, seconds, stepLabel } from './format';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import type { Output } from './output';
import type { ProgressView } from './progress';
import pb = skypilot_temporal.v1;

/**
 * Prints the result (stdout, exit status 0) or the failure (stderr, 1); then, on
 * stderr, any clusters teardown left up. Returns the exit status.
 */
export function finish(
  output: Output,
  view: ProgressView,
  result: pb.SkyPilotWorkflowResult | undefined,
  failure: Error | undefined,
): number {
  if (failure) printFailure(output, failure);
  else if (result) printResult(output, result);
  const left = clustersStillUp(view, failure);
  if (left.length > 0) output.err(cli.clustersLeft({ clusters: left.join(', ') }));
  return failure ? 1 : 0;
}

/** Each step's result (a swept step's, branch by branch, with the branch), its metrics and log tail; a select step's winner. */
export function printResult(output: Output, r: pb.SkyPilotWorkflowResult): void {
  output.out(cli.resultHeader({ steps: String(r.steps.length), commit: orDash(r.commit) }));
  // Nested messages arrive as plain objects, without the fields left at their default.
  for (const s of r.steps.map((step) => pb.StepResult.create(step))) {
    output.out(resultLine(s));
    const tail = s.logTail.replace(/\n+$/, '');
    if (tail) for (const line of tail.split('\n')) output.out(cli.logLine({ line }));
  }
  if (r.clustersDowned.length > 0) output.out(cli.clustersDowned({ clusters: r.clustersDowned.join(', ') }));
}

function resultLine(s: pb.StepResult): string {
  const metrics = metricsText(s.metrics);
  if (s.kind === pb.StepKind.STEP_KIND_SELECT) {
    return cli.resultSelect({ step: s.name, branch: orDash(s.branch), cluster: orDash(s.clusterName), metrics });
  }
  return cli.resultStep({
    step: stepLabel(s.name, s.branch),
    cluster: orDash(s.clusterName),
    jobId: String(s.jobId),
    status: orDash(s.status),
    duration: seconds(s.durationSeconds),
    idle: s.idleClusterSeconds ? cli.resultIdle({ seconds: seconds(s.idleClusterSeconds) }) : '',
    metrics,
  });
}

/** Prints the run's failure and, when it has causes, the innermost cause's message. */
export function printFailure(output: Output, failure: Error): void {
  if (failure instanceof CancelledFailure) output.err(cli.workflowCancelled());
  else if (failure instanceof TerminatedFailure) output.err(cli.workflowTerminated());
  else if (failure instanceof TimeoutFailure) output.err(cli.workflowTimedOut());
  else output.err(cli.workflowFailed({ message: failure.message }));
  let inner: Error = failure;
  while (inner.cause instanceof Error) inner = inner.cause;
  if (inner !== failure) output.err(cli.failureCause({ message: inner.message }));
}

/**
 * The clusters an operator must down: those the progress listed as left, else
 * those of the run a TeardownFailed message names.
 */
export function clustersStillUp(view: ProgressView, failure: Error | undefined): string[] {
  if (view.clustersLeft.length > 0) return view.clustersLeft;
  if (!(failure instanceof ApplicationFailure) || failure.type !== teardownFailed) return [];
  const words = new Set(failure.message.match(clusterWord) ?? []);
  return view.clusters.filter((c) => words.has(c));
}

/** A word that may be a SkyPilot cluster name (a full stop ending the sentence is not part of it). */
const clusterWord = /[A-Za-z0-9_.-]*[A-Za-z0-9_-]/g;
