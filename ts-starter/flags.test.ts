import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Type } from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import { skypilot_temporal } from './generated/root';
import { fieldPath, parseCommandLine, UsageError } from './flags';
import * as cli from './generated/starter-cli';
import pb = skypilot_temporal.v1;

function writeInput(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'start-test-')), 'input.json');
  writeFileSync(path, text);
  return path;
}

const asJson = (input: pb.SkyPilotWorkflowInput) => protojson.toJson(pb.SkyPilotWorkflowInput as unknown as Type, input);

test('a flag beats its environment variable, which beats the --input file', () => {
  const path = writeInput(`{
    "repoUrl": "https://file.example/repo.git", "branch": "file-branch", "cluster_prefix": "file",
    "envsOverride": {"A": "file", "B": "file"}, "secretEnvNames": ["FILE_SECRET"],
    "steps": [{"name": "train", "task_yaml": "train.yaml", "kind": "STEP_KIND_LAUNCH", "timeoutSeconds": 60}]
  }`);
  const opts = parseCommandLine(
    ['--input', path, '--branch', 'flag-branch', '--env', 'A=flag=1', '--secret-env', 'HF_TOKEN'],
    {
      SKYPILOT_TEMPORAL_BRANCH: 'env-branch',
      SKYPILOT_TEMPORAL_CLUSTER_PREFIX: 'env',
      SKYPILOT_TEMPORAL_SECRET_ENV_NAMES: 'IGNORED_WHEN_FLAGS_GIVEN',
      SKYPILOT_TEMPORAL_TASK_QUEUE: 'env-queue',
      SKYPILOT_TEMPORAL_API_SERVER_ENDPOINT: 'http://env:46580',
    },
  );
  assert.ok(opts);
  assert.deepEqual(asJson(opts.input), {
    clusterPrefix: 'env',
    repoUrl: 'https://file.example/repo.git',
    branch: 'flag-branch',
    envsOverride: { A: 'flag=1', B: 'file' },
    secretEnvNames: ['FILE_SECRET', 'HF_TOKEN'],
    apiServerEndpoint: 'http://env:46580',
    steps: [{ name: 'train', taskYaml: 'train.yaml', kind: 'STEP_KIND_LAUNCH', timeoutSeconds: 60 }],
  });
  assert.equal(opts.taskQueue, 'env-queue');
});

test('defaults', () => {
  const opts = parseCommandLine(['--repo', 'git@github.com:org/tasks.git'], {
    SKYPILOT_TEMPORAL_SECRET_ENV_NAMES: ' HF_TOKEN, ,WANDB_API_KEY',
  });
  assert.ok(opts);
  assert.equal(opts.taskQueue, 'skypilot-workflow-queue');
  assert.equal(opts.noWait, false);
  assert.equal(opts.quiet, false);
  assert.match(opts.workflowId, /^skypilot-pipeline-[0-9a-f]{16}$/);
  assert.deepEqual([...opts.input.secretEnvNames], ['HF_TOKEN', 'WANDB_API_KEY']);
  assert.notEqual(parseCommandLine(['--repo', 'x'], {})?.workflowId, opts.workflowId);
  assert.equal(parseCommandLine(['--help'], {}), undefined);
});

test('usage errors', () => {
  const cases: [string[], RegExp][] = [
    [[], /no repository/],
    [['--repo', 'x', '--env', 'NOEQUALS'], /--env "NOEQUALS": want KEY=VALUE/],
    [['--repo', 'x', '--env', '=value'], /--env "=value"/],
    [['--repo', 'x', '--env', 'BAD-KEY=1'], /--env "BAD-KEY=1"/],
    [['--repo', 'x', '--secret-env', 'NOT OK'], /--secret-env "NOT OK"/],
    [['--repo', 'x', 'extra'], /extra/],
    [['--bogus'], /bogus/],
    [['--input', '/nonexistent/input.json'], /--input \/nonexistent\/input.json/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseCommandLine(args, {}), message, JSON.stringify(args));
  }
});

