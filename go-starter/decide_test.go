package main

import (
	"bytes"
	"cmp"
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// decideAgainst runs the starter with args against the fake server f, as users run it (Temporal's address from the
// environment), with approver in SKYPILOT_TEMPORAL_APPROVER: the lines printed and the exit status.
func decideAgainst(t *testing.T, f *fakeTemporal, approver string, args ...string) (stdout, stderr []string, exit int) {
	t.Helper()
	t.Setenv("TEMPORAL_ADDRESS", f.listen())
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "no-such.toml"))
	t.Setenv(cli.ApproverEnv, approver)
	var out, errOut bytes.Buffer
	exit = dispatch(args, &out, &errOut)
	return lines(out.String()), lines(errOut.String()), exit
}

// recordAsTheRunDoes answers a decision as a run waiting at gate "deploy" alone records it.
func recordAsTheRunDoes(d *pb.ApprovalDecision) (*pb.ApprovalRecord, error) {
	return &pb.ApprovalRecord{Gate: cmp.Or(d.GetGate(), "deploy"), Decision: d.GetDecision(), Approver: d.GetApprover(),
		Reason: d.GetReason(), DecidedAt: "2026-01-02T03:04:05Z", WaitingSince: "2026-01-02T03:00:00Z"}, nil
}

func TestADecisionReachesTheRunAndSaysWhatItRecorded(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want *pb.ApprovalDecision
		said string
	}{
		{[]string{"approve", "wf-1", "--gate", "deploy", "--reason", "looks good"},
			&pb.ApprovalDecision{Gate: "deploy", Decision: "approve", Approver: "alice", Reason: "looks good"},
			"approved: gate deploy of run wf-1, as alice"},
		{[]string{"approve", "--gate=deploy", "wf-1"}, // flags before RUN_ID
			&pb.ApprovalDecision{Gate: "deploy", Decision: "approve", Approver: "alice"},
			"approved: gate deploy of run wf-1, as alice"},
		{[]string{"approve", "wf-1"}, // the run names the gate it waits at
			&pb.ApprovalDecision{Decision: "approve", Approver: "alice"},
			"approved: gate deploy of run wf-1, as alice"},
		{[]string{"reject", "--reason=too slow", "wf-1", "--gate", "deploy"},
			&pb.ApprovalDecision{Gate: "deploy", Decision: "reject", Approver: "alice", Reason: "too slow"},
			"rejected: gate deploy of run wf-1, as alice; the run fails and downs its clusters"},
	} {
		f := newFakeTemporal(t)
		f.decide = recordAsTheRunDoes
		stdout, stderr, exit := decideAgainst(t, f, " alice ", c.args...)
		if exit != 0 || !reflect.DeepEqual(stdout, []string{c.said}) || len(stderr) > 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 0 and %q", c.args, exit, stdout, stderr, c.said)
		}
		if len(f.updates) != 1 {
			t.Fatalf("%q: %d updates sent, want 1", c.args, len(f.updates))
		}
		sent, got := f.updates[0], &pb.ApprovalDecision{}
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

func TestTheApproverIsTheEnvironmentsElseTheUsersName(t *testing.T) {
	realUser := currentUser
	t.Cleanup(func() { currentUser = realUser })
	someone := func(name string, err error) func() (*user.User, error) {
		return func() (*user.User, error) { return &user.User{Username: name}, err }
	}
	for _, c := range []struct {
		env, user, userVar string
		userErr            error
		want               string
	}{
		{"bob", "carol", "dave", nil, "bob"},
		{" ", "carol", "dave", nil, "carol"},
		{"", "carol", "dave", errors.New("no such user"), "dave"},
	} {
		currentUser = someone(c.user, c.userErr)
		t.Setenv("USER", c.userVar)
		f := newFakeTemporal(t)
		f.decide = recordAsTheRunDoes
		stdout, stderr, exit := decideAgainst(t, f, c.env, "approve", "wf-1")
		if want := cli.DecisionApproved("deploy", "wf-1", c.want); exit != 0 || !reflect.DeepEqual(stdout, []string{want}) {
			t.Errorf("%+v: exit %d, stdout %q, stderr %q; want %q", c, exit, stdout, stderr, want)
		}
	}
	currentUser = someone("", errors.New("no such user"))
	t.Setenv("USER", "")
	f := newFakeTemporal(t)
	_, stderr, exit := decideAgainst(t, f, "", "approve", "wf-1")
	want := []string{cli.UsageError(cli.ApproverMissing()), cli.UsageHint()}
	if exit != 2 || !reflect.DeepEqual(stderr, want) || len(f.updates) > 0 {
		t.Errorf("nobody: exit %d, stderr %q, %d updates sent; want 2, %q, none", exit, stderr, len(f.updates), want)
	}
}

// usageErrorOf is what the start path prints for a command line it refuses.
func usageErrorOf(t *testing.T, args ...string) []string {
	var stdout, stderr bytes.Buffer
	if exit := run(args, &stdout, &stderr); exit != 2 {
		t.Fatalf("%q: exit %d, want 2", args, exit)
	}
	return lines(stderr.String())
}

