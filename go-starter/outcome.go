package main

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.temporal.io/sdk/temporal"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// finish prints how the run ended: its result (stdout, exit status 0) or its
// failure (stderr, 1); then, on stderr, any clusters teardown left up.
func finish(stdout, stderr io.Writer, view *progressView, result *pb.SkyPilotWorkflowResult, failure error) int {
	status := 0
	if failure == nil {
		printResult(stdout, result)
	} else {
		printFailure(stderr, failure)
		status = 1
	}
	if left := clustersStillUp(view, failure); len(left) > 0 {
		fmt.Fprintln(stderr, cli.ClustersLeft(strings.Join(left, ", ")))
	}
	return status
}

// printResult prints each step's result (a swept step's, branch by branch, with
// the branch), its metrics and log tail; a select step's winner.
func printResult(w io.Writer, r *pb.SkyPilotWorkflowResult) {
	fmt.Fprintln(w, cli.ResultHeader(strconv.Itoa(len(r.GetSteps())), orDash(r.GetCommit())))
	for _, s := range r.GetSteps() {
		fmt.Fprintln(w, resultLine(s))
		if tail := strings.TrimRight(s.GetLogTail(), "\n"); tail != "" {
			for _, line := range strings.Split(tail, "\n") {
				fmt.Fprintln(w, cli.LogLine(line))
			}
		}
	}
	if downed := r.GetClustersDowned(); len(downed) > 0 {
		fmt.Fprintln(w, cli.ClustersDowned(strings.Join(downed, ", ")))
	}
}

func resultLine(s *pb.StepResult) string {
	metrics := metricsText(s.GetMetrics())
	if s.GetKind() == pb.StepKind_STEP_KIND_SELECT {
		return cli.ResultSelect(s.GetName(), orDash(s.GetBranch()), orDash(s.GetClusterName()), metrics)
	}
	idle := ""
	if s.GetIdleClusterSeconds() != 0 {
		idle = cli.ResultIdle(seconds(s.GetIdleClusterSeconds()))
	}
	return cli.ResultStep(stepLabel(s.GetName(), s.GetBranch()), orDash(s.GetClusterName()),
		strconv.FormatInt(s.GetJobId(), 10), orDash(s.GetStatus()), seconds(s.GetDurationSeconds()), idle, metrics)
}

// printFailure prints the run's failure and, when it has causes, the innermost
// cause's message.
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
	if inner := innermost(failure); inner != failure {
		fmt.Fprintln(w, cli.FailureCause(message(inner)))
	}
}

// clustersStillUp names the clusters an operator must down: those the progress
// listed as left, else those of the run a TeardownFailed message names.
func clustersStillUp(view *progressView, failure error) []string {
	if len(view.clustersLeft) > 0 {
		return view.clustersLeft
	}
	app, ok := failure.(*temporal.ApplicationError)
	if !ok || app.Type() != teardownFailed {
		return nil
	}
	words := clusterWord.FindAllString(app.Message(), -1)
	var named []string
	for _, c := range view.clusters {
		if slices.Contains(words, c) {
			named = append(named, c)
		}
	}
	return named
}

// clusterWord matches a word that may be a SkyPilot cluster name (not ending in a
// full stop, which ends a sentence).
var clusterWord = regexp.MustCompile(`[A-Za-z0-9_.-]*[A-Za-z0-9_-]`)

func innermost(err error) error {
	for next := errors.Unwrap(err); next != nil; next = errors.Unwrap(err) {
		err = next
	}
	return err
}

func message(err error) string {
	if m, ok := err.(interface{ Message() string }); ok {
		return m.Message()
	}
	return err.Error()
}
