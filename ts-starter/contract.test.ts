import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from 'protobufjs';
import root from './generated/root';
import { envNameRule } from './flags';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { uiLink } from './start';
import pb = skypilot_temporal.v1;

test('the generated names are the options of the protobufjs root: both come from pipeline.proto', () => {
  const options = (root.lookup('skypilot_temporal.v1')?.options ?? {}) as Record<string, unknown>;
  const failureType = root.lookupEnum('skypilot_temporal.v1.FailureType');
  assert.deepEqual(
    [cli.workflowType, cli.defaultTaskQueue, cli.viewQuery, cli.liveStepsMax, cli.envNamePattern, cli.envNameMaxLength,
      cli.teardownFailed],
    [...['workflow_type', 'default_task_queue', 'view_query', 'live_steps_max', 'env_name_pattern', 'env_name_max_length']
      .map((name) => options[`(${name})`]),
    failureType.valuesOptions?.FAILURE_TYPE_TEARDOWN_FAILED?.['(wire_name)']],
  );
});

test('the env name rule', () => {
  assert.equal(envNameRule, '[A-Za-z_][A-Za-z0-9_]*, at most 128 characters');
  for (const [name, ok] of [['HF_TOKEN', true], ['_x1', true], ['1X', false], ['A-B', false], ['', false]] as const) {
    assert.equal(cli.isEnvName(name), ok, name);
  }
});

test('every input field the flag table names is a string or integer field of SkyPilotWorkflowInput, by a dotted path of proto names', () => {
  const integer = /^(?:u|s)?(?:int|fixed)(?:32|64)$/;
  for (const f of Object.values(cli.flags)) {
    if (!f.inputField) continue;
    let type = pb.SkyPilotWorkflowInput as unknown as Type;
    let field;
    for (const name of f.inputField.split('.')) {
      assert.ok(type instanceof Type, `${f.name}: ${name} is below a scalar`);
      type.resolveAll();
      field = type.fieldsArray.find((x) => x.protoName === name);
      assert.ok(field, `${f.name}: no field ${name} in ${type.name}`);
      type = field.resolvedType as Type;
    }
    assert.ok(field?.type === 'string' || integer.test(field?.type ?? ''), `${f.name}: ${field?.type}`);
  }
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
