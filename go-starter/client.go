package main

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// connect dials Temporal as its environment configuration says (TEMPORAL_* variables, the config file): the client and
// its namespace, or none, having said why and ended the run, and the exit status (2: unusable configuration, else 1).
func connect(ctx context.Context, stderr io.Writer, interceptors ...interceptor.ClientInterceptor) (client.Client, string, int) {
	return connectAs(ctx, stderr, "", interceptors...)
}

// connectAs is connect with the identity the server records with what the client sends ("": the SDK's).
func connectAs(ctx context.Context, stderr io.Writer, identity string, interceptors ...interceptor.ClientInterceptor) (client.Client, string, int) {
	options, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{})
	if err != nil {
		return nil, "", end(ctx, stderr, 2, cli.OutcomeNotStarted, cli.ConfigInvalid(cli.OneLine(err.Error())))
	}
	options.DataConverter, options.Identity = dataConverter, identity
	options.Interceptors = append(options.Interceptors, interceptors...)
	// The SDK's own warnings go to stderr, apart from what the starter prints.
	options.Logger = log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	options.Namespace = cmp.Or(options.Namespace, client.DefaultNamespace)
	options.HostPort = cmp.Or(options.HostPort, client.DefaultHostPort)
	c, err := client.DialContext(ctx, options)
	if err != nil {
		said := cli.ConnectFailed(options.HostPort, cli.OneLine(err.Error()))
		return nil, "", end(ctx, stderr, 1, cli.OutcomeNotStarted, said)
	}
	return c, options.Namespace, 0
}

// dataConverter is the SDK default (the contract's messages travel as json/protobuf) but
// a result or a view from a newer worker may carry fields this starter does not know: they are ignored.
var dataConverter = converter.NewCompositeDataConverter(
	converter.NewNilPayloadConverter(), converter.NewByteSlicePayloadConverter(),
	converter.NewProtoJSONPayloadConverterWithOptions(converter.ProtoJSONPayloadConverterOptions{AllowUnknownFields: true}),
	converter.NewProtoPayloadConverter(), converter.NewJSONPayloadConverter())

// heartbeats reads the json/plain heartbeat details of the run's pending activities, then of at most LiveStepsMax of its
// pending children (a sweep's branches), for the worker to render. None when a describe fails: the next poll tries again.
func heartbeats(ctx context.Context, c client.Client, wf client.WorkflowRun) (found []string) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	run, err := c.DescribeWorkflowExecution(ctx, wf.GetID(), wf.GetRunID())
	activities, children := run.GetPendingActivities(), run.GetPendingChildren()
	for i := 0; err == nil && i < min(len(children), cli.LiveStepsMax); i++ {
		run, err = c.DescribeWorkflowExecution(ctx, children[i].GetWorkflowId(), children[i].GetRunId())
		activities = append(activities, run.GetPendingActivities()...)
	}
	if err != nil {
		return nil
	}
	for _, activity := range activities {
		for _, p := range activity.GetHeartbeatDetails().GetPayloads() {
			if string(p.GetMetadata()[converter.MetadataEncoding]) == converter.MetadataEncodingJSON {
				found = append(found, string(p.GetData()))
			}
		}
	}
	return found
}
