// The connection, as Temporal's environment configuration says: TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE and the config file.
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { oneLine } from './format';
import * as cli from './generated/starter-cli';

/** A Temporal client configuration that cannot be used (exit status 2). */
export class ConfigError extends Error {}

export interface Connected {
  client: Client;
  connection: Connection;
  namespace: string;
}

/** Dials Temporal with the contract's payload converter (json/protobuf); `interceptors` are the tracing ones, if any. */
export async function connect(env: NodeJS.ProcessEnv, interceptors: WorkflowClientInterceptor[] = []): Promise<Connected> {
  let config;
  try {
    config = loadClientConnectConfig({ overrideEnvVars: definedOnly(env) });
  } catch (err) {
    throw new ConfigError(cli.configInvalid({ detail: oneLine((err as Error).message) }));
  }
  const namespace = config.namespace || 'default';
  const address = config.connectionOptions.address || 'localhost:7233';
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...config.connectionOptions, address });
  } catch (err) {
    throw new Error(cli.connectFailed({ address, detail: oneLine((err as Error).message) }));
  }
  const client = new Client({
    connection,
    namespace,
    dataConverter: { payloadConverterPath: require.resolve('./payload-converter') },
    interceptors: { workflow: interceptors },
  });
  return { client, connection, namespace };
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
