// The command line, after the shared table (proto/skypilot_temporal/v1/starter_cli.json), and the input it builds.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Field, Type } from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { isEnvName } from './generated/starter-cli';

/** A problem with the command line or --input (exit status 2). */
export class UsageError extends Error {}

/** Says on stderr what is wrong with the command line; returns the exit status of a usage error. Rethrows anything else. */
export function reportUsageError(err: unknown): number {
  if (!(err instanceof UsageError)) throw err;
  console.error(cli.usageError({ message: err.message }));
  console.error(cli.usageHint());
  return 2;
}

const table: readonly cli.Flag[] = Object.values(cli.flags);
const inputType = skypilot_temporal.v1.SkyPilotWorkflowInput as unknown as Type;

/** Says, in usage errors, what isEnvName allows: the KEY of --env KEY=VALUE or a --secret-env name. */
export const envNameRule = cli.envNameRule({ pattern: cli.envNamePattern, maxLength: String(cli.envNameMaxLength) });

/** What the command line asks for: the --input file, the environment, then the flags, each beating the one before. Undefined for --help. */
export function parseCommandLine(args: string[], env: NodeJS.ProcessEnv) {
  const { given, positionals } = parseFlags(args, table);
  if (positionals.length > 0) throw new UsageError(cli.unexpectedArgument({ value: JSON.stringify(positionals[0]) }));
  return given[cli.flags.help.name] ? undefined : startOptions(given, env);
}

