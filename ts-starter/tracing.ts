// OpenTelemetry for the starter, configured the standard way and off unless an OTLP
// endpoint is set. On, Temporal's tracing interceptor puts the workflow start in a
// span and hands its W3C trace context to the workflow, so that the run's workflow,
// activities and SkyPilot calls are one trace with it.
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { oneLine } from './format';
import * as cli from './generated/starter-cli';
import type { Output } from './output';

/** How long the last spans may take to leave at exit (an unreachable collector must not hold the starter). */
const flushTimeoutMs = 5000;

export interface Tracing {
  /** For the client's workflow interceptors. */
  interceptor: WorkflowClientInterceptor;
  /** Flushes the spans still queued; never rejects. */
  shutdown(): Promise<void>;
}

/**
 * Runs `run` with the tracing interceptors (none when tracing is off), then flushes the
 * spans, however `run` ends. A setting the SDK cannot use is a warning on stderr, and
 * the run goes on untraced.
 */
export async function withTracing<T>(
  env: NodeJS.ProcessEnv,
  output: Output,
  run: (interceptors: WorkflowClientInterceptor[]) => Promise<T>,
): Promise<T> {
  let tracing: Tracing | undefined;
  try {
    tracing = setupTracing(env);
  } catch (err) {
    output.err(cli.tracingFailed({ detail: oneLine((err as Error).message) }));
  }
  try {
    return await run(tracing ? [tracing.interceptor] : []);
  } finally {
    await tracing?.shutdown();
  }
}

/**
 * Whether tracing is configured: an OTLP endpoint is set, and neither
 * OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none. The worker decides the same way.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  if ((env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * A tracer provider exporting OTLP over HTTP, registered globally (W3C propagators,
 * async context), and the interceptor; undefined when off, and then none of
 * OpenTelemetry's SDK is even loaded. The exporter reads OTEL_EXPORTER_OTLP_*
 * (endpoint, headers, timeout, compression; http/json if the protocol says so),
 * the provider OTEL_TRACES_SAMPLER*, the resource OTEL_SERVICE_NAME
 * and OTEL_RESOURCE_ATTRIBUTES.
 */
export function setupTracing(env: NodeJS.ProcessEnv): Tracing | undefined {
  if (!tracingEnabled(env)) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider, SimpleSpanProcessor } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { Resource, envDetectorSync } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  // The client half only: the package's index also loads its worker and workflow parts.
  const { OpenTelemetryWorkflowClientInterceptor } =
    require('@temporalio/interceptors-opentelemetry/lib/client') as typeof import('@temporalio/interceptors-opentelemetry/lib/client');
  // http/protobuf, as the worker and the other starters send; http/json on request.
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || '').trim();
  const { OTLPTraceExporter } = (protocol === 'http/json'
    ? require('@opentelemetry/exporter-trace-otlp-http')
    : require('@opentelemetry/exporter-trace-otlp-proto')) as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const resource = new Resource({ 'service.name': cli.tracingServiceName }).merge(envDetectorSync.detect());
  // Each span leaves as it ends, without blocking: the starter's one span (the
  // start) is out before a follow that is interrupted (follow.ts exits at once).
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())] });
  provider.register();
  const traced = new OpenTelemetryWorkflowClientInterceptor();
  return {
    // Starts only: the progress polls (a query a second) are not part of the run's trace.
    interceptor: {
      start: (input, next) => traced.start(input, next),
      startWithDetails: (input, next) => traced.startWithDetails(input, next),
    },
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, flushTimeoutMs);
        timer.unref();
      });
      try {
        await Promise.race([provider.shutdown().catch(() => undefined), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
