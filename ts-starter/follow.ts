// Following a started run: about once a second, the lines the worker rendered since the last
// poll (the view query) and the running steps' latest output (live.ts); then how the run
// ended (outcome.ts). Quiet, only how it ended.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { oneLine } from './format';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { liveOutput } from './live';
import { finish } from './outcome';
import pb = skypilot_temporal.v1;

const pollEveryMs = 1000;
const queryTimeoutMs = 3000;

/** Asks the run's view since a cursor; undefined when no answer came (no worker yet, a timeout). */
export type AskView = (cursor: string) => Promise<pb.IRunView | undefined>;

/**
 * Prints each view answer's lines; the cursor tells the worker what was printed already. No
 * answer says, once, that there is no progress yet, except for the best-effort last poll after
 * the run ended. Quiet, nothing is asked.
 */
export function viewLines(ask: AskView, taskQueue: string, quiet: boolean) {
  let cursor = '';
  let waitingShown = false;
  const poll = async (last: boolean) => {
    if (quiet) return;
    const view = await ask(cursor);
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
    const ask: AskView = (cursor) => handle.client
      .withDeadline(Date.now() + queryTimeoutMs, () => handle.query<pb.RunView, [string]>(cli.viewQuery, cursor))
      .catch(() => undefined);
    const view = viewLines(ask, taskQueue, quiet);
    const live = quiet ? undefined : liveOutput(handle);
    const result = handle.result() as Promise<pb.SkyPilotWorkflowResult>;
    const ended = result.then(() => true, () => true);
    while (!(await Promise.race([ended, sleep(pollEveryMs, false, { ref: false })]))) {
      await view.poll();
      await live?.();
    }
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
