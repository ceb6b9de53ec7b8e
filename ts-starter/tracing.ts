// OpenTelemetry for the starter, configured by the standard OTEL_* variables. On, Temporal's tracing
// interceptor puts the workflow start in a span and hands its trace context to the workflow: the run's
// workflow, activities and SkyPilot calls are one trace with it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { oneLine } from './format';
import * as cli from './generated/starter-cli';

/** How long the last spans may take to leave: an unreachable collector must not hold the starter. */
const flushTimeoutMs = 5000;

/** An OTLP endpoint is set, and neither OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none: as the worker decides. */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  if ((env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Runs `run` with the tracing interceptors (none when off), then flushes the spans; a setting the SDK cannot use is a warning. */
export async function withTracing<T>(
  env: NodeJS.ProcessEnv,
  run: (interceptors: WorkflowClientInterceptor[]) => Promise<T>,
): Promise<T> {
  const tracing = tracingEnabled(env)
    ? await setupTracing(env).catch((err: Error) => console.error(cli.tracingFailed({ detail: oneLine(err.message) })))
    : undefined;
  try {
    return await run(tracing ? [tracing.interceptor] : []);
  } finally {
    const flushed = tracing?.provider.shutdown().catch(() => undefined);
    if (flushed) await Promise.race([flushed, sleep(flushTimeoutMs, undefined, { ref: false })]);
  }
}

/**
 * A tracer provider exporting OTLP over HTTP, registered globally, and the interceptor. The
 * exporter reads OTEL_EXPORTER_OTLP_*, the resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
 * Imported only here: a starter that does not trace loads none of the SDK.
 */
async function setupTracing(env: NodeJS.ProcessEnv) {
  const { NodeTracerProvider, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  const { Resource, envDetectorSync } = await import('@opentelemetry/resources');
  // The client half only: the package's index also loads its worker and workflow parts.
  const { OpenTelemetryWorkflowClientInterceptor } = await import('@temporalio/interceptors-opentelemetry/lib/client');
  // http/protobuf, as the worker and the other starters send; http/json on request.
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || '').trim();
  const { OTLPTraceExporter } = await (protocol === 'http/json'
    ? import('@opentelemetry/exporter-trace-otlp-http')
    : import('@opentelemetry/exporter-trace-otlp-proto'));
  const resource = new Resource({ 'service.name': cli.tracingServiceName }).merge(envDetectorSync.detect());
  // Each span leaves as it ends: the start span is out even if an interrupt ends the starter at once.
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())] });
  provider.register();
  const traced = new OpenTelemetryWorkflowClientInterceptor();
  // Starts only: the polls (a query and a describe a second) are not part of the run's trace.
  const interceptor: WorkflowClientInterceptor = {
    start: (input, next) => traced.start(input, next),
    startWithDetails: (input, next) => traced.startWithDetails(input, next),
  };
  return { provider, interceptor };
}
