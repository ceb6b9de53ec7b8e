/**
 * Start the SkyPilot pipeline workflow on Temporal, follow its progress and print
 * every step's result. From the repository root:
 *
 *   npx ts-node ts-starter/start.ts --repo https://github.com/org/sky-tasks.git
 *
 * The workflow type, default task queue and progress query name are read from the
 * generated contract code (options of proto/skypilot_temporal/v1/pipeline.proto).
 * The connection (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS,
 * TEMPORAL_PROFILE and the config file) comes from @temporalio/envconfig.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { Field, Type } from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import root, { skypilot_temporal } from './generated/root';
import pb = skypilot_temporal.v1;

// Names every client needs, written once in the contract as file options.
const workflowType = contractOption('workflow_type');
const defaultTaskQueue = contractOption('default_task_queue');
const progressQuery = contractOption('progress_query');

function contractOption(name: string): string {
  const options = root.lookup('skypilot_temporal.v1')?.options ?? {};
  const key = Object.keys(options).find((k) => k.replace(/^\(\.?(skypilot_temporal\.v1\.)?|\)$/g, '') === name);
  const value = key && options[key];
  if (typeof value !== 'string' || !value) throw new Error(`contract option ${name} is not set`);
  return value;
}

const usage = `Start the SkyPilot pipeline workflow, follow its progress and print each step's result.

Usage: npx ts-node ts-starter/start.ts [flags]

Flags (a flag beats its environment variable, which beats the --input file):
  --repo URL                  Git repository of SkyPilot task YAMLs (env SKYPILOT_TEMPORAL_REPO_URL)
  --branch NAME               branch or tag to clone (env SKYPILOT_TEMPORAL_BRANCH)
  --cluster-prefix PREFIX     clusters are named PREFIX-<cluster> (env SKYPILOT_TEMPORAL_CLUSTER_PREFIX)
  --env KEY=VALUE             add to every task's envs; repeatable
  --secret-env NAME           env var whose value the worker supplies; repeatable
                              (env SKYPILOT_TEMPORAL_SECRET_ENV_NAMES, comma-separated)
  --api-server-endpoint URL   SkyPilot API server (env SKYPILOT_TEMPORAL_API_SERVER_ENDPOINT)
  --input FILE                SkyPilotWorkflowInput as proto JSON; unknown fields are rejected
  --workflow-id ID            default: skypilot-pipeline-<random hex>
  --task-queue QUEUE          (env SKYPILOT_TEMPORAL_TASK_QUEUE, default from the contract)
  --no-wait                   start the workflow, print its id and exit
  --help                      show this help

Connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE. UI links use TEMPORAL_UI_URL (default http://localhost:8233).
Exit status: 0 success, 1 workflow or connection failure, 2 usage or invalid input.
`;

/** A problem with the command line or --input (exit status 2). */
class UsageError extends Error {}

