// The approve and reject subcommands: a decision on the approval gate a run waits at, sent as the decide update.
import { UsageError } from './flags';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { requesterOf, runArgs, sendUpdate, type RunUpdate } from './run-update';
import pb = skypilot_temporal.v1;

/** Sends the decision `sub` (approve or reject) names; `args` follow its name. Returns the exit status. */
export function decide(sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return sendUpdate(sub, args, env, parseDecision);
}

/** The decide update the command line asks for; undefined for --help. Bad input throws a UsageError. */
export function parseDecision(
  sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv,
): RunUpdate<pb.ApprovalDecision, pb.ApprovalRecord.$Properties> | undefined {
  const asked = runArgs(sub, args);
  if (!asked) return undefined;
  const { workflowId, last } = asked;
  const reason = last(cli.subcommandFlags.reason) ?? '';
  if (sub.required.includes(cli.subcommandFlags.reason.name) && !reason.trim()) throw new UsageError(cli.reasonRequired());
  const approver = requesterOf(env);
  const gate = last(cli.subcommandFlags.gate) ?? '';
  const rejects = sub.name === cli.subcommands.reject.name;
  const decision = pb.ApprovalDecision.create({ gate, decision: rejects ? cli.decisionReject : cli.decisionApprove, approver, reason });
  const decided = rejects ? cli.decisionRejected : cli.decisionApproved;
  return {
    workflowId, update: cli.decideUpdate, arg: decision, sender: approver, failed: cli.decisionFailed,
    // The run answers the ApprovalRecord as json/plain: a plain object with the proto field names.
    accepted: (record) => decided({ gate: record.gate ?? '', workflowId, approver: record.approver ?? '' }),
  };
}
