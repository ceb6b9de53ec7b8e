package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// flushTimeout bounds the wait for the last spans at exit (an unreachable
// collector must not hold the starter).
const flushTimeout = 5 * time.Second

// tracingEnabled says whether OpenTelemetry is configured the standard way: an
// OTLP endpoint is set, and neither OTEL_SDK_DISABLED=true nor
// OTEL_TRACES_EXPORTER=none. The worker decides the same way.
func tracingEnabled(getenv func(string) string) bool {
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") ||
		strings.EqualFold(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")), "none") {
		return false
	}
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// tracing is the starter's OpenTelemetry: Temporal's tracing interceptor, which
// puts the workflow start in a span and hands its W3C trace context to the
// workflow (and so to every activity and SkyPilot call of the run), and the
// provider exporting spans over OTLP/HTTP.
type tracing struct {
	interceptor interceptor.ClientInterceptor
	provider    *sdktrace.TracerProvider
}

// startTracing is setupTracing for the starter: a setting it cannot use is a
// warning on stderr, and the run goes on untraced (nil).
func startTracing(ctx context.Context, getenv func(string) string, stderr io.Writer) *tracing {
	t, err := setupTracing(ctx, getenv)
	if err != nil {
		fmt.Fprintln(stderr, cli.TracingFailed(oneLine(err.Error())))
		return nil
	}
	return t
}

// setupTracing returns nil when tracing is off: no provider, no interceptor.
// The exporter reads the OTEL_EXPORTER_OTLP_* variables (endpoint, headers,
// timeout, compression, certificates), the provider OTEL_TRACES_SAMPLER* and
// OTEL_BSP_*, the resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
func setupTracing(ctx context.Context, getenv func(string) string) (*tracing, error) {
	if !tracingEnabled(getenv) {
		return nil, nil
	}
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", cli.TracingServiceName)),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, err
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	otel.SetTracerProvider(provider)
	otel.SetTextMapPropagator(temporalotel.DefaultTextMapPropagator)
	traced, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		// The progress polls (a query a second) are not part of the run's trace.
		DisableQueryTracing: true,
	})
	if err != nil {
		_ = provider.Shutdown(ctx)
		return nil, err
	}
	return &tracing{interceptor: traced, provider: provider}, nil
}

// interceptors are the client interceptors of the connection: none when off.
func (t *tracing) interceptors() []interceptor.ClientInterceptor {
	if t == nil {
		return nil
	}
	return []interceptor.ClientInterceptor{t.interceptor}
}

// shutdown flushes the spans still queued, waiting at most flushTimeout.
func (t *tracing) shutdown() {
	if t == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	_ = t.provider.Shutdown(ctx)
}
