package main

import (
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// retryUpdate asks run runID to run again the step(s) it waits to have repaired, from --commit if given.
func retryUpdate(runID string, flags map[string]string, requester string) (*runUpdate, error) {
	commit, given := flags[cli.Commit.Name]
	if _, err := hex.DecodeString(commit); given && (err != nil || len(commit) != 40 && len(commit) != 64) { // SHA-1 or SHA-256
		return nil, errors.New(cli.CommitInvalid(strconv.Quote(commit)))
	}
	answer := &pb.RepairAnswer{}
	return &runUpdate{name: cli.RetryUpdate, answer: answer,
		arg: &pb.RetryRequest{Step: flags[cli.Step.Name], Branch: flags[cli.SweepBranch.Name], Commit: strings.ToLower(commit),
			Requester: requester},
		said: func() string {
			steps, first := repaired(answer)
			return cli.RetryAccepted(steps, runID, first.GetCommit()[:min(12, len(first.GetCommit()))], first.GetRequester())
		}}, nil
}

// abortUpdate asks run runID to end its wait for a repair of the step(s), and fail.
func abortUpdate(runID string, flags map[string]string, requester string) (*runUpdate, error) {
	answer := &pb.RepairAnswer{}
	return &runUpdate{name: cli.AbortUpdate, answer: answer,
		arg: &pb.AbortRequest{Step: flags[cli.Step.Name], Branch: flags[cli.SweepBranch.Name], Reason: flags[cli.Reason.Name],
			Requester: requester},
		said: func() string {
			steps, first := repaired(answer)
			return cli.AbortAccepted(steps, runID, first.GetRequester())
		}}, nil
}

// repaired is the steps whose wait the run's answer says the request ended, a sweep's with their branch
// (`eval [1 (LR=0.1)]`), and its first record (nil: none).
func repaired(answer *pb.RepairAnswer) (steps string, first *pb.RepairRecord) {
	var names []string
	for _, r := range answer.GetRepairs() {
		name := r.GetStep()
		if r.GetBranch() != "" {
			name += " [" + r.GetBranch() + "]"
		}
		names = append(names, name)
	}
	if len(names) > 0 {
		first = answer.GetRepairs()[0]
	}
	return strings.Join(names, ", "), first
}
