// The schedule subcommands: the pipeline run on a calendar by a Temporal Schedule, and the schedules shown and steered.
// What they print reads the same from every starter: the spec comes from the schedule's memo, times are UTC seconds.
import {
  type Backfill, type Client, type ScheduleDescription, type ScheduleOptions,
  ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy,
} from '@temporalio/client';
import { ConfigError, connect, failureDetail } from './client';
import { type Given, parseFlags, reportUsageError, startOptions, UsageError } from './flags';
import * as cli from './generated/starter-cli';

const { scheduleCreate, scheduleList, scheduleDescribe, schedulePause, scheduleUnpause, scheduleTrigger, scheduleBackfill } =
  cli.subcommands;
const { cron, every, overlap, note, from, to } = cli.subcommandFlags;
const overlapNames = cli.scheduleOverlapNames.split(', ');
const everyPattern = new RegExp(`^[1-9][0-9]*[${cli.scheduleEveryUnits}]$`);
const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
// RFC 3339 with its zone; the offset's hours and minutes checked here, the date and time by reading them back.
const rfc3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** Runs the schedule subcommand `sub`; `args` follow its name. Returns the exit status. */
export async function schedule(sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let asked;
  try {
    asked = parseSchedule(sub, args, env);
  } catch (err) {
    return reportUsageError(err);
  }
  if (!asked) {
    console.log(sub.helpText.trimEnd());
    return 0;
  }
  let client;
  try {
    client = await connect(env);
  } catch (err) {
    console.error((err as Error).message);
    return err instanceof ConfigError ? 2 : 1;
  }
  try {
    for (const line of await act(client, sub, asked)) console.log(line);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError(err);
    console.error(err instanceof ScheduleNotFoundError
      ? cli.scheduleNotFound({ id: asked.id }) : cli.scheduleFailed({ detail: failureDetail(err) }));
    return 1;
  } finally {
    await client.connection.close();
  }
}

/** What the command line asks of the schedule; undefined for --help. Bad input throws a UsageError. */
export function parseSchedule(sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv) {
  const { given, positionals } = parseFlags(args, sub.flags);
  if (given[cli.flags.help.name]) return undefined;
  const [id, extra] = sub.arg ? positionals : ['', ...positionals];
  if (sub.arg && !id) throw new UsageError(cli.idMissing());
  if (extra !== undefined) throw new UsageError(cli.unexpectedArgument({ value: JSON.stringify(extra) }));
  return {
    id,
    note: last(given, note),
    create: sub === scheduleCreate ? createOptions(id, given, env) : undefined,
    backfill: sub === scheduleBackfill ? backfillRange(given) : undefined,
  };
}

/** The schedule create asks for, its spec as printed kept in its memo. */
function createOptions(id: string, given: Given, env: NodeJS.ProcessEnv): ScheduleOptions {
  const [expr, interval] = [last(given, cron), last(given, every)];
  if (!expr && !interval) throw new UsageError(cli.specMissing());
  if (expr && interval) throw new UsageError(cli.specBoth());
  const seconds = everyPattern.test(interval) ? BigInt(interval.slice(0, -1)) * BigInt(unitSeconds[interval.slice(-1)]) : 0n;
  // At most what Go's time.Duration holds (int64 nanoseconds): every starter takes the same intervals.
  if (interval && !(seconds > 0n && seconds * 1_000_000_000n <= 2n ** 63n - 1n)) {
    throw new UsageError(cli.everyInvalid({ value: JSON.stringify(interval) }));
  }
  const policy = last(given, overlap) || cli.scheduleDefaultOverlap;
  if (!overlapNames.includes(policy)) throw new UsageError(cli.overlapInvalid({ value: JSON.stringify(policy) }));
  const { input, taskQueue } = startOptions(given, env);
  return {
    scheduleId: id,
    spec: expr ? { cronExpressions: [expr] } : { intervals: [{ every: Number(seconds) * 1000 }] },
    // Temporal names each run ID-<scheduled time>: runs never share a workflow id, nor the clusters named after it.
    action: { type: 'startWorkflow', workflowType: cli.workflowType, args: [input], taskQueue, workflowId: id },
    policies: { overlap: policy.toUpperCase() as ScheduleOverlapPolicy },
    memo: { [cli.scheduleSpecMemo]: expr ? cli.specCron({ expr }) : cli.specEvery({ duration: interval }) },
  };
}

/** The backfill's range; its runs go one after another. */
function backfillRange(given: Given): Backfill {
  const start = parseTime(from, last(given, from));
  const end = parseTime(to, last(given, to));
  if (end <= start) throw new UsageError(cli.rangeInvalid());
  return { start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL };
}

/** The last value given to flag `f`, or ''. */
const last = (given: Given, f: cli.Flag) => String(given[f.name]?.at(-1) ?? '');

/** The instant an RFC 3339 time with a zone names. */
function parseTime(flag: cli.Flag, value: string): Date {
  const wall = rfc3339.exec(value)?.[1];
  const read = new Date(`${wall}Z`);
  // Date rolls 2026-02-30 over to March: a real date and time reads back as written.
  if (!wall || Number.isNaN(read.getTime()) || read.toISOString().slice(0, 19) !== wall) {
    throw new UsageError(cli.timeInvalid({ flag: `--${flag.name}`, value: JSON.stringify(value) }));
  }
  return new Date(value);
}

