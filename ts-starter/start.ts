/**
 * Start the SkyPilot pipeline workflow on Temporal, follow its progress and print
 * every step's result. From the repository root:
 *
 *   npx ts-node ts-starter/start.ts --repo https://github.com/org/sky-tasks.git
 *
 * This file is the recipe for starting the pipeline from TypeScript: build a
 * SkyPilotWorkflowInput (flags.ts), connect with the contract's payload converter
 * (connect.ts), start the contract's workflow type (contract.ts), then follow it
 * (follow.ts). The flags come from the shared table in proto/.
 */
import { WorkflowExecutionAlreadyStartedError, type WorkflowClientInterceptor } from '@temporalio/client';
import { ConfigError, connect } from './connect';
import { workflowType } from './contract';
import { type Options, parseCommandLine, UsageError } from './flags';
import { follow } from './follow';
import { oneLine, uiLink } from './format';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { consoleOutput, type Output } from './output';
import { withTracing } from './tracing';
import pb = skypilot_temporal.v1;

/** The whole starter: flags -> input -> start -> follow. Returns the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, output: Output = consoleOutput): Promise<number> {
  let opts;
  try {
    opts = parseCommandLine(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    output.err(cli.usageError({ message: err.message }));
    output.err(cli.usageHint());
    return 2;
  }
  if (!opts) {
    output.out(cli.helpText.trimEnd());
    return 0;
  }
  // Traced when OTEL_EXPORTER_OTLP_ENDPOINT is set; the spans are flushed at exit.
  return withTracing(env, output, (interceptors) => startAndFollow(opts, env, output, interceptors));
}

/** Connect -> start -> follow. Returns the exit status. */
async function startAndFollow(
  opts: Options,
  env: NodeJS.ProcessEnv,
  output: Output,
  interceptors: WorkflowClientInterceptor[],
): Promise<number> {
  let connected;
  try {
    connected = await connect(env, interceptors);
  } catch (err) {
    output.err((err as Error).message);
    return err instanceof ConfigError ? 2 : 1;
  }
  const { client, connection, namespace } = connected;
  try {
    let handle;
    try {
      handle = await client.workflow.start<(input: pb.SkyPilotWorkflowInput) => Promise<pb.SkyPilotWorkflowResult>>(
        workflowType,
        { args: [opts.input], workflowId: opts.workflowId, taskQueue: opts.taskQueue },
      );
    } catch (err) {
      output.err(err instanceof WorkflowExecutionAlreadyStartedError
        ? cli.workflowIdInUse({ workflowId: opts.workflowId })
        : cli.startFailed({ detail: oneLine((err as Error).message) }));
      return 1;
    }
    // Quiet, the id alone says how --no-wait ended; a followed run's end says the rest.
    if (!opts.quiet || opts.noWait) output.out(cli.workflowStarted({ workflowId: handle.workflowId }));
    if (!opts.quiet) output.out(cli.workflowUi({ url: uiLink(env, namespace, handle.workflowId) }));
    return opts.noWait ? 0 : await follow(client, handle, opts.taskQueue, opts.quiet, output);
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(cli.unexpectedError({ detail: oneLine(String((err as Error)?.message ?? err)) }));
      process.exitCode = 1;
    },
  );
}
