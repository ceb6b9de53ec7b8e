package main

import (
	"regexp"
	"strconv"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// Names and rules every client needs, written once in the contract
// (proto/skypilot_temporal/v1/pipeline.proto) as options and read from generated code.
var (
	workflowType     = fileOption[string](pb.E_WorkflowType)
	defaultTaskQueue = fileOption[string](pb.E_DefaultTaskQueue)
	progressQuery    = fileOption[string](pb.E_ProgressQuery)
	envNamePattern   = fileOption[string](pb.E_EnvNamePattern)
	envNameMaxLength = int(fileOption[uint32](pb.E_EnvNameMaxLength))
	envName          = regexp.MustCompile(`^(?:` + envNamePattern + `)$`)

	// The ApplicationError type of a run whose teardown gave up on some clusters.
	teardownFailed = wireName(pb.FailureType_FAILURE_TYPE_TEARDOWN_FAILED)

	// States of a step (or a branch) in the progress query that are not yet finished.
	statePending = wireName(pb.StepState_STEP_STATE_PENDING)
	stateRunning = wireName(pb.StepState_STEP_STATE_RUNNING)
)

func fileOption[T comparable](ext protoreflect.ExtensionType) T {
	v, _ := proto.GetExtension(pb.File_skypilot_temporal_v1_pipeline_proto.Options(), ext).(T)
	if v == *new(T) {
		panic("contract option " + string(ext.TypeDescriptor().FullName()) + " is not set")
	}
	return v
}

// wireName is the string a FailureType, RunPhase or StepState value travels as: its
// (wire_name) option. The wire never carries the enum numbers.
func wireName(v protoreflect.Enum) string {
	return valueWireName(v.Descriptor().Values().ByNumber(v.Number()))
}

func valueWireName(value protoreflect.EnumValueDescriptor) string {
	name, _ := proto.GetExtension(value.Options(), pb.E_WireName).(string)
	if name == "" {
		panic("enum value " + string(value.FullName()) + " has no wire_name")
	}
	return name
}

// isEnvName tells whether name may be an environment variable name: the KEY of
// --env KEY=VALUE or a --secret-env name.
func isEnvName(name string) bool {
	return len(name) <= envNameMaxLength && envName.MatchString(name)
}

// envNameRule says, in usage errors, what isEnvName allows.
func envNameRule() string {
	return cli.EnvNameRule(envNamePattern, strconv.Itoa(envNameMaxLength))
}
