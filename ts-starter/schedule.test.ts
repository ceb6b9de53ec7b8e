// The schedule subcommands up to Temporal: the dispatch from the first two arguments, the help, every usage error,
// and the schedule create asks for. What they print of a live schedule is compared across starters by the parity tests.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { envNameRule, parseCommandLine } from './flags';
import * as cli from './generated/starter-cli';
import { parseSchedule, utc } from './schedule';
import { run } from './start';

const { scheduleCreate: create, scheduleList: list, scheduleDescribe: describe, scheduleBackfill: backfill } = cli.subcommands;
const scheduleSubs = Object.values(cli.subcommands).filter((sub) => sub.name.startsWith('schedule '));
const repo = ['--repo', 'https://example.org/tasks.git'];
// Nothing listens here: a test that reached the connect would fail with exit status 1, not the status it expects.
const unreachable = { TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' };

/** What console.log and console.error printed while the test ran, line by line. */
function printed(t: TestContext) {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  t.mock.method(console, 'log', (text: unknown) => out.stdout.push(String(text)));
  t.mock.method(console, 'error', (text: unknown) => out.stderr.push(String(text)));
  return out;
}

/** The message of the error `call` throws. */
function thrown(call: () => unknown): string {
  try {
    call();
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('nothing thrown');
}

const usage = (message: string) => ({ stdout: [], stderr: [cli.usageError({ message }), cli.usageHint()] });

test('the table has the eight schedule actions, each run by its two words', () => {
  assert.deepEqual(scheduleSubs.map((sub) => sub.name.split(' ')[1]),
    ['create', 'list', 'describe', 'pause', 'unpause', 'trigger', 'backfill', 'delete']);
});

test("schedule ACTION --help or -h prints that action's help, exit status 0, whatever else is given", async (t) => {
  const out = printed(t);
  for (const sub of scheduleSubs) {
    assert.equal(await run([...sub.name.split(' '), 'some-id', '-h'], unreachable), 0, sub.name);
    assert.equal(await run([...sub.name.split(' '), '--help', 'x', 'y'], unreachable), 0, sub.name);
  }
  assert.deepEqual(out, { stdout: scheduleSubs.flatMap((sub) => [sub.helpText.trimEnd(), sub.helpText.trimEnd()]), stderr: [] });
});

test('schedule without an action, or with one the table lacks, is a usage error, not a start', async (t) => {
  const cases = [
    [['schedule'], '"schedule"'], [['schedule', 'bogus', 'x'], '"bogus"'], [['schedule', '--help'], '"--help"'],
    [['schedule', 'constructor'], '"constructor"'],
  ] as const;
  for (const [argv, value] of cases) {
    const out = printed(t);
    assert.equal(await run([...argv], unreachable), 2, JSON.stringify(argv));
    assert.deepEqual(out, usage(cli.unexpectedArgument({ value })), JSON.stringify(argv));
    t.mock.restoreAll();
  }
});

test('a usage error prints the error and the hint, exit status 2, before any connection', async (t) => {
  const out = printed(t);
  assert.equal(await run(['schedule', 'create', 'nightly', '--every', '6x', ...repo], unreachable), 2);
  assert.deepEqual(out, usage(cli.everyInvalid({ value: '"6x"' })));
});

test('usage errors', () => {
  const cases: [cli.Subcommand, string[], string][] = [
    [describe, [], cli.idMissing()],
    [describe, [''], cli.idMissing()],
    [describe, ['nightly', 'weekly'], cli.unexpectedArgument({ value: '"weekly"' })],
    [list, ['nightly'], cli.unexpectedArgument({ value: '"nightly"' })],
    [create, ['--every', '6h', ...repo], cli.idMissing()],
    [create, ['nightly', ...repo], cli.specMissing()],
    [create, ['nightly', '--cron', '', ...repo], cli.specMissing()],
    [create, ['nightly', '--cron', '0 3 * * *', '--every', '6h', ...repo], cli.specBoth()],
    [create, ['nightly', '--cron', '0 3 * * *', '--overlap', 'SKIP', ...repo], cli.overlapInvalid({ value: '"SKIP"' })],
    [create, ['nightly', '--cron', '0 3 * * *', '--overlap', 'never', ...repo], cli.overlapInvalid({ value: '"never"' })],
    [create, ['nightly', '--every', '6h'], cli.repoMissing()],
    [create, ['nightly', '--every', '6h', ...repo, '--env', 'not a name=1'],
      cli.envInvalid({ value: '"not a name=1"', rule: envNameRule })],
    [backfill, ['nightly', '--to', '2026-12-02T00:00:00Z'], cli.timeInvalid({ flag: '--from', value: '""' })],
    [backfill, ['nightly', '--from', '2026-12-01T00:00:00Z'], cli.timeInvalid({ flag: '--to', value: '""' })],
    [backfill, ['nightly', '--from', '2026-12-02T00:00:00Z', '--to', '2026-12-01T00:00:00Z'], cli.rangeInvalid()],
    // The same instant written in two zones is an empty range.
    [backfill, ['nightly', '--from', '2026-12-01T01:00:00+01:00', '--to', '2026-12-01T00:00:00Z'], cli.rangeInvalid()],
  ];
  for (const [sub, args, message] of cases) {
    assert.equal(thrown(() => parseSchedule(sub, args, {})), message, `${sub.name} ${JSON.stringify(args)}`);
  }
});

test('--every: a whole number from 1 and a unit of s, m, h or d', () => {
  // The longest: what Go's time.Duration holds, 2^63-1 ns, 292 years.
  for (const value of ['0h', '06h', '6', 'h', '6H', '6w', '1.5h', '-6h', ' 6h', '6h ', '6h30m', '9'.repeat(20) + 'd', '106752d', '9223372037s']) {
    assert.equal(thrown(() => parseSchedule(create, ['nightly', `--every=${value}`, ...repo], {})),
      cli.everyInvalid({ value: JSON.stringify(value) }), value);
  }
  const seconds = { '45s': 45, '30m': 1800, '6h': 21600, '1d': 86400, '90d': 7776000, '106751d': 9223286400, '9223372036s': 9223372036 };
  for (const [value, s] of Object.entries(seconds)) {
    const asked = parseSchedule(create, ['nightly', '--every', value, ...repo], {});
    assert.deepEqual(asked?.create?.spec, { intervals: [{ every: s * 1000 }] }, value);
    assert.deepEqual(asked?.create?.memo, { [cli.scheduleSpecMemo]: cli.specEvery({ duration: value }) });
  }
});

test('--from and --to: RFC 3339 with a zone, a real date and time', () => {
  const bad = ['2026-12-01', '2026-12-01T00:00:00', '2026-12-01 00:00:00Z', '2026-12-01t00:00:00z', '2026-02-30T00:00:00Z',
    '2026-12-01T24:00:00Z', '2026-12-01T00:60:00Z', '2026-12-01T00:00:60Z', '2026-12-01T00:00:00+24:00', '2026-12-01T00:00:00+0100',
    '1764547200', 'yesterday'];
  for (const value of bad) {
    assert.equal(thrown(() => parseSchedule(backfill, ['nightly', '--from', value, '--to', '2027-01-01T00:00:00Z'], {})),
      cli.timeInvalid({ flag: '--from', value: JSON.stringify(value) }), value);
    assert.equal(thrown(() => parseSchedule(backfill, ['nightly', '--from', '2026-01-01T00:00:00Z', '--to', value], {})),
      cli.timeInvalid({ flag: '--to', value: JSON.stringify(value) }), value);
  }
  const range = parseSchedule(backfill, ['--from=2028-02-29T23:30:00.75-01:30', 'nightly', '--to', '2028-03-01T12:00:00Z'], {})?.backfill;
  const [start, end] = [new Date(Date.UTC(2028, 2, 1, 1, 0, 0, 750)), new Date(Date.UTC(2028, 2, 1, 12))];
  assert.deepEqual(range, { start, end, overlap: 'BUFFER_ALL' });
});

test('times are printed in UTC to the second', () => {
  assert.equal(utc(new Date(Date.UTC(2026, 11, 6, 9, 0, 0, 999))), '2026-12-06T09:00:00Z');
  assert.equal(utc(new Date('2026-12-01T00:00:00+05:30')), '2026-11-30T18:30:00Z');
});

test('create: the start of each run, parsed as the start parses it, under the schedule id; the spec in the memo', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'schedule-test-')), 'input.json');
  writeFileSync(path, JSON.stringify({ repoUrl: 'https://file.example/repo.git', branch: 'file-branch' }));
  const startArgs = ['--input', path, '--env', 'A=1', '--secret-env', 'HF_TOKEN', '--task-queue', 'gpu-queue'];
  const env = { SKYPILOT_TEMPORAL_BRANCH: 'env-branch', SKYPILOT_TEMPORAL_CLUSTER_PREFIX: 'env' };
  const asked = parseSchedule(create, ['--cron', '0 3 * * *', 'nightly', ...startArgs], env);
  const started = parseCommandLine(startArgs, env);
  assert.equal(asked?.id, 'nightly');
  assert.deepEqual(asked?.create, {
    scheduleId: 'nightly',
    spec: { cronExpressions: ['0 3 * * *'] },
    action: {
      type: 'startWorkflow', workflowType: cli.workflowType, args: [started?.input], taskQueue: 'gpu-queue', workflowId: 'nightly',
    },
    policies: { overlap: 'SKIP' },
    memo: { [cli.scheduleSpecMemo]: 'cron 0 3 * * *' },
  });
  assert.equal(parseSchedule(create, ['nightly', '--every', '1d', ...repo], {})?.create?.action.taskQueue, cli.defaultTaskQueue);
});

