package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	schedulepb "go.temporal.io/api/schedule/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// scheduleAt runs the starter with args against Temporal at address, as users run it: the lines printed and the exit
// status.
func scheduleAt(t *testing.T, address string, args ...string) (stdout, stderr []string, exit int) {
	t.Helper()
	t.Setenv("TEMPORAL_ADDRESS", address)
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "no-such.toml"))
	var out, errOut bytes.Buffer
	exit = dispatch(args, &out, &errOut)
	return lines(out.String()), lines(errOut.String()), exit
}

func TestBadScheduleCommandLinesAreUsageErrorsAndSendNothing(t *testing.T) {
	t.Setenv(cli.Repo.Env, "")
	usage := func(message string) []string { return []string{cli.UsageError(message), cli.UsageHint()} }
	create := func(args ...string) []string { return append([]string{"schedule", "create", "s"}, args...) }
	everyInvalid := func(value string) []string { return usage(cli.EveryInvalid(strconv.Quote(value))) }
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"schedule"}, usage(cli.UnexpectedArgument(`"schedule"`))},
		{[]string{"schedule", "bogus", "s"}, usage(cli.UnexpectedArgument(`"bogus"`))},
		{[]string{"schedule", "create"}, usage(cli.IDMissing())},
		{[]string{"schedule", "describe", "--help=false"}, usage(cli.IDMissing())},
		{[]string{"schedule", "pause", ""}, usage(cli.IDMissing())},
		{[]string{"schedule", "describe", "a", "b"}, usage(cli.UnexpectedArgument(`"b"`))},
		{[]string{"schedule", "list", "a"}, usage(cli.UnexpectedArgument(`"a"`))},
		{[]string{"schedule", "trigger", "a", "--bogus"}, usageErrorOf(t, "--bogus")},
		{[]string{"schedule", "pause", "a", "--cron", "* * * * *"}, usage("flag provided but not defined: -cron")},
		{create("--repo", "r"), usage(cli.SpecMissing())},
		{create("--repo", "r", "--every", "1h", "--cron", "0 3 * * *"), usage(cli.SpecBoth())},
		{create("--every", "0h", "--repo", "r"), everyInvalid("0h")},
		{create("--every", "06h", "--repo", "r"), everyInvalid("06h")},
		{create("--every", "1.5h", "--repo", "r"), everyInvalid("1.5h")},
		{create("--every", "-1h", "--repo", "r"), everyInvalid("-1h")},
		{create("--every", "6", "--repo", "r"), everyInvalid("6")},
		{create("--every", "6w", "--repo", "r"), everyInvalid("6w")},
		{create("--every", "6h ", "--repo", "r"), everyInvalid("6h ")},
		{create("--every", "1h30m", "--repo", "r"), everyInvalid("1h30m")},
		{create("--every", "99999999999d", "--repo", "r"), everyInvalid("99999999999d")}, // longer than Go can count
		{create("--every", "1h", "--overlap", "SKIP", "--repo", "r"), usage(cli.OverlapInvalid(`"SKIP"`))},
		{create("--every", "1h", "--overlap", "buffer", "--repo", "r"), usage(cli.OverlapInvalid(`"buffer"`))},
		// The start path's parser: its errors, word for word.
		{create("--every", "1h"), usageErrorOf(t)},
		{create("--every", "1h", "--repo", "r", "--env", "1X=y"), usageErrorOf(t, "--repo", "r", "--env", "1X=y")},
		{create("--every", "1h", "--input", "no-such.json"), usageErrorOf(t, "--input", "no-such.json")},
		{create("--every", "1h", "--repo", "r", "--workflow-id", "w"), usage("flag provided but not defined: -workflow-id")},
		{create("--every", "1h", "--repo", "r", "--no-wait"), usage("flag provided but not defined: -no-wait")},
		{[]string{"schedule", "backfill", "s", "--to", "2026-12-01T00:00:00Z"}, usage(cli.TimeInvalid("--from", `""`))},
		{[]string{"schedule", "backfill", "s", "--from", "2026-12-01T00:00:00Z"}, usage(cli.TimeInvalid("--to", `""`))},
		{[]string{"schedule", "backfill", "s", "--from", "2026-12-01T00:00:00", "--to", "2026-12-02T00:00:00Z"},
			usage(cli.TimeInvalid("--from", `"2026-12-01T00:00:00"`))}, // no zone
		{[]string{"schedule", "backfill", "s", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02"},
			usage(cli.TimeInvalid("--to", `"2026-12-02"`))},
		{[]string{"schedule", "backfill", "s", "--from", "2026-12-01T02:00:00+02:00", "--to", "2026-12-01T00:00:00Z"},
			usage(cli.RangeInvalid())}, // the same instant
		{[]string{"schedule", "backfill", "s", "--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z"},
			usage(cli.RangeInvalid())},
	} {
		f := newFakeTemporal(t)
		stdout, stderr, exit := scheduleAt(t, f.listen(), c.args...)
		if exit != 2 || len(stdout) > 0 || !reflect.DeepEqual(stderr, c.want) || len(f.calls) > 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q, calls %q; want 2, %q, none", c.args, exit, stdout, stderr, f.calls, c.want)
		}
	}
}

