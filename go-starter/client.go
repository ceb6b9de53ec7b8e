package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// configError marks a Temporal client configuration that cannot be used (exit status 2).
type configError struct{ error }

// connect dials Temporal as TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
// TEMPORAL_TLS*, TEMPORAL_PROFILE and the config file say. It returns the client
// and its namespace.
func connect(ctx context.Context, interceptors ...interceptor.ClientInterceptor) (client.Client, string, error) {
	options, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{})
	if err != nil {
		return nil, "", configError{errors.New(cli.ConfigInvalid(oneLine(err.Error())))}
	}
	options.DataConverter = dataConverter()
	options.Interceptors = append(options.Interceptors, interceptors...)
	// The SDK's own warnings go to stderr, apart from what the starter prints.
	options.Logger = log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	options.Namespace = cmp.Or(options.Namespace, client.DefaultNamespace)
	options.HostPort = cmp.Or(options.HostPort, client.DefaultHostPort)
	c, err := client.DialContext(ctx, options)
	if err != nil {
		return nil, "", errors.New(cli.ConnectFailed(options.HostPort, oneLine(err.Error())))
	}
	return c, options.Namespace, nil
}

// dataConverter is the SDK default, which sends the contract's messages as
// json/protobuf, but for one thing: a result or a view from a newer worker may
// carry fields this starter does not know yet; they are ignored.
func dataConverter() converter.DataConverter {
	return converter.NewCompositeDataConverter(
		converter.NewNilPayloadConverter(),
		converter.NewByteSlicePayloadConverter(),
		converter.NewProtoJSONPayloadConverterWithOptions(converter.ProtoJSONPayloadConverterOptions{AllowUnknownFields: true}),
		converter.NewProtoPayloadConverter(),
		converter.NewJSONPayloadConverter(),
	)
}

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

// startTracing returns, when tracing is enabled, Temporal's tracing interceptor,
// which puts the workflow start in a span and hands its trace context to the
// workflow (and so to every activity and SkyPilot call of the run), and flush,
// which sends the spans still queued. A setting the SDK cannot use is a warning
// on stderr, and the run goes on untraced.
func startTracing(ctx context.Context, getenv func(string) string, stderr io.Writer) (_ []interceptor.ClientInterceptor, flush func()) {
	if !tracingEnabled(getenv) {
		return nil, func() {}
	}
	traced, provider, err := setupTracing(ctx)
	if err != nil {
		fmt.Fprintln(stderr, cli.TracingFailed(oneLine(err.Error())))
		return nil, func() {}
	}
	return []interceptor.ClientInterceptor{traced}, func() {
		// An unreachable collector must not hold the starter.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = provider.Shutdown(ctx)
	}
}

// setupTracing exports spans over OTLP/HTTP. The exporter reads the
// OTEL_EXPORTER_OTLP_* variables, the provider OTEL_TRACES_SAMPLER* and
// OTEL_BSP_*, the resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
func setupTracing(ctx context.Context) (interceptor.Interceptor, *sdktrace.TracerProvider, error) {
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, nil, err
	}
	res, err := resource.New(ctx, resource.WithAttributes(attribute.String("service.name", cli.TracingServiceName)),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, nil, err
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	traced, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer:              provider.Tracer("temporal-sdk-go"),
		DisableQueryTracing: true, // the view polls, a query a second, are not part of the run's trace
	})
	if err != nil {
		_ = provider.Shutdown(ctx)
	}
	return traced, provider, err
}
