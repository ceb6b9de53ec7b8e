// A running step's latest output while following: read from its activity's heartbeat
// details (DescribeWorkflowExecution, pending activities; a sweep's branches are child
// workflows, described too), only the lines not printed yet, bounded, plain text.
// The worker masks secret values and bounds the lines before they leave it; this file
// bounds them again, as the table says (live_output), whatever the details hold.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { stepLabel } from './format';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import type { Output } from './output';
import pb = skypilot_temporal.v1;

const describeTimeoutMs = 3000;

type Description = Awaited<ReturnType<WorkflowHandle['describe']>>['raw'];

/** A line as a starter prints it: no control characters, at most liveLineCharsMax characters (code points), a longer one cut to end in `...`. */
export function bounded(line: string): string {
  const chars = Array.from(line.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, ''));
  return chars.length <= cli.liveLineCharsMax ? chars.join('') : chars.slice(0, cli.liveLineCharsMax - 3).join('') + '...';
}

/** A sweep branch's label by step and cluster, from a progress answer: a branch's lines are `train [1 (LR=3e-4)] | ...`, as its state lines name it. */
export function branchLabels(progress: pb.ISkyPilotWorkflowProgress | undefined): Map<string, string> {
  const labels = new Map<string, string>();
  for (const s of progress?.steps ?? []) {
    if (s.branch) labels.set(JSON.stringify([s.name ?? '', s.clusterName ?? '']), stepLabel(s.name ?? '', s.branch));
  }
  return labels;
}

/** The lines to print for one heartbeat's output entry, given what was printed before (`seen`: how many lines of each step attempt, updated) and the labels of sweep branches (branchLabels). */
export function newLines(output: unknown, seen: Map<string, number>, labels: Map<string, string> = new Map()): string[] {
  if (typeof output !== 'object' || output === null) return [];
  const { step, cluster, attempt, count, lines } = output as Record<string, unknown>;
  if (typeof step !== 'string' || !Array.isArray(lines) || !Number.isInteger(count)) return [];
  const key = JSON.stringify([step, cluster ?? null, attempt ?? null]);
  const fresh = (count as number) - (seen.get(key) ?? 0);
  if (fresh <= 0) return [];
  seen.set(key, count as number);
  const n = Math.min(fresh, lines.length, cli.liveLinesMax);
  const label = bounded((typeof cluster === 'string' && labels.get(JSON.stringify([step, cluster]))) || step);
  const printed = fresh > n ? [cli.liveSkipped({ step: label, count: String(fresh - n) })] : [];
  for (const line of lines.slice(lines.length - n)) {
    printed.push(cli.liveLine({ step: label, line: bounded(typeof line === 'string' ? line : JSON.stringify(line)) }));
  }
  return printed;
}

/** The lines one poll prints: those of the first liveStepsMax output entries, labelled by the last progress answer. */
export function pollLines(outputs: unknown[], seen: Map<string, number>, progress?: pb.ISkyPilotWorkflowProgress): string[] {
  const labels = branchLabels(progress);
  return outputs.slice(0, cli.liveStepsMax).flatMap((output) => newLines(output, seen, labels));
}

/** The output entries of a description's pending activities. */
function outputs(description: Description): unknown[] {
  const found: unknown[] = [];
  for (const act of description.pendingActivities ?? []) {
    const payload = act.heartbeatDetails?.payloads?.[0];
    const encoding = payload?.metadata?.encoding;
    if (!payload?.data || !encoding || Buffer.from(encoding).toString() !== 'json/plain') continue;
    try {
      const details = JSON.parse(Buffer.from(payload.data).toString('utf8'));
      if (typeof details === 'object' && details !== null && cli.liveOutputKey in details) {
        found.push(details[cli.liveOutputKey]);
      }
    } catch {
      continue;
    }
  }
  return found;
}

/** Prints, per poll, the new lines of at most liveStepsMax running steps. */
export class LiveLines {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly client: Client,
    private readonly handle: WorkflowHandle,
    private readonly output: Output,
  ) {}

  /** One poll; `progress` is the last progress answer (undefined: none yet). */
  async show(progress: pb.ISkyPilotWorkflowProgress | undefined): Promise<void> {
    let found: unknown[];
    try {
      found = await this.read();
    } catch {
      return; // no description this time: the next poll tries again
    }
    for (const line of pollLines(found, this.seen, progress)) this.output.out(line);
  }

  private async read(): Promise<unknown[]> {
    const desc = await this.describe(this.handle);
    const found = outputs(desc);
    for (const child of (desc.pendingChildren ?? []).slice(0, cli.liveStepsMax)) {
      if (found.length >= cli.liveStepsMax) break;
      const branch = this.client.workflow.getHandle(child.workflowId ?? '', child.runId || undefined);
      found.push(...outputs(await this.describe(branch)));
    }
    return found;
  }

  private async describe(handle: WorkflowHandle): Promise<Description> {
    return (await this.client.withDeadline(Date.now() + describeTimeoutMs, () => handle.describe())).raw;
  }
}
