// Starts the SkyPilot pipeline workflow on Temporal and follows it to its end:
//   npx ts-node ts-starter/start.ts --repo https://github.com/org/sky-tasks.git
// or runs the subcommand its first arguments name instead (approve, reject: decide a run's approval gate;
// retry, abort: end a run's wait for a repair;
// schedule create, list, describe, pause, unpause, trigger, backfill, delete: run it on a calendar).
// The worker renders what is printed about the run, so that every client prints the same.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ConfigError, connect } from './client';
import { decide } from './decide';
import { parseCommandLine, reportUsageError, UsageError } from './flags';
import { follow } from './follow';
import * as cli from './generated/starter-cli';
import { repair } from './repair';
import { schedule } from './schedule';
import { reportOutcome, withTracing } from './tracing';

// recipe-begin: docs/contract.md shows main as it is here (tests/contract/test_docs_recipes.py).
/** The whole starter: flags -> input -> start -> follow. Returns the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let opts;
  try {
    opts = parseCommandLine(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(cli.usageError({ message: err.message }));
    console.error(cli.usageHint());
    return 2;
  }
  if (!opts) {
    console.log(cli.helpText.trimEnd());
    return 0;
  }
  const { input, workflowId, taskQueue, noWait, quiet } = opts;
  // Traced when an OTLP endpoint is set: the run's span covers start and follow, and is sent before this returns.
  return withTracing(env, workflowId, async (interceptors) => {
    let client;
    try {
      client = await connect(env, interceptors);
    } catch (err) {
      reportOutcome(cli.outcomeNotStarted, (err as Error).message);
      return err instanceof ConfigError ? 2 : 1;
    }
    try {
      let handle;
      try {
        handle = await client.workflow.start(cli.workflowType, { args: [input], workflowId, taskQueue });
      } catch (err) {
        reportOutcome(cli.outcomeNotStarted, err instanceof WorkflowExecutionAlreadyStartedError
          ? cli.workflowIdInUse({ workflowId }) : cli.startFailed({ detail: cli.oneLine((err as Error).message) }));
        return 1;
      }
      // Quiet, the id alone says how --no-wait ended; a followed run's end says the rest.
      if (!quiet || noWait) console.log(cli.workflowStarted({ workflowId }));
      if (!quiet) console.log(cli.workflowUi({ url: uiLink(env, client.options.namespace, workflowId) }));
      if (noWait) reportOutcome(cli.outcomeDetached);
      return noWait ? 0 : await follow(handle, taskQueue, quiet);
    } finally {
      await client.connection.close();
    }
  });
}
// recipe-end

/** Points at the workflow in the Temporal Web UI. */
export function uiLink(env: NodeJS.ProcessEnv, namespace: string, workflowId: string): string {
  const base = (env[cli.uiUrlEnv] || cli.uiUrlDefault).replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** What runs each subcommand of the table, given its entry there and the arguments after its name. */
type SubcommandRun = (sub: cli.Subcommand, args: string[], env: NodeJS.ProcessEnv) => Promise<number>;
const subcommandRuns: Record<keyof typeof cli.subcommands, SubcommandRun> = {
  approve: decide, reject: decide, retry: repair, abort: repair, scheduleCreate: schedule, scheduleList: schedule, scheduleDescribe: schedule,
  schedulePause: schedule, scheduleUnpause: schedule, scheduleTrigger: schedule, scheduleBackfill: schedule, scheduleDelete: schedule,
};

/** The subcommand the first arguments name (one word, or two: schedule create), else a start. Returns the exit status. */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const words = (sub: cli.Subcommand) => sub.name.split(' ');
  const entries = Object.entries(cli.subcommands) as [keyof typeof cli.subcommands, cli.Subcommand][];
  const named = entries.find(([, sub]) => words(sub).every((word, i) => argv[i] === word));
  if (named) return subcommandRuns[named[0]](named[1], argv.slice(words(named[1]).length), env);
  // The first word of a family (schedule) without one of its actions after it is not a start either.
  if (entries.some(([, sub]) => words(sub).length > 1 && words(sub)[0] === argv[0])) {
    return reportUsageError(new UsageError(cli.unexpectedArgument({ value: JSON.stringify(argv[1] ?? argv[0]) })));
  }
  return main(argv, env);
}

if (require.main === module) {
  // Leaves once what was printed is out: a span export a collector never answers must not keep the process alive.
  const exit = (code: number) => process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  run(process.argv.slice(2), process.env).then(exit, (err) => {
    console.error(cli.unexpectedError({ detail: cli.oneLine(String((err as Error)?.message ?? err)) }));
    exit(1);
  });
}
