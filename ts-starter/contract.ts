// Names and rules every client needs, written once in the contract
// (proto/skypilot_temporal/v1/pipeline.proto) as options and read from generated code.
import root, { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import pb = skypilot_temporal.v1;

export const workflowType = fileOption('workflow_type', 'string');
export const defaultTaskQueue = fileOption('default_task_queue', 'string');
export const progressQuery = fileOption('progress_query', 'string');
export const envNamePattern = fileOption('env_name_pattern', 'string');
export const envNameMaxLength = fileOption('env_name_max_length', 'number');
const envName = new RegExp(`^(?:${envNamePattern})$`);

/** The ApplicationError type of a run whose teardown gave up on some clusters. */
export const teardownFailed = wireName('FailureType', pb.FailureType.FAILURE_TYPE_TEARDOWN_FAILED);

/** States of a step (or a branch) in the progress query that are not yet finished. */
export const statePending = wireName('StepState', pb.StepState.STEP_STATE_PENDING);
export const stateRunning = wireName('StepState', pb.StepState.STEP_STATE_RUNNING);

/** Whether `name` may be an environment variable name: the KEY of --env KEY=VALUE or a --secret-env name. */
export function isEnvName(name: string): boolean {
  return name.length <= envNameMaxLength && envName.test(name);
}

/** Says, in usage errors, what isEnvName allows. */
export function envNameRule(): string {
  return cli.envNameRule({ pattern: envNamePattern, maxLength: String(envNameMaxLength) });
}

/**
 * The string a FailureType, RunPhase or StepState value travels as: its (wire_name)
 * option. The wire never carries the enum numbers.
 */
export function wireName(enumName: 'FailureType' | 'RunPhase' | 'StepState', value: number): string {
  const e = root.lookupEnum(`skypilot_temporal.v1.${enumName}`);
  const name = option(e.valuesOptions?.[e.valuesById[value]], 'wire_name');
  if (typeof name !== 'string' || !name) throw new Error(`${e.name} value ${value} has no wire_name`);
  return name;
}

function fileOption<T extends 'string' | 'number'>(name: string, type: T): T extends 'string' ? string : number {
  const value = option(root.lookup('skypilot_temporal.v1')?.options, name);
  if (typeof value !== type || !value) throw new Error(`contract option ${name} is not set`);
  return value as T extends 'string' ? string : number;
}

/** Reads custom option `name`, however protobufjs spelled its key: (name), (.pkg.name). */
function option(options: Record<string, unknown> | undefined, name: string): unknown {
  const key = Object.keys(options ?? {}).find((k) => k.replace(/^\(\.?(skypilot_temporal\.v1\.)?|\)$/g, '') === name);
  return key === undefined ? undefined : options?.[key];
}
