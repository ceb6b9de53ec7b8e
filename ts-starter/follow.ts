// Following a started run: its progress about once a second (and, unless quiet, the
// running steps' latest output: live.ts), then how it ended.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, WorkflowFailedError, WorkflowHandle } from '@temporalio/client';
import { progressQuery } from './contract';
import { oneLine } from './format';
import { LiveLines } from './live';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { finish } from './outcome';
import type { Output } from './output';
import { ProgressView } from './progress';
import pb = skypilot_temporal.v1;

const pollEveryMs = 1000;
const queryTimeoutMs = 3000;

/** Prints the run's progress and its running steps' latest output (unless quiet) until it ends, then how it ended; returns the exit status. */
export async function follow(
  client: Client,
  handle: WorkflowHandle,
  taskQueue: string,
  quiet: boolean,
  output: Output,
): Promise<number> {
  const interrupted = () => {
    output.err(cli.interrupted({ workflowId: handle.workflowId }));
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    const view = new ProgressView(output, taskQueue, quiet);
    const live = quiet ? undefined : new LiveLines(client, handle, output);
    let last: pb.SkyPilotWorkflowProgress | undefined;
    const result = handle.result() as Promise<pb.SkyPilotWorkflowResult>;
    const settled = result.then(() => true, () => true);
    while (!(await Promise.race([settled, sleep(pollEveryMs, false, { ref: false })]))) {
      const p = await queryProgress(client, handle);
      if (p) {
        view.show(p);
        last = p;
      } else view.unavailable();
      if (live) await live.show(last);
    }
    let value: pb.SkyPilotWorkflowResult | undefined;
    let failure: Error | undefined;
    try {
      value = await result;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) {
        output.err(cli.waitFailed({ detail: oneLine((err as Error).message) }));
        return 1;
      }
      failure = err.cause ?? err;
    }
    if (view.wantsLastAnswer(failure !== undefined)) {
      const p = await queryProgress(client, handle);
      if (p) view.settle(p);
    }
    return finish(output, view, value, failure);
  } finally {
    process.removeListener('SIGINT', interrupted);
  }
}

async function queryProgress(client: Client, handle: WorkflowHandle): Promise<pb.SkyPilotWorkflowProgress | undefined> {
  try {
    return await client.withDeadline(Date.now() + queryTimeoutMs, () => handle.query<pb.SkyPilotWorkflowProgress>(progressQuery));
  } catch {
    return undefined;
  }
}