func TestEveryUnitOfTheTableHasItsLength(t *testing.T) {
	for _, unit := range []byte(cli.ScheduleEveryUnits) {
		if everyUnits[unit] <= 0 {
			t.Errorf("--every unit %q has no length", unit)
		}
	}
}

func TestDescribeSaysTheSpecTheNextRunsAndTheLastRunsNewestFirst(t *testing.T) {
	f := newFakeTemporal(t)
	at := func(hour int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(2026, 12, 6, hour, 0, 0, 250_000_000, time.FixedZone("", 3600)))
	}
	spec, err := dataConverter.ToPayload("every 1h")
	if err != nil {
		t.Fatal(err)
	}
	starts := &schedulepb.ScheduleAction{Action: &schedulepb.ScheduleAction_StartWorkflow{StartWorkflow: &workflowpb.NewWorkflowExecutionInfo{
		WorkflowId: "s", WorkflowType: &commonpb.WorkflowType{Name: cli.WorkflowType}}}}
	var recent []*schedulepb.ScheduleActionResult                                              // oldest first, as Temporal lists them
	statuses := []enumspb.WorkflowExecutionStatus{enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, // too old to show
		enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, enumspb.WORKFLOW_EXECUTION_STATUS_FAILED,
		enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED, enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW,
		enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING}
	for i, s := range statuses {
		id := "s-" + strconv.Itoa(i)
		recent = append(recent, &schedulepb.ScheduleActionResult{ScheduleTime: at(i + 1),
			StartWorkflowResult: &commonpb.WorkflowExecution{WorkflowId: id, RunId: "run-" + id}})
		f.describe[id] = &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: s}}
	}
	f.describe["s-2"] = nil // the describe fails
	f.schedule = &workflowservice.DescribeScheduleResponse{
		Schedule: &schedulepb.Schedule{Action: starts, Policies: &schedulepb.SchedulePolicies{OverlapPolicy: enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE},
			State: &schedulepb.ScheduleState{Paused: true, Notes: "disk full"}},
		Info: &schedulepb.ScheduleInfo{FutureActionTimes: []*timestamppb.Timestamp{at(9), at(10), at(11), at(12)}, RecentActions: recent},
		Memo: &commonpb.Memo{Fields: map[string]*commonpb.Payload{cli.ScheduleSpecMemo: spec}},
	}
	stdout, stderr, exit := scheduleAt(t, f.listen(), "schedule", "describe", "s")
	want := []string{
		"schedule s: every 1h, overlap buffer_one, paused (disk full)",
		"next runs: 2026-12-06T08:00:00Z, 2026-12-06T09:00:00Z, 2026-12-06T10:00:00Z",
		"last runs:",
		"  2026-12-06T06:00:00Z s-6 running",
		"  2026-12-06T05:00:00Z s-5 timed_out",
		"  2026-12-06T04:00:00Z s-4 continued_as_new",
		"  2026-12-06T03:00:00Z s-3 cancelled",
		"  2026-12-06T02:00:00Z s-2 unknown",
	}
	if exit != 0 || !reflect.DeepEqual(stdout, want) || len(stderr) > 0 {
		t.Errorf("exit %d, stderr %q, stdout\n%s\nwant\n%s", exit, stderr, strings.Join(stdout, "\n"), strings.Join(want, "\n"))
	}

	// Made elsewhere, without the spec: "-"; a note when active is not shown.
	f.schedule = &workflowservice.DescribeScheduleResponse{Schedule: &schedulepb.Schedule{Action: starts,
		State: &schedulepb.ScheduleState{Notes: "Unpaused via Go SDK"}}, Info: &schedulepb.ScheduleInfo{}}
	stdout, _, exit = scheduleAt(t, f.listen(), "schedule", "describe", "s")
	want = []string{"schedule s: -, overlap unspecified, active", "next runs: -", "last runs: none yet"}
	if exit != 0 || !reflect.DeepEqual(stdout, want) {
		t.Errorf("exit %d, stdout %q; want %q", exit, stdout, want)
	}
}

