package main

import (
	"errors"
	"os"
	"os/user"
	"reflect"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

const sha1Upper, sha256Lower = "0123456789ABCDEF0123456789ABCDEF01234567",
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

// waiting is what the fake run waits to have repaired: step "eval", and the two branches of sweep step "train".
var waiting = []struct{ step, branch string }{{"eval", ""}, {"train", "0 (LR=0.1)"}, {"train", "1 (LR=0.01)"}}

// repairAsTheRunDoes answers a retry or an abort as a run waiting for the repairs in waiting does: a record for each
// step and branch (its index, the label's first word) asked for, the retries at the commit asked for, else at the
// branch's head.
func repairAsTheRunDoes(update string, request proto.Message) (*pb.RepairAnswer, error) {
	step, branch, commit, reason, requester := "", "", "", "", ""
	switch r := request.(type) {
	case *pb.RetryRequest:
		step, branch, commit, requester = r.GetStep(), r.GetBranch(), r.GetCommit(), r.GetRequester()
		if commit == "" {
			commit = "fedcba9876543210fedcba9876543210fedcba98"
		}
	case *pb.AbortRequest:
		step, branch, reason, requester = r.GetStep(), r.GetBranch(), r.GetReason(), r.GetRequester()
	}
	answer := &pb.RepairAnswer{}
	for _, w := range waiting {
		index, _, _ := strings.Cut(w.branch, " ")
		if (step == "" || step == w.step) && (branch == "" || branch == index && w.branch != "") {
			answer.Repairs = append(answer.Repairs, &pb.RepairRecord{Step: w.step, Branch: w.branch, Action: update,
				Requester: requester, Commit: commit, Reason: reason, DecidedAt: "2026-01-02T03:04:05Z",
				WaitingSince: "2026-01-02T03:00:00Z", Failure: "exit code 1"})
		}
	}
	return answer, nil
}

func TestARepairReachesTheRunAndSaysWhatItRecorded(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args   []string
		update string
		want   proto.Message
		said   string
	}{
		{[]string{"retry", "wf-1", "--step", "eval", "--commit", sha1Upper}, cli.RetryUpdate, // sent lower-cased
			&pb.RetryRequest{Step: "eval", Commit: strings.ToLower(sha1Upper), Requester: "alice"},
			"retrying eval of run wf-1 at commit 0123456789ab, as alice"},
		{[]string{"retry", "--commit=" + sha256Lower, "wf-1"}, cli.RetryUpdate, // flags before RUN_ID
			&pb.RetryRequest{Commit: sha256Lower, Requester: "alice"},
			"retrying eval, train [0 (LR=0.1)], train [1 (LR=0.01)] of run wf-1 at commit 001122334455, as alice"},
		{[]string{"retry", "wf-1"}, cli.RetryUpdate, // the run picks the steps and the commit
			&pb.RetryRequest{Requester: "alice"},
			"retrying eval, train [0 (LR=0.1)], train [1 (LR=0.01)] of run wf-1 at commit fedcba987654, as alice"},
		{[]string{"retry", "wf-1", "--step", "train", "--sweep-branch", "1"}, cli.RetryUpdate,
			&pb.RetryRequest{Step: "train", Branch: "1", Requester: "alice"},
			"retrying train [1 (LR=0.01)] of run wf-1 at commit fedcba987654, as alice"},
		{[]string{"retry", "--sweep-branch=1", "wf-1", "--sweep-branch", "0"}, cli.RetryUpdate, // the last --sweep-branch wins
			&pb.RetryRequest{Branch: "0", Requester: "alice"},
			"retrying train [0 (LR=0.1)] of run wf-1 at commit fedcba987654, as alice"},
		{[]string{"abort", "wf-1", "--step", "train", "--reason", "out of budget"}, cli.AbortUpdate,
			&pb.AbortRequest{Step: "train", Reason: "out of budget", Requester: "alice"},
			"aborted: train [0 (LR=0.1)], train [1 (LR=0.01)] of run wf-1, as alice; the run fails and downs its clusters"},
		{[]string{"abort", "wf-1", "--sweep-branch", "0"}, cli.AbortUpdate, &pb.AbortRequest{Branch: "0", Requester: "alice"},
			"aborted: train [0 (LR=0.1)] of run wf-1, as alice; the run fails and downs its clusters"},
		{[]string{"abort", "wf-1"}, cli.AbortUpdate, &pb.AbortRequest{Requester: "alice"},
			"aborted: eval, train [0 (LR=0.1)], train [1 (LR=0.01)] of run wf-1, as alice; the run fails and downs its clusters"},
	} {
		f := newFakeTemporal(t)
		f.repair = repairAsTheRunDoes
		stdout, stderr, exit := decideAgainst(t, f, " alice ", c.args...)
		if exit != 0 || !reflect.DeepEqual(stdout, []string{c.said}) || len(stderr) > 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 0 and %q", c.args, exit, stdout, stderr, c.said)
		}
		if len(f.updates) != 1 {
			t.Fatalf("%q: %d updates sent, want 1", c.args, len(f.updates))
		}
		sent, got := f.updates[0], c.want.ProtoReflect().New().Interface()
		if name := sent.GetRequest().GetInput().GetName(); name != c.update {
			t.Errorf("%q: sent update %q, want %q", c.args, name, c.update)
		}
		if err := dataConverter.FromPayloads(sent.GetRequest().GetInput().GetArgs(), got); err != nil || !proto.Equal(got, c.want) {
			t.Errorf("%q: sent %v (%v), want %v", c.args, got, err, c.want)
		}
		if run := sent.GetWorkflowExecution(); run.GetWorkflowId() != "wf-1" || run.GetRunId() != "" {
			t.Errorf("%q: sent to %v, want the latest run of wf-1", c.args, run)
		}
		if identity := sent.GetRequest().GetMeta().GetIdentity(); identity != "alice@"+host {
			t.Errorf("%q: sent as %q, want %q", c.args, identity, "alice@"+host)
		}
	}
}

