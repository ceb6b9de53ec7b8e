// The approve and reject subcommands: a decision on the approval gate a run waits at, sent as the decide update.
import { hostname, userInfo } from 'node:os';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ConfigError, connect, failureDetail } from './client';
import { parseFlags, reportUsageError, UsageError } from './flags';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import pb = skypilot_temporal.v1;

/** Sends the decision `sub` (approve or reject) names; `args` follow its name. Returns the exit status. */
export async function decide(sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let asked;
  try {
    asked = parseDecision(sub, args, env);
  } catch (err) {
    return reportUsageError(err);
  }
  if (!asked) {
    console.log(sub.helpText.trimEnd());
    return 0;
  }
  const { workflowId, decision } = asked;
  let client;
  try {
    // The history's update-accepted event names the client: the same name as the decision.
    client = await connect(env, [], `${decision.approver}@${hostname()}`);
  } catch (err) {
    console.error((err as Error).message);
    return err instanceof ConfigError ? 2 : 1;
  }
  try {
    const run = client.workflow.getHandle(workflowId); // no run id: the latest run
    const record = await run.executeUpdate<pb.ApprovalRecord, [pb.ApprovalDecision]>(cli.decideUpdate, { args: [decision] });
    const decided = decision.decision === cli.decisionReject ? cli.decisionRejected : cli.decisionApproved;
    console.log(decided({ gate: record.gate, workflowId, approver: record.approver }));
    return 0;
  } catch (err) {
    console.error(notDecided(err, workflowId));
    return 1;
  } finally {
    await client.connection.close();
  }
}

/** The run and the decision the command line asks for; undefined for --help. Bad input throws a UsageError. */
export function parseDecision(sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv) {
  const { given, positionals } = parseFlags(args, sub.flags);
  if (given[cli.flags.help.name]) return undefined;
  const [workflowId, extra] = positionals;
  if (!workflowId) throw new UsageError(cli.runIdMissing());
  if (extra !== undefined) throw new UsageError(cli.unexpectedArgument({ value: JSON.stringify(extra) }));
  const setting = (f: cli.Flag) => String(given[f.name]?.at(-1) ?? '');
  const reason = setting(cli.subcommandFlags.reason);
  if (sub.required.includes(cli.subcommandFlags.reason.name) && !reason.trim()) throw new UsageError(cli.reasonRequired());
  const approver = approverOf(env);
  if (!approver) throw new UsageError(cli.approverMissing());
  const gate = setting(cli.subcommandFlags.gate);
  const decision = sub.name === cli.subcommands.reject.name ? cli.decisionReject : cli.decisionApprove;
  return { workflowId, decision: pb.ApprovalDecision.create({ gate, decision, approver, reason }) };
}

/** Who decides: SKYPILOT_TEMPORAL_APPROVER trimmed, else the user this runs as; '' when neither is known. */
export function approverOf(env: NodeJS.ProcessEnv): string {
  try {
    return (env[cli.approverEnv] ?? '').trim() || userInfo().username;
  } catch {
    return ''; // a uid without a user entry
  }
}

/** What stderr says when the decision was not recorded: the run refused it, there is no such run open, or it did not get there. */
export function notDecided(err: unknown, workflowId: string): string {
  // The server says NotFound for a run that has ended too; the message says both.
  if (err instanceof WorkflowNotFoundError) return cli.runNotFound({ workflowId });
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    return cli.decisionRefused({ detail: cli.oneLine(err.cause.message) });
  }
  return cli.decisionFailed({ detail: failureDetail(err) });
}
