// How the run ended: the result as the worker rendered it, or the failure and the clusters
// teardown left up.
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import type { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';

/** Prints the result's lines (stdout, exit status 0) or the failure (stderr, 1); returns the exit status. */
export function finish(result: skypilot_temporal.v1.ISkyPilotWorkflowResult | undefined, failure: Error | undefined): number {
  if (!failure) {
    for (const line of result?.lines ?? []) console.log(line);
    return 0;
  }
  if (failure instanceof CancelledFailure) console.error(cli.workflowCancelled());
  else if (failure instanceof TerminatedFailure) console.error(cli.workflowTerminated());
  else if (failure instanceof TimeoutFailure) console.error(cli.workflowTimedOut());
  else console.error(cli.workflowFailed({ message: failure.message }));
  let inner: Error = failure;
  while (inner.cause instanceof Error) inner = inner.cause;
  if (inner !== failure) console.error(cli.failureCause({ message: inner.message }));
  const left = clustersStillUp(failure);
  if (left.length > 0) console.error(cli.clustersLeft({ clusters: left.join(', ') }));
  return 1;
}

/** The clusters an operator must down: a TeardownFailed error's first detail lists them. */
function clustersStillUp(failure: Error): string[] {
  if (!(failure instanceof ApplicationFailure) || failure.type !== cli.teardownFailed) return [];
  const names: unknown = failure.details?.[0];
  return Array.isArray(names) && names.every((name) => typeof name === 'string') ? names : [];
}