type Asked = NonNullable<ReturnType<typeof parseSchedule>>;

/** Does what `sub` asks of Temporal; returns the lines to print. */
async function act(client: Client, sub: cli.Subcommand, asked: Asked): Promise<string[]> {
  const { id } = asked;
  const handle = client.schedule.getHandle(id);
  switch (sub) {
    case scheduleCreate: return [await create(client, asked.create!)];
    case scheduleBackfill:
      await handle.backfill(asked.backfill!);
      return [cli.scheduleBackfilled({ id, start: utc(asked.backfill!.start), end: utc(asked.backfill!.end) })];
    case scheduleList: return list(client);
    case scheduleDescribe: return describe(client, await handle.describe());
    // Each SDK has its own default note, which describe would show: the table's is the same from every starter.
    case schedulePause: await handle.pause(asked.note || cli.schedulePauseNote); return [cli.schedulePaused({ id })];
    case scheduleUnpause: await handle.unpause(asked.note || cli.scheduleUnpauseNote); return [cli.scheduleUnpaused({ id })];
    // The SDK triggers with ALLOW_ALL unless told a policy: told the schedule's own, the schedule's applies.
    case scheduleTrigger: await handle.trigger((await handle.describe()).policies.overlap); return [cli.scheduleTriggered({ id })];
    default: await handle.delete(); return [cli.scheduleDeleted({ id })];
  }
}

/** Creates the schedule and says when it first runs. A taken id or a cron expression the server refuses is a usage error. */
async function create(client: Client, options: ScheduleOptions): Promise<string> {
  const id = options.scheduleId;
  const [expr] = options.spec.cronExpressions ?? [];
  let handle;
  try {
    handle = await client.schedule.create(options);
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) throw new UsageError(cli.scheduleExists({ id }));
    // The server checks cron expressions. The SDK makes its "Invalid schedule spec: <why>" a TypeError saying <why>:
    // the detail is put back together, as the other starters print the server's words.
    if (err instanceof TypeError && expr) {
      throw new UsageError(cli.cronInvalid({ value: JSON.stringify(expr), detail: cli.oneLine(`Invalid schedule spec: ${err.message}`) }));
    }
    throw err;
  }
  // Made all the same when this describe fails: only its next run is unknown.
  const nextActionTimes = await handle.describe().then((d) => d.info.nextActionTimes, () => []);
  const overlap = String(options.policies?.overlap).toLowerCase();
  return cli.scheduleCreated({ id, spec: specOf(options.memo), overlap, next: times(nextActionTimes, 1) });
}

/** A row per schedule, by id; one the list still shows but is gone is left out. */
async function list(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const summary of client.schedule.list()) ids.push(summary.scheduleId);
  const rows = await Promise.all(ids.sort().map(async (id) => {
    try {
      const d = await client.schedule.getHandle(id).describe();
      return cli.scheduleRow({ ...summary(d), next: times(d.info.nextActionTimes, 1) });
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return '';
      throw err;
    }
  }));
  const lines = rows.filter(Boolean);
  return lines.length > 0 ? lines : [cli.schedulesNone()];
}

/** The schedule, its next runs and its last runs, newest first, with how each run is doing. */
async function describe(client: Client, d: ScheduleDescription): Promise<string[]> {
  const note = d.state.paused && d.state.note ? cli.scheduleNote({ note: d.state.note }) : '';
  const header = cli.scheduleHeader({ ...summary(d), note });
  const next = cli.scheduleNext({ times: times(d.info.nextActionTimes, cli.scheduleNextRuns) });
  const recent = d.info.recentActions.slice(-cli.scheduleLastRuns).reverse();
  if (recent.length === 0) return [header, next, cli.scheduleNoRuns()];
  const runs = await Promise.all(recent.map(async ({ scheduledAt, action: { workflow } }) => {
    const status = await client.workflow.getHandle(workflow.workflowId, workflow.firstExecutionRunId).describe()
      .then((run) => run.status.name.toLowerCase(), () => 'unknown');
    return cli.scheduleRun({ time: utc(scheduledAt), workflowId: workflow.workflowId, status });
  }));
  return [header, next, cli.scheduleRuns(), ...runs];
}

/** The spec as create put it in the memo; "-" for a schedule made some other way. */
function specOf(memo: Record<string, unknown> | undefined): string {
  const spec = memo?.[cli.scheduleSpecMemo];
  return typeof spec === 'string' ? spec : '-';
}

/** What a list row and a describe header both say of a schedule. */
const summary = (d: ScheduleDescription) => ({
  id: d.scheduleId,
  spec: specOf(d.memo),
  overlap: String(d.policies.overlap).toLowerCase(),
  state: d.state.paused ? cli.statePaused() : cli.stateActive(),
});
/** The first `n` times, joined; "-" when there are none. */
const times = (at: Date[], n: number) => at.slice(0, n).map(utc).join(', ') || '-';
/** UTC to the second: 2026-12-06T09:00:00Z. */
export const utc = (at: Date) => `${at.toISOString().slice(0, 19)}Z`;
