// Following a started run: each second, the lines the worker rendered since the last poll; then how it ended.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { endTracing, reportOutcome } from './tracing';
import pb = skypilot_temporal.v1;

const pollEveryMs = 1000;
const callTimeoutMs = 3000; // a query's or a describe's

/** Follows the run until it ends; returns the exit status. Interrupted, leaves at once, the run's span sent. */
export async function follow(handle: WorkflowHandle, taskQueue: string, quiet: boolean): Promise<number> {
  const interrupted = () => {
    console.error(cli.interrupted({ workflowId: handle.workflowId }));
    reportOutcome(cli.outcomeDetached);
    void endTracing().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  try {
    const view = viewLines(handle, taskQueue, quiet);
    const result = handle.result() as Promise<pb.SkyPilotWorkflowResult>;
    const ended = result.then(() => true, () => true);
    while (!(await Promise.race([ended, sleep(pollEveryMs, false, { ref: false })]))) await view.poll();
    const failed = await result.then(() => undefined, (err: Error) => err);
    if (failed && !(failed instanceof WorkflowFailedError)) {
      reportOutcome(cli.outcomeDetached, cli.waitFailed({ detail: cli.oneLine(failed.message) }));
      return 1;
    }
    await view.last();
    return failed ? finish(undefined, failed.cause ?? failed) : finish(await result, undefined);
  } finally {
    process.removeListener('SIGINT', interrupted);
  }
}

/**
 * Polls the run's view: prints each answer's lines and keeps its cursor, which tells the worker what was printed
 * already. No answer says once that there is no progress yet (not after the run ended). Quiet, nothing is asked.
 */
export function viewLines(handle: WorkflowHandle, taskQueue: string, quiet: boolean) {
  let cursor = '';
  let waitingShown = false;
  const poll = async (last: boolean) => {
    if (quiet) return;
    // A generated message, so that the payload converter sends it as json/protobuf; `starter`: a gate's wait line shows our commands.
    const request = pb.RunViewRequest.create({ cursor, heartbeats: last ? [] : await readHeartbeats(handle), starter: 'ts' });
    const view = await handle.client
      .withDeadline(Date.now() + callTimeoutMs, () => handle.query<pb.RunView, [pb.RunViewRequest]>(cli.viewQuery, request))
      .catch(() => undefined);
    if (view) {
      for (const line of view.lines ?? []) console.log(line);
      cursor = view.cursor ?? '';
    } else if (!last && !waitingShown) {
      console.log(cli.progressUnavailable({ taskQueue: JSON.stringify(taskQueue) }));
      waitingShown = true;
    }
  };
  return { poll: () => poll(false), last: () => poll(true) };
}

/**
 * What the worker renders the running steps' output from: the json/plain heartbeat details of the run's pending
 * activities, then of those of at most liveStepsMax of its pending children (a sweep's running branches).
 */
async function readHeartbeats(handle: WorkflowHandle): Promise<string[]> {
  const describe = async (run: WorkflowHandle) =>
    (await run.client.withDeadline(Date.now() + callTimeoutMs, () => run.describe())).raw;
  try {
    const run = await describe(handle);
    const children = (run.pendingChildren ?? []).slice(0, cli.liveStepsMax)
      .map((child) => describe(handle.client.getHandle(child.workflowId ?? '', child.runId || undefined)));
    const activities = [run, ...(await Promise.all(children))].flatMap((described) => described.pendingActivities ?? []);
    return activities.flatMap((activity) => {
      const payload = activity.heartbeatDetails?.payloads?.[0];
      const plain = Buffer.from(payload?.metadata?.encoding ?? []).toString() === 'json/plain';
      return plain && payload?.data ? [Buffer.from(payload.data).toString('utf8')] : [];
    });
  } catch {
    return []; // the next poll tries again
  }
}

/** Prints the result's lines (exit status 0) or the failure and the clusters teardown left up (1); traces the same. */
export function finish(result: pb.ISkyPilotWorkflowResult | undefined, failure: Error | undefined): number {
  if (!failure) {
    for (const line of result?.lines ?? []) console.log(line);
    reportOutcome(cli.outcomeCompleted);
    return 0;
  }
  const [outcome, said] =
    failure instanceof CancelledFailure ? [cli.outcomeCancelled, cli.workflowCancelled()]
    : failure instanceof TerminatedFailure ? [cli.outcomeTerminated, cli.workflowTerminated()]
    : failure instanceof TimeoutFailure ? [cli.outcomeTimedOut, cli.workflowTimedOut()]
    : [cli.outcomeFailed, cli.workflowFailed({ message: failure.message })];
  reportOutcome(outcome, said, failure instanceof ApplicationFailure ? failure.type ?? '' : '');
  let inner: Error = failure;
  while (inner.cause instanceof Error) inner = inner.cause;
  if (inner !== failure) console.error(cli.failureCause({ message: inner.message }));
  // A TeardownFailed error's first detail lists the clusters an operator must down.
  const left: unknown = failure instanceof ApplicationFailure && failure.type === cli.teardownFailed ? failure.details?.[0] : [];
  if (Array.isArray(left) && left.length > 0 && left.every((name) => typeof name === 'string')) {
    console.error(cli.clustersLeft({ clusters: left.join(', ') }));
  }
  return 1;
}