/** What the start's flags among `given` (from parseFlags) ask for, after the --input file and the environment. */
export function startOptions(given: Given, env: NodeJS.ProcessEnv) {
  const values = (f: cli.Flag): string[] => (given[f.name] ?? []).map(String);
  const setting = (f: cli.Flag): string => values(f).at(-1) || (f.env && env[f.env]) || '';
  const input = readInput(setting(cli.flags.input));
  for (const f of table) {
    if (!f.inputField || f.repeatable) continue;
    const path = fieldPath(inputType, f.inputField);
    const isString = path.at(-1)?.type === 'string';
    // An empty string sets nothing; an empty number given as a flag is a wrong one (an empty variable is unset).
    const raw = isString ? setting(f) || undefined : values(f).at(-1) ?? (f.env ? env[f.env] || undefined : undefined);
    if (raw !== undefined) setField(input, path, isString ? raw : wholeNumber(f, raw));
  }
  for (const kv of values(cli.flags.env)) {
    const key = kv.slice(0, kv.indexOf('='));
    if (!kv.includes('=') || !isEnvName(key)) throw new UsageError(cli.envInvalid({ value: JSON.stringify(kv), rule: envNameRule }));
    input.envsOverride = { ...(input.envsOverride as object), [key]: kv.slice(key.length + 1) };
  }
  // Names given as flags replace the environment's list; either adds to the file's.
  let secrets = values(cli.flags.secretEnv);
  if (secrets.length === 0) secrets = (env[cli.flags.secretEnv.env] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const secretNames = (input.secretEnvNames as string[] | undefined) ?? [];
  for (const name of secrets) {
    if (!isEnvName(name)) throw new UsageError(cli.secretEnvInvalid({ value: JSON.stringify(name), rule: envNameRule }));
    if (!secretNames.includes(name)) secretNames.push(name);
  }
  if (secretNames.length > 0) input.secretEnvNames = secretNames;
  if (!input.repoUrl) throw new UsageError(cli.repoMissing());
  return {
    input: skypilot_temporal.v1.SkyPilotWorkflowInput.create(input),
    workflowId: setting(cli.flags.workflowId) || cli.workflowIdPrefix + randomBytes(cli.workflowIdRandomBytes).toString('hex'),
    taskQueue: setting(cli.flags.taskQueue) || cli.defaultTaskQueue,
    noWait: Boolean(given[cli.flags.noWait.name]),
    quiet: Boolean(given[cli.flags.quiet.name]),
  };
}

/** The contract's bound and message for each flag that sets an integer field: the field's type says less. */
const integerRules: Record<string, { max: number; invalid: (p: { value: string }) => string }> = {
  [cli.flags.waitForRepairMinutes.name]: { max: cli.waitForRepairMaxMinutes, invalid: cli.repairMinutesInvalid },
};

/** The integer flag `f`'s value: digits only (no sign, space or fraction), at most its bound; else a UsageError. */
function wholeNumber(f: cli.Flag, raw: string): number {
  const rule = integerRules[f.name];
  if (!rule) throw new Error(`flag --${f.name} sets an integer field but has no rule in integerRules`);
  if (!/^[0-9]+$/.test(raw) || Number(raw) > rule.max) throw new UsageError(rule.invalid({ value: JSON.stringify(raw) }));
  return Number(raw);
}

/** The fields a dotted path of proto field names (launch.wait_for_repair_minutes) goes through, below message `type`. */
export function fieldPath(type: Type, path: string): Field[] {
  type.resolveAll();
  const fields: Field[] = [];
  for (const name of path.split('.')) {
    const within = fields.length === 0 ? type : fields.at(-1)?.resolvedType;
    const field = within instanceof Type ? within.fieldsArray.find((f) => f.protoName === name) : undefined;
    if (!field) throw new Error(`${path}: no field ${name} in ${within?.fullName ?? 'a scalar'}`);
    fields.push(field);
  }
  return fields;
}

/** Sets the last field of `path` in `message` (properties), making the messages on the way that are not there yet. */
function setField(message: Record<string, unknown>, path: Field[], value: unknown) {
  let holder = message;
  for (const field of path.slice(0, -1)) holder = (holder[field.name] ??= (field.resolvedType as Type).create()) as Record<string, unknown>;
  holder[(path.at(-1) as Field).name] = value;
}

/** Every value given to each flag, by flag name; a switch that is on holds true. */
export type Given = Record<string, (string | boolean)[] | undefined>;

/** Every value given to each flag of `flags`, and the other arguments. */
export function parseFlags(args: string[], flags: readonly cli.Flag[]) {
  const options = Object.fromEntries(flags.map((f) => {
    const type = f.arg ? ('string' as const) : ('boolean' as const);
    return [f.name, { type, multiple: true, ...(f.short && { short: f.short }) }];
  }));
  try {
    const { values, positionals } = parseArgs({ args: joinValues(args, flags), options, strict: true, allowPositionals: true });
    return { given: values as Given, positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * `args` with each flag that takes a value joined to a negative number after it (--name=-1, -x-1), up to `--`:
 * parseArgs reads any argument starting with a dash as a flag, and `--wait-for-repair-minutes -1` must say the number is wrong.
 */
function joinValues(args: string[], flags: readonly cli.Flag[]): string[] {
  // What joins each flag that takes a value to it: --name=value, -xvalue.
  const takesValue = new Map<string, string>(flags.filter((f) => f.arg).flatMap((f) => [
    [`--${f.name}`, '='] as const, ...(f.short ? [[`-${f.short}`, ''] as const] : []),
  ]));
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return [...joined, ...args.slice(i)];
    const join = takesValue.get(args[i]);
    joined.push(join !== undefined && /^-(?:\d+|\d*\.\d+)$/.test(args[i + 1] ?? '') ? args[i] + join + args[++i] : args[i]);
  }
  return joined;
}

/**
 * The --input file, a SkyPilotWorkflowInput in proto JSON, as message properties ({} without one).
 * protojson stops at the first unknown field; the error here names every one, by its path.
 */
function readInput(path: string): Record<string, unknown> {
  if (!path) return {};
  try {
    const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const unknown = unknownFields(inputType, doc, '').sort();
    if (unknown.length > 0) throw new Error(cli.inputUnknownFields({ fields: unknown.join(', ') }));
    return { ...protojson.fromJson(inputType, doc) } as Record<string, unknown>;
  } catch (err) {
    // Only JSON.parse throws a SyntaxError here.
    const detail = err instanceof SyntaxError ? cli.inputNotJson({ detail: err.message }) : (err as Error).message;
    throw new UsageError(cli.inputInvalid({ path, detail }));
  }
}

/** The quoted paths of the JSON keys that name no field (by JSON or proto name) of message `type`. */
function unknownFields(type: Type, doc: unknown, prefix: string): string[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return []; // a wrong type: protojson says so
  type.resolveAll();
  return Object.entries(doc).flatMap(([key, value]) => {
    const field = type.fieldsArray.find((f) => f.jsonName === key || f.protoName === key);
    const path = prefix + key;
    const message = field?.resolvedType;
    if (!field) return [JSON.stringify(path)];
    if (!(message instanceof Type)) return [];
    const within = (v: unknown, at: string) => unknownFields(message, v, `${path}${at}.`);
    if (field.map && value && typeof value === 'object') {
      return Object.entries(value).flatMap(([k, v]) => within(v, `[${JSON.stringify(k)}]`));
    }
    return field.repeated && Array.isArray(value) ? value.flatMap((v, i) => within(v, `[${i}]`)) : within(value, '');
  });
}
