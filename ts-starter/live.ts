// A running step's latest output while following, from its activity's heartbeat details (the
// run's pending activities, and those of a sweep's running branches: child workflows). The
// worker masks and bounds the lines; they are bounded again here, whatever the details hold,
// so that no control character reaches the terminal.
import type { WorkflowHandle } from '@temporalio/client';
import * as cli from './generated/starter-cli';

const describeTimeoutMs = 3000;

type Description = Awaited<ReturnType<WorkflowHandle['describe']>>['raw'];

/** One poll of the run's output: prints the new lines of at most liveStepsMax running steps. */
export function liveOutput(handle: WorkflowHandle): () => Promise<void> {
  const seen = new Map<string, number>();
  const describe = async (run: WorkflowHandle): Promise<Description> =>
    (await run.client.withDeadline(Date.now() + describeTimeoutMs, () => run.describe())).raw;
  return async () => {
    let entries: unknown[];
    try {
      const run = await describe(handle);
      entries = outputEntries(run);
      for (const child of (run.pendingChildren ?? []).slice(0, cli.liveStepsMax)) {
        if (entries.length >= cli.liveStepsMax) break;
        const branch = handle.client.getHandle(child.workflowId ?? '', child.runId || undefined);
        entries.push(...outputEntries(await describe(branch)));
      }
    } catch {
      return; // no description this time: the next poll tries again
    }
    for (const line of pollLines(entries, seen)) console.log(line);
  };
}

/** The lines one poll prints for the output entries it read; `seen` counts the lines printed of each step attempt. */
export function pollLines(entries: unknown[], seen: Map<string, number>): string[] {
  return entries.slice(0, cli.liveStepsMax).flatMap((entry) => newLines(entry, seen));
}

/** An entry's lines not printed yet; none for an entry not as the contract says. */
function newLines(entry: unknown, seen: Map<string, number>): string[] {
  if (typeof entry !== 'object' || entry === null) return [];
  const { step, label, cluster, attempt, count, lines } = entry as Record<string, unknown>;
  if (typeof step !== 'string' || !Array.isArray(lines) || !Number.isInteger(count)) return [];
  // A retried attempt, or a branch on its own cluster, counts its own lines.
  const key = JSON.stringify([step, cluster ?? null, attempt ?? null]);
  const fresh = (count as number) - (seen.get(key) ?? 0);
  if (fresh <= 0) return [];
  seen.set(key, count as number);
  const shown = Math.min(fresh, lines.length, cli.liveLinesMax);
  // The label names the step as the worker's state lines do (a sweep branch with its branch).
  const name = bounded(typeof label === 'string' && label ? label : step);
  const printed = fresh > shown ? [cli.liveSkipped({ step: name, count: String(fresh - shown) })] : [];
  for (const line of lines.slice(lines.length - shown)) {
    printed.push(cli.liveLine({ step: name, line: bounded(typeof line === 'string' ? line : JSON.stringify(line)) }));
  }
  return printed;
}

/** Without control characters (a tab stays), at most cli.liveLineCharsMax code points: a longer text is cut to end in `...`. */
function bounded(text: string): string {
  const chars = Array.from(text.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, ''));
  return chars.length <= cli.liveLineCharsMax ? chars.join('') : chars.slice(0, cli.liveLineCharsMax - 3).join('') + '...';
}

/** The output entries in a description's pending activities' json/plain heartbeat details. */
function outputEntries(description: Description): unknown[] {
  const found: unknown[] = [];
  for (const activity of description.pendingActivities ?? []) {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!payload?.data || Buffer.from(payload.metadata?.encoding ?? []).toString() !== 'json/plain') continue;
    try {
      const details = JSON.parse(Buffer.from(payload.data).toString('utf8'));
      if (typeof details === 'object' && details !== null && cli.liveOutputKey in details) found.push(details[cli.liveOutputKey]);
    } catch {
      continue; // not JSON: no output to show
    }
  }
  return found;
}
