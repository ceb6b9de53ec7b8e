// Golden payload vectors (tests/contract/vectors/*.json) through the TypeScript
// SDK's protobuf payload converter and the generated protobufjs types. See
// docs/contract.md for the vector format and what "the same JSON" means.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Type } from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import { skypilot_temporal } from '../../ts-starter/generated/root';
import { payloadConverter } from '../../ts-starter/payload-converter';
import pb = skypilot_temporal.v1;

const dir = join(__dirname, 'vectors');
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

/** Reads a vector; its payload is Temporal's JSON form of a Payload (base64 bytes). */
function load(name: string): { messageType: string; payload: Payload } {
  const doc = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const payload = temporal.api.common.v1.Payload.fromObject(doc.payload) as Payload;
  assert.deepEqual(JSON.parse(text(payload.data)), doc.json, `${name}: the readable "json" copy differs from the data`);
  return { messageType: doc.messageType, payload };
}

/** Decodes with the SDK converter, re-encodes; metadata identical, data the same JSON value. */
function roundTrip<T>(name: string, type: unknown): T {
  const { messageType, payload } = load(name);
  assert.equal(text(payload.metadata?.encoding), 'json/protobuf');
  assert.equal(text(payload.metadata?.messageType), messageType);
  const value = payloadConverter.fromPayload<T & { $type: unknown }>(payload);
  assert.equal(value.$type, type, `decoded into ${messageType}`);
  const again = payloadConverter.toPayload(value);
  assert.deepEqual(
    Object.fromEntries(Object.entries(again.metadata ?? {}).map(([k, v]) => [k, text(v)])),
    Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, text(v)])),
  );
  assert.deepEqual(JSON.parse(text(again.data)), JSON.parse(text(payload.data)));
  return value;
}

function checkInputFull(input: pb.SkyPilotWorkflowInput): void {
  assert.equal(input.clusterPrefix, 'nightly');
  assert.equal(input.repoUrl, 'https://github.com/example-org/ml-pipelines.git');
  assert.equal(input.branch, 'release/v2');
  assert.equal(input.apiServerEndpoint, 'https://skypilot-api.example.com:46580');
  assert.deepEqual({ ...input.envsOverride }, { DATA_BUCKET_NAME: 'example-ml-data', EPOCHS: '3', MODEL_NAME: 'llama-3-8b' });
  assert.deepEqual([...input.secretEnvNames], ['HF_TOKEN', 'WANDB_API_KEY']);
  const steps = input.steps.map((s) => [s.name, s.taskYaml, s.kind, s.cluster, s.timeoutSeconds, s.heartbeatTimeoutSeconds]);
  assert.deepEqual(steps, [
    ['preprocess', 'tasks/data_preprocessing.yaml', pb.StepKind.STEP_KIND_LAUNCH, 'cpu', 1800, 90],
    ['train', 'tasks/train.yaml', pb.StepKind.STEP_KIND_LAUNCH, 'gpu', 14400, 120],
    ['eval', 'tasks/eval.yaml', pb.StepKind.STEP_KIND_EXEC, 'gpu', 3600, 60],
  ]);
  assert.equal(input.launch?.idleMinutesToAutodown, 45);
  assert.equal(input.launch?.retryUntilUp, true);
}

const stepRow = (s: pb.StepResult) => [s.name, s.kind, s.clusterName, String(s.jobId), s.status, s.durationSeconds, s.logTail];
const preprocessRow = [
  'preprocess', pb.StepKind.STEP_KIND_LAUNCH, 'nightly-cpu', '1', 'SUCCEEDED', 312.5,
  'Preprocessing 10 shards\nwrote 10 files to example-ml-data\n',
];

test('input-full.json', () => {
  checkInputFull(roundTrip<pb.SkyPilotWorkflowInput>('input-full.json', pb.SkyPilotWorkflowInput));
});

test('result-full.json', () => {
  const r = roundTrip<pb.SkyPilotWorkflowResult>('result-full.json', pb.SkyPilotWorkflowResult);
  assert.deepEqual(r.steps.map(stepRow), [
    preprocessRow,
    ['train', pb.StepKind.STEP_KIND_LAUNCH, 'nightly-gpu', '9007199254740993', 'SUCCEEDED', 7200,
      'epoch 3/3 loss=0.412\tlr=3e-4\nsaved "best" checkpoint → /data/ckpt <step 900> & done\n'],
    ['eval', pb.StepKind.STEP_KIND_EXEC, 'nightly-gpu', '2', 'SUCCEEDED', 0.125, 'accuracy: 0.91 ✓'],
  ]);
  assert.deepEqual([...r.clustersDowned], ['nightly-cpu', 'nightly-gpu']);
  assert.equal(r.commit, '3821bde8633dcff96cd80dc42cd3114300fe1baf');
});

