// OpenTelemetry for the starter, configured by the standard OTEL_* variables. On, the run's span covers the whole
// start-and-follow, and the workflow start, its child, hands its trace context to the workflow: the run's workflow,
// activities and SkyPilot calls are one trace with it.
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { WorkflowClientInterceptor, WorkflowStartInput } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { oneLine } from './format';
import * as cli from './generated/starter-cli';

/** The header Temporal's tracing interceptors of every SDK carry a start's W3C trace context in. */
const traceHeader = '_tracer-data';

/** The run's span and how to end it, while a traced run is on (a starter traces one run). */
let traced: { span: Span; end: () => Promise<void> } | undefined;

/** An OTLP endpoint is set, and neither OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none: as the worker decides. */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  if ((env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Runs `run` in the run's span, with the start's tracing interceptor (none when off), then ends the span and sends
 * what is left, for at most the flush bound; a setting the SDK cannot use is a warning.
 */
export async function withTracing<T>(
  env: NodeJS.ProcessEnv,
  workflowId: string,
  run: (interceptors: WorkflowClientInterceptor[]) => Promise<T>,
): Promise<T> {
  const provider = tracingEnabled(env)
    ? await setupTracing(env).catch((err: Error) => console.error(cli.tracingFailed({ detail: oneLine(err.message) })))
    : undefined;
  if (!provider) return run([]);
  const tracer = provider.getTracer(cli.tracingServiceName);
  const span = tracer.startSpan(cli.tracingRunSpan, {
    kind: SpanKind.CLIENT, attributes: { [cli.tracingWorkflowIdAttribute]: workflowId },
  });
  let ended: Promise<void> | undefined;
  const flushed = () => Promise.race([
    provider.shutdown().catch(() => undefined),
    sleep(cli.tracingFlushTimeoutSeconds * 1000, undefined, { ref: false }),
  ]);
  traced = { span, end: () => (ended ??= (async () => { span.end(); await flushed(); })()) };
  try {
    return await context.with(trace.setSpan(context.active(), span), () => run([tracedStart(tracer)]));
  } finally {
    await endTracing();
    traced = undefined;
  }
}

/** Ends the run's span and sends what is left, at most once: before the starter exits, whichever way. */
export function endTracing(): Promise<void> {
  return traced?.end() ?? Promise.resolve();
}

/** Puts the run id on the run's span. */
export function traceStarted(runId: string): void {
  traced?.span.setAttribute(cli.tracingRunIdAttribute, runId);
}

/**
 * Puts how the run ended on the run's span: the outcome, a failed run's failure type, and, given the line the
 * starter printed about it, the status ERROR with that line (after the failure type) as its description.
 */
export function traceOutcome(outcome: string, said = '', failureType = ''): void {
  traced?.span.setAttribute(cli.tracingOutcomeAttribute, outcome);
  if (failureType) traced?.span.setAttribute(cli.tracingFailureTypeAttribute, failureType);
  const description = failureType ? `${failureType}: ${said}` : said;
  if (description) traced?.span.setStatus({ code: SpanStatusCode.ERROR, message: oneLine(description) });
}

/**
 * The start's span, as Temporal's Go and Python interceptors make it: a client span with the workflow id, ERROR
 * when the start fails, whose W3C trace context ({traceparent, tracestate}) travels in the start's headers as the
 * default payload converter's payload, where the worker's interceptor reads it. Starts only: the polls (a query
 * and a describe a second) are not part of the run's trace.
 */
function tracedStart(tracer: Tracer): WorkflowClientInterceptor {
  const start = <T>(input: WorkflowStartInput, next: (input: WorkflowStartInput) => Promise<T>): Promise<T> =>
    tracer.startActiveSpan(cli.tracingStartSpan, {
      kind: SpanKind.CLIENT, attributes: { [cli.tracingWorkflowIdAttribute]: input.options.workflowId },
    }, async (span) => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      try {
        return await next({ ...input, headers: { ...input.headers, [traceHeader]: defaultPayloadConverter.toPayload(carrier) } });
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    });
  return { start, startWithDetails: start };
}

/**
 * A tracer provider exporting OTLP over HTTP, registered globally. The exporter reads OTEL_EXPORTER_OTLP_*, the
 * resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. Imported only here: a starter that does not trace loads
 * none of the SDK.
 */
async function setupTracing(env: NodeJS.ProcessEnv) {
  const { NodeTracerProvider, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  const { Resource, envDetectorSync } = await import('@opentelemetry/resources');
  // http/protobuf, as the worker and the other starters send; http/json on request.
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || '').trim();
  const { OTLPTraceExporter } = await (protocol === 'http/json'
    ? import('@opentelemetry/exporter-trace-otlp-http')
    : import('@opentelemetry/exporter-trace-otlp-proto'));
  const resource = new Resource({ 'service.name': cli.tracingServiceName }).merge(envDetectorSync.detect());
  // Each span leaves as it ends: the start span is out even if the run is long.
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())] });
  provider.register();
  return provider;
}
