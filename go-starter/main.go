// Command go-starter starts the SkyPilot pipeline workflow on Temporal and follows it; run is the recipe.
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
	"strconv"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

func main() { os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr)) }

// subcommands by name: a first argument that names one runs it instead of a start.
var subcommands = map[string]subcommand{
	cli.ApproveCommand.Name:          decide(cli.ApproveCommand, cli.DecisionApprove, cli.DecisionApproved),
	cli.RejectCommand.Name:           decide(cli.RejectCommand, cli.DecisionReject, cli.DecisionRejected),
	cli.RetryCommand.Name:            sendToRun(cli.RetryCommand, cli.RequestFailed, retryUpdate),
	cli.AbortCommand.Name:            sendToRun(cli.AbortCommand, cli.RequestFailed, abortUpdate),
	cli.ScheduleCreateCommand.Name:   schedule(cli.ScheduleCreateCommand, planCreate),
	cli.ScheduleListCommand.Name:     schedule(cli.ScheduleListCommand, planList),
	cli.ScheduleDescribeCommand.Name: schedule(cli.ScheduleDescribeCommand, planDescribe),
	cli.SchedulePauseCommand.Name:    schedule(cli.SchedulePauseCommand, planPause),
	cli.ScheduleUnpauseCommand.Name:  schedule(cli.ScheduleUnpauseCommand, planUnpause),
	cli.ScheduleTriggerCommand.Name:  schedule(cli.ScheduleTriggerCommand, planTrigger),
	cli.ScheduleBackfillCommand.Name: schedule(cli.ScheduleBackfillCommand, planBackfill),
	cli.ScheduleDeleteCommand.Name:   schedule(cli.ScheduleDeleteCommand, planDelete),
}

// dispatch runs the subcommand the first argument names (the first two, for a schedule subcommand) with the arguments
// after it, else run; the exit status.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == scheduleFamily {
		if len(args) < 2 || subcommands[args[0]+" "+args[1]] == nil { // no action, or one the family does not have
			return usageFailed(stderr, cli.UnexpectedArgument(strconv.Quote(args[min(len(args), 2)-1])))
		}
		args = append([]string{args[0] + " " + args[1]}, args[2:]...)
	}
	if len(args) > 0 && subcommands[args[0]] != nil {
		return subcommands[args[0]](args[1:], stdout, stderr)
	}
	return run(args, stdout, stderr)
}

// recipe-begin: docs/contract.md shows run as it is here (tests/contract/test_docs_recipes.py).
// run is the whole starter: flags -> input -> start -> follow. Exit status: 0 success,
// 1 workflow or connection failure, 2 usage error, 130 interrupted.
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
	ctx, interceptors, endTracing := startTracing(ctx, opts.workflowID, os.Getenv, stderr)
	defer endTracing() // the run's span, sent before this returns
	c, namespace, status := connect(ctx, stderr, interceptors...)
	if c == nil {
		return status
	}
	defer c.Close()
	wf, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: opts.workflowID, TaskQueue: opts.taskQueue,
		WorkflowExecutionErrorWhenAlreadyStarted: true, // fail, rather than follow the run already using this id
	}, cli.WorkflowType, opts.input)
	if errors.As(err, new(*serviceerror.WorkflowExecutionAlreadyStarted)) {
		return end(ctx, stderr, 1, cli.OutcomeNotStarted, cli.WorkflowIDInUse(opts.workflowID))
	} else if err != nil {
		return end(ctx, stderr, 1, cli.OutcomeNotStarted, cli.StartFailed(cli.OneLine(err.Error())))
	}
	traceStarted(ctx, wf.GetRunID())
	// Quiet, the id alone says how --no-wait ended; a followed run's end says the rest.
	if !opts.quiet || opts.noWait {
		fmt.Fprintln(stdout, cli.WorkflowStarted(wf.GetID()))
	}
	if !opts.quiet {
		fmt.Fprintln(stdout, cli.WorkflowUI(uiLink(namespace, wf.GetID())))
	}
	if opts.noWait {
		return end(ctx, stderr, 0, cli.OutcomeDetached, "")
	}
	return follow(ctx, c, wf, time.Tick(pollEvery), opts, stdout, stderr)
}

// recipe-end

func uiLink(namespace, workflowID string) string {
	base := strings.TrimRight(cmp.Or(os.Getenv(cli.UIURLEnv), cli.UIURLDefault), "/")
	return base + "/namespaces/" + url.PathEscape(namespace) + "/workflows/" + url.PathEscape(workflowID)
}

