// The shared starter vectors (tests/contract/vectors/starter/*.json), which the Go
// and Python starters' tests run too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Type } from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import { isEnvName } from './contract';
import { number } from './format';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { pollLines } from './live';
import { finish } from './outcome';
import type { Output } from './output';
import { ProgressView } from './progress';
import { main } from './start';
import pb = skypilot_temporal.v1;

const vectors = resolve(__dirname, '..', 'tests', 'contract', 'vectors');
const read = (name: string) => JSON.parse(readFileSync(join(vectors, 'starter', name), 'utf8'));

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  // A printed text may hold several lines (the help).
  return { stdout, stderr, out: (l) => stdout.push(...l.split('\n')), err: (l) => stderr.push(...l.split('\n')) };
}

const inputs = read('inputs.json');

test('env names', () => {
  for (const name of inputs.env_names.valid) assert.ok(isEnvName(name), name);
  for (const name of inputs.env_names.invalid) assert.ok(!isEnvName(name), name);
});

for (const c of inputs.cases) {
  test(`input: ${c.name}`, async () => {
    const fill = (s: string) => s.replaceAll('{vectors}', vectors);
    const env = { TEMPORAL_CONFIG_FILE: join(vectors, 'no-such-temporal.toml'), ...inputs.env, ...c.env };
    const output = capture();
    const status = await main(c.argv.map(fill), env, output);
    const stdout = output.stdout.join('\n');
    const stderr = output.stderr.join('\n');
    assert.equal(status, c.exit, `stdout: ${stdout}\nstderr: ${stderr}`);
    assert.ok(stdout.includes(fill(c.stdout ?? '')), stdout);
    assert.ok(stderr.includes(fill(c.stderr ?? '')), stderr);
    if (c.exit === 2) {
      assert.equal(output.stderr.length, 2, stderr);
      assert.match(output.stderr[0], /^error: /);
      assert.equal(output.stderr[1], cli.usageHint());
      assert.equal(stdout, '');
    } else if (c.exit === 1) {
      assert.equal(output.stderr.length, 1, stderr);
      assert.match(output.stderr[0], /^error: /);
      assert.equal(stdout, '');
    }
  });
}

const progress = (json: unknown) =>
  json == null ? undefined : (protojson.fromJson(pb.SkyPilotWorkflowProgress as unknown as Type, json) as unknown as pb.SkyPilotWorkflowProgress);

const output = read('output.json');

test('numbers: metrics as String(number) writes them', () => {
  assert.ok(output.numbers.length > 0);
  for (const n of output.numbers) assert.equal(number(n.value), n.text, String(n.value));
});

for (const c of output.cases) {
  test(`output: ${c.name}`, () => {
    const output = capture();
    const view = new ProgressView(output, 'q', c.quiet ?? false);
    for (const poll of c.polls) {
      const p = progress(poll);
      if (p) view.show(p);
      else view.unavailable();
    }
    let failure: Error | undefined;
    if (c.failure?.kind === 'cancelled') failure = new CancelledFailure('cancelled');
    else if (c.failure?.kind === 'application') {
      let cause: Error | undefined;
      for (const message of [...(c.failure.causes ?? [])].reverse()) cause = ApplicationFailure.create({ message, cause });
      failure = ApplicationFailure.create({ message: c.failure.message, type: c.failure.type, cause });
    } else assert.equal(c.failure, undefined);
    const result = c.result
      ? (protojson.fromJson(pb.SkyPilotWorkflowResult as unknown as Type, c.result) as unknown as pb.SkyPilotWorkflowResult)
      : undefined;
    if (view.wantsLastAnswer(failure !== undefined)) {
      const p = progress(c.last_answer);
      if (p) view.settle(p);
    }
    assert.equal(finish(output, view, result, failure), c.exit);
    assert.deepEqual(output.stdout, c.stdout);
    assert.deepEqual(output.stderr, c.stderr);
  });
}

for (const c of read('live.json').cases) {
  test(`live: ${c.name}`, () => {
    const seen = new Map<string, number>();
    const p = progress(c.progress);
    assert.deepEqual(c.polls.flatMap((poll: unknown[]) => pollLines(poll, seen, p)), c.stdout);
  });
}
