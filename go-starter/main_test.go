package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func writeInput(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFlagBeatsEnvBeatsFile(t *testing.T) {
	path := writeInput(t, `{
		"repoUrl": "https://file.example/repo.git", "branch": "file-branch", "cluster_prefix": "file",
		"envsOverride": {"A": "file", "B": "file"}, "secretEnvNames": ["FILE_SECRET"],
		"steps": [{"name": "train", "task_yaml": "train.yaml", "kind": "STEP_KIND_LAUNCH", "timeoutSeconds": 60}]
	}`)
	opts, err := parseArgs([]string{"--input", path, "--branch", "flag-branch", "--env", "A=flag=1", "--secret-env", "HF_TOKEN"},
		env(map[string]string{
			"SKYPILOT_TEMPORAL_BRANCH":              "env-branch",
			"SKYPILOT_TEMPORAL_CLUSTER_PREFIX":      "env",
			"SKYPILOT_TEMPORAL_SECRET_ENV_NAMES":    "IGNORED_WHEN_FLAGS_GIVEN",
			"SKYPILOT_TEMPORAL_TASK_QUEUE":          "env-queue",
			"SKYPILOT_TEMPORAL_API_SERVER_ENDPOINT": "http://env:46580",
		}))
	if err != nil {
		t.Fatal(err)
	}
	want := &pb.SkyPilotWorkflowInput{
		RepoUrl: "https://file.example/repo.git", Branch: "flag-branch", ClusterPrefix: "env",
		ApiServerEndpoint: "http://env:46580",
		EnvsOverride:      map[string]string{"A": "flag=1", "B": "file"},
		SecretEnvNames:    []string{"FILE_SECRET", "HF_TOKEN"},
		Steps:             []*pb.PipelineStep{{Name: "train", TaskYaml: "train.yaml", Kind: pb.StepKind_STEP_KIND_LAUNCH, TimeoutSeconds: 60}},
	}
	if !proto.Equal(opts.input, want) {
		t.Errorf("input\n got %v\nwant %v", opts.input, want)
	}
	if opts.taskQueue != "env-queue" {
		t.Errorf("task queue %q", opts.taskQueue)
	}
}

func TestDefaults(t *testing.T) {
	opts, err := parseArgs([]string{"--repo", "git@github.com:org/tasks.git"},
		env(map[string]string{"SKYPILOT_TEMPORAL_SECRET_ENV_NAMES": " HF_TOKEN, ,WANDB_API_KEY"}))
	if err != nil {
		t.Fatal(err)
	}
	if opts.taskQueue != "skypilot-workflow-queue" || opts.noWait || opts.quiet {
		t.Errorf("task queue %q, no-wait %v, quiet %v", opts.taskQueue, opts.noWait, opts.quiet)
	}
	if !strings.HasPrefix(opts.workflowID, "skypilot-pipeline-") || len(opts.workflowID) != len("skypilot-pipeline-")+16 {
		t.Errorf("workflow id %q", opts.workflowID)
	}
	if got := opts.input.GetSecretEnvNames(); !reflect.DeepEqual(got, []string{"HF_TOKEN", "WANDB_API_KEY"}) {
		t.Errorf("secret names %v", got)
	}
	again, _ := parseArgs([]string{"--repo", "x"}, env(nil))
	if again.workflowID == opts.workflowID {
		t.Error("workflow id is not fresh per run")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "no repository"},
		{[]string{"--repo", "x", "--env", "NOEQUALS"}, `--env "NOEQUALS": want KEY=VALUE`},
		{[]string{"--repo", "x", "--env", "=value"}, `--env "=value"`},
		{[]string{"--repo", "x", "--env", "BAD-KEY=1"}, `--env "BAD-KEY=1"`},
		{[]string{"--repo", "x", "--secret-env", "NOT OK"}, `--secret-env "NOT OK"`},
		{[]string{"--repo", "x", "extra"}, `unexpected argument "extra"`},
		{[]string{"--bogus"}, "flag provided but not defined"},
		{[]string{"--input", "/nonexistent/input.json"}, "--input /nonexistent/input.json"},
	} {
		if _, err := parseArgs(tc.args, env(nil)); err == nil || errors.Is(err, flag.ErrHelp) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
	if _, err := parseArgs([]string{"--help"}, env(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v", err)
	}
}

func TestInputFileRejectsUnknownFieldsByPath(t *testing.T) {
	path := writeInput(t, `{"repoUrl": "x", "bogus": 1, "launch": {"retryUntilUp": true, "idle": 3},
		"steps": [{"name": "a"}, {"name": "b", "taskYml": "t.yaml"}]}`)
	_, err := parseArgs([]string{"--input", path}, env(nil))
	want := `unknown field "bogus", "launch.idle", "steps[1].taskYml"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
	path = writeInput(t, `{"repoUrl": "x", "steps": [{"name": "a", "timeoutSeconds": "soon"}]}`)
	if _, err := parseArgs([]string{"--input", path}, env(nil)); err == nil || !strings.Contains(err.Error(), "timeoutSeconds") {
		t.Fatalf("mistyped field: %v", err)
	}
	path = writeInput(t, `{"repoUrl": `)
	if _, err := parseArgs([]string{"--input", path}, env(nil)); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("broken JSON: %v", err)
	}
}

func TestUILink(t *testing.T) {
	t.Setenv("TEMPORAL_UI_URL", "https://cloud.example/ui/")
	if got, want := uiLink("team ns", "run/1é"), "https://cloud.example/ui/namespaces/team%20ns/workflows/run%2F1%C3%A9"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestHelpIsTheTablesAndNamesEveryFlag(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		var stdout, stderr bytes.Buffer
		if status := run([]string{arg}, &stdout, &stderr); status != 0 || stdout.String() != cli.HelpText || stderr.Len() > 0 {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", arg, status, &stdout, &stderr)
		}
	}
	for _, f := range cli.Flags {
		if !strings.Contains(cli.HelpText, "  --"+f.Name+" ") {
			t.Errorf("the help does not list --%s", f.Name)
		}
		if f.Env != "" && !strings.Contains(cli.HelpText, "(env "+f.Env) {
			t.Errorf("the help does not name %s", f.Env)
		}
	}
}

func TestSwitchesTakeAnExplicitValue(t *testing.T) {
	for args, want := range map[string]bool{"--no-wait": true, "--no-wait=true": true, "--no-wait=false": false} {
		opts, err := parseArgs([]string{"--repo", "x", args}, env(nil))
		if err != nil || opts.noWait != want {
			t.Errorf("%s: %v, no-wait %v", args, err, opts != nil && opts.noWait)
		}
	}
	for args, want := range map[string]bool{"--quiet": true, "--quiet=true": true, "--quiet=false": false} {
		opts, err := parseArgs([]string{"--repo", "x", args}, env(nil))
		if err != nil || opts.quiet != want || opts.noWait {
			t.Errorf("%s: %v, quiet %v", args, err, opts != nil && opts.quiet)
		}
	}
}

// --wait-for-repair-minutes sets a field of a message in the input, a number: flag beats env beats file, 0 included,
// and the file's other launch options stay.
func TestWaitForRepairMinutesFlagBeatsEnvBeatsFile(t *testing.T) {
	path := writeInput(t, `{"repoUrl": "x", "launch": {"retryUntilUp": true, "waitForRepairMinutes": 5}}`)
	for _, c := range []struct {
		args []string
		env  string
		want uint32
	}{
		{[]string{"--input", path}, "", 5},
		{[]string{"--input", path}, "20", 20},
		{[]string{"--input", path, "--wait-for-repair-minutes", "30"}, "20", 30},
		{[]string{"--input", path, "--wait-for-repair-minutes=0"}, "20", 0},
		{[]string{"--input", path, "--wait-for-repair-minutes", "10080"}, "", 10080},
	} {
		opts, err := parseArgs(c.args, env(map[string]string{cli.WaitForRepairMinutes.Env: c.env}))
		if err != nil {
			t.Fatalf("%q, env %q: %v", c.args, c.env, err)
		}
		want := &pb.LaunchOptions{RetryUntilUp: true, WaitForRepairMinutes: c.want}
		if got := opts.input.GetLaunch(); !proto.Equal(got, want) {
			t.Errorf("%q, env %q: launch %v, want %v", c.args, c.env, got, want)
		}
	}
	opts, err := parseArgs([]string{"--repo", "x", "--wait-for-repair-minutes", "30"}, env(nil))
	if err != nil || opts.input.GetLaunch().GetWaitForRepairMinutes() != 30 {
		t.Errorf("no --input: %v, launch %v", err, opts.input.GetLaunch())
	}
	if opts, err = parseArgs([]string{"--repo", "x"}, env(nil)); err != nil || opts.input.Launch != nil {
		t.Errorf("not asked for: %v, launch %v; want none", err, opts.input.GetLaunch())
	}
	for _, bad := range []string{"+5", "5 ", "0x10", "1e3", "4294967326"} {
		_, err := parseArgs([]string{"--repo", "x", "--wait-for-repair-minutes", bad}, env(nil))
		if want := cli.RepairMinutesInvalid(strconv.Quote(bad)); err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %q", bad, err, want)
		}
	}
}

func TestFieldPathFollowsMessagesOnly(t *testing.T) {
	md := (&pb.SkyPilotWorkflowInput{}).ProtoReflect().Descriptor()
	if path := fieldPath(md, "launch.wait_for_repair_minutes"); len(path) != 2 ||
		path[0].Name() != "launch" || path[1].Name() != "wait_for_repair_minutes" {
		t.Errorf("launch.wait_for_repair_minutes: %v", path)
	}
	for _, bad := range []string{"launch.bogus", "repo_url.length", "launch.", "waitForRepairMinutes"} {
		if path := fieldPath(md, bad); path != nil {
			t.Errorf("%q: %v, want none", bad, path)
		}
	}
}
