import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from 'protobufjs';
import {
  envNameMaxLength,
  envNamePattern,
  envNameRule,
  progressQuery,
  statePending,
  stateRunning,
  teardownFailed,
  wireName,
  workflowType,
} from './contract';
import root, { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { uiLink } from './format';
import pb = skypilot_temporal.v1;

const wireNames = (name: 'FailureType' | 'RunPhase' | 'StepState') =>
  Object.values(root.lookupEnum(`skypilot_temporal.v1.${name}`).values).filter((v) => v !== 0).map((v) => wireName(name, v));

test('names, failure types and phases come from the generated contract', () => {
  assert.equal(workflowType, 'SkyPilotWorkflow');
  assert.equal(progressQuery, 'progress');
  assert.deepEqual(wireNames('FailureType'), ['InvalidInput', 'InvalidRepo', 'InvalidTask', 'JobFailed',
    'SkyPilotPermanentError', 'EndpointMismatch', 'StepTimedOut', 'TeardownFailed', 'WorkerError',
    'RepoUnreachable', 'SkyPilotUnavailable']);
  assert.deepEqual(wireNames('RunPhase'), ['starting', 'clone', 'running', 'teardown', 'completed', 'failed',
    'cancelled', 'teardown_failed']);
  assert.equal(teardownFailed, wireName('FailureType', pb.FailureType.FAILURE_TYPE_TEARDOWN_FAILED));
});

test('the env name rule comes from the generated contract', () => {
  assert.equal(envNamePattern, '[A-Za-z_][A-Za-z0-9_]*');
  assert.equal(envNameMaxLength, 128);
  assert.equal(envNameRule(), '[A-Za-z_][A-Za-z0-9_]*, at most 128 characters');
});

test('every input field the flag table names is a field of SkyPilotWorkflowInput', () => {
  const type = pb.SkyPilotWorkflowInput as unknown as Type;
  type.resolveAll();
  const fields = type.fieldsArray.map((f) => f.protoName);
  for (const f of Object.values(cli.flags)) if (f.inputField) assert.ok(fields.includes(f.inputField), f.name);
});

test('the help lists every flag and environment variable of the table', () => {
  for (const f of Object.values(cli.flags)) {
    assert.ok(cli.helpText.includes(`  --${f.name} `), f.name);
    if (f.env) assert.ok(cli.helpText.includes(`(env ${f.env}`), f.env);
  }
});

test('UI links percent-encode the namespace and workflow id', () => {
  assert.equal(uiLink({ TEMPORAL_UI_URL: 'https://cloud.example/ui/' }, 'team ns', 'run/1é'),
    'https://cloud.example/ui/namespaces/team%20ns/workflows/run%2F1%C3%A9');
  assert.equal(uiLink({}, 'default', 'x'), 'http://localhost:8233/namespaces/default/workflows/x');
});

test('the summary line orders every StepState the contract has, and nothing else', () => {
  const states = wireNames('StepState');
  assert.deepEqual(states, ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped']);
  assert.deepEqual([statePending, stateRunning], ['pending', 'running']);
  assert.deepEqual([...cli.stateSummaryOrder].sort(), [...states].sort());
});
