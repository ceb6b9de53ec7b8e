// Starts the SkyPilot pipeline workflow on Temporal and follows it to its end:
//   npx ts-node ts-starter/start.ts --repo https://github.com/org/sky-tasks.git
// The worker renders what is printed about the run, so that every client prints the same.
import { Client, Connection, WorkflowExecutionAlreadyStartedError, type WorkflowClientInterceptor } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { parseCommandLine, UsageError } from './flags';
import { follow } from './follow';
import * as cli from './generated/starter-cli';
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

/** A Temporal client configuration that cannot be used (exit status 2). */
class ConfigError extends Error {}

/** Dials Temporal as TEMPORAL_* and the config file say; the client speaks the contract's payload converter. */
async function connect(env: NodeJS.ProcessEnv, interceptors: WorkflowClientInterceptor[]): Promise<Client> {
  let config;
  try {
    config = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  } catch (err) {
    throw new ConfigError(cli.configInvalid({ detail: cli.oneLine((err as Error).message) }));
  }
  const address = config.connectionOptions.address || 'localhost:7233';
  const connection = await Connection.connect({ ...config.connectionOptions, address }).catch((err: Error) => {
    throw new Error(cli.connectFailed({ address, detail: cli.oneLine(err.message) }));
  });
  const namespace = config.namespace || 'default';
  const dataConverter = { payloadConverterPath: require.resolve('./payload-converter') };
  return new Client({ connection, namespace, dataConverter, interceptors: { workflow: interceptors } });
}

if (require.main === module) {
  // Leaves once what was printed is out: a span export a collector never answers must not keep the process alive.
  const exit = (code: number) => process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  main(process.argv.slice(2), process.env).then(exit, (err) => {
    console.error(cli.unexpectedError({ detail: cli.oneLine(String((err as Error)?.message ?? err)) }));
    exit(1);
  });
}
