package main

// A running step's latest output while following: the output entry of its
// activity's heartbeat details, only the lines not printed yet. The worker masks
// and bounds the lines before they leave it; they are bounded again here,
// whatever the details hold, so that no control character reaches the terminal.

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// liveLines is how many lines of each step attempt were printed.
type liveLines map[string]int

// poll reads the output entries of the run's pending activities and of its first
// running sweep branches' (child workflows); it returns their new lines.
func (seen liveLines) poll(ctx context.Context, c client.Client, wf client.WorkflowRun) []string {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	run, err := c.DescribeWorkflowExecution(ctx, wf.GetID(), wf.GetRunID())
	if err != nil {
		return nil // the next poll tries again
	}
	entries, children := outputEntries(run), run.GetPendingChildren()
	for _, child := range children[:min(len(children), cli.LiveStepsMax)] {
		if len(entries) >= cli.LiveStepsMax {
			break
		}
		branch, err := c.DescribeWorkflowExecution(ctx, child.GetWorkflowId(), child.GetRunId())
		if err != nil {
			return nil
		}
		entries = append(entries, outputEntries(branch)...)
	}
	return seen.lines(entries)
}

// outputEntries are the output entries in a workflow's pending activities'
// heartbeat details: each a JSON object, with the entry under cli.LiveOutputKey.
func outputEntries(run *workflowservice.DescribeWorkflowExecutionResponse) []json.RawMessage {
	var found []json.RawMessage
	for _, activity := range run.GetPendingActivities() {
		var details map[string]json.RawMessage
		if dataConverter().FromPayloads(activity.GetHeartbeatDetails(), &details) == nil && details[cli.LiveOutputKey] != nil {
			found = append(found, details[cli.LiveOutputKey])
		}
	}
	return found
}

// liveEntry is an output entry as the contract says; one of another shape
// prints nothing.
type liveEntry struct {
	Step             *string
	Label            any // the step as its state lines name it; Step when not a string or empty
	Cluster, Attempt json.RawMessage
	Count            *int // lines the attempt has printed
	Lines            []json.RawMessage
}

// lines is what to print of one poll's output entries: the new lines of at most
// cli.LiveStepsMax of them.
func (seen liveLines) lines(entries []json.RawMessage) []string {
	var printed []string
	for _, raw := range entries[:min(len(entries), cli.LiveStepsMax)] {
		var e liveEntry
		if json.Unmarshal(raw, &e) != nil || e.Step == nil || e.Count == nil || e.Lines == nil {
			continue
		}
		// A retried attempt, or a sweep branch on its own cluster, counts its own lines.
		key := strconv.Quote(*e.Step) + " " + string(e.Cluster) + " " + string(e.Attempt)
		fresh := *e.Count - seen[key]
		if fresh <= 0 {
			continue
		}
		seen[key] = *e.Count
		shown := min(fresh, len(e.Lines), cli.LiveLinesMax)
		label, _ := e.Label.(string)
		if label == "" {
			label = *e.Step
		}
		label = bounded(label)
		if fresh > shown {
			printed = append(printed, cli.LiveSkipped(label, strconv.Itoa(fresh-shown)))
		}
		for _, raw := range e.Lines[len(e.Lines)-shown:] {
			line := string(raw)
			_ = json.Unmarshal(raw, &line) // a line that is not a string shows as its JSON
			printed = append(printed, cli.LiveLine(label, bounded(line)))
		}
	}
	return printed
}

// bounded is a text as the starter prints it: no control characters but tabs, at
// most cli.LiveLineCharsMax code points, a longer text cut to end in "...".
func bounded(text string) string {
	runes := []rune(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' {
			return -1
		}
		return r
	}, text))
	if len(runes) > cli.LiveLineCharsMax {
		return string(runes[:cli.LiveLineCharsMax-3]) + "..."
	}
	return string(runes)
}
