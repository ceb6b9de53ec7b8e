// OpenTelemetry for the starter, configured by the standard OTEL_* variables. On, the run's span covers the whole
// start-and-follow, and the start's span hands its trace context to the workflow: the run is one trace.
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { WorkflowClientInterceptor, WorkflowStartInput, WorkflowStartOutput } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import * as cli from './generated/starter-cli';

/** The traced run's span, its provider, and, once it is ending, its flush (a starter traces one run). */
let traced: { span: Span; provider: { shutdown(): Promise<void> }; flushed?: Promise<unknown> } | undefined;

/** Runs `run` in the run's span with the start's tracing interceptor (none when off), then ends the span. */
export async function withTracing<T>(
  env: NodeJS.ProcessEnv, workflowId: string, run: (interceptors: WorkflowClientInterceptor[]) => Promise<T>,
): Promise<T> {
  const warn = (err: Error) => console.error(cli.tracingFailed({ detail: cli.oneLine(err.message) }));
  // A setting the SDK cannot use is a warning, and the run goes on untraced.
  const provider = cli.tracingEnabled(env) ? await setupTracing(env).catch(warn) : undefined;
  if (!provider) return run([]);
  const tracer = provider.getTracer(cli.tracingServiceName);
  const attributes = { [cli.tracingWorkflowIdAttribute]: workflowId };
  traced = { span: tracer.startSpan(cli.tracingRunSpan, { kind: SpanKind.CLIENT, attributes }), provider };
  try {
    return await context.with(trace.setSpan(context.active(), traced.span), () => run([tracedStart(tracer)]));
  } finally {
    await endTracing();
    traced = undefined;
  }
}

/** Ends the run's span and sends what is left, once, for at most the flush bound: before any exit. */
export async function endTracing(): Promise<void> {
  if (traced && !traced.flushed) {
    traced.span.end();
    const bound = sleep(cli.tracingFlushTimeoutSeconds * 1000, undefined, { ref: false });
    traced.flushed = Promise.race([traced.provider.shutdown().catch(() => undefined), bound]);
  }
  await traced?.flushed;
}

/** Says how the run ended: `said` (if any) on stderr; on the run's span, the outcome, failure type, ERROR `said`. */
export function reportOutcome(outcome: string, said = '', failureType = ''): void {
  if (said) console.error(said);
  traced?.span.setAttribute(cli.tracingOutcomeAttribute, outcome);
  if (failureType) traced?.span.setAttribute(cli.tracingFailureTypeAttribute, failureType);
  const description = failureType ? `${failureType}: ${said}` : said;
  if (description) traced?.span.setStatus({ code: SpanStatusCode.ERROR, message: cli.oneLine(description) });
}

/**
 * The start's span, as Temporal's Go and Python interceptors make it: a client span with the workflow id, ERROR when
 * the start fails, its W3C trace context in the start's `_tracer-data` header, where the worker's interceptor reads
 * it; the started run's id goes on the run's span. Starts only: the polls are not part of the run's trace.
 */
function tracedStart(tracer: Tracer): WorkflowClientInterceptor {
  const start = <T>(input: WorkflowStartInput, next: (input: WorkflowStartInput) => Promise<T>): Promise<T> =>
    tracer.startActiveSpan(cli.tracingStartSpan, {
      kind: SpanKind.CLIENT, attributes: { [cli.tracingWorkflowIdAttribute]: input.options.workflowId },
    }, async (span) => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      const headers = { ...input.headers, '_tracer-data': defaultPayloadConverter.toPayload(carrier) };
      try {
        const started = await next({ ...input, headers });
        const runId = typeof started === 'string' ? started : (started as WorkflowStartOutput).runId;
        traced?.span.setAttribute(cli.tracingRunIdAttribute, runId);
        return started;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    });
  return { start, startWithDetails: start };
}

/** A global tracer provider sending OTLP/HTTP as OTEL_* say (protobuf; http/json on request); loaded only when on. */
async function setupTracing(env: NodeJS.ProcessEnv) {
  const { NodeTracerProvider, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  const { Resource, envDetectorSync } = await import('@opentelemetry/resources');
  const json = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || '').trim() === 'http/json';
  const { OTLPTraceExporter } = await (json
    ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'));
  const resource = new Resource({ 'service.name': cli.tracingServiceName }).merge(envDetectorSync.detect());
  // Each span leaves as it ends: the start span is out even if the run is long.
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())] });
  provider.register();
  return provider;
}
