import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import type { WorkflowStartInput } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import * as cli from './generated/starter-cli';
import { withTracing } from './tracing';

test('tracing is on only with an OTLP endpoint, and not when disabled', () => {
  assert.equal(cli.tracingEnabled({}), false);
  assert.equal(cli.tracingEnabled({ OTEL_SERVICE_NAME: 'x' }), false);
  assert.equal(cli.tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), true);
  assert.equal(cli.tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }), true);
  assert.equal(cli.tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: ' TRUE ' }), false);
  assert.equal(cli.tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }), false);
});

test('off, the run gets no interceptor, nothing is said, and the SDK is not loaded', async (t) => {
  const said = t.mock.method(console, 'error');
  const got = await withTracing({}, 'wf', async (interceptors) => interceptors.length);
  assert.equal(got, 0);
  assert.equal(said.mock.callCount(), 0);
  assert.equal(Object.keys(require.cache).some((path) => path.includes('@opentelemetry/sdk-trace')), false);
});

test('on, the run gets an interceptor that traces starts only, not the polls', async (t) => {
  const said = t.mock.method(console, 'error');
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SERVICE_NAME: 'starter-test' };
  const got = await withTracing(env, 'wf', async (interceptors) => interceptors.map((i) => Object.keys(i).sort()));
  assert.deepEqual(got, [['start', 'startWithDetails']]);
  assert.equal(said.mock.callCount(), 0);
});

test('on, a start carries its trace context where the worker reads it, under the run', async () => {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' };
  const input = { workflowType: 'W', headers: {}, options: { workflowId: 'wf', taskQueue: 'q' } } as unknown as WorkflowStartInput;
  const { headers, run } = await withTracing(env, 'wf', async ([interceptor]) => {
    let sent: WorkflowStartInput['headers'] = {};
    await interceptor.start?.(input, async (started) => {
      sent = started.headers;
      return 'run-id';
    });
    return { headers: sent, run: trace.getActiveSpan()?.spanContext() };
  });
  const carrier = defaultPayloadConverter.fromPayload<Record<string, string>>(headers['_tracer-data']);
  const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(carrier.traceparent ?? '') ?? [];
  assert.equal(traceId, run?.traceId, carrier.traceparent);
  assert.notEqual(spanId, run?.spanId); // the start's own span, the run's child
});
