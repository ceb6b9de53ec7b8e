// Command go-starter starts the SkyPilot pipeline workflow on Temporal, follows
// its progress and prints every step's result. From the repository root:
//
//	go run ./go-starter --repo https://github.com/org/sky-tasks.git
//
// This file is the recipe for starting the pipeline from Go: build a
// pb.SkyPilotWorkflowInput, dial Temporal (connect.go), ExecuteWorkflow with the
// contract's workflow type (contract.go), then follow it (follow.go). The flags
// and their environment variables come from the shared table in proto/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole starter: flags -> input -> start -> follow. It returns the
// exit status: 0 success, 1 workflow or connection failure, 2 usage error.
func run(args []string, stdout, stderr io.Writer) int {
	opts, err := parseArgs(args, os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, cli.HelpText)
		return 0
	} else if err != nil {
		fmt.Fprintf(stderr, "%s\n%s\n", cli.UsageError(err.Error()), cli.UsageHint())
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	// Traced when OTEL_EXPORTER_OTLP_ENDPOINT is set; the spans are flushed at exit.
	tr := startTracing(ctx, os.Getenv, stderr)
	defer tr.shutdown()
	c, namespace, err := connect(ctx, tr.interceptors()...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		if errors.As(err, new(configError)) {
			return 2
		}
		return 1
	}
	defer c.Close()
	wf, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        opts.workflowID,
		TaskQueue: opts.taskQueue,
		// Fail, rather than follow the run already using this id.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflowType, opts.input)
	if errors.As(err, new(*serviceerror.WorkflowExecutionAlreadyStarted)) {
		fmt.Fprintln(stderr, cli.WorkflowIDInUse(opts.workflowID))
		return 1
	} else if err != nil {
		fmt.Fprintln(stderr, cli.StartFailed(oneLine(err.Error())))
		return 1
	}
	// Quiet, the id alone says how --no-wait ended; a followed run's end says the rest.
	if !opts.quiet || opts.noWait {
		fmt.Fprintln(stdout, cli.WorkflowStarted(wf.GetID()))
	}
	if !opts.quiet {
		fmt.Fprintln(stdout, cli.WorkflowUI(uiLink(namespace, wf.GetID())))
	}
	if opts.noWait {
		return 0
	}
	return follow(ctx, c, wf, opts.taskQueue, opts.quiet, stdout, stderr)
}
