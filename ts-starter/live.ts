// The running steps' heartbeats while following: the run's pending activities, then those of
// a sweep's running branches (child workflows). The worker renders their output from them.
import type { WorkflowHandle } from '@temporalio/client';
import * as cli from './generated/starter-cli';

const describeTimeoutMs = 3000;

type Description = Awaited<ReturnType<WorkflowHandle['describe']>>['raw'];

/**
 * The heartbeat details of the run's pending activities, then of those of at most liveStepsMax
 * of its pending children, in the order described; none when a describe fails.
 */
export async function readHeartbeats(handle: WorkflowHandle): Promise<string[]> {
  const describe = async (run: WorkflowHandle): Promise<Description> =>
    (await run.client.withDeadline(Date.now() + describeTimeoutMs, () => run.describe())).raw;
  try {
    const run = await describe(handle);
    const children = (run.pendingChildren ?? []).slice(0, cli.liveStepsMax)
      .map((child) => describe(handle.client.getHandle(child.workflowId ?? '', child.runId || undefined)));
    return [run, ...(await Promise.all(children))].flatMap(heartbeatsOf);
  } catch {
    return []; // the next poll tries again
  }
}

/** Each pending activity's heartbeat details as text, if they are json/plain. */
function heartbeatsOf(description: Description): string[] {
  return (description.pendingActivities ?? []).flatMap((activity) => {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    const plain = Buffer.from(payload?.metadata?.encoding ?? []).toString() === 'json/plain';
    return plain && payload?.data ? [Buffer.from(payload.data).toString('utf8')] : [];
  });
}