func TestBadRepairsAreUsageErrorsAndSendNothing(t *testing.T) {
	usage := func(message string) []string { return []string{cli.UsageError(message), cli.UsageHint()} }
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"retry"}, usage(cli.RunIDMissing())},
		{[]string{"abort", "--step", "eval"}, usage(cli.RunIDMissing())},
		{[]string{"retry", "wf-1", "wf-2"}, usage(cli.UnexpectedArgument(`"wf-2"`))},
		{[]string{"retry", "wf-1", "--commit", sha1Upper[:39]}, usage(cli.CommitInvalid(`"` + sha1Upper[:39] + `"`))},
		{[]string{"retry", "wf-1", "--commit", sha1Upper + "8"}, usage(cli.CommitInvalid(`"` + sha1Upper + `8"`))},
		{[]string{"retry", "wf-1", "--commit", "g" + sha1Upper[1:]}, usage(cli.CommitInvalid(`"g` + sha1Upper[1:] + `"`))},
		{[]string{"retry", "wf-1", "--commit", " " + sha1Upper}, usage(cli.CommitInvalid(`" ` + sha1Upper + `"`))},
		{[]string{"retry", "wf-1", "--commit="}, usage(cli.CommitInvalid(`""`))},
		{[]string{"retry", "wf-1", "--commit", "main"}, usage(cli.CommitInvalid(`"main"`))},
		{[]string{"retry", "wf-1", "--reason", "x"}, usage("flag provided but not defined: -reason")}, // abort's flag
		{[]string{"abort", "wf-1", "--commit", sha256Lower}, usage("flag provided but not defined: -commit")},
		{[]string{"abort", "wf-1", "--step"}, usage("flag needs an argument: -step")},
		{[]string{"retry", "wf-1", "--sweep-branch"}, usage("flag needs an argument: -sweep-branch")},
	} {
		f := newFakeTemporal(t)
		stdout, stderr, exit := decideAgainst(t, f, "alice", c.args...)
		if exit != 2 || len(stdout) > 0 || !reflect.DeepEqual(stderr, c.want) || len(f.updates) > 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q, %d updates sent; want 2, %q, none", c.args, exit, stdout, stderr,
				len(f.updates), c.want)
		}
	}
}

func TestARepairIsAskedForAsTheApproverElseTheUser(t *testing.T) {
	realUser := currentUser
	t.Cleanup(func() { currentUser = realUser })
	currentUser = func() (*user.User, error) { return &user.User{Username: "carol"}, nil }
	f := newFakeTemporal(t)
	f.repair = repairAsTheRunDoes
	stdout, _, exit := decideAgainst(t, f, "", "abort", "wf-1", "--step", "eval")
	if want := cli.AbortAccepted("eval", "wf-1", "carol"); exit != 0 || !reflect.DeepEqual(stdout, []string{want}) {
		t.Errorf("exit %d, stdout %q; want 0 and %q", exit, stdout, want)
	}
	currentUser = func() (*user.User, error) { return nil, errors.New("no such user") }
	t.Setenv("USER", "")
	for _, args := range [][]string{{"retry", "wf-1"}, {"abort", "wf-1"}} {
		f := newFakeTemporal(t)
		_, stderr, exit := decideAgainst(t, f, " ", args...)
		want := []string{cli.UsageError(cli.ApproverMissing()), cli.UsageHint()}
		if exit != 2 || !reflect.DeepEqual(stderr, want) || len(f.updates) > 0 {
			t.Errorf("%q by nobody: exit %d, stderr %q, %d updates sent; want 2, %q, none", args, exit, stderr, len(f.updates), want)
		}
	}
}

func TestARefusedOrFailedRepairSaysWhy(t *testing.T) {
	for _, c := range []struct {
		answer error
		want   string
	}{
		{temporal.NewApplicationErrorWithCause("no step waits for a repair:\n  eval succeeded", "Refused", errors.New("inner")),
			cli.DecisionRefused("no step waits for a repair: eval succeeded")},
		{status.Error(codes.NotFound, "workflow not found for ID: wf-1"), cli.RunNotFound("wf-1")},
		{status.Error(codes.PermissionDenied, "Request unauthorized.\n(namespace default)"),
			cli.RequestFailed("Request unauthorized. (namespace default)")},
	} {
		for _, args := range [][]string{{"retry", "wf-1", "--step", "eval"}, {"abort", "wf-1", "--reason", "stop"}} {
			f := newFakeTemporal(t)
			f.repair = func(string, proto.Message) (*pb.RepairAnswer, error) { return nil, c.answer }
			stdout, stderr, exit := decideAgainst(t, f, "alice", args...)
			if exit != 1 || len(stdout) > 0 || !reflect.DeepEqual(stderr, []string{c.want}) {
				t.Errorf("%q, %v: exit %d, stdout %q, stderr %q; want 1 and %q", args, c.answer, exit, stdout, stderr, c.want)
			}
		}
	}
}