interface Options {
  input: pb.SkyPilotWorkflowInput;
  workflowId: string;
  taskQueue: string;
  noWait: boolean;
}

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Builds the workflow input from --input, environment and flags; undefined for --help. */
export function parseCommandLine(args: string[], env: NodeJS.ProcessEnv): Options | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        repo: { type: 'string' },
        branch: { type: 'string' },
        'cluster-prefix': { type: 'string' },
        env: { type: 'string', multiple: true },
        'secret-env': { type: 'string', multiple: true },
        'api-server-endpoint': { type: 'string' },
        input: { type: 'string' },
        'workflow-id': { type: 'string' },
        'task-queue': { type: 'string' },
        'no-wait': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const flags = parsed.values;
  if (flags.help) return undefined;

  const input: Record<string, unknown> = flags.input ? readInput(flags.input) : {};
  const pick = (flagValue: string | undefined, envVar: string, field: string) => {
    const value = flagValue || env[envVar];
    if (value) input[field] = value;
  };
  pick(flags.repo, 'SKYPILOT_TEMPORAL_REPO_URL', 'repoUrl');
  pick(flags.branch, 'SKYPILOT_TEMPORAL_BRANCH', 'branch');
  pick(flags['cluster-prefix'], 'SKYPILOT_TEMPORAL_CLUSTER_PREFIX', 'clusterPrefix');
  pick(flags['api-server-endpoint'], 'SKYPILOT_TEMPORAL_API_SERVER_ENDPOINT', 'apiServerEndpoint');

  for (const kv of flags.env ?? []) {
    const eq = kv.indexOf('=');
    const key = kv.slice(0, eq);
    if (eq < 0 || !envName.test(key)) {
      throw new UsageError(`--env ${JSON.stringify(kv)}: want KEY=VALUE with KEY a variable name`);
    }
    input.envsOverride = { ...(input.envsOverride as object), [key]: kv.slice(eq + 1) };
  }
  let secrets = flags['secret-env'] ?? [];
  if (secrets.length === 0) {
    secrets = (env.SKYPILOT_TEMPORAL_SECRET_ENV_NAMES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  }
  const secretNames = (input.secretEnvNames as string[] | undefined) ?? [];
  for (const name of secrets) {
    if (!envName.test(name)) throw new UsageError(`--secret-env ${JSON.stringify(name)}: not a variable name`);
    if (!secretNames.includes(name)) secretNames.push(name);
  }
  if (secretNames.length > 0) input.secretEnvNames = secretNames;
  if (!input.repoUrl) {
    throw new UsageError('no repository: pass --repo URL, set SKYPILOT_TEMPORAL_REPO_URL or put repoUrl in --input');
  }
  return {
    input: pb.SkyPilotWorkflowInput.create(input),
    workflowId: flags['workflow-id'] || `skypilot-pipeline-${randomBytes(8).toString('hex')}`,
    taskQueue: flags['task-queue'] || env.SKYPILOT_TEMPORAL_TASK_QUEUE || defaultTaskQueue,
    noWait: flags['no-wait'] ?? false,
  };
}

/** Parses a proto JSON SkyPilotWorkflowInput; returns it as message properties. */
function readInput(path: string): Record<string, unknown> {
  let text: string;
  let doc: unknown;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--input ${path}: ${(err as Error).message}`);
  }
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--input ${path}: not valid JSON: ${(err as Error).message}`);
  }
  const unknown = unknownFields(pb.SkyPilotWorkflowInput as unknown as Type, doc, '');
  if (unknown.length > 0) throw new UsageError(`--input ${path}: unknown field ${unknown.join(', ')}`);
  try {
    const message = protojson.fromJson(pb.SkyPilotWorkflowInput as unknown as Type, doc);
    return { ...message } as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`--input ${path}: ${(err as Error).message}`);
  }
}

/**
 * Lists, sorted, the quoted paths of JSON keys that name no field (by JSON name or
 * proto name) of message `type`.
 */
export function unknownFields(type: Type, doc: unknown, prefix: string): string[] {
  type.resolveAll();
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return []; // wrong types: protojson reports them
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const field = type.fieldsArray.find((f) => f.jsonName === key || f.protoName === key);
    const path = prefix + key;
    if (!field) {
      unknown.push(JSON.stringify(path));
      continue;
    }
    const message = field.resolvedType instanceof Type ? field.resolvedType : undefined;
    if (!message) continue;
    if (field.map && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) unknown.push(...unknownFields(message, v, `${path}[${JSON.stringify(k)}].`));
    } else if (field.repeated && Array.isArray(value)) {
      value.forEach((v, i) => unknown.push(...unknownFields(message, v, `${path}[${i}].`)));
    } else {
      unknown.push(...unknownFields(message, value, `${path}.`));
    }
  }
  return unknown.sort();
}

