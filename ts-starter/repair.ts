// The retry and abort subcommands: the end of a run's wait for a repair, sent as the retry or abort update.
import { UsageError } from './flags';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { requesterOf, runArgs, sendUpdate, type RunUpdate } from './run-update';
import pb = skypilot_temporal.v1;

/** A full commit SHA: SHA-1 or SHA-256, either case. */
const fullSha = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** Sends the request `sub` (retry or abort) names; `args` follow its name. Returns the exit status. */
export function repair(sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return sendUpdate(sub, args, env, parseRepair);
}

/** The retry or abort update the command line asks for; undefined for --help. Bad input throws a UsageError. */
export function parseRepair(
  sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv,
): RunUpdate<pb.RetryRequest | pb.AbortRequest, pb.RepairAnswer.$Properties> | undefined {
  const asked = runArgs(sub, args);
  if (!asked) return undefined;
  const { workflowId, last } = asked;
  const step = last(cli.subcommandFlags.step) ?? '';
  const branch = last(cli.subcommandFlags.sweepBranch) ?? '';
  // An empty --commit is refused rather than read as none: `--commit "$SHA"` with SHA unset must not retry the head.
  const commit = last(cli.subcommandFlags.commit);
  if (commit !== undefined && !fullSha.test(commit)) throw new UsageError(cli.commitInvalid({ value: JSON.stringify(commit) }));
  const requester = requesterOf(env);
  // The run answers the RepairAnswer as json/plain: a plain object with the proto field names.
  const records = (answer: pb.RepairAnswer.$Properties) => answer.repairs ?? [];
  // A sweep's step is named with its branch: `eval [1 (LR=0.1)]`.
  const steps = (answer: pb.RepairAnswer.$Properties) =>
    records(answer).map((r) => (r.branch ? `${r.step} [${r.branch}]` : r.step)).join(', ');
  const first = (answer: pb.RepairAnswer.$Properties) => records(answer)[0] ?? {};
  const common = { workflowId, sender: requester, failed: cli.requestFailed };
  if (sub.name === cli.subcommands.abort.name) {
    return {
      ...common, update: cli.abortUpdate,
      arg: pb.AbortRequest.create({ step, branch, reason: last(cli.subcommandFlags.reason) ?? '', requester }),
      accepted: (answer) => cli.abortAccepted({ steps: steps(answer), workflowId, requester: first(answer).requester ?? '' }),
    };
  }
  return {
    ...common, update: cli.retryUpdate,
    arg: pb.RetryRequest.create({ step, branch, commit: commit?.toLowerCase() ?? '', requester }),
    accepted: (answer) => cli.retryAccepted({
      steps: steps(answer), workflowId, commit: (first(answer).commit ?? '').slice(0, 12), requester: first(answer).requester ?? '',
    }),
  };
}
