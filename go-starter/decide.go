package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"slices"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// currentUser is the user this runs as; a variable, for the tests to be a user the OS cannot name.
var currentUser = user.Current

// decide is the subcommand sc: it sends decision on a gate of the latest run of workflow RUN_ID, waits for the run to
// record it and says so with said. Exit status: 0 accepted, 1 refused or not sent, 2 usage error.
func decide(sc cli.Subcommand, decision string, said func(gate, workflowID, approver string) string) func([]string, io.Writer, io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		runID, _, flags, err := parseSubcommand(sc, args, cli.RunIDMissing)
		approver := strings.TrimSpace(os.Getenv(cli.ApproverEnv)) // else the user this runs as
		if current, userErr := currentUser(); approver == "" && userErr == nil {
			approver = current.Username
		}
		approver = cmp.Or(approver, os.Getenv("USER"))
		if err == nil && slices.Contains(sc.Required, cli.Reason.Name) && strings.TrimSpace(flags[cli.Reason.Name]) == "" {
			err = errors.New(cli.ReasonRequired())
		} else if err == nil && approver == "" {
			err = errors.New(cli.ApproverMissing())
		}
		if status, done := helpOrUsage(err, sc.HelpText, stdout, stderr); done {
			return status
		}
		ctx := context.Background()
		host, _ := os.Hostname()
		c, _, status := connectAs(ctx, stderr, approver+"@"+host) // the name the update's history event shows
		if c == nil {
			return status
		}
		defer c.Close()
		update, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: runID, UpdateName: cli.DecideUpdate,
			WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{&pb.ApprovalDecision{
				Gate: flags[cli.Gate.Name], Decision: decision, Approver: approver, Reason: flags[cli.Reason.Name]}}})
		record := &pb.ApprovalRecord{} // the gate as the run named it: --gate may have been left out
		if err == nil {
			err = update.Get(ctx, record)
		}
		var refused *temporal.ApplicationError
		switch {
		case err == nil:
			fmt.Fprintln(stdout, said(record.GetGate(), runID, record.GetApprover()))
			return 0
		case errors.As(err, new(*serviceerror.NotFound)):
			fmt.Fprintln(stderr, cli.RunNotFound(runID))
		case errors.As(err, &refused): // by the run's validator, or the run closed before it recorded the decision
			fmt.Fprintln(stderr, cli.DecisionRefused(cli.OneLine(refused.Message())))
		default:
			fmt.Fprintln(stderr, cli.DecisionFailed(cli.OneLine(err.Error())))
		}
		return 1
	}
}
