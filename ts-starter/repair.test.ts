// The retry and abort subcommands up to the update: the command line, the help, the requester, the dispatch
// from the first argument, the line said of the run's answer, and what is said when the run does not take it.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import * as cli from './generated/starter-cli';
import { parseRepair } from './repair';
import { notTaken } from './run-update';
import { run } from './start';
import { answered, printed, thrown } from './test-support';

const { retry, abort } = cli.subcommands;
const alice = { [cli.approverEnv]: 'alice' };
// Nothing listens here: a test that reached the connect would fail with exit status 1, not the status it expects.
const unreachable = { ...alice, TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' };
const sha1 = 'AbCdEf0123456789abcdef0123456789ABCDEF01';
const sha256 = 'f'.repeat(64);

test('retry sends the retry update: a RetryRequest from the flags, the commit lower-cased, the requester from the environment', () => {
  for (const args of [['run-1', '--step', 'eval', '--commit', sha1], ['--commit=' + sha1, '--step=train', 'run-1', '--step', 'eval']]) {
    const asked = parseRepair(retry, args, { [cli.approverEnv]: ' bob ' });
    assert.equal(asked?.workflowId, 'run-1', JSON.stringify(args));
    assert.equal(asked?.update, cli.retryUpdate);
    assert.equal(asked?.sender, 'bob');
    assert.deepEqual(asked?.arg.toJSON(), { step: 'eval', branch: '', commit: sha1.toLowerCase(), requester: 'bob' });
  }
  assert.deepEqual(parseRepair(retry, ['run-1', '--commit', sha256], alice)?.arg.toJSON(),
    { step: '', branch: '', commit: sha256, requester: 'alice' });
  // No --step, no --sweep-branch, no --commit: every step and branch that waits, from the head of the run's branch.
  assert.deepEqual(parseRepair(retry, ['run-1'], alice)?.arg.toJSON(), { step: '', branch: '', commit: '', requester: 'alice' });
  // A sweep's branch, by index, sent as given: the run checks it. The last --sweep-branch wins.
  for (const args of [['run-1', '--step', 'eval', '--sweep-branch', '3'], ['--sweep-branch=0', 'run-1', '--step=eval', '--sweep-branch', '3']]) {
    assert.deepEqual(parseRepair(retry, args, alice)?.arg.toJSON(), { step: 'eval', branch: '3', commit: '', requester: 'alice' });
  }
});

test('abort sends the abort update: an AbortRequest from the flags and the requester', () => {
  const asked = parseRepair(abort, ['run-1', '--step', 'eval', '--reason', 'out of budget'], alice);
  assert.equal(asked?.update, cli.abortUpdate);
  assert.deepEqual(asked?.arg.toJSON(), { step: 'eval', branch: '', reason: 'out of budget', requester: 'alice' });
  assert.deepEqual(parseRepair(abort, ['run-1'], alice)?.arg.toJSON(), { step: '', branch: '', reason: '', requester: 'alice' });
  assert.deepEqual(parseRepair(abort, ['run-1', '--sweep-branch', '1', '--sweep-branch', '2'], alice)?.arg.toJSON(),
    { step: '', branch: '2', reason: '', requester: 'alice' });
});

test('usage errors', () => {
  const cases: [cli.Subcommand, string[], string][] = [
    [retry, [], cli.runIdMissing()],
    [abort, ['--step', 'eval'], cli.runIdMissing()],
    [retry, ['run-1', 'run-2'], cli.unexpectedArgument({ value: '"run-2"' })],
    [retry, ['run-1', '--commit', 'abc123'], cli.commitInvalid({ value: '"abc123"' })],
    [retry, ['run-1', '--commit', sha1.slice(1)], cli.commitInvalid({ value: JSON.stringify(sha1.slice(1)) })],
    [retry, ['run-1', '--commit', `${sha1}0`], cli.commitInvalid({ value: JSON.stringify(`${sha1}0`) })],
    [retry, ['run-1', '--commit', 'g'.repeat(40)], cli.commitInvalid({ value: JSON.stringify('g'.repeat(40)) })],
    [retry, ['run-1', '--commit', ` ${sha1}`], cli.commitInvalid({ value: JSON.stringify(` ${sha1}`) })],
    [retry, ['run-1', '--commit', ''], cli.commitInvalid({ value: '""' })],
  ];
  for (const [sub, args, message] of cases) {
    assert.equal(thrown(() => parseRepair(sub, args, alice)), message, `${sub.name} ${JSON.stringify(args)}`);
  }
  // Each takes only its own flags.
  assert.match(thrown(() => parseRepair(abort, ['run-1', '--commit', sha1], alice)), /'--commit'/);
  assert.match(thrown(() => parseRepair(retry, ['run-1', '--reason', 'x'], alice)), /'--reason'/);
});

test('no requester is a usage error, exit status 2, before any connection', async (t) => {
  t.mock.method(os, 'userInfo', () => ({ username: '' }));
  assert.equal(thrown(() => parseRepair(abort, ['run-1'], {})), cli.approverMissing());
  const out = printed(t);
  assert.equal(await run([retry.name, 'run-1'], { ...unreachable, [cli.approverEnv]: ' ' }), 2);
  assert.deepEqual(out, { stdout: [], stderr: [cli.usageError({ message: cli.approverMissing() }), cli.usageHint()] });
});

test("--help or -h prints the subcommand's help, exit status 0, whatever else is given", async (t) => {
  for (const args of [['--help'], ['-h'], ['run-1', '--commit', 'bad', '-h'], ['--help', 'run-1', 'run-2']]) {
    assert.equal(parseRepair(retry, args, {}), undefined, JSON.stringify(args));
  }
  const out = printed(t);
  assert.equal(await run([retry.name, '--help'], unreachable), 0);
  assert.equal(await run([abort.name, '-h'], unreachable), 0);
  assert.deepEqual(out, { stdout: [retry.helpText.trimEnd(), abort.helpText.trimEnd()], stderr: [] });
});

test('the first argument picks retry or abort: their usage errors are theirs', async (t) => {
  const out = printed(t);
  assert.equal(await run([retry.name, 'run-1', '--commit', 'HEAD'], unreachable), 2);
  assert.equal(await run([abort.name], unreachable), 2);
  assert.deepEqual(out.stderr, [
    cli.usageError({ message: cli.commitInvalid({ value: '"HEAD"' }) }), cli.usageHint(),
    cli.usageError({ message: cli.runIdMissing() }), cli.usageHint(),
  ]);
});

/** The run's answer to a request that ended the waits of eval and of two branches of sweep step train, as the worker
 * sends it (json/plain, proto names). */
const answer = answered<object>({
  repairs: [['eval', ''], ['train', '1 (LR=0.1)'], ['train', '2 (LR=0.01)']].map(([step, branch], i) => ({
    step, branch, action: 'retry', requester: `requester-${i}`, commit: `${i}`.repeat(40), reason: '', failure: 'exit code 1',
    decided_at: '2025-01-02T03:04:05Z', waiting_since: '2025-01-02T03:00:00Z',
  })),
});

test("the run's RepairAnswer is said on stdout: every step (a sweep's with its branch), the first record's commit (12 characters) and requester", () => {
  const steps = 'eval, train [1 (LR=0.1)], train [2 (LR=0.01)]';
  assert.equal(parseRepair(retry, ['run-1'], alice)?.accepted(answer),
    cli.retryAccepted({ steps, workflowId: 'run-1', commit: '000000000000', requester: 'requester-0' }));
  assert.equal(parseRepair(abort, ['run-1'], alice)?.accepted(answer),
    cli.abortAccepted({ steps, workflowId: 'run-1', requester: 'requester-0' }));
});

test('a request the run refused says why, on one line; NotFound says there is no such run open', () => {
  const failure = ApplicationFailure.create({ message: 'run-1 waits for no repair:\n  step "eval" succeeded' });
  assert.equal(notTaken(new WorkflowUpdateFailedError('Workflow Update failed', failure), 'run-1', cli.requestFailed),
    cli.decisionRefused({ detail: 'run-1 waits for no repair: step "eval" succeeded' }));
  assert.equal(notTaken(new WorkflowNotFoundError('workflow not found for ID: run-1', 'run-1', undefined), 'run-1', cli.requestFailed),
    cli.runNotFound({ workflowId: 'run-1' }));
});

test('any other failure of retry or abort says the request did not get there, and what went wrong beneath the SDK', () => {
  const lost = new ServiceError('Workflow Update failed', { cause: new Error('14 UNAVAILABLE:\nconnection reset') });
  for (const sub of [retry, abort]) {
    const failed = parseRepair(sub, ['run-1'], alice)?.failed;
    assert.ok(failed, sub.name);
    assert.equal(notTaken(lost, 'run-1', failed), cli.requestFailed({ detail: 'Workflow Update failed: 14 UNAVAILABLE: connection reset' }));
  }
});
