package main

// The shared starter vectors (tests/contract/vectors/starter/*.json), which the
// TypeScript and Python starters' tests run too.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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
		if !isEnvName(name) {
			t.Errorf("%q refused", name)
		}
	}
	for _, name := range v.EnvNames.Invalid {
		if isEnvName(name) {
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

type outputVectors struct {
	Numbers []struct {
		Value float64
		Text  string
	}
	Cases []struct {
		Name       string
		Polls      []json.RawMessage
		LastAnswer json.RawMessage `json:"last_answer"`
		Result     json.RawMessage
		Failure    *struct {
			Kind, Type, Message string
			Causes              []string
		}
		Quiet          bool
		Stdout, Stderr []string
		Exit           int
	}
}

func progressOf(t *testing.T, raw json.RawMessage) *pb.SkyPilotWorkflowProgress {
	t.Helper()
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	p := &pb.SkyPilotWorkflowProgress{}
	if err := protojson.Unmarshal(raw, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOutputVectors(t *testing.T) {
	var v outputVectors
	readVector(t, "output.json", &v)
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			view := newProgressView(&stdout, "q", c.Quiet)
			for _, raw := range c.Polls {
				if p := progressOf(t, raw); p != nil {
					view.show(p)
				} else {
					view.unavailable()
				}
			}
			var failure error
			if f := c.Failure; f != nil {
				switch f.Kind {
				case "cancelled":
					failure = temporal.NewCanceledError()
				case "application":
					var cause error
					for i := len(f.Causes) - 1; i >= 0; i-- {
						cause = temporal.NewApplicationErrorWithCause(f.Causes[i], "", cause)
					}
					failure = temporal.NewApplicationErrorWithCause(f.Message, f.Type, cause)
				default:
					t.Fatalf("failure kind %q", f.Kind)
				}
			}
			result := &pb.SkyPilotWorkflowResult{}
			if len(c.Result) > 0 {
				if err := protojson.Unmarshal(c.Result, result); err != nil {
					t.Fatal(err)
				}
			}
			if view.wantsLastAnswer(failure != nil) {
				if p := progressOf(t, c.LastAnswer); p != nil {
					view.settle(p)
				}
			}
			status := finish(&stdout, &stderr, view, result, failure)
			if status != c.Exit {
				t.Errorf("exit %d, want %d", status, c.Exit)
			}
			if got := lines(stdout.String()); !slices.Equal(got, c.Stdout) {
				t.Errorf("stdout\n got %q\nwant %q", got, c.Stdout)
			}
			if got := lines(stderr.String()); !slices.Equal(got, c.Stderr) {
				t.Errorf("stderr\n got %q\nwant %q", got, c.Stderr)
			}
		})
	}
}

func TestNumberVectors(t *testing.T) {
	var v outputVectors
	readVector(t, "output.json", &v)
	if len(v.Numbers) == 0 {
		t.Fatal("no numbers")
	}
	for _, n := range v.Numbers {
		if got := number(n.Value); got != n.Text {
			t.Errorf("number(%v) = %q, want %q", n.Value, got, n.Text)
		}
	}
}

func lines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func TestLiveVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Name     string
			Progress json.RawMessage
			Polls    [][]json.RawMessage
			Stdout   []string
		}
	}
	readVector(t, "live.json", &v)
	for _, c := range v.Cases {
		live := newLiveLines(nil, nil, nil)
		var progress *pb.SkyPilotWorkflowProgress
		if c.Progress != nil {
			progress = progressOf(t, c.Progress)
		}
		var printed []string
		for _, poll := range c.Polls {
			outputs := make([]liveOutput, 0, len(poll))
			for _, raw := range poll {
				outputs = append(outputs, decodeLiveOutput(raw))
			}
			printed = append(printed, live.pollLines(outputs, progress)...)
		}
		if !slices.Equal(printed, c.Stdout) {
			t.Errorf("%s:\n got %q\nwant %q", c.Name, printed, c.Stdout)
		}
	}
}
