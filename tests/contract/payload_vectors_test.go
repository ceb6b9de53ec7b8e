// Golden payload vectors (tests/contract/vectors/*.json) through the Go SDK's
// default payload converter and the generated Go types. See docs/contract.md for
// the vector format and for what "the same JSON" means across languages.
package contract_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
)

type vector struct {
	MessageType string          `json:"messageType"`
	Payload     json.RawMessage `json:"payload"`
	JSON        any             `json:"json"`
}

// load reads a vector; its payload is Temporal's JSON form of a Payload.
func load(t *testing.T, name string) (vector, *commonpb.Payload) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("vectors", name))
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	payload := &commonpb.Payload{}
	if err := protojson.Unmarshal(v.Payload, payload); err != nil {
		t.Fatalf("%s: payload: %v", name, err)
	}
	if got := parseJSON(t, payload.GetData()); !reflect.DeepEqual(got, v.JSON) {
		t.Fatalf("%s: the readable \"json\" copy differs from the payload data:\n%v\n%v", name, got, v.JSON)
	}
	return v, payload
}

func parseJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, data)
	}
	return v
}

// roundTrip decodes the vector into msg with the SDK converter, re-encodes msg and
// checks that metadata are identical and data is the same JSON value.
func roundTrip(t *testing.T, name string, msg proto.Message) {
	t.Helper()
	v, payload := load(t, name)
	dc := converter.GetDefaultDataConverter()
	if got := string(payload.GetMetadata()["encoding"]); got != "json/protobuf" {
		t.Fatalf("encoding %q", got)
	}
	if got := string(payload.GetMetadata()["messageType"]); got != v.MessageType || got != string(msg.ProtoReflect().Descriptor().FullName()) {
		t.Fatalf("messageType %q, vector says %q, Go type is %q", got, v.MessageType, msg.ProtoReflect().Descriptor().FullName())
	}
	if err := dc.FromPayload(payload, msg); err != nil {
		t.Fatalf("decode: %v", err)
	}
	again, err := dc.ToPayload(msg)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	if !reflect.DeepEqual(again.GetMetadata(), payload.GetMetadata()) {
		t.Errorf("metadata differ:\n got %q\nwant %q", again.GetMetadata(), payload.GetMetadata())
	}
	if got, want := parseJSON(t, again.GetData()), parseJSON(t, payload.GetData()); !reflect.DeepEqual(got, want) {
		t.Errorf("data is not the same JSON:\n got %s\nwant %s", again.GetData(), payload.GetData())
	}
	t.Logf("Go SDK bytes: %s", again.GetData())
}

func TestInputFull(t *testing.T) {
	var in pb.SkyPilotWorkflowInput
	roundTrip(t, "input-full.json", &in)
	checkInputFull(t, &in)
}

func checkInputFull(t *testing.T, in *pb.SkyPilotWorkflowInput) {
	t.Helper()
	for field, c := range map[string][2]string{ // got, want
		"cluster_prefix":      {in.GetClusterPrefix(), "nightly"},
		"repo_url":            {in.GetRepoUrl(), "https://github.com/example-org/ml-pipelines.git"},
		"branch":              {in.GetBranch(), "release/v2"},
		"api_server_endpoint": {in.GetApiServerEndpoint(), "https://skypilot-api.example.com:46580"},
	} {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", field, c[0], c[1])
		}
	}
	if envs := in.GetEnvsOverride(); !reflect.DeepEqual(envs, map[string]string{
		"DATA_BUCKET_NAME": "example-ml-data", "EPOCHS": "3", "MODEL_NAME": "llama-3-8b",
	}) {
		t.Errorf("envs_override = %v", envs)
	}
	if got := in.GetSecretEnvNames(); !reflect.DeepEqual(got, []string{"HF_TOKEN", "WANDB_API_KEY"}) {
		t.Errorf("secret_env_names = %v", got)
	}
	wantSteps := []*pb.PipelineStep{
		{Name: "preprocess", TaskYaml: "tasks/data_preprocessing.yaml", Kind: pb.StepKind_STEP_KIND_LAUNCH, Cluster: "cpu", TimeoutSeconds: 1800, HeartbeatTimeoutSeconds: 90},
		{Name: "train", TaskYaml: "tasks/train.yaml", Kind: pb.StepKind_STEP_KIND_LAUNCH, Cluster: "gpu", TimeoutSeconds: 14400, HeartbeatTimeoutSeconds: 120},
		{Name: "eval", TaskYaml: "tasks/eval.yaml", Kind: pb.StepKind_STEP_KIND_EXEC, Cluster: "gpu", TimeoutSeconds: 3600, HeartbeatTimeoutSeconds: 60},
	}
	if len(in.GetSteps()) != len(wantSteps) {
		t.Fatalf("%d steps", len(in.GetSteps()))
	}
	for i, s := range in.GetSteps() {
		if !proto.Equal(s, wantSteps[i]) {
			t.Errorf("steps[%d] = %v, want %v", i, s, wantSteps[i])
		}
	}
	if l := in.GetLaunch(); l.GetIdleMinutesToAutodown() != 45 || !l.GetRetryUntilUp() {
		t.Errorf("launch = %v", l)
	}
}

