package main

import (
	"math"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// The names the table generator wrote are the options of the Go descriptor: both
// come from pipeline.proto, through different generators.
func TestGeneratedNamesAreTheContractsOptions(t *testing.T) {
	options := pb.File_skypilot_temporal_v1_pipeline_proto.Options()
	option := func(ext protoreflect.ExtensionType) any { return proto.GetExtension(options, ext) }
	teardown := pb.FailureType_FAILURE_TYPE_TEARDOWN_FAILED.Descriptor().Values().ByNumber(pb.FailureType_FAILURE_TYPE_TEARDOWN_FAILED.Number())
	for _, c := range []struct{ got, want any }{
		{cli.WorkflowType, option(pb.E_WorkflowType)},
		{cli.DefaultTaskQueue, option(pb.E_DefaultTaskQueue)},
		{cli.ViewQuery, option(pb.E_ViewQuery)},
		{uint32(cli.LiveStepsMax), option(pb.E_LiveStepsMax)},
		{cli.EnvNamePattern, option(pb.E_EnvNamePattern)},
		{uint32(cli.EnvNameMaxLength), option(pb.E_EnvNameMaxLength)},
		{cli.DecideUpdate, option(pb.E_DecideUpdate)},
		{cli.RetryUpdate, option(pb.E_RetryUpdate)},
		{cli.AbortUpdate, option(pb.E_AbortUpdate)},
		{uint32(cli.WaitForRepairMaxMinutes), option(pb.E_WaitForRepairMaxMinutes)},
		{cli.TeardownFailed, proto.GetExtension(teardown.Options(), pb.E_WireName)},
	} {
		if c.got != c.want {
			t.Errorf("generated %v, the descriptor says %v", c.got, c.want)
		}
	}
}

func TestEnvNameRule(t *testing.T) {
	if got, want := envNameRule, "[A-Za-z_][A-Za-z0-9_]*, at most 128 characters"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for name, ok := range map[string]bool{"HF_TOKEN": true, "_x1": true, "1X": false, "A-B": false, "": false} {
		if cli.IsEnvName(name) != ok {
			t.Errorf("cli.IsEnvName(%q) = %v", name, !ok)
		}
	}
}

// Every input field a single-valued flag of the table names is a string or unsigned integer field of
// SkyPilotWorkflowInput, or of a message in it, which startOptions sets; an integer one has a rule in
// wholeNumberFlags, whose largest value the field can hold.
func TestFlagTableNamesInputFieldsTheStarterSets(t *testing.T) {
	md := (&pb.SkyPilotWorkflowInput{}).ProtoReflect().Descriptor()
	for _, f := range cli.Flags {
		if f.InputField == "" {
			continue
		}
		path := fieldPath(md, f.InputField)
		if path == nil {
			t.Errorf("--%s sets %q, which SkyPilotWorkflowInput does not have", f.Name, f.InputField)
			continue
		}
		fd, rule := path[len(path)-1], wholeNumberFlags[f.Name]
		switch {
		case f.Repeatable:
		case fd.IsList() || fd.IsMap():
			t.Errorf("--%s sets %q, which is not a single value", f.Name, f.InputField)
		case fd.Kind() == protoreflect.StringKind:
		case fd.Kind() == protoreflect.Uint32Kind && rule.invalid != nil && rule.max <= math.MaxUint32:
		case fd.Kind() == protoreflect.Uint64Kind && rule.invalid != nil:
		default:
			t.Errorf("--%s sets %q, a %v field with no rule for its values", f.Name, f.InputField, fd.Kind())
		}
	}
}
