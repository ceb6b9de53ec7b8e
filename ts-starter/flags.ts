// The command line: flags (after the shared table, proto/skypilot_temporal/v1/starter_cli.json)
// and the workflow input they build.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Type } from 'protobufjs';
import { defaultTaskQueue, envNameRule, isEnvName } from './contract';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { readInput } from './input-file';
import pb = skypilot_temporal.v1;

/** A problem with the command line or --input (exit status 2). */
export class UsageError extends Error {}

/** What the command line asks for. */
export interface Options {
  input: pb.SkyPilotWorkflowInput;
  workflowId: string;
  taskQueue: string;
  noWait: boolean;
  quiet: boolean;
}

const table: readonly cli.Flag[] = Object.values(cli.flags);

/**
 * Builds the workflow input from the --input file, the environment and the flags,
 * each beating the one before; undefined for --help.
 */
export function parseCommandLine(args: string[], env: NodeJS.ProcessEnv): Options | undefined {
  const given = parseFlags(args);
  if (given.has(cli.flags.help.name)) return undefined;
  const last = (f: cli.Flag): string => String(given.get(f.name)?.at(-1) ?? '');
  const setting = (f: cli.Flag): string => last(f) || (f.env && env[f.env]) || '';

  const inputPath = last(cli.flags.input);
  let input: Record<string, unknown> = {};
  try {
    if (inputPath) input = readInput(inputPath);
  } catch (err) {
    throw new UsageError(cli.inputInvalid({ path: inputPath, detail: (err as Error).message }));
  }
  for (const f of table) {
    const value = f.inputField && !f.repeatable ? setting(f) : '';
    if (value) input[propertyName(f.inputField)] = value;
  }
  for (const kv of given.get(cli.flags.env.name) ?? []) {
    const text = String(kv);
    const eq = text.indexOf('=');
    const key = text.slice(0, eq);
    if (eq < 0 || !isEnvName(key)) {
      throw new UsageError(cli.envInvalid({ value: JSON.stringify(text), rule: envNameRule() }));
    }
    input.envsOverride = { ...(input.envsOverride as object), [key]: text.slice(eq + 1) };
  }
  let secrets = (given.get(cli.flags.secretEnv.name) ?? []).map(String);
  if (secrets.length === 0) {
    secrets = (env[cli.flags.secretEnv.env] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  }
  const secretNames = (input.secretEnvNames as string[] | undefined) ?? [];
  for (const name of secrets) {
    if (!isEnvName(name)) throw new UsageError(cli.secretEnvInvalid({ value: JSON.stringify(name), rule: envNameRule() }));
    if (!secretNames.includes(name)) secretNames.push(name);
  }
  if (secretNames.length > 0) input.secretEnvNames = secretNames;
  if (!input.repoUrl) throw new UsageError(cli.repoMissing());
  return {
    input: pb.SkyPilotWorkflowInput.create(input),
    workflowId: last(cli.flags.workflowId) || cli.workflowIdPrefix + randomBytes(cli.workflowIdRandomBytes).toString('hex'),
    taskQueue: setting(cli.flags.taskQueue) || defaultTaskQueue,
    noWait: given.has(cli.flags.noWait.name),
    quiet: given.has(cli.flags.quiet.name),
  };
}

/** Every value given to each flag of the table, by flag name; a switch that is on holds true. */
function parseFlags(args: string[]): Map<string, (string | boolean)[]> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(
        table.map((f) => [
          f.name,
          { type: f.arg ? ('string' as const) : ('boolean' as const), multiple: true, ...(f.short && { short: f.short }) },
        ]),
      ),
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(cli.unexpectedArgument({ value: JSON.stringify(parsed.positionals[0]) }));
  }
  return new Map(Object.entries(parsed.values).filter(([, v]) => v !== undefined) as [string, (string | boolean)[]][]);
}

/** The message property of the SkyPilotWorkflowInput field the table names (in the proto). */
function propertyName(protoName: string): string {
  const type = pb.SkyPilotWorkflowInput as unknown as Type;
  type.resolveAll(); // fills in each field's protoName
  const field = type.fieldsArray.find((f) => f.protoName === protoName);
  if (!field) throw new Error(`the flag table names ${protoName}, not a field of SkyPilotWorkflowInput`);
  return field.name;
}
