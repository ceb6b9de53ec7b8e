package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// configError marks a Temporal client configuration that cannot be used (exit status 2).
type configError struct{ error }

// connect dials Temporal as Temporal's environment configuration says
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
// TEMPORAL_PROFILE and the config file), with the contract's data converter. It
// returns the client and its namespace. interceptors are the tracing ones, if any.
func connect(ctx context.Context, interceptors ...interceptor.ClientInterceptor) (client.Client, string, error) {
	options, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{})
	if err != nil {
		return nil, "", configError{errors.New(cli.ConfigInvalid(oneLine(err.Error())))}
	}
	options.DataConverter = dataConverter()
	options.Interceptors = append(options.Interceptors, interceptors...)
	options.Logger = log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if options.Namespace == "" {
		options.Namespace = client.DefaultNamespace
	}
	if options.HostPort == "" {
		options.HostPort = client.DefaultHostPort
	}
	c, err := client.DialContext(ctx, options)
	if err != nil {
		return nil, "", errors.New(cli.ConnectFailed(options.HostPort, oneLine(err.Error())))
	}
	return c, options.Namespace, nil
}
