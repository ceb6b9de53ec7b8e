package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// startTracing returns, when tracing is on, Temporal's tracing interceptor, which puts the workflow start in a span
// and hands its trace context to the run, and flush, which sends the spans still queued. The SDK reads the OTEL_*
// variables; a setting it cannot use is a warning on stderr, and the run goes on untraced.
func startTracing(ctx context.Context, getenv func(string) string, stderr io.Writer) ([]interceptor.ClientInterceptor, func()) {
	// Off as the worker decides: no OTLP endpoint set, OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
	is := func(name, value string) bool { return strings.EqualFold(strings.TrimSpace(getenv(name)), value) }
	if is("OTEL_SDK_DISABLED", "true") || is("OTEL_TRACES_EXPORTER", "none") ||
		getenv("OTEL_EXPORTER_OTLP_ENDPOINT")+getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, func() {}
	}
	untraced := func(err error) ([]interceptor.ClientInterceptor, func()) {
		fmt.Fprintln(stderr, cli.TracingFailed(oneLine(err.Error())))
		return nil, func() {}
	}
	exporter, err := otlptracehttp.New(ctx)
	res, resErr := resource.New(ctx, resource.WithAttributes(attribute.String("service.name", cli.TracingServiceName)),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err = cmp.Or(err, resErr); err != nil {
		return untraced(err)
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	flush := func() { // an unreachable collector must not hold the starter
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
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
	return []interceptor.ClientInterceptor{traced}, flush
}
