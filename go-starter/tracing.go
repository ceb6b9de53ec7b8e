package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// startTracing, when tracing is on, opens the run's span (the root of the run's trace) in the context it returns, and
// returns Temporal's tracing interceptor, which puts the workflow start in a child span and hands its trace context to
// the run; end ends the run's span and sends the spans still queued. The SDK reads the OTEL_* variables; a setting it
// cannot use is a warning on stderr, and the run goes on untraced.
func startTracing(ctx context.Context, workflowID string, getenv func(string) string, stderr io.Writer) (context.Context, []interceptor.ClientInterceptor, func()) {
	if !cli.TracingEnabled(getenv) {
		return ctx, nil, func() {}
	}
	untraced := func(err error) (context.Context, []interceptor.ClientInterceptor, func()) {
		fmt.Fprintln(stderr, cli.TracingFailed(cli.OneLine(err.Error())))
		return ctx, nil, func() {}
	}
	exporter, err := otlptracehttp.New(ctx)
	res, resErr := resource.New(ctx, resource.WithAttributes(attribute.String("service.name", cli.TracingServiceName)),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err = cmp.Or(err, resErr); err != nil {
		return untraced(err)
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	flush := func() { // a collector that never answers, or is unreachable, must not hold the starter
		ctx, cancel := context.WithTimeout(context.Background(), cli.TracingFlushTimeoutSeconds*time.Second)
		defer cancel()
		_ = provider.Shutdown(ctx)
	}
	traced, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer:              provider.Tracer("temporal-sdk-go"),
		DisableQueryTracing: true, // the view polls, a query a second, are not part of the run's trace
	})
	if err != nil {
		flush()
		return untraced(err)
	}
	ctx, run := provider.Tracer(cli.TracingServiceName).Start(ctx, cli.TracingRunSpan, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String(cli.TracingWorkflowIDAttribute, workflowID)))
	return ctx, []interceptor.ClientInterceptor{traced}, func() { run.End(); flush() }
}

// traceStarted puts the run id on the run's span (in ctx; none when tracing is off).
func traceStarted(ctx context.Context, runID string) {
	trace.SpanFromContext(ctx).SetAttributes(attribute.String(cli.TracingRunIDAttribute, runID))
}

// traceOutcome puts how the run ended on the run's span: the outcome, a failed run's failure type, and, given the line
// the starter printed about it, the status ERROR with that line (after the failure type) as its description.
func traceOutcome(ctx context.Context, outcome, failureType, said string) {
	span := trace.SpanFromContext(ctx)
	span.SetAttributes(attribute.String(cli.TracingOutcomeAttribute, outcome))
	if failureType != "" {
		span.SetAttributes(attribute.String(cli.TracingFailureTypeAttribute, failureType))
		said = failureType + ": " + said
	}
	if said != "" {
		span.SetStatus(codes.Error, cli.OneLine(said))
	}
}
