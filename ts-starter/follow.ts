// Following a started run: about once a second, the lines the worker rendered since the last
// poll (the view query, given the running steps' heartbeats: live.ts); then how the run
// ended (outcome.ts). Quiet, only how it ended.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { oneLine } from './format';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { readHeartbeats } from './live';
import { finish } from './outcome';
import pb = skypilot_temporal.v1;

const pollEveryMs = 1000;
const queryTimeoutMs = 3000;

/**
 * Polls the run's view: prints each answer's lines and keeps its cursor, which tells the worker
 * what was printed already. No answer says, once, that there is no progress yet, except for the
 * last poll after the run ended, which sends no heartbeats. Quiet, nothing is read or asked.
 */
export function viewLines(handle: WorkflowHandle, taskQueue: string, quiet: boolean) {
  let cursor = '';
  let waitingShown = false;
  const poll = async (last: boolean) => {
    if (quiet) return;
    // A generated message, so that the payload converter sends it as json/protobuf.
    const request = pb.RunViewRequest.create({ cursor, heartbeats: last ? [] : await readHeartbeats(handle) });
    const view = await handle.client
      .withDeadline(Date.now() + queryTimeoutMs, () => handle.query<pb.RunView, [pb.RunViewRequest]>(cli.viewQuery, request))
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

/** Follows the run until it ends; returns the exit status. */
export async function follow(handle: WorkflowHandle, taskQueue: string, quiet: boolean): Promise<number> {
  const interrupted = () => {
    console.error(cli.interrupted({ workflowId: handle.workflowId }));
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    const view = viewLines(handle, taskQueue, quiet);
    const result = handle.result() as Promise<pb.SkyPilotWorkflowResult>;
    const ended = result.then(() => true, () => true);
    while (!(await Promise.race([ended, sleep(pollEveryMs, false, { ref: false })]))) await view.poll();
    let value: pb.SkyPilotWorkflowResult | undefined;
    let failure: Error | undefined;
    try {
      value = await result;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) {
        console.error(cli.waitFailed({ detail: oneLine((err as Error).message) }));
        return 1;
      }
      failure = err.cause ?? err;
    }
    await view.last();
    return finish(value, failure);
  } finally {
    process.removeListener('SIGINT', interrupted);
  }
}
