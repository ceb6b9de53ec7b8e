package main

import (
	"context"
	"slices"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// heartbeating is a pending activity whose heartbeat details are these payloads.
func heartbeating(details ...*commonpb.Payload) *workflowpb.PendingActivityInfo {
	return &workflowpb.PendingActivityInfo{HeartbeatDetails: &commonpb.Payloads{Payloads: details}}
}

func payload(encoding, data string) *commonpb.Payload {
	return &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte(encoding)}, Data: []byte(data)}
}

func pendingChildren(ids ...string) (children []*workflowpb.PendingChildExecutionInfo) {
	for _, id := range ids {
		children = append(children, &workflowpb.PendingChildExecutionInfo{WorkflowId: id})
	}
	return children
}

func TestFollowPassesTheHeartbeatsOfTheRunAndOfAtMostLiveStepsMaxBranches(t *testing.T) {
	server := newFakeTemporal(t)
	server.views = []*pb.RunView{{Lines: []string{"progress: phase=running step=train finished=0/2"}, Cursor: "c1"}}
	server.finalView = &pb.RunView{Lines: []string{"    train | epoch 1"}, Cursor: "c2"}
	server.describe["wf"] = &workflowservice.DescribeWorkflowExecutionResponse{
		PendingActivities: []*workflowpb.PendingActivityInfo{
			heartbeating(payload("json/plain", `{"output": {"step": "preprocess"}}`)),
			heartbeating(), // no heartbeat yet
			heartbeating(payload("binary/plain", "skipped"), payload("json/plain", `[1, 2]`), payload("json/protobuf", `{}`)),
		},
		PendingChildren: pendingChildren("b0", "b1", "b2", "b3", "b4", "b5"),
	}
	for _, id := range []string{"b0", "b2", "b3", "b4", "b5"} { // b1 has no activity pending
		server.describe[id] = &workflowservice.DescribeWorkflowExecutionResponse{
			PendingActivities: []*workflowpb.PendingActivityInfo{heartbeating(payload("json/plain", `"`+id+`"`))},
		}
	}
	server.completeWith(&pb.SkyPilotWorkflowResult{Lines: []string{"workflow completed: 2 steps, commit abc"}})
	ticks := make(chan time.Time)
	stdout, stderr, status := server.follow(context.Background(), ticks, &options{workflowID: "wf", taskQueue: "q"}, func() { ticks <- time.Time{} })
	want := []string{"progress: phase=running step=train finished=0/2", "    train | epoch 1", "workflow completed: 2 steps, commit abc"}
	if status != 0 || !slices.Equal(stdout, want) || len(stderr) > 0 {
		t.Errorf("exit %d\nstdout %q\nwant   %q\nstderr %q", status, stdout, want, stderr)
	}
	if want := []string{"wf", "b0", "b1", "b2", "b3"}; !slices.Equal(server.described, want) || cli.LiveStepsMax != 4 {
		t.Errorf("described %q, want %q", server.described, want)
	}
	// The poll's query passes them in order; the one after the run ended, none.
	wantBeats := [][]string{{`{"output": {"step": "preprocess"}}`, `[1, 2]`, `"b0"`, `"b2"`, `"b3"`}, nil}
	if !slices.EqualFunc(server.heartbeats, wantBeats, slices.Equal) {
		t.Errorf("heartbeats passed %q, want %q", server.heartbeats, wantBeats)
	}
}

func TestAFailedDescribeSendsNoHeartbeatsThatPoll(t *testing.T) {
	server := newFakeTemporal(t)
	server.views = []*pb.RunView{{Lines: []string{"progress: phase=running step=train finished=0/1"}, Cursor: "c1"}}
	server.describe["wf"] = &workflowservice.DescribeWorkflowExecutionResponse{
		PendingActivities: []*workflowpb.PendingActivityInfo{heartbeating(payload("json/plain", `{}`))},
		PendingChildren:   pendingChildren("b0"),
	}
	server.describe["b0"] = nil // fails
	server.completeWith(&pb.SkyPilotWorkflowResult{})
	ticks := make(chan time.Time)
	stdout, _, status := server.follow(context.Background(), ticks, &options{workflowID: "wf", taskQueue: "q"}, func() { ticks <- time.Time{} })
	if status != 0 || !slices.Equal(stdout, server.views[0].GetLines()) || server.viewsAsked != 2 {
		t.Errorf("exit %d, stdout %q, %d view queries", status, stdout, server.viewsAsked)
	}
	if !slices.EqualFunc(server.heartbeats, [][]string{nil, nil}, slices.Equal) {
		t.Errorf("heartbeats passed %q, want none", server.heartbeats)
	}
}

func TestQuietFollowDescribesAndAsksNothing(t *testing.T) {
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
