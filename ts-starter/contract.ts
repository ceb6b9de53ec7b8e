// The contract's rule for environment variable names (generated, like every name and
// limit here, from the options of proto/skypilot_temporal/v1/pipeline.proto).
import * as cli from './generated/starter-cli';

const envName = new RegExp(`^(?:${cli.envNamePattern})$`);

/** Whether `name` may be an environment variable name: the KEY of --env KEY=VALUE or a --secret-env name. */
export function isEnvName(name: string): boolean {
  return name.length <= cli.envNameMaxLength && envName.test(name);
}

/** Says, in usage errors, what isEnvName allows. */
export const envNameRule = cli.envNameRule({ pattern: cli.envNamePattern, maxLength: String(cli.envNameMaxLength) });
