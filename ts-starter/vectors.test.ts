// The shared starter vectors (tests/contract/vectors/starter/*.json), which the Go and Python
// starters' tests run too.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { Type } from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import { finish, viewLines } from './follow';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { main } from './start';
import pb = skypilot_temporal.v1;

const vectors = resolve(__dirname, '..', 'tests', 'contract', 'vectors');
const read = (name: string) => JSON.parse(readFileSync(join(vectors, 'starter', name), 'utf8'));

/** Runs `fn` with console.log and console.error captured line by line (a printed text may hold several lines: the help). */
async function captured<T>(t: TestContext, fn: () => T | Promise<T>): Promise<{ value: T; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  t.mock.method(console, 'log', (text: unknown) => stdout.push(...String(text).split('\n')));
  t.mock.method(console, 'error', (text: unknown) => stderr.push(...String(text).split('\n')));
  try {
    return { value: await fn(), stdout, stderr };
  } finally {
    t.mock.restoreAll();
  }
}

const inputs = read('inputs.json');

test('env names', () => {
  for (const name of inputs.env_names.valid) assert.ok(cli.isEnvName(name), name);
  for (const name of inputs.env_names.invalid) assert.ok(!cli.isEnvName(name), name);
});

for (const c of inputs.cases) {
  test(`input: ${c.name}`, async (t) => {
    const fill = (s: string) => s.replaceAll('{vectors}', vectors);
    const env = { TEMPORAL_CONFIG_FILE: join(vectors, 'no-such-temporal.toml'), ...inputs.env, ...c.env };
    const run = await captured(t, () => main(c.argv.map(fill), env));
    const stdout = run.stdout.join('\n');
    const stderr = run.stderr.join('\n');
    assert.equal(run.value, c.exit, `stdout: ${stdout}\nstderr: ${stderr}`);
    assert.ok(stdout.includes(fill(c.stdout ?? '')), stdout);
    assert.ok(stderr.includes(fill(c.stderr ?? '')), stderr);
    if (c.exit === 2) {
      assert.equal(run.stderr.length, 2, stderr);
      assert.match(run.stderr[0], /^error: /);
      assert.equal(run.stderr[1], cli.usageHint());
      assert.equal(stdout, '');
    } else if (c.exit === 1) {
      assert.equal(run.stderr.length, 1, stderr);
      assert.match(run.stderr[0], /^error: /);
      assert.equal(stdout, '');
    }
  });
}

const fromJson = <T>(type: unknown, json: unknown) => protojson.fromJson(type as Type, json) as unknown as T;

/** The failure a run's result rejects with (WorkflowFailedError's cause), as the vector describes it. */
function failureOf(f: { kind: string; type?: string; message?: string; details?: unknown[]; causes?: string[] }): Error {
  let cause: Error | undefined;
  for (const message of [...(f.causes ?? [])].reverse()) cause = ApplicationFailure.create({ message, cause });
  switch (f.kind) {
    case 'application':
      return ApplicationFailure.create({ message: f.message, type: f.type, details: f.details, cause });
    case 'cancelled':
      return new CancelledFailure(f.message, [], cause);
    case 'terminated':
      return new TerminatedFailure(f.message, cause);
    case 'timed_out':
      return new TimeoutFailure(f.message, undefined, TimeoutType.START_TO_CLOSE);
    default:
      throw new Error(`unknown failure kind ${f.kind}`);
  }
}

for (const c of read('outcome.json').cases) {
  test(`outcome: ${c.name}`, async (t) => {
    // The run answers the polls with `views`, then, once ended, with `final_view`.
    const answers: (pb.IRunView | undefined)[] = [...c.views, c.final_view].map((v) => (v === null ? undefined : fromJson(pb.RunView, v)));
    // A run with no step running: its heartbeats are none.
    const requests: pb.RunViewRequest[] = [];
    const handle = {
      client: { withDeadline: (_deadline: number, call: () => unknown) => call() },
      describe: async () => ({ raw: {} }),
      query: async (_name: string, request: pb.RunViewRequest) => {
        const answer = answers[requests.push(request) - 1];
        if (!answer) throw new Error('no worker answered');
        return answer;
      },
    } as unknown as WorkflowHandle;
    const run = await captured(t, async () => {
      const view = viewLines(handle, 'q', c.quiet);
      for (let i = 0; i < c.views.length; i++) await view.poll();
      await view.last();
      const result = c.result ? fromJson<pb.SkyPilotWorkflowResult>(pb.SkyPilotWorkflowResult, c.result) : undefined;
      return finish(result, c.failure ? failureOf(c.failure) : undefined);
    });
    assert.deepEqual(run.stdout, c.stdout);
    assert.deepEqual(run.stderr, c.stderr);
    assert.equal(run.value, c.exit);
    // Each query carries the cursor of the last answer ("" before the first); quiet, none is made.
    const cursors: string[] = [];
    let cursor = '';
    for (const answer of answers) {
      cursors.push(cursor);
      cursor = answer?.cursor ?? cursor;
    }
    assert.deepEqual(requests.map((r) => r.cursor), c.quiet ? [] : cursors);
    assert.deepEqual(requests.flatMap((r) => r.heartbeats), []);
  });
}

test('every starter vector is run here', () => {
  assert.deepEqual(readdirSync(join(vectors, 'starter')).filter((f) => f.endsWith('.json')).sort(), ['inputs.json', 'outcome.json']);
});