var wantPreprocess = &pb.StepResult{
	Name: "preprocess", Kind: pb.StepKind_STEP_KIND_LAUNCH, ClusterName: "nightly-cpu", JobId: 1,
	Status: "SUCCEEDED", DurationSeconds: 312.5, LogTail: "Preprocessing 10 shards\nwrote 10 files to example-ml-data\n",
}

func TestResultFull(t *testing.T) {
	var r pb.SkyPilotWorkflowResult
	roundTrip(t, "result-full.json", &r)
	want := []*pb.StepResult{
		wantPreprocess,
		{Name: "train", Kind: pb.StepKind_STEP_KIND_LAUNCH, ClusterName: "nightly-gpu", JobId: 9007199254740993,
			Status: "SUCCEEDED", DurationSeconds: 7200,
			LogTail: "epoch 3/3 loss=0.412\tlr=3e-4\nsaved \"best\" checkpoint → /data/ckpt <step 900> & done\n"},
		{Name: "eval", Kind: pb.StepKind_STEP_KIND_EXEC, ClusterName: "nightly-gpu", JobId: 2,
			Status: "SUCCEEDED", DurationSeconds: 0.125, LogTail: "accuracy: 0.91 ✓"},
	}
	if len(r.GetSteps()) != len(want) {
		t.Fatalf("%d steps", len(r.GetSteps()))
	}
	for i, s := range r.GetSteps() {
		if !proto.Equal(s, want[i]) {
			t.Errorf("steps[%d] = %v, want %v", i, s, want[i])
		}
	}
	if got := r.GetClustersDowned(); !reflect.DeepEqual(got, []string{"nightly-cpu", "nightly-gpu"}) {
		t.Errorf("clusters_downed = %v", got)
	}
	if r.GetCommit() != "3821bde8633dcff96cd80dc42cd3114300fe1baf" {
		t.Errorf("commit = %q", r.GetCommit())
	}
}

func TestProgress(t *testing.T) {
	var p pb.SkyPilotWorkflowProgress
	roundTrip(t, "progress.json", &p)
	if p.GetPhase() != "running" || p.GetCurrentStep() != "train" || p.GetStepsTotal() != 3 {
		t.Errorf("phase/current_step/steps_total = %q/%q/%d", p.GetPhase(), p.GetCurrentStep(), p.GetStepsTotal())
	}
	if len(p.GetFinished()) != 1 || !proto.Equal(p.GetFinished()[0], wantPreprocess) {
		t.Errorf("finished = %v", p.GetFinished())
	}
	if got := p.GetClustersUp(); !reflect.DeepEqual(got, []string{"nightly-gpu"}) {
		t.Errorf("clusters_up = %v", got)
	}
}

func TestInputSweep(t *testing.T) {
	var in pb.SkyPilotWorkflowInput
	roundTrip(t, "input-sweep.json", &in)
	if !in.GetLaunch().GetProvisionAhead() || in.GetLaunch().GetTeardownTimeoutSeconds() != 900 {
		t.Errorf("launch = %v", in.GetLaunch())
	}
	steps := in.GetSteps()
	if len(steps) != 4 {
		t.Fatalf("%d steps", len(steps))
	}
	pre, train, ev, best := steps[0], steps[1], steps[2], steps[3]
	// An optional bool set to false travels (unset would mean "the run's default").
	if pre.ProvisionAhead == nil || pre.GetProvisionAhead() || train.ProvisionAhead != nil {
		t.Errorf("provision_ahead: preprocess %v, train %v", pre.ProvisionAhead, train.ProvisionAhead)
	}
	if !reflect.DeepEqual(train.GetNeeds(), []string{"preprocess"}) || !reflect.DeepEqual(train.GetEnvs(), map[string]string{"OPTIM": "adamw"}) {
		t.Errorf("train needs/envs = %v/%v", train.GetNeeds(), train.GetEnvs())
	}
	sw := train.GetSweep()
	var axes [][]string
	for _, a := range sw.GetMatrix() {
		axes = append(axes, append([]string{a.GetName()}, a.GetValues()...))
	}
	if !reflect.DeepEqual(axes, [][]string{{"LR", "1e-3", "3e-4"}, {"BATCH", "32", "64"}}) {
		t.Errorf("matrix = %v", axes)
	}
	if len(sw.GetInclude()) != 1 || !reflect.DeepEqual(sw.GetInclude()[0].GetEnvs(), map[string]string{"LR": "1e-2", "BATCH": "16"}) {
		t.Errorf("include = %v", sw.GetInclude())
	}
	if sw.GetMaxParallel() != 2 || sw.GetOnFailure().GetMode() != pb.BranchFailureMode_BRANCH_FAILURE_MODE_KEEP_GOING || sw.GetOnFailure().GetMinSucceeded() != 3 {
		t.Errorf("sweep = %v", sw)
	}
	if ev.GetKind() != pb.StepKind_STEP_KIND_EXEC || ev.GetCluster() != "train" || !reflect.DeepEqual(ev.GetNeeds(), []string{"train"}) {
		t.Errorf("eval = %v", ev)
	}
	sel := best.GetSelect()
	if best.GetKind() != pb.StepKind_STEP_KIND_SELECT || sel.GetMetric() != "accuracy" || sel.GetGoal() != pb.SelectGoal_SELECT_GOAL_MAXIMIZE || sel.GetStep() != "eval" {
		t.Errorf("best = %v", best)
	}
}

