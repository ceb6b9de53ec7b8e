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
	"google.golang.org/protobuf/proto"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// subcommand runs with the arguments after its name; the exit status.
type subcommand = func(args []string, stdout, stderr io.Writer) int

// currentUser is the user this runs as; a variable, for the tests to be a user the OS cannot name.
var currentUser = user.Current

// runUpdate is an update to send to a run: its name and argument, the message the run's answer is read into, and the
// line saying what the run answered, once it has.
type runUpdate struct {
	name        string
	arg, answer proto.Message
	said        func() string
}

// sendToRun is the subcommand sc: it sends the update that build makes of RUN_ID, the flags' last values and who asks to
// the latest run of workflow RUN_ID, waits for the run to answer and says what it answered; failed says why a call
// failed that the run did not refuse. build's errors are usage errors. Exit status: 0 accepted, 1 refused or not sent,
// 2 usage error.
func sendToRun(sc cli.Subcommand, failed func(detail string) string,
	build func(runID string, flags map[string]string, requester string) (*runUpdate, error)) subcommand {
	return func(args []string, stdout, stderr io.Writer) int {
		runID, _, flags, err := parseSubcommand(sc, args, cli.RunIDMissing)
		requester := strings.TrimSpace(os.Getenv(cli.ApproverEnv)) // else the user this runs as
		if current, userErr := currentUser(); requester == "" && userErr == nil {
			requester = current.Username
		}
		requester = cmp.Or(requester, os.Getenv("USER"))
		var update *runUpdate
		if err == nil && slices.Contains(sc.Required, cli.Reason.Name) && strings.TrimSpace(flags[cli.Reason.Name]) == "" {
			err = errors.New(cli.ReasonRequired())
		} else if err == nil && requester == "" {
			err = errors.New(cli.ApproverMissing())
		} else if err == nil {
			update, err = build(runID, flags, requester)
		}
		if status, done := helpOrUsage(err, sc.HelpText, stdout, stderr); done {
			return status
		}
		ctx := context.Background()
		host, _ := os.Hostname()
		c, _, status := connectAs(ctx, stderr, requester+"@"+host) // the name the update's history event shows
		if c == nil {
			return status
		}
		defer c.Close()
		handle, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: runID, UpdateName: update.name,
			WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{update.arg}})
		if err == nil {
			err = handle.Get(ctx, update.answer)
		}
		var refused *temporal.ApplicationError
		switch {
		case err == nil:
			fmt.Fprintln(stdout, update.said())
			return 0
		case errors.As(err, new(*serviceerror.NotFound)):
			fmt.Fprintln(stderr, cli.RunNotFound(runID))
		case errors.As(err, &refused): // by the run's validator, or the run closed before it answered
			fmt.Fprintln(stderr, cli.DecisionRefused(cli.OneLine(refused.Message())))
		default:
			fmt.Fprintln(stderr, failed(cli.OneLine(err.Error())))
		}
		return 1
	}
}
