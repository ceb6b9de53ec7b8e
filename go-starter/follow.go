package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

const (
	pollEvery    = time.Second
	queryTimeout = 3 * time.Second
)

// follow prints, on every tick, what the worker rendered about the run since the
// last tick (quiet, nothing), then how the run ended. It returns the exit status.
func follow(ctx context.Context, c client.Client, wf client.WorkflowRun, ticks <-chan time.Time, opts *options, stdout, stderr io.Writer) int {
	result := &pb.SkyPilotWorkflowResult{}
	ended := make(chan error, 1)
	go func() { ended <- wf.Get(ctx, result) }()
	cursor, waitingShown := "", false
	showView := func(heartbeats []string) error { // prints the view's lines since the last answer
		view, err := askView(ctx, c, wf, &pb.RunViewRequest{Cursor: cursor, Heartbeats: heartbeats})
		if err == nil {
			printLines(stdout, view.GetLines())
			cursor = view.GetCursor()
		}
		return err
	}
	for {
		select {
		case <-ticks:
			if opts.quiet {
				continue
			}
			if err := showView(heartbeats(ctx, c, wf)); err != nil && !waitingShown && ctx.Err() == nil {
				// Most likely no worker has picked the run up yet.
				fmt.Fprintln(stdout, cli.ProgressUnavailable(strconv.Quote(opts.taskQueue)))
				waitingShown = true
			}
		case err := <-ended:
			var failed *temporal.WorkflowExecutionError
			if ctx.Err() != nil {
				fmt.Fprintln(stderr, cli.Interrupted(opts.workflowID))
				return 130
			} else if err != nil && !errors.As(err, &failed) {
				fmt.Fprintln(stderr, cli.WaitFailed(oneLine(err.Error())))
				return 1
			}
			if !opts.quiet {
				// What changed since the last poll, no step running any more; no answer
				// now is not worth a line.
				_ = showView(nil)
			}
			if failed != nil {
				printFailure(stderr, failed.Unwrap())
				return 1
			}
			printLines(stdout, result.GetLines())
			return 0
		}
	}
}

// askView asks the worker what to print since the request's cursor (the
// contract's view query).
func askView(ctx context.Context, c client.Client, wf client.WorkflowRun, request *pb.RunViewRequest) (*pb.RunView, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	answer, err := c.QueryWorkflow(ctx, wf.GetID(), wf.GetRunID(), cli.ViewQuery, request)
	if err != nil {
		return nil, err
	}
	view := &pb.RunView{}
	return view, answer.Get(view)
}

// printFailure says how the run failed and, when the failure has causes, the
// innermost one; then which clusters teardown left up: an operator must down them.
func printFailure(w io.Writer, failure error) {
	switch failure.(type) {
	case *temporal.CanceledError:
		fmt.Fprintln(w, cli.WorkflowCancelled())
	case *temporal.TerminatedError:
		fmt.Fprintln(w, cli.WorkflowTerminated())
	case *temporal.TimeoutError:
		fmt.Fprintln(w, cli.WorkflowTimedOut())
	default:
		fmt.Fprintln(w, cli.WorkflowFailed(message(failure)))
	}
	inner := failure
	for next := errors.Unwrap(inner); next != nil; next = errors.Unwrap(inner) {
		inner = next
	}
	if inner != failure {
		fmt.Fprintln(w, cli.FailureCause(message(inner)))
	}
	// A TeardownFailed error's first detail lists the clusters still up.
	var left []string
	if app, ok := failure.(*temporal.ApplicationError); ok && app.Type() == cli.TeardownFailed && app.Details(&left) == nil && len(left) > 0 {
		fmt.Fprintln(w, cli.ClustersLeft(strings.Join(left, ", ")))
	}
}

// message is an error's own message, without its causes'.
func message(err error) string {
	if m, ok := err.(interface{ Message() string }); ok {
		return m.Message()
	}
	return err.Error()
}

func printLines(w io.Writer, lines []string) {
	for _, line := range lines {
		fmt.Fprintln(w, line)
	}
}
