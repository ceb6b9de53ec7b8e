import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Output } from './output';
import { tracingEnabled, withTracing } from './tracing';

test('tracing is on only with an OTLP endpoint, and not when disabled', () => {
  assert.equal(tracingEnabled({}), false);
  assert.equal(tracingEnabled({ OTEL_SERVICE_NAME: 'x' }), false);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), true);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }), true);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: ' TRUE ' }), false);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }), false);
});

test('off, the run gets no interceptor, nothing is said, and the SDK is not loaded', async () => {
  const said: string[] = [];
  const output: Output = { out: (line) => said.push(line), err: (line) => said.push(line) };
  const got = await withTracing({}, output, async (interceptors) => interceptors.length);
  assert.equal(got, 0);
  assert.deepEqual(said, []);
  assert.equal(Object.keys(require.cache).some((path) => path.includes('@opentelemetry/sdk-trace')), false);
});
