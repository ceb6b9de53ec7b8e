package main

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// wireNames lists the wire names of every value but the zero one.
func wireNames(t *testing.T, enum protoreflect.EnumDescriptor) []string {
	t.Helper()
	var names []string
	for i := 1; i < enum.Values().Len(); i++ {
		names = append(names, valueWireName(enum.Values().Get(i)))
	}
	return names
}

func TestFailureTypesAndPhasesComeFromGeneratedCode(t *testing.T) {
	failureTypes := []string{"InvalidInput", "InvalidRepo", "InvalidTask", "JobFailed", "SkyPilotPermanentError",
		"EndpointMismatch", "StepTimedOut", "TeardownFailed", "WorkerError",
		"RepoUnreachable", "SkyPilotUnavailable"}
	if got := wireNames(t, pb.FailureType(0).Descriptor()); !slices.Equal(got, failureTypes) {
		t.Errorf("failure types %q", got)
	}
	phases := []string{"starting", "clone", "running", "teardown", "completed", "failed", "cancelled", "teardown_failed"}
	if got := wireNames(t, pb.RunPhase(0).Descriptor()); !slices.Equal(got, phases) {
		t.Errorf("phases %q", got)
	}
	if teardownFailed != "TeardownFailed" {
		t.Errorf("teardownFailed %q", teardownFailed)
	}
}

func TestEnvNameRuleComesFromGeneratedCode(t *testing.T) {
	if envNamePattern != "[A-Za-z_][A-Za-z0-9_]*" || envNameMaxLength != 128 {
		t.Fatalf("got %q, %d", envNamePattern, envNameMaxLength)
	}
	if got, want := envNameRule(), "[A-Za-z_][A-Za-z0-9_]*, at most 128 characters"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Every input field the flag table names is a field of SkyPilotWorkflowInput.
func TestFlagTableNamesInputFields(t *testing.T) {
	fields := (&pb.SkyPilotWorkflowInput{}).ProtoReflect().Descriptor().Fields()
	for _, f := range cli.Flags {
		if f.InputField != "" && fields.ByName(protoreflect.Name(f.InputField)) == nil {
			t.Errorf("--%s sets %q, which SkyPilotWorkflowInput does not have", f.Name, f.InputField)
		}
	}
}

// The summary line orders every StepState the contract has, by wire name, and
// nothing else.
func TestStateSummaryOrderIsTheStepStates(t *testing.T) {
	states := wireNames(t, pb.StepState(0).Descriptor())
	if want := []string{"pending", "running", "succeeded", "failed", "cancelled", "skipped"}; !slices.Equal(states, want) {
		t.Errorf("step states %q", states)
	}
	if statePending != "pending" || stateRunning != "running" {
		t.Errorf("statePending %q, stateRunning %q", statePending, stateRunning)
	}
	order := slices.Clone(cli.StateSummaryOrder)
	slices.Sort(order)
	slices.Sort(states)
	if !slices.Equal(order, states) {
		t.Errorf("state_summary_order %q is not the StepState wire names %q", cli.StateSummaryOrder, states)
	}
}
