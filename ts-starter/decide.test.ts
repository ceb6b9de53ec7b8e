// The approve and reject subcommands up to the update: the command line, the help, the approver, the dispatch
// from the first argument, and what is said when the run does not take the decision.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { parseDecision } from './decide';
import { parseCommandLine } from './flags';
import * as cli from './generated/starter-cli';
import { payloadConverter } from './payload-converter';
import { approverOf, notTaken } from './run-update';
import { run } from './start';
import { answered, printed, thrown } from './test-support';

const { approve, reject } = cli.subcommands;
const alice = { [cli.approverEnv]: 'alice' };
// Nothing listens here: a test that reached the connect would fail with exit status 1, not the status it expects.
const unreachable = { ...alice, TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' };

test('flags come before or after RUN_ID, as --flag value or --flag=value; the last one given counts', () => {
  for (const args of [
    ['run-1', '--gate', 'deploy', '--reason', 'looks good'],
    ['--gate=deploy', 'run-1', '--reason=looks good'],
    ['--reason', 'first', '--gate', 'canary', 'run-1', '--gate', 'deploy', '--reason', 'looks good'],
  ]) {
    const asked = parseDecision(approve, args, alice);
    assert.equal(asked?.workflowId, 'run-1', JSON.stringify(args));
    assert.deepEqual(asked?.arg.toJSON(), { gate: 'deploy', decision: cli.decisionApprove, approver: 'alice', reason: 'looks good' });
  }
});

/** The decision as the update sends it: its payload's encoding, message type and JSON. */
function onTheWire(decision: unknown) {
  const payload = payloadConverter.toPayload(decision);
  const text = (bytes?: Uint8Array | null) => Buffer.from(bytes ?? []).toString();
  return [text(payload.metadata?.encoding), text(payload.metadata?.messageType), JSON.parse(text(payload.data))];
}

test('each subcommand sends its own decision as a json/protobuf ApprovalDecision; no --gate: none (the worker takes the one waiting)', () => {
  const message = 'skypilot_temporal.v1.ApprovalDecision';
  assert.deepEqual(onTheWire(parseDecision(approve, ['run-1'], alice)?.arg),
    ['json/protobuf', message, { decision: cli.decisionApprove, approver: 'alice' }]);
  assert.deepEqual(onTheWire(parseDecision(reject, ['run-1', '--reason', 'too slow'], alice)?.arg),
    ['json/protobuf', message, { decision: cli.decisionReject, approver: 'alice', reason: 'too slow' }]);
});

test("the run's ApprovalRecord, answered as json/plain, is said on stdout", () => {
  const record = answered<object>({ gate: 'deploy', decision: cli.decisionReject, approver: 'bob', reason: 'too slow' });
  const asked = parseDecision(reject, ['run-1', '--reason', 'too slow'], alice);
  assert.equal(asked?.update, cli.decideUpdate);
  assert.equal(asked?.accepted(record), cli.decisionRejected({ gate: 'deploy', workflowId: 'run-1', approver: 'bob' }));
});

test('usage errors', () => {
  const cases: [cli.Subcommand, string[], string][] = [
    [approve, [], cli.runIdMissing()],
    [approve, ['--gate', 'deploy'], cli.runIdMissing()],
    [reject, ['', '--reason', 'no'], cli.runIdMissing()],
    [approve, ['run-1', 'run-2'], cli.unexpectedArgument({ value: '"run-2"' })],
    [reject, ['run-1'], cli.reasonRequired()],
    [reject, ['run-1', '--reason', ' \t'], cli.reasonRequired()],
  ];
  for (const [sub, args, message] of cases) {
    assert.equal(thrown(() => parseDecision(sub, args, alice)), message, `${sub.name} ${JSON.stringify(args)}`);
  }
  // An unknown flag, a flag of the start's among them, is said as the start says an unknown flag.
  assert.equal(thrown(() => parseDecision(approve, ['run-1', '--bogus'], alice)), thrown(() => parseCommandLine(['--bogus'], {})));
  assert.match(thrown(() => parseDecision(approve, ['run-1', '--repo', 'x'], alice)), /'--repo'/);
});

test('a usage error prints the error and the hint, exit status 2, before any connection', async (t) => {
  const out = printed(t);
  assert.equal(await run([reject.name, 'run-1'], unreachable), 2);
  assert.deepEqual(out, { stdout: [], stderr: [cli.usageError({ message: cli.reasonRequired() }), cli.usageHint()] });
});

test("--help or -h prints the subcommand's help, exit status 0, whatever else is given", async (t) => {
  for (const args of [['--help'], ['-h'], ['run-1', '--gate', 'g', '-h'], ['--help', 'run-1', 'run-2']]) {
    assert.equal(parseDecision(reject, args, {}), undefined, JSON.stringify(args));
  }
  const out = printed(t);
  assert.equal(await run([approve.name, '--help'], unreachable), 0);
  assert.equal(await run([reject.name, '-h'], unreachable), 0);
  assert.deepEqual(out, { stdout: [approve.helpText.trimEnd(), reject.helpText.trimEnd()], stderr: [] });
});

test('the approver: SKYPILOT_TEMPORAL_APPROVER trimmed, else the user this runs as', () => {
  assert.equal(approverOf({ [cli.approverEnv]: '  bob@example.org\n' }), 'bob@example.org');
  for (const unset of [{}, { [cli.approverEnv]: '' }, { [cli.approverEnv]: '   ' }]) {
    assert.equal(approverOf(unset), os.userInfo().username, JSON.stringify(unset));
  }
  assert.equal(parseDecision(approve, ['run-1'], { [cli.approverEnv]: ' carol ' })?.arg.approver, 'carol');
});

test('no approver is a usage error', (t) => {
  t.mock.method(os, 'userInfo', () => ({ username: '' }));
  assert.equal(thrown(() => parseDecision(approve, ['run-1'], {})), cli.approverMissing());
});

test('the first argument picks the subcommand; anything else, even a name objects have, is a start', async (t) => {
  const out = printed(t);
  assert.equal(await run(['--help'], unreachable), 0);
  assert.equal(await run(['constructor'], unreachable), 2);
  assert.deepEqual(out, {
    stdout: [cli.helpText.trimEnd()],
    stderr: [cli.usageError({ message: cli.unexpectedArgument({ value: '"constructor"' }) }), cli.usageHint()],
  });
});

test('a decision the run refused says why, on one line', () => {
  const failure = ApplicationFailure.create({ message: 'run-1 is not waiting at gate "deploy":\n  it waits at "canary"' });
  assert.equal(notTaken(new WorkflowUpdateFailedError('Workflow Update failed', failure), 'run-1', cli.decisionFailed),
    cli.decisionRefused({ detail: 'run-1 is not waiting at gate "deploy": it waits at "canary"' }));
});

test('NotFound, for a run that never was or has ended, says there is no such run open', () => {
  for (const message of ['workflow not found for ID: run-1', 'workflow execution already completed']) {
    assert.equal(notTaken(new WorkflowNotFoundError(message, 'run-1', undefined), 'run-1', cli.decisionFailed), cli.runNotFound({ workflowId: 'run-1' }));
  }
});

test('any other failure says what went wrong beneath the SDK', () => {
  const lost = new ServiceError('Workflow Update failed', { cause: new Error('14 UNAVAILABLE:\nconnection reset') });
  assert.equal(notTaken(lost, 'run-1', cli.decisionFailed), cli.decisionFailed({ detail: 'Workflow Update failed: 14 UNAVAILABLE: connection reset' }));
});
