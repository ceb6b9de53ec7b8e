package main

import (
	"context"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// heartbeats reads what the worker renders the running steps' output from: the
// heartbeat details of the run's pending activities, then of those of at most
// cli.LiveStepsMax of its pending child workflows (a sweep's running branches).
// When a describe fails it returns none; the next poll reads them again.
func heartbeats(ctx context.Context, c client.Client, wf client.WorkflowRun) []string {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	run, err := c.DescribeWorkflowExecution(ctx, wf.GetID(), wf.GetRunID())
	if err != nil {
		return nil
	}
	found, children := jsonDetails(run), run.GetPendingChildren()
	for _, child := range children[:min(len(children), cli.LiveStepsMax)] {
		branch, err := c.DescribeWorkflowExecution(ctx, child.GetWorkflowId(), child.GetRunId())
		if err != nil {
			return nil
		}
		found = append(found, jsonDetails(branch)...)
	}
	return found
}

// jsonDetails are the json/plain heartbeat details of a workflow's pending
// activities, as text: the worker parses them.
func jsonDetails(workflow *workflowservice.DescribeWorkflowExecutionResponse) (texts []string) {
	for _, activity := range workflow.GetPendingActivities() {
		for _, p := range activity.GetHeartbeatDetails().GetPayloads() {
			if string(p.GetMetadata()[converter.MetadataEncoding]) == converter.MetadataEncodingJSON {
				texts = append(texts, string(p.GetData()))
			}
		}
	}
	return texts
}
