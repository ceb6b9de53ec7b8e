// Command go-starter starts the SkyPilot pipeline workflow on Temporal, follows
// it and prints how it ended, as the worker renders it. From the repository root:
//
//	go run ./go-starter --repo https://github.com/org/sky-tasks.git
//
// run below is the recipe for starting the pipeline from Go.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// recipe-begin: docs/contract.md shows run as it is here (tests/contract/test_docs_recipes.py).

// run is the whole starter: flags -> input -> start -> follow. It returns the exit
// status: 0 success, 1 workflow or connection failure, 2 usage error, 130 interrupted.
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
	interceptors, flush := startTracing(ctx, os.Getenv, stderr)
	defer flush()
	c, namespace, err := connect(ctx, interceptors...)
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
	}, cli.WorkflowType, opts.input)
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
	return follow(ctx, c, wf, time.Tick(pollEvery), opts, stdout, stderr)
}

// recipe-end

// uiLink points at the workflow in the Temporal Web UI.
func uiLink(namespace, workflowID string) string {
	base := strings.TrimRight(cmp.Or(os.Getenv(cli.UIURLEnv), cli.UIURLDefault), "/")
	return base + "/namespaces/" + url.PathEscape(namespace) + "/workflows/" + url.PathEscape(workflowID)
}

// oneLine keeps an error detail to the single line the starter prints it on.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