func TestBadDecisionsAreUsageErrorsAndSendNothing(t *testing.T) {
	usage := func(message string) []string { return []string{cli.UsageError(message), cli.UsageHint()} }
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"approve"}, usage(cli.RunIDMissing())},
		{[]string{"approve", ""}, usage(cli.RunIDMissing())},
		{[]string{"approve", "--gate", "deploy"}, usage(cli.RunIDMissing())},
		{[]string{"approve", "wf-1", "wf-2"}, usage(cli.UnexpectedArgument(`"wf-2"`))},
		{[]string{"reject", "wf-1", "--reason", "no", "wf 2"}, usage(cli.UnexpectedArgument(`"wf 2"`))},
		{[]string{"approve", "wf-1", "--bogus"}, usageErrorOf(t, "--bogus")},
		{[]string{"approve", "wf-1", "--gate"}, usage("flag needs an argument: -gate")},
		{[]string{"approve", "wf-1", "--repo", "x"}, usage("flag provided but not defined: -repo")}, // a start's flag
		{[]string{"reject", "wf-1"}, usage(cli.ReasonRequired())},
		{[]string{"reject", "wf-1", "--gate", "deploy", "--reason", " \t"}, usage(cli.ReasonRequired())},
		{[]string{"reject", "--reason=", "wf-1"}, usage(cli.ReasonRequired())},
	} {
		f := newFakeTemporal(t)
		stdout, stderr, exit := decideAgainst(t, f, "alice", c.args...)
		if exit != 2 || len(stdout) > 0 || !reflect.DeepEqual(stderr, c.want) || len(f.updates) > 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q, %d updates sent; want 2, %q, none", c.args, exit, stdout, stderr,
				len(f.updates), c.want)
		}
	}
}

func TestEachSubcommandHasItsHelp(t *testing.T) {
	if len(subcommands) != len(cli.Subcommands) {
		t.Errorf("%d subcommands run, the table has %d", len(subcommands), len(cli.Subcommands))
	}
	for _, sc := range cli.Subcommands {
		name := strings.Fields(sc.Name) // a schedule subcommand is named by two arguments
		for _, rest := range [][]string{{"--help"}, {"-h"}, {"wf-1", "--help"}} {
			args := append(slices.Clone(name), rest...)
			var stdout, stderr bytes.Buffer
			if exit := dispatch(args, &stdout, &stderr); exit != 0 || stdout.String() != sc.HelpText || stderr.Len() > 0 {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want its help", args, exit, &stdout, &stderr)
			}
		}
		for _, f := range sc.Flags {
			if !strings.Contains(sc.HelpText, "  --"+f.Name+" ") {
				t.Errorf("the help of %s does not list --%s", sc.Name, f.Name)
			}
		}
	}
	var stdout, stderr bytes.Buffer // no subcommand: a start's help
	if exit := dispatch([]string{"--help"}, &stdout, &stderr); exit != 0 || stdout.String() != cli.HelpText {
		t.Errorf("--help: exit %d, stdout %q", exit, &stdout)
	}
}

func TestARefusedOrFailedDecisionSaysWhy(t *testing.T) {
	for _, c := range []struct {
		answer error
		want   string
	}{
		{temporal.NewApplicationErrorWithCause("gate deploy is not waiting:\n  it was approved by bob", "Refused", errors.New("inner")),
			cli.DecisionRefused("gate deploy is not waiting: it was approved by bob")},
		{status.Error(codes.NotFound, "workflow not found for ID: wf-1"), cli.RunNotFound("wf-1")},
		{status.Error(codes.PermissionDenied, "Request unauthorized.\n(namespace default)"),
			cli.DecisionFailed("Request unauthorized. (namespace default)")},
	} {
		f := newFakeTemporal(t)
		f.decide = func(*pb.ApprovalDecision) (*pb.ApprovalRecord, error) { return nil, c.answer }
		stdout, stderr, exit := decideAgainst(t, f, "alice", "approve", "wf-1", "--gate", "deploy")
		if exit != 1 || len(stdout) > 0 || !reflect.DeepEqual(stderr, []string{c.want}) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 1 and %q", c.answer, exit, stdout, stderr, c.want)
		}
	}
}

func TestADecisionConnectsAsAStartDoes(t *testing.T) {
	t.Setenv(cli.ApproverEnv, "alice")
	broken := filepath.Join(t.TempDir(), "broken.toml")
	if err := os.WriteFile(broken, []byte("[profile.default\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEMPORAL_CONFIG_FILE", broken)
	var stdout, stderr bytes.Buffer
	if exit := dispatch([]string{"approve", "wf-1"}, &stdout, &stderr); exit != 2 ||
		!strings.HasPrefix(stderr.String(), cli.ConfigInvalid("")) || stdout.Len() > 0 {
		t.Errorf("unreadable configuration: exit %d, stdout %q, stderr %q", exit, &stdout, &stderr)
	}
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "no-such.toml"))
	t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1") // nothing listens there
	stderr.Reset()
	if exit := dispatch([]string{"approve", "wf-1"}, &stdout, &stderr); exit != 1 ||
		!strings.HasPrefix(stderr.String(), cli.ConnectFailed("127.0.0.1:1", "")) || stdout.Len() > 0 {
		t.Errorf("no server: exit %d, stdout %q, stderr %q", exit, &stdout, &stderr)
	}
}