func TestProgressSweep(t *testing.T) {
	var p pb.SkyPilotWorkflowProgress
	roundTrip(t, "progress-sweep.json", &p)
	if p.GetPhase() != "running" || p.GetCurrentStep() != "train, eval" || p.GetStepsTotal() != 4 {
		t.Errorf("phase/current_step/steps_total = %q/%q/%d", p.GetPhase(), p.GetCurrentStep(), p.GetStepsTotal())
	}
	var rows []string
	for _, s := range p.GetSteps() {
		rows = append(rows, fmt.Sprintf("%s|%s|%s|%v", s.GetName(), s.GetBranch(), s.GetState(), s.GetWinner()))
	}
	want := []string{"preprocess||succeeded|false", "train|0 (LR=1e-3,BATCH=32)|succeeded|false",
		"eval|0 (LR=1e-3,BATCH=32)|succeeded|true", "train|1 (LR=1e-3,BATCH=64)|running|false"}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("steps = %v", rows)
	}
	if !reflect.DeepEqual(p.GetSteps()[2].GetMetrics(), map[string]float64{"accuracy": 0.9125}) {
		t.Errorf("metrics = %v", p.GetSteps()[2].GetMetrics())
	}
	done := p.GetFinished()[0]
	if done.GetBranch() != "0 (LR=1e-3,BATCH=32)" || done.GetIdleClusterSeconds() != 12.25 || done.GetMetrics()["accuracy"] != 0.9125 {
		t.Errorf("finished = %v", done)
	}
}

// A client without generated code sends plain JSON with the proto JSON names; it
// must be the same message as the json/protobuf vector.
func TestInputPlain(t *testing.T) {
	v, payload := load(t, "input-plain.json")
	if got := string(payload.GetMetadata()["encoding"]); got != "json/plain" {
		t.Fatalf("encoding %q", got)
	}
	if _, ok := payload.GetMetadata()["messageType"]; ok {
		t.Fatalf("a json/plain payload carries no messageType")
	}
	if v.MessageType != "skypilot_temporal.v1.SkyPilotWorkflowInput" {
		t.Fatalf("messageType %q", v.MessageType)
	}
	var plain, full pb.SkyPilotWorkflowInput
	if err := protojson.Unmarshal(payload.GetData(), &plain); err != nil {
		t.Fatal(err)
	}
	checkInputFull(t, &plain)
	_, fullPayload := load(t, "input-full.json")
	if err := converter.GetDefaultDataConverter().FromPayload(fullPayload, &full); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(&plain, &full) {
		t.Errorf("input-plain and input-full differ:\n%v\n%v", &plain, &full)
	}
}

// rendererVectors are the vectors without a payload: the worker renderer's
// (Python: test_starter_vectors.py), which no starter runs.
var rendererVectors = []string{"live.json", "view.json"}

// The base64 in a payload vector is standard (padded) base64, as Temporal's JSON
// uses.
func TestVectorsUseStandardBase64(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("vectors", "*.json"))
	payloads := 0
	for _, f := range files {
		if slices.Contains(rendererVectors, filepath.Base(f)) {
			continue
		}
		raw, _ := os.ReadFile(f)
		var v struct {
			Payload *struct {
				Metadata map[string]string `json:"metadata"`
				Data     string            `json:"data"`
			} `json:"payload"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if v.Payload == nil {
			t.Errorf("%s: no payload", f)
			continue
		}
		payloads++
		for k, s := range v.Payload.Metadata {
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				t.Errorf("%s: metadata %s: %v", f, k, err)
			}
		}
		if _, err := base64.StdEncoding.DecodeString(v.Payload.Data); err != nil {
			t.Errorf("%s: data: %v", f, err)
		}
	}
	if payloads < 6 {
		t.Fatalf("found %d payload vectors", payloads)
	}
}