test('--input names every unknown field by its path', () => {
  let path = writeInput(`{"repoUrl": "x", "bogus": 1, "launch": {"retryUntilUp": true, "idle": 3},
    "steps": [{"name": "a"}, {"name": "b", "taskYml": "t.yaml"}]}`);
  assert.throws(() => parseCommandLine(['--input', path], {}), /unknown field "bogus", "launch.idle", "steps\[1\].taskYml"/);
  path = writeInput('{"repoUrl": "x", "steps": [{"name": "a", "timeoutSeconds": "soon"}]}');
  assert.throws(() => parseCommandLine(['--input', path], {}), /timeoutSeconds/);
  path = writeInput('{"repoUrl": ');
  assert.throws(() => parseCommandLine(['--input', path], {}), /not valid JSON/);
});

test('switches and repeated flags', () => {
  const opts = parseCommandLine(['--repo', 'a', '--repo', 'b', '--no-wait', '--secret-env', 'A', '--secret-env', 'A'], {});
  assert.equal(opts?.input.repoUrl, 'b');
  assert.equal(opts?.noWait, true);
  assert.equal(opts?.quiet, false);
  assert.equal(parseCommandLine(['--repo', 'a', '--quiet'], {})?.quiet, true);
  assert.deepEqual([...(opts?.input.secretEnvNames ?? [])], ['A']);
  assert.equal(parseCommandLine(['-h'], {}), undefined);
});

test('--wait-for-repair-minutes sets launch.wait_for_repair_minutes: the flag beats its variable, which beats the --input file', () => {
  const minutes = (args: string[], env: NodeJS.ProcessEnv) => parseCommandLine(['--repo', 'x', ...args], env)?.input.launch?.waitForRepairMinutes;
  const variable = { [cli.flags.waitForRepairMinutes.env]: '20' };
  const path = writeInput('{"repoUrl": "x", "launch": {"retryUntilUp": true, "waitForRepairMinutes": 10}}');
  assert.equal(minutes(['--input', path, '--wait-for-repair-minutes', '30'], variable), 30);
  assert.equal(minutes(['--input', path], variable), 20);
  assert.equal(minutes(['--input', path], { [cli.flags.waitForRepairMinutes.env]: '' }), 10);
  assert.equal(minutes(['--wait-for-repair-minutes', '0', '--wait-for-repair-minutes', '007'], variable), 7);
  assert.equal(minutes([], {}), undefined);
  // The file's other launch options stay; the flag alone makes the launch options.
  const opts = parseCommandLine(['--input', path, '--wait-for-repair-minutes', String(cli.waitForRepairMaxMinutes)], {});
  assert.ok(opts);
  assert.deepEqual(asJson(opts.input), { repoUrl: 'x', launch: { retryUntilUp: true, waitForRepairMinutes: cli.waitForRepairMaxMinutes } });
  const alone = parseCommandLine(['--repo', 'x', '--wait-for-repair-minutes', '5'], {});
  assert.ok(alone);
  assert.deepEqual(asJson(alone.input), { repoUrl: 'x', launch: { waitForRepairMinutes: 5 } });
});

test('every flag that sets an integer field takes digits only, within its bound; else a usage error naming the flag', () => {
  const integer = /^(?:u|s)?(?:int|fixed)(?:32|64)$/;
  const integerFlags = Object.values(cli.flags).filter((f) => f.inputField && !f.repeatable
    && integer.test(fieldPath(pb.SkyPilotWorkflowInput as unknown as Type, f.inputField).at(-1)?.type ?? ''));
  assert.ok(integerFlags.includes(cli.flags.waitForRepairMinutes));
  for (const f of integerFlags) {
    for (const bad of ['-1', '+1', '1.5', '1e3', ' 1', '0x10', '', String(2 ** 32)]) {
      assert.throws(() => parseCommandLine(['--repo', 'x', `--${f.name}=${bad}`], {}),
        (err) => err instanceof UsageError && err.message.startsWith(`--${f.name} ${JSON.stringify(bad)}: `), `${f.name} ${bad}`);
    }
  }
});

test('a negative number after a flag that takes a value is its value; another dashed argument is a flag', () => {
  assert.throws(() => parseCommandLine(['--repo', 'x', '--wait-for-repair-minutes', '-5'], {}), /--wait-for-repair-minutes "-5": want/);
  assert.equal(parseCommandLine(['--repo', '-1.5'], {})?.input.repoUrl, '-1.5');
  assert.throws(() => parseCommandLine(['--repo', '--no-wait'], {}), /'--repo' argument is ambiguous/);
  assert.throws(() => parseCommandLine(['--repo', 'x', '--', '--wait-for-repair-minutes', '-5'], {}), /unexpected argument "--wait-for-repair-minutes"/);
});
