package main

import (
	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// decide is the subcommand sc: it sends decision on a gate of the latest run of workflow RUN_ID, waits for the run to
// record it and says so with said.
func decide(sc cli.Subcommand, decision string, said func(gate, workflowID, approver string) string) subcommand {
	return sendToRun(sc, cli.DecisionFailed, func(runID string, flags map[string]string, approver string) (*runUpdate, error) {
		record := &pb.ApprovalRecord{} // the gate as the run named it: --gate may have been left out
		return &runUpdate{name: cli.DecideUpdate, answer: record,
			arg:  &pb.ApprovalDecision{Gate: flags[cli.Gate.Name], Decision: decision, Approver: approver, Reason: flags[cli.Reason.Name]},
			said: func() string { return said(record.GetGate(), runID, record.GetApprover()) }}, nil
	})
}
