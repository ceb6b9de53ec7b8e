// The connection, as Temporal's environment configuration says: TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE and the config file.
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { oneLine } from './format';
import * as cli from './generated/starter-cli';

/** A Temporal client configuration that cannot be used (exit status 2). */
export class ConfigError extends Error {}

/** Dials Temporal; the client speaks the contract's payload converter (json/protobuf). `interceptors` are the tracing ones, if any. */
export async function connect(env: NodeJS.ProcessEnv, interceptors: WorkflowClientInterceptor[] = []): Promise<Client> {
  let config;
  try {
    config = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  } catch (err) {
    throw new ConfigError(cli.configInvalid({ detail: oneLine((err as Error).message) }));
  }
  const address = config.connectionOptions.address || 'localhost:7233';
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...config.connectionOptions, address });
  } catch (err) {
    throw new Error(cli.connectFailed({ address, detail: oneLine((err as Error).message) }));
  }
  return new Client({
    connection,
    namespace: config.namespace || 'default',
    dataConverter: { payloadConverterPath: require.resolve('./payload-converter') },
    interceptors: { workflow: interceptors },
  });
}
