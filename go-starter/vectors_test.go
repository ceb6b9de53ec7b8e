package main

// The shared starter vectors (tests/contract/vectors/starter/*.json), which the
// TypeScript and Python starters' tests run too.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/encoding/protojson"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

var vectors = filepath.Join("..", "tests", "contract", "vectors")

func readVector(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectors, "starter", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

type inputVectors struct {
	Env      map[string]string
	EnvNames struct{ Valid, Invalid []string } `json:"env_names"`
	Cases    []struct {
		Name           string
		Argv           []string
		Env            map[string]string
		Exit           int
		Stdout, Stderr string
	}
}

func TestInputVectorsEnvNames(t *testing.T) {
	var v inputVectors
	readVector(t, "inputs.json", &v)
	for _, name := range v.EnvNames.Valid {
		if !cli.IsEnvName(name) {
			t.Errorf("%q refused", name)
		}
	}
	for _, name := range v.EnvNames.Invalid {
		if cli.IsEnvName(name) {
			t.Errorf("%q accepted", name)
		}
	}
}

func TestInputVectors(t *testing.T) {
	var v inputVectors
	readVector(t, "inputs.json", &v)
	abs, err := filepath.Abs(vectors)
	if err != nil {
		t.Fatal(err)
	}
	fill := func(s string) string { return strings.ReplaceAll(s, "{vectors}", abs) }
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			// Nothing of the developer's environment: only the vector's.
			for _, f := range cli.Flags {
				if f.Env != "" {
					t.Setenv(f.Env, "")
				}
			}
			t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "none.toml"))
			for _, env := range []map[string]string{v.Env, c.Env} {
				for k, val := range env {
					t.Setenv(k, val)
				}
			}
			args := make([]string, len(c.Argv))
			for i, a := range c.Argv {
				args[i] = fill(a)
			}
			var stdout, stderr bytes.Buffer
			status := run(args, &stdout, &stderr)
			if status != c.Exit {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", status, c.Exit, &stdout, &stderr)
			}
			if !strings.Contains(stderr.String(), fill(c.Stderr)) || !strings.Contains(stdout.String(), fill(c.Stdout)) {
				t.Fatalf("stdout: %q\nstderr: %q\nwant them to contain %q and %q", &stdout, &stderr, fill(c.Stdout), fill(c.Stderr))
			}
			lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
			switch c.Exit {
			case 2:
				if len(lines) != 2 || !strings.HasPrefix(lines[0], "error: ") || lines[1] != cli.UsageHint() || stdout.Len() > 0 {
					t.Fatalf("want an error line and the hint on stderr, nothing on stdout; got %q, %q", &stdout, &stderr)
				}
			case 1:
				if len(lines) != 1 || !strings.HasPrefix(lines[0], "error: ") || stdout.Len() > 0 {
					t.Fatalf("want one error line on stderr, nothing on stdout; got %q, %q", &stdout, &stderr)
				}
			}
		})
	}
}

// outcomeCase is a case of outcome.json: a followed run as the Temporal server
// shows it, and what the starter prints.
type outcomeCase struct {
	Name      string
	Quiet     bool
	Views     []json.RawMessage // RunView, or null: no answer
	FinalView json.RawMessage   `json:"final_view"`
	Result    json.RawMessage   // SkyPilotWorkflowResult
	Failure   *struct {
		Kind, Type, Message string
		Details             []any
		Causes              []string // outer to innermost
	}
	Stdout, Stderr []string
	Exit           int
}

// TestOutcomeVectors follows each case's run through a Temporal client whose
// server is scripted (fakeTemporal): one tick per view answer, then the run ends.
func TestOutcomeVectors(t *testing.T) {
	var v struct{ Cases []outcomeCase }
	readVector(t, "outcome.json", &v)
	if len(v.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			server := newFakeTemporal(t)
			for _, raw := range c.Views {
				server.views = append(server.views, runView(t, raw))
			}
			server.finalView = runView(t, c.FinalView)
			if c.Failure == nil {
				result := &pb.SkyPilotWorkflowResult{}
				if err := protojson.Unmarshal(c.Result, result); err != nil {
					t.Fatal(err)
				}
				server.completeWith(result)
			} else {
				f := c.Failure
				server.failWith(failureOf(t, f.Kind, f.Type, f.Message, f.Details, f.Causes))
			}
			ticks := make(chan time.Time)
			stdout, stderr, status := server.follow(context.Background(), ticks, &options{workflowID: "wf", taskQueue: "q", quiet: c.Quiet}, func() {
				for range c.Views {
					ticks <- time.Time{}
				}
			})
			if status != c.Exit {
				t.Errorf("exit %d, want %d", status, c.Exit)
			}
			if !slices.Equal(stdout, c.Stdout) {
				t.Errorf("stdout\n got %q\nwant %q", stdout, c.Stdout)
			}
			if !slices.Equal(stderr, c.Stderr) {
				t.Errorf("stderr\n got %q\nwant %q", stderr, c.Stderr)
			}
			// Quiet, nothing is asked; else one query a tick, and one when the run ended,
			// each with the cursor before it (fakeTemporal checks) and, no step running,
			// no heartbeats.
			if want := len(c.Views) + 1; c.Quiet && server.viewsAsked != 0 || !c.Quiet && server.viewsAsked != want {
				t.Errorf("%d view queries (quiet %v, %d ticks)", server.viewsAsked, c.Quiet, len(c.Views))
			}
			for i, beats := range server.heartbeats {
				if len(beats) > 0 {
					t.Errorf("view query %d passed heartbeats %q", i+1, beats)
				}
			}
		})
	}
}

func runView(t *testing.T, raw json.RawMessage) *pb.RunView {
	t.Helper()
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	view := &pb.RunView{}
	if err := protojson.Unmarshal(raw, view); err != nil {
		t.Fatal(err)
	}
	return view
}

// failureOf is the error a workflow failed with, as a worker reports it: an
// ApplicationError of errType with details and causes (outer to innermost), or a
// cancellation, termination or time-out.
func failureOf(t *testing.T, kind, errType, message string, details []any, causes []string) error {
	t.Helper()
	switch kind {
	case "application":
		var cause error
		for i := len(causes) - 1; i >= 0; i-- {
			cause = temporal.NewApplicationErrorWithCause(causes[i], "", cause)
		}
		return temporal.NewApplicationErrorWithOptions(message, errType, temporal.ApplicationErrorOptions{Cause: cause, Details: details})
	case "cancelled":
		return temporal.NewCanceledError()
	case "terminated":
		return errTerminated
	case "timed_out":
		return temporal.NewTimeoutError(0, nil)
	}
	t.Fatalf("failure kind %q", kind)
	return nil
}