test('progress.json', () => {
  const p = roundTrip<pb.SkyPilotWorkflowProgress>('progress.json', pb.SkyPilotWorkflowProgress);
  assert.equal(p.phase, 'running');
  assert.equal(p.currentStep, 'train');
  assert.equal(p.stepsTotal, 3);
  assert.deepEqual(p.finished.map(stepRow), [preprocessRow]);
  assert.deepEqual([...p.clustersUp], ['nightly-gpu']);
});

test('input-plain.json is the same message as input-full.json', () => {
  const { messageType, payload } = load('input-plain.json');
  assert.equal(text(payload.metadata?.encoding), 'json/plain');
  assert.equal(payload.metadata?.messageType, undefined);
  assert.equal(messageType, 'skypilot_temporal.v1.SkyPilotWorkflowInput');
  const type = pb.SkyPilotWorkflowInput as unknown as Type;
  const plain = protojson.fromJson(type, JSON.parse(text(payload.data))) as unknown as pb.SkyPilotWorkflowInput;
  checkInputFull(plain);
  const full = payloadConverter.fromPayload<pb.SkyPilotWorkflowInput>(load('input-full.json').payload);
  assert.deepEqual(protojson.toJson(type, plain), protojson.toJson(type, full));
});

test('input-sweep.json', () => {
  const inp = roundTrip<pb.SkyPilotWorkflowInput>('input-sweep.json', pb.SkyPilotWorkflowInput);
  assert.equal(inp.launch?.provisionAhead, true);
  assert.equal(inp.launch?.teardownTimeoutSeconds, 900);
  const [pre, train, ev, best] = inp.steps;
  // An optional bool set to false travels (unset would mean "the run's default").
  assert.equal(pre.provisionAhead, false);
  assert.equal(train.provisionAhead ?? null, null);
  assert.deepEqual([...(train.needs ?? [])], ['preprocess']);
  assert.deepEqual({ ...train.envs }, { OPTIM: 'adamw' });
  assert.deepEqual((train.sweep?.matrix ?? []).map((a) => [a.name, [...(a.values ?? [])]]),
    [['LR', ['1e-3', '3e-4']], ['BATCH', ['32', '64']]]);
  assert.deepEqual((train.sweep?.include ?? []).map((b) => ({ ...b.envs })), [{ LR: '1e-2', BATCH: '16' }]);
  assert.equal(train.sweep?.maxParallel, 2);
  assert.equal(train.sweep?.onFailure?.mode, pb.BranchFailureMode.BRANCH_FAILURE_MODE_KEEP_GOING);
  assert.equal(train.sweep?.onFailure?.minSucceeded, 3);
  assert.deepEqual([ev.kind, ev.cluster, [...(ev.needs ?? [])]], [pb.StepKind.STEP_KIND_EXEC, 'train', ['train']]);
  assert.deepEqual([best.kind, best.select?.metric, best.select?.goal, best.select?.step],
    [pb.StepKind.STEP_KIND_SELECT, 'accuracy', pb.SelectGoal.SELECT_GOAL_MAXIMIZE, 'eval']);
});

test('progress-sweep.json', () => {
  const p = roundTrip<pb.SkyPilotWorkflowProgress>('progress-sweep.json', pb.SkyPilotWorkflowProgress);
  assert.deepEqual([p.phase, p.currentStep, p.stepsTotal], ['running', 'train, eval', 4]);
  assert.deepEqual(p.steps.map((s) => [s.name, s.branch ?? '', s.state, s.winner ?? false]), [
    ['preprocess', '', 'succeeded', false],
    ['train', '0 (LR=1e-3,BATCH=32)', 'succeeded', false],
    ['eval', '0 (LR=1e-3,BATCH=32)', 'succeeded', true],
    ['train', '1 (LR=1e-3,BATCH=64)', 'running', false],
  ]);
  assert.deepEqual({ ...p.steps[2].metrics }, { accuracy: 0.9125 });
  const [done] = p.finished;
  assert.deepEqual([done.branch, { ...done.metrics }, done.idleClusterSeconds],
    ['0 (LR=1e-3,BATCH=32)', { accuracy: 0.9125 }, 12.25]);
});

test('every vector is covered', () => {
  // live.json and view.json are the worker renderer's (Python: test_starter_vectors.py), not payloads.
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.json')).sort(), [
    'input-full.json', 'input-plain.json', 'input-sweep.json', 'live.json', 'progress-sweep.json', 'progress.json',
    'result-full.json', 'view.json',
  ]);
});
