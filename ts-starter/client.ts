// The Temporal client of the start and of the subcommands, configured as the Temporal CLI is.
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import * as cli from './generated/starter-cli';

/** A Temporal client configuration that cannot be used (exit status 2). */
export class ConfigError extends Error {}

/**
 * Dials Temporal as TEMPORAL_* and the config file say; the client speaks the contract's payload converter.
 * `identity` names the client in the run's history (default: pid@host).
 */
export async function connect(
  env: NodeJS.ProcessEnv, interceptors: WorkflowClientInterceptor[] = [], identity?: string,
): Promise<Client> {
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
  return new Client({ connection, namespace, dataConverter, identity, interceptors: { workflow: interceptors } });
}

/** What went wrong, on one line: the SDK's own message is often generic, the gRPC errors it wraps say what happened. */
export function failureDetail(err: unknown): string {
  const causes: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) causes.push(e.message);
  return cli.oneLine(causes.join(': ') || String(err));
}
