package main

// A running step's latest output while following: read from its activity's
// heartbeat details (DescribeWorkflowExecution, pending activities; a sweep's
// branches are child workflows, described too), only the lines not printed yet,
// bounded, plain text. The worker masks secret values and bounds the lines before
// they leave it; this file bounds them again, as the table says (live_output),
// whatever the details hold.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

const describeTimeout = 3 * time.Second

// liveOutput is a heartbeat's output entry (nil where it is not as the table says).
type liveOutput struct {
	Step             *string
	Cluster, Attempt any
	Count            *int
	Lines            []json.RawMessage
}

// liveLines prints, per poll, the new lines of at most cli.LiveStepsMax running steps.
type liveLines struct {
	c    client.Client
	wf   client.WorkflowRun
	out  io.Writer
	seen map[string]int
}

func newLiveLines(c client.Client, wf client.WorkflowRun, out io.Writer) *liveLines {
	return &liveLines{c: c, wf: wf, out: out, seen: map[string]int{}}
}

// show is one poll; progress is the last progress answer (nil: none yet).
func (l *liveLines) show(ctx context.Context, progress *pb.SkyPilotWorkflowProgress) {
	outputs, err := l.read(ctx)
	if err != nil { // no description this time: the next poll tries again
		return
	}
	for _, line := range l.pollLines(outputs, progress) {
		fmt.Fprintln(l.out, line)
	}
}

// pollLines is the lines one poll prints: those of the first cli.LiveStepsMax
// output entries, labelled by the last progress answer.
func (l *liveLines) pollLines(outputs []liveOutput, progress *pb.SkyPilotWorkflowProgress) []string {
	labels := branchLabels(progress)
	if len(outputs) > cli.LiveStepsMax {
		outputs = outputs[:cli.LiveStepsMax]
	}
	var printed []string
	for _, o := range outputs {
		printed = append(printed, l.newLines(o, labels)...)
	}
	return printed
}

func (l *liveLines) read(ctx context.Context) ([]liveOutput, error) {
	desc, err := l.describe(ctx, l.wf.GetID(), l.wf.GetRunID())
	if err != nil {
		return nil, err
	}
	outputs := liveOutputs(desc.GetPendingActivities())
	children := desc.GetPendingChildren()
	for i := 0; i < len(children) && i < cli.LiveStepsMax && len(outputs) < cli.LiveStepsMax; i++ {
		branch, err := l.describe(ctx, children[i].GetWorkflowId(), children[i].GetRunId())
		if err != nil {
			return nil, err
		}
		outputs = append(outputs, liveOutputs(branch.GetPendingActivities())...)
	}
	return outputs, nil
}

func (l *liveLines) describe(ctx context.Context, id, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, describeTimeout)
	defer cancel()
	return l.c.DescribeWorkflowExecution(ctx, id, runID)
}

// liveOutputs is the output entries of pending activities' heartbeat details.
func liveOutputs(activities []*workflow.PendingActivityInfo) []liveOutput {
	var found []liveOutput
	for _, act := range activities {
		payloads := act.GetHeartbeatDetails().GetPayloads()
		if len(payloads) == 0 || string(payloads[0].GetMetadata()["encoding"]) != "json/plain" {
			continue
		}
		var details map[string]json.RawMessage
		if json.Unmarshal(payloads[0].GetData(), &details) != nil {
			continue
		}
		if raw, ok := details[cli.LiveOutputKey]; ok {
			found = append(found, decodeLiveOutput(raw))
		}
	}
	return found
}

// decodeLiveOutput reads an output entry; one that is not what the table says
// has no step, count or lines (some of them), and prints nothing.
func decodeLiveOutput(raw json.RawMessage) liveOutput {
	var fields map[string]json.RawMessage
	var o liveOutput
	if json.Unmarshal(raw, &fields) != nil {
		return o
	}
	var step string
	if json.Unmarshal(fields["step"], &step) == nil && strings.HasPrefix(string(fields["step"]), `"`) {
		o.Step = &step
	}
	var count int
	if json.Unmarshal(fields["count"], &count) == nil {
		o.Count = &count
	}
	if json.Unmarshal(fields["lines"], &o.Lines) != nil {
		o.Lines = nil
	}
	_ = json.Unmarshal(fields["cluster"], &o.Cluster)
	_ = json.Unmarshal(fields["attempt"], &o.Attempt)
	return o
}

// branchLabels is a sweep branch's label by step and cluster, from a progress
// answer: a branch's lines are "train [1 (LR=3e-4)] | ...", as its state lines
// name it.
func branchLabels(progress *pb.SkyPilotWorkflowProgress) map[[2]string]string {
	labels := map[[2]string]string{}
	for _, s := range progress.GetSteps() {
		if s.GetBranch() != "" {
			labels[[2]string{s.GetName(), s.GetClusterName()}] = stepLabel(s.GetName(), s.GetBranch())
		}
	}
	return labels
}

// newLines is the lines to print for one output entry, given those printed before
// and the labels of sweep branches (branchLabels).
func (l *liveLines) newLines(o liveOutput, labels map[[2]string]string) []string {
	if o.Step == nil || o.Count == nil || o.Lines == nil {
		return nil
	}
	key := fmt.Sprintf("%q %v %v", *o.Step, o.Cluster, o.Attempt)
	fresh := *o.Count - l.seen[key]
	if fresh <= 0 {
		return nil
	}
	l.seen[key] = *o.Count
	n := min(fresh, len(o.Lines), cli.LiveLinesMax)
	step := *o.Step
	if cluster, ok := o.Cluster.(string); ok && labels[[2]string{step, cluster}] != "" {
		step = labels[[2]string{step, cluster}]
	}
	step = boundedLine(step)
	var printed []string
	if fresh > n {
		printed = append(printed, cli.LiveSkipped(step, strconv.Itoa(fresh-n)))
	}
	for _, raw := range o.Lines[len(o.Lines)-n:] {
		line := string(raw)
		if strings.HasPrefix(line, `"`) {
			_ = json.Unmarshal(raw, &line)
		}
		printed = append(printed, cli.LiveLine(step, boundedLine(line)))
	}
	return printed
}

// boundedLine is a line as a starter prints it: no control characters, at most
// cli.LiveLineCharsMax characters, a longer one cut to end in "...".
func boundedLine(line string) string {
	line = strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			return -1
		}
		return r
	}, line)
	if runes := []rune(line); len(runes) > cli.LiveLineCharsMax {
		return string(runes[:cli.LiveLineCharsMax-3]) + "..."
	}
	return line
}
