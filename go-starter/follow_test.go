package main

import (
	"context"
	"slices"
	"testing"
	"time"

	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// heartbeating is a pending activity whose heartbeat details are details, as the
// worker sends them (json/plain).
func heartbeating(t *testing.T, details map[string]any) *workflowpb.PendingActivityInfo {
	t.Helper()
	payloads, err := converter.GetDefaultDataConverter().ToPayloads(details)
	if err != nil {
		t.Fatal(err)
	}
	return &workflowpb.PendingActivityInfo{HeartbeatDetails: payloads}
}

func output(step, label, cluster string, count int, lines ...string) map[string]any {
	return map[string]any{"step": step, "label": label, "cluster": cluster, "attempt": 1, "count": count, "lines": lines}
}

func TestFollowPrintsTheRunningStepsOutputOfTheRunAndItsBranches(t *testing.T) {
	server := newFakeTemporal(t)
	server.views = []*pb.RunView{{Lines: []string{"progress: phase=running step=train finished=0/2"}, Cursor: "c1"}}
	server.describe["wf"] = &workflowservice.DescribeWorkflowExecutionResponse{
		PendingActivities: []*workflowpb.PendingActivityInfo{
			heartbeating(t, map[string]any{"checkpoint": map[string]any{"job_id": 3}, cli.LiveOutputKey: output("preprocess", "preprocess", "c0", 2, "a", "b")}),
			heartbeating(t, map[string]any{"checkpoint": map[string]any{"job_id": 4}}), // no output yet
		},
		PendingChildren: []*workflowpb.PendingChildExecutionInfo{{WorkflowId: "branch-0"}, {WorkflowId: "branch-1"}},
	}
	server.describe["branch-1"] = &workflowservice.DescribeWorkflowExecutionResponse{
		PendingActivities: []*workflowpb.PendingActivityInfo{heartbeating(t, map[string]any{cli.LiveOutputKey: output("train", "train [1 (LR=1e-3)]", "c1", 1, "epoch 1")})},
	}
	server.completeWith(&pb.SkyPilotWorkflowResult{Lines: []string{"workflow completed: 2 steps, commit abc"}})
	ticks := make(chan time.Time)
	stdout, stderr, status := server.follow(context.Background(), ticks, &options{workflowID: "wf", taskQueue: "q"}, func() { ticks <- time.Time{} })
	want := []string{
		"progress: phase=running step=train finished=0/2",
		cli.LiveLine("preprocess", "a"), cli.LiveLine("preprocess", "b"), cli.LiveLine("train [1 (LR=1e-3)]", "epoch 1"),
		"workflow completed: 2 steps, commit abc",
	}
	if status != 0 || !slices.Equal(stdout, want) || len(stderr) > 0 {
		t.Errorf("exit %d\nstdout %q\nwant   %q\nstderr %q", status, stdout, want, stderr)
	}
}

func TestFollowDescribesAtMostLiveStepsMaxBranches(t *testing.T) {
	server := newFakeTemporal(t)
	server.views = []*pb.RunView{{Cursor: "c1"}}
	var children []*workflowpb.PendingChildExecutionInfo
	for _, id := range []string{"b0", "b1", "b2", "b3", "b4", "b5"} {
		children = append(children, &workflowpb.PendingChildExecutionInfo{WorkflowId: id})
	}
	server.describe["wf"] = &workflowservice.DescribeWorkflowExecutionResponse{PendingChildren: children}
	server.completeWith(&pb.SkyPilotWorkflowResult{})
	ticks := make(chan time.Time)
	server.follow(context.Background(), ticks, &options{workflowID: "wf", taskQueue: "q"}, func() { ticks <- time.Time{} })
	if want := []string{"wf", "b0", "b1", "b2", "b3"}; !slices.Equal(server.described, want) || cli.LiveStepsMax != 4 {
		t.Errorf("described %q, want %q", server.described, want)
	}
}

func TestQuietFollowReadsNoOutput(t *testing.T) {
	server := newFakeTemporal(t)
	server.completeWith(&pb.SkyPilotWorkflowResult{Lines: []string{"done"}})
	ticks := make(chan time.Time)
	stdout, _, status := server.follow(context.Background(), ticks, &options{workflowID: "wf", taskQueue: "q", quiet: true}, func() {
		ticks <- time.Time{}
		ticks <- time.Time{}
	})
	if status != 0 || !slices.Equal(stdout, []string{"done"}) || len(server.described) > 0 || server.viewsAsked > 0 {
		t.Errorf("exit %d, stdout %q, described %q, %d view queries", status, stdout, server.described, server.viewsAsked)
	}
}

func TestInterruptedFollowSaysTheRunGoesOn(t *testing.T) {
	server := newFakeTemporal(t)
	server.completeWith(&pb.SkyPilotWorkflowResult{})
	ctx, interrupt := context.WithCancel(context.Background())
	stdout, stderr, status := server.follow(ctx, nil, &options{workflowID: "wf-7", taskQueue: "q"}, interrupt)
	if want := []string{cli.Interrupted("wf-7")}; status != 130 || !slices.Equal(stderr, want) || len(stdout) > 0 {
		t.Errorf("exit %d, stdout %q, stderr %q, want 130 and %q", status, stdout, stderr, want)
	}
}

func TestLostServerWhileWaitingIsAFailureToWait(t *testing.T) {
	server := newFakeTemporal(t)
	server.waitErr = status.Error(codes.PermissionDenied, "namespace default:\n access denied")
	stdout, stderr, exit := server.follow(context.Background(), nil, &options{workflowID: "wf", taskQueue: "q"}, func() {})
	if want := []string{cli.WaitFailed("rpc error: code = PermissionDenied desc = namespace default: access denied")}; exit != 1 || !slices.Equal(stderr, want) || len(stdout) > 0 {
		t.Errorf("exit %d, stdout %q, stderr %q, want 1 and %q", exit, stdout, stderr, want)
	}
}