// end puts how the run ended on its span and says what went wrong, if anything, on stderr; the exit status.
func end(ctx context.Context, stderr io.Writer, status int, outcome, said string) int {
	if said != "" {
		fmt.Fprintln(stderr, said)
	}
	traceOutcome(ctx, outcome, "", said)
	return status
}

const pollEvery, queryTimeout = time.Second, 3 * time.Second

// follow prints what the worker rendered since the last tick (quiet: nothing), then how the run ended; the exit status.
func follow(ctx context.Context, c client.Client, wf client.WorkflowRun, ticks <-chan time.Time, opts *options, stdout, stderr io.Writer) int {
	result := &pb.SkyPilotWorkflowResult{}
	ended := make(chan error, 1)
	go func() { ended <- wf.Get(ctx, result) }()
	cursor, waitingShown := "", false
	showView := func(heartbeats []string) bool { // the view query: the lines since the cursor
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		answer, err := c.QueryWorkflow(ctx, wf.GetID(), wf.GetRunID(), cli.ViewQuery, &pb.RunViewRequest{Cursor: cursor, Heartbeats: heartbeats, Starter: "go"})
		view := &pb.RunView{}
		if err != nil || answer.Get(view) != nil {
			return false
		}
		cursor = view.GetCursor()
		for _, line := range view.GetLines() {
			fmt.Fprintln(stdout, line)
		}
		return true
	}
	for {
		select {
		case <-ticks:
			if !opts.quiet && !showView(heartbeats(ctx, c, wf)) && !waitingShown && ctx.Err() == nil {
				// Most likely no worker has picked the run up yet.
				fmt.Fprintln(stdout, cli.ProgressUnavailable(strconv.Quote(opts.taskQueue)))
				waitingShown = true
			}
		case err := <-ended:
			var failed *temporal.WorkflowExecutionError
			if ctx.Err() != nil { // the run goes on: not an error
				fmt.Fprintln(stderr, cli.Interrupted(opts.workflowID))
				return end(ctx, stderr, 130, cli.OutcomeDetached, "")
			} else if err != nil && !errors.As(err, &failed) {
				return end(ctx, stderr, 1, cli.OutcomeDetached, cli.WaitFailed(cli.OneLine(err.Error())))
			} else if !opts.quiet {
				showView(nil) // the last changes, no step running any more; no answer is not worth a line
			}
			if failed != nil {
				printFailure(ctx, stderr, failed.Unwrap())
				return 1
			}
			for _, line := range result.GetLines() {
				fmt.Fprintln(stdout, line)
			}
			return end(ctx, stderr, 0, cli.OutcomeCompleted, "")
		}
	}
}

// printFailure says how the run failed, its innermost cause, and the clusters teardown left up (an operator must down
// them); the run's span gets the same outcome.
func printFailure(ctx context.Context, w io.Writer, failure error) {
	message := func(err error) string { // an error's own message, without its causes'
		if m, ok := err.(interface{ Message() string }); ok {
			return m.Message()
		}
		return err.Error()
	}
	outcome, failureType, said := cli.OutcomeFailed, "", cli.WorkflowFailed(message(failure))
	var left []string // the clusters a TeardownFailed error's first detail names
	switch f := failure.(type) {
	case *temporal.ApplicationError:
		if failureType = f.Type(); failureType == cli.TeardownFailed && f.Details(&left) != nil {
			left = nil // details this starter cannot read name no cluster
		}
	case *temporal.CanceledError:
		outcome, said = cli.OutcomeCancelled, cli.WorkflowCancelled()
	case *temporal.TerminatedError:
		outcome, said = cli.OutcomeTerminated, cli.WorkflowTerminated()
	case *temporal.TimeoutError:
		outcome, said = cli.OutcomeTimedOut, cli.WorkflowTimedOut()
	}
	fmt.Fprintln(w, said)
	traceOutcome(ctx, outcome, failureType, said)
	for inner := errors.Unwrap(failure); inner != nil; inner = errors.Unwrap(inner) {
		if errors.Unwrap(inner) == nil { // the innermost cause
			fmt.Fprintln(w, cli.FailureCause(message(inner)))
		}
	}
	if len(left) > 0 {
		fmt.Fprintln(w, cli.ClustersLeft(strings.Join(left, ", ")))
	}
}