func TestAScheduleCallThatFailsSaysWhy(t *testing.T) {
	f := newFakeTemporal(t)
	address := f.listen()
	for _, args := range [][]string{{"describe", "s"}, {"pause", "s"}, {"list"}} {
		stdout, stderr, exit := scheduleAt(t, address, append([]string{"schedule"}, args...)...)
		want := cli.ScheduleNotFound("s")
		if args[0] != "describe" { // the fake has no such call
			want = cli.ScheduleFailed("")
		}
		if exit != 1 || len(stdout) > 0 || len(stderr) != 1 || !strings.HasPrefix(stderr[0], want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 1 and %q", args, exit, stdout, stderr, want)
		}
	}
}

// startTemporal starts a Temporal dev server for the test: its address.
func startTemporal(t *testing.T) string {
	t.Helper()
	binary := filepath.Join("..", ".venv", "bin", "temporal")
	if _, err := os.Stat(binary); err != nil {
		if binary, err = exec.LookPath("temporal"); err != nil {
			t.Skip("no temporal CLI to run a dev server with")
		}
	}
	port := func() string { // one free now
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer listener.Close()
		return strconv.Itoa(listener.Addr().(*net.TCPAddr).Port)
	}
	grpcPort, uiPort := port(), port()
	server := exec.Command(binary, "server", "start-dev", "--ip", "127.0.0.1", "--port", grpcPort, "--ui-port", uiPort,
		"--headless", "--log-level", "error")
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Process.Kill(); server.Wait() })
	address := "127.0.0.1:" + grpcPort
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		c, err := client.Dial(client.Options{HostPort: address})
		if err == nil {
			c.Close()
			return address
		} else if time.Now().After(deadline) {
			t.Fatalf("the dev server at %s did not answer: %v", address, err)
		}
	}
}

// eventually runs the starter with args until its stdout is want (the list lags what was just done), for at most 30 s.
func eventually(t *testing.T, address string, want []string, args ...string) {
	t.Helper()
	var stdout, stderr []string
	var exit int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if stdout, stderr, exit = scheduleAt(t, address, args...); exit == 0 && reflect.DeepEqual(stdout, want) {
			return
		}
	}
	t.Errorf("%q: exit %d, stderr %q, stdout\n%s\nwant\n%s", args, exit, stderr, strings.Join(stdout, "\n"), strings.Join(want, "\n"))
}

func TestSchedulesOnARealServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal dev server")
	}
	address := startTemporal(t)
	expect := func(wantExit int, want []string, args ...string) {
		t.Helper()
		stdout, stderr, exit := scheduleAt(t, address, append([]string{"schedule"}, args...)...)
		if got := append(stdout, stderr...); exit != wantExit || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: exit %d, printed %q; want %d and %q", args, exit, got, wantExit, want)
		}
	}
	usage := func(message string) []string { return []string{cli.UsageError(message), cli.UsageHint()} }
	t.Setenv(cli.Repo.Env, "https://example.com/tasks.git")

	// Temporal checks the cron expression: its answer, and nothing created.
	for expr, detail := range map[string]string{"61 * * * *": "Minute is not in range [0-59]", "not a cron": "CronString does not have 5-7 fields"} {
		expect(2, usage(cli.CronInvalid(strconv.Quote(expr), "Invalid schedule spec: "+detail)), "create", "nightly", "--cron", expr)
	}
	expect(0, []string{cli.SchedulesNone()}, "list")

	now := time.Now().UTC()
	nextThree := now.Truncate(24 * time.Hour).Add(3 * time.Hour)
	if !nextThree.After(now) {
		nextThree = nextThree.Add(24 * time.Hour)
	}
	nextDay := now.Truncate(24 * time.Hour).Add(24 * time.Hour) // intervals count from the Unix epoch
	expect(0, []string{cli.ScheduleCreated("nightly", "cron 0 3 * * *", "skip", stamp(nextThree))},
		"create", "nightly", "--cron", "0 3 * * *", "--env", "A=1", "--task-queue", "q1")
	expect(2, usage(cli.ScheduleExists("nightly")), "create", "nightly", "--every", "1h")
	expect(0, []string{cli.ScheduleCreated("daily", "every 1d", "allow_all", stamp(nextDay))},
		"create", "--every", "1d", "daily", "--overlap", "allow_all")

	// Each run is what a start with the same flags would run.
	c, err := client.Dial(client.Options{HostPort: address, DataConverter: dataConverter})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d, err := c.ScheduleClient().GetHandle(context.Background(), "nightly").Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	action := d.Schedule.Action.(*client.ScheduleWorkflowAction)
	input, wantInput := &pb.SkyPilotWorkflowInput{}, &pb.SkyPilotWorkflowInput{RepoUrl: "https://example.com/tasks.git", EnvsOverride: map[string]string{"A": "1"}}
	if err := dataConverter.FromPayload(action.Args[0].(*commonpb.Payload), input); err != nil || !proto.Equal(input, wantInput) ||
		action.Workflow != cli.WorkflowType || action.TaskQueue != "q1" || action.ID != "nightly" || len(action.Args) != 1 {
		t.Errorf("the action runs %v %s on %s with %v (%v); want %s with %v on q1", action.Workflow, action.ID, action.TaskQueue,
			input, err, cli.WorkflowType, wantInput)
	}

	expect(0, []string{cli.SchedulePaused("nightly")}, "pause", "nightly", "--note", "disk full")
	expect(0, []string{cli.ScheduleTriggered("daily")}, "trigger", "daily")
	eventually(t, address, []string{
		cli.ScheduleRow("daily", "every 1d", "allow_all", cli.StateActive(), stamp(nextDay)),
		cli.ScheduleRow("nightly", "cron 0 3 * * *", "skip", cli.StatePaused(), stamp(nextThree)),
	}, "schedule", "list")
	var triggered client.ScheduleActionResult // the trigger is taken once the schedule gets to it
	for deadline := time.Now().Add(30 * time.Second); triggered.StartWorkflowResult == nil; time.Sleep(300 * time.Millisecond) {
		d, err = c.ScheduleClient().GetHandle(context.Background(), "daily").Describe(context.Background())
		if err != nil || len(d.Info.RecentActions) > 1 || time.Now().After(deadline) {
			t.Fatalf("daily: %v, %v; want the triggered run", d, err)
		} else if len(d.Info.RecentActions) == 1 {
			triggered = d.Info.RecentActions[0]
		}
	}
	expect(0, []string{
		cli.ScheduleHeader("daily", "every 1d", "allow_all", cli.StateActive(), ""),
		cli.ScheduleNext(strings.Join([]string{stamp(nextDay), stamp(nextDay.Add(24 * time.Hour)), stamp(nextDay.Add(48 * time.Hour))}, ", ")),
		cli.ScheduleRuns(),
		cli.ScheduleRun(stamp(triggered.ScheduleTime), triggered.StartWorkflowResult.WorkflowID, "running"), // no worker
	}, "describe", "daily")
	if id := triggered.StartWorkflowResult.WorkflowID; !strings.HasPrefix(id, "daily-") {
		t.Errorf("the triggered run is %s, want daily-<time>", id)
	}
	expect(0, []string{cli.ScheduleBackfilled("daily", "2026-11-30T22:00:00Z", "2026-12-01T00:00:00Z")},
		"backfill", "daily", "--from", "2026-12-01T00:00:00+02:00", "--to", "2026-12-01T00:00:00.9Z")
	expect(0, []string{cli.ScheduleUnpaused("nightly")}, "unpause", "nightly")

	for _, args := range [][]string{{"describe", "gone"}, {"pause", "gone"}, {"unpause", "gone"}, {"trigger", "gone"},
		{"backfill", "gone", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z"}, {"delete", "gone"}} {
		expect(1, []string{cli.ScheduleNotFound("gone")}, args...)
	}
	expect(0, []string{cli.ScheduleDeleted("nightly")}, "delete", "nightly")
	expect(0, []string{cli.ScheduleDeleted("daily")}, "delete", "daily")
	expect(1, []string{cli.ScheduleNotFound("daily")}, "describe", "daily")
	eventually(t, address, []string{cli.SchedulesNone()}, "schedule", "list")
}