async function run(opts: Options): Promise<number> {
  let config;
  try {
    config = loadClientConnectConfig();
  } catch (err) {
    console.error(`error: Temporal client configuration: ${(err as Error).message}`);
    return 2;
  }
  const namespace = config.namespace || 'default';
  let connection: Connection;
  try {
    connection = await Connection.connect(config.connectionOptions);
  } catch (err) {
    console.error(`error: cannot connect to Temporal: ${(err as Error).message}`);
    return 1;
  }
  try {
    const client = new Client({
      connection,
      namespace,
      dataConverter: { payloadConverterPath: require.resolve('./payload-converter') },
    });
    let handle;
    try {
      handle = await client.workflow.start<(input: pb.SkyPilotWorkflowInput) => Promise<pb.SkyPilotWorkflowResult>>(
        workflowType,
        { args: [opts.input], workflowId: opts.workflowId, taskQueue: opts.taskQueue },
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        console.error(`error: workflow id ${opts.workflowId} is already in use`);
      } else {
        console.error(`error: cannot start the workflow: ${(err as Error).message}`);
      }
      return 1;
    }
    console.log(`workflow id: ${handle.workflowId}`);
    console.log(`ui: ${uiLink(namespace, handle.workflowId)}`);
    if (opts.noWait) return 0;

    const result = handle.result();
    const settled = result.then(() => true, () => true);
    let lastLine = '';
    let waitingShown = false;
    while (!(await Promise.race([settled, sleep(1000, false, { ref: false })]))) {
      try {
        const progress = await client.withDeadline(Date.now() + 3000, () =>
          handle.query<pb.SkyPilotWorkflowProgress>(progressQuery),
        );
        const line = progressLine(progress);
        if (line !== lastLine) console.log((lastLine = line));
      } catch {
        if (!waitingShown) {
          console.log(`progress: not available yet (is a worker polling task queue ${JSON.stringify(opts.taskQueue)}?)`);
          waitingShown = true;
        }
      }
    }
    try {
      printResult(await result);
      return 0;
    } catch (err) {
      return reportFailure(err);
    }
  } finally {
    await connection.close();
  }
}

function progressLine(p: pb.SkyPilotWorkflowProgress): string {
  let line = `progress: phase=${p.phase} step=${p.currentStep || '-'} finished=${p.finished.length}`;
  if (p.stepsTotal > 0) line += `/${p.stepsTotal}`;
  for (const s of p.finished) line += ` ${s.name}:${s.status}`;
  return line;
}

function printResult(r: pb.SkyPilotWorkflowResult): void {
  console.log(`workflow completed: ${r.steps.length} steps, commit ${r.commit || '-'}`);
  for (const s of r.steps) {
    const duration = String(Math.round(s.durationSeconds * 10) / 10);
    console.log(
      `step ${s.name}: cluster=${s.clusterName || '-'} job_id=${s.jobId} status=${s.status || '-'} duration=${duration}s`,
    );
    const tail = s.logTail.replace(/\n+$/, '');
    if (tail) for (const line of tail.split('\n')) console.log(`    ${line}`);
  }
  if (r.clustersDowned.length > 0) console.log(`clusters downed: ${r.clustersDowned.join(', ')}`);
}

/**
 * Prints why the workflow did not complete: its failure message and, when that
 * failure has causes, the innermost cause's message.
 */
function reportFailure(err: unknown): number {
  if (!(err instanceof WorkflowFailedError)) {
    console.error(`error: waiting for the workflow result: ${(err as Error).message}`);
    return 1;
  }
  const failure = err.cause;
  if (failure instanceof ApplicationFailure) console.error(`workflow failed: ${failure.message}`);
  else if (failure instanceof CancelledFailure) console.error('workflow cancelled');
  else if (failure instanceof TerminatedFailure) console.error('workflow terminated');
  else if (failure instanceof TimeoutFailure) console.error('workflow timed out');
  else console.error(`workflow failed: ${failure?.message ?? err.message}`);
  let inner = failure;
  while (inner?.cause instanceof Error) inner = inner.cause;
  if (inner && inner !== failure) console.error(`cause: ${inner.message}`);
  return 1;
}

/** Points at the workflow in the Temporal Web UI. */
function uiLink(namespace: string, workflowId: string): string {
  const base = (process.env.TEMPORAL_UI_URL || 'http://localhost:8233').replace(/\/+$/, '');
  return `${base}/namespaces/${escape(namespace)}/workflows/${escape(workflowId)}`;
}

/** Percent-encodes all but RFC 3986 unreserved characters (as the Go starter does). */
function escape(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'), (b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseCommandLine(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`error: ${err.message}\nrun with --help for usage`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(usage);
    return 0;
  }
  const workflowId = opts.workflowId;
  process.once('SIGINT', () => {
    console.error(`interrupted; workflow ${workflowId} keeps running`);
    process.exit(130);
  });
  return run(opts);
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
