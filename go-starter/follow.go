package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// follow prints the run's progress and its running steps' latest output (live.go)
// unless quiet, about once a second until it ends, then how it ended; it returns
// the exit status.
func follow(ctx context.Context, c client.Client, wf client.WorkflowRun, taskQueue string, quiet bool, stdout, stderr io.Writer) int {
	var result pb.SkyPilotWorkflowResult
	done := make(chan error, 1)
	go func() { done <- wf.Get(ctx, &result) }()
	view := newProgressView(stdout, taskQueue, quiet)
	var live *liveLines
	if !quiet {
		live = newLiveLines(c, wf, stdout)
	}
	var last *pb.SkyPilotWorkflowProgress
	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	for {
		select {
		case err := <-done:
			return ended(ctx, c, wf, view, &result, err, stdout, stderr)
		case <-ticker.C:
			if p, err := queryProgress(ctx, c, wf); err == nil {
				view.show(p)
				last = p
			} else if ctx.Err() == nil {
				view.unavailable()
			}
			if live != nil {
				live.show(ctx, last)
			}
		}
	}
}

// ended reports a run whose result (or failure) has arrived.
func ended(ctx context.Context, c client.Client, wf client.WorkflowRun, view *progressView,
	result *pb.SkyPilotWorkflowResult, err error, stdout, stderr io.Writer) int {
	var wfErr *temporal.WorkflowExecutionError
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, cli.Interrupted(wf.GetID()))
		return 130
	case err != nil && !errors.As(err, &wfErr):
		fmt.Fprintln(stderr, cli.WaitFailed(oneLine(err.Error())))
		return 1
	}
	var failure error
	if wfErr != nil {
		failure = wfErr.Unwrap()
	}
	if view.wantsLastAnswer(failure != nil) {
		if p, err := queryProgress(ctx, c, wf); err == nil {
			view.settle(p)
		}
	}
	return finish(stdout, stderr, view, result, failure)
}

func queryProgress(ctx context.Context, c client.Client, wf client.WorkflowRun) (*pb.SkyPilotWorkflowProgress, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	value, err := c.QueryWorkflow(ctx, wf.GetID(), wf.GetRunID(), progressQuery)
	if err != nil {
		return nil, err
	}
	var progress pb.SkyPilotWorkflowProgress
	if err := value.Get(&progress); err != nil {
		return nil, err
	}
	return &progress, nil
}
