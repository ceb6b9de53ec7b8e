// What the subcommands that send one update to a run share (approve, reject, retry, abort): RUN_ID and the
// requester from the command line, the update sent as the requester, and what is said of its answer or failure.
import { hostname, userInfo } from 'node:os';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ConfigError, connect, failureDetail } from './client';
import { parseFlags, reportUsageError, UsageError } from './flags';
import * as cli from './generated/starter-cli';

/** One update for the latest run of a workflow id, and what stdout and stderr say of how it went. */
export interface RunUpdate<Arg, Answer> {
  workflowId: string;
  update: string;
  arg: Arg;
  /** Who asks; the client is named `sender@host` in the run's history. */
  sender: string;
  /** The line stdout says once the run took the update. */
  accepted: (answer: Answer) => string;
  /** The line stderr says when the update did not get to the run. */
  failed: (p: { detail: string }) => string;
}

/** Reads a subcommand's command line into its update; undefined for --help. Bad input throws a UsageError. */
export type UpdateParser<Arg, Answer> = (sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv) => RunUpdate<Arg, Answer> | undefined;

/** Runs subcommand `sub`: the update `parse` reads from `args`, sent. Returns the exit status. */
export async function sendUpdate<Arg, Answer>(
  sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv, parse: UpdateParser<Arg, Answer>,
): Promise<number> {
  let asked;
  try {
    asked = parse(sub, args, env);
  } catch (err) {
    return reportUsageError(err);
  }
  if (!asked) {
    console.log(sub.helpText.trimEnd());
    return 0;
  }
  let client;
  try {
    // The history's update-accepted event names the client: the same name as the request records.
    client = await connect(env, [], `${asked.sender}@${hostname()}`);
  } catch (err) {
    console.error((err as Error).message);
    return err instanceof ConfigError ? 2 : 1;
  }
  try {
    const run = client.workflow.getHandle(asked.workflowId); // no run id: the latest run
    console.log(asked.accepted(await run.executeUpdate<Answer, [Arg]>(asked.update, { args: [asked.arg] })));
    return 0;
  } catch (err) {
    console.error(notTaken(err, asked.workflowId, asked.failed));
    return 1;
  } finally {
    await client.connection.close();
  }
}

/** RUN_ID and the last value of each flag given, from a subcommand's command line; undefined for --help. */
export function runArgs(sub: cli.Subcommand, args: string[]) {
  const { given, positionals } = parseFlags(args, sub.flags);
  if (given[cli.flags.help.name]) return undefined;
  const [workflowId, extra] = positionals;
  if (!workflowId) throw new UsageError(cli.runIdMissing());
  if (extra !== undefined) throw new UsageError(cli.unexpectedArgument({ value: JSON.stringify(extra) }));
  const last = (f: cli.Flag) => given[f.name]?.at(-1) as string | undefined;
  return { workflowId, last };
}

/** Who decides or asks: SKYPILOT_TEMPORAL_APPROVER trimmed, else the user this runs as; '' when neither is known. */
export function approverOf(env: NodeJS.ProcessEnv): string {
  try {
    return (env[cli.approverEnv] ?? '').trim() || userInfo().username;
  } catch {
    return ''; // a uid without a user entry
  }
}

/** approverOf, which a request cannot do without: a UsageError when it is ''. */
export function requesterOf(env: NodeJS.ProcessEnv): string {
  const requester = approverOf(env);
  if (!requester) throw new UsageError(cli.approverMissing());
  return requester;
}

/** What stderr says when the run did not take the update: it refused, there is no such run open, or the update did not get there. */
export function notTaken(err: unknown, workflowId: string, failed: (p: { detail: string }) => string): string {
  // The server says NotFound for a run that has ended too; the message says both.
  if (err instanceof WorkflowNotFoundError) return cli.runNotFound({ workflowId });
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    return cli.decisionRefused({ detail: cli.oneLine(err.cause.message) });
  }
  return failed({ detail: failureDetail(err) });
}