test('--overlap: each of the table\'s names, as the SDK\'s policy', () => {
  const names = cli.scheduleOverlapNames.split(', ');
  assert.ok(names.includes(cli.scheduleDefaultOverlap));
  for (const name of names) {
    const asked = parseSchedule(create, ['nightly', '--every', '1h', '--overlap', name, ...repo], {});
    assert.equal(asked?.create?.policies?.overlap, name.toUpperCase(), name);
  }
});

test("an unknown flag, a start flag create does not take among them, is said as the start says it", () => {
  assert.equal(thrown(() => parseSchedule(describe, ['nightly', '--bogus'], {})), thrown(() => parseCommandLine(['--bogus'], {})));
  for (const flag of ['--workflow-id=x', '--no-wait', '--quiet']) {
    const named = new RegExp(`'${flag.split('=')[0]}'`);
    assert.match(thrown(() => parseSchedule(create, ['nightly', '--every', '1h', ...repo, flag], {})), named);
  }
  assert.match(thrown(() => parseSchedule(list, ['--repo', 'x'], {})), /'--repo'/);
});

test('pause and unpause take a note; without one, none is asked for', () => {
  const { schedulePause: pause, scheduleUnpause: unpause } = cli.subcommands;
  assert.equal(parseSchedule(pause, ['nightly', '--note', 'maintenance window'], {})?.note, 'maintenance window');
  assert.equal(parseSchedule(unpause, ['--note=back', 'nightly'], {})?.note, 'back');
  assert.equal(parseSchedule(pause, ['nightly'], {})?.note, '');
});
