// Command go-starter starts the SkyPilot pipeline workflow on Temporal, follows
// its progress and prints every step's result. From the repository root:
//
//	go run ./go-starter --repo https://github.com/org/sky-tasks.git
//
// The workflow type, default task queue and progress query name are read from
// the generated contract code (options of proto/skypilot_temporal/v1/pipeline.proto).
// The connection (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS,
// TEMPORAL_PROFILE and the config file) comes from the Temporal envconfig package.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
)

// Names every client needs, written once in the contract as file options.
var (
	workflowType     = contractOption(pb.E_WorkflowType)
	defaultTaskQueue = contractOption(pb.E_DefaultTaskQueue)
	progressQuery    = contractOption(pb.E_ProgressQuery)
)

func contractOption(ext protoreflect.ExtensionType) string {
	v, _ := proto.GetExtension(pb.File_skypilot_temporal_v1_pipeline_proto.Options(), ext).(string)
	if v == "" {
		panic("contract option " + string(ext.TypeDescriptor().FullName()) + " is not set")
	}
	return v
}

const usage = `Start the SkyPilot pipeline workflow, follow its progress and print each step's result.

Usage: go run ./go-starter [flags]

Flags (a flag beats its environment variable, which beats the --input file):
  --repo URL                  Git repository of SkyPilot task YAMLs (env SKYPILOT_TEMPORAL_REPO_URL)
  --branch NAME               branch or tag to clone (env SKYPILOT_TEMPORAL_BRANCH)
  --cluster-prefix PREFIX     clusters are named PREFIX-<cluster> (env SKYPILOT_TEMPORAL_CLUSTER_PREFIX)
  --env KEY=VALUE             add to every task's envs; repeatable
  --secret-env NAME           env var whose value the worker supplies; repeatable
                              (env SKYPILOT_TEMPORAL_SECRET_ENV_NAMES, comma-separated)
  --api-server-endpoint URL   SkyPilot API server (env SKYPILOT_TEMPORAL_API_SERVER_ENDPOINT)
  --input FILE                SkyPilotWorkflowInput as proto JSON; unknown fields are rejected
  --workflow-id ID            default: skypilot-pipeline-<random hex>
  --task-queue QUEUE          (env SKYPILOT_TEMPORAL_TASK_QUEUE, default from the contract)
  --no-wait                   start the workflow, print its id and exit
  --help                      show this help

Connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE. UI links use TEMPORAL_UI_URL (default http://localhost:8233).
Exit status: 0 success, 1 workflow or connection failure, 2 usage or invalid input.
`

// usageError marks a problem with the command line or --input (exit status 2).
type usageError struct{ error }

type options struct {
	input      *pb.SkyPilotWorkflowInput
	workflowID string
	taskQueue  string
	noWait     bool
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func main() {
	opts, err := parseArgs(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Print(usage)
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\nrun with --help for usage\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, opts))
}

// parseArgs builds the workflow input from --input, environment and flags.
func parseArgs(args []string, getenv func(string) string) (*options, error) {
	fs := flag.NewFlagSet("go-starter", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	repo := fs.String("repo", "", "")
	branch := fs.String("branch", "", "")
	clusterPrefix := fs.String("cluster-prefix", "", "")
	apiServer := fs.String("api-server-endpoint", "", "")
	inputFile := fs.String("input", "", "")
	workflowID := fs.String("workflow-id", "", "")
	taskQueue := fs.String("task-queue", "", "")
	noWait := fs.Bool("no-wait", false, "")
	var envs, secrets []string
	fs.Func("env", "", func(s string) error { envs = append(envs, s); return nil })
	fs.Func("secret-env", "", func(s string) error { secrets = append(secrets, s); return nil })
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}

	in := &pb.SkyPilotWorkflowInput{}
	if *inputFile != "" {
		var err error
		if in, err = readInput(*inputFile); err != nil {
			return nil, usageError{fmt.Errorf("--input %s: %w", *inputFile, err)}
		}
	}
	pick := func(flagValue, env string, field *string) {
		if flagValue != "" {
			*field = flagValue
		} else if v := getenv(env); v != "" {
			*field = v
		}
	}
	pick(*repo, "SKYPILOT_TEMPORAL_REPO_URL", &in.RepoUrl)
	pick(*branch, "SKYPILOT_TEMPORAL_BRANCH", &in.Branch)
	pick(*clusterPrefix, "SKYPILOT_TEMPORAL_CLUSTER_PREFIX", &in.ClusterPrefix)
	pick(*apiServer, "SKYPILOT_TEMPORAL_API_SERVER_ENDPOINT", &in.ApiServerEndpoint)

	for _, kv := range envs {
		key, value, ok := strings.Cut(kv, "=")
		if !ok || !envName.MatchString(key) {
			return nil, usageError{fmt.Errorf("--env %q: want KEY=VALUE with KEY a variable name", kv)}
		}
		if in.EnvsOverride == nil {
			in.EnvsOverride = map[string]string{}
		}
		in.EnvsOverride[key] = value
	}
	if len(secrets) == 0 {
		for _, s := range strings.Split(getenv("SKYPILOT_TEMPORAL_SECRET_ENV_NAMES"), ",") {
			if s = strings.TrimSpace(s); s != "" {
				secrets = append(secrets, s)
			}
		}
	}
	for _, name := range secrets {
		if !envName.MatchString(name) {
			return nil, usageError{fmt.Errorf("--secret-env %q: not a variable name", name)}
		}
		if !slices.Contains(in.SecretEnvNames, name) {
			in.SecretEnvNames = append(in.SecretEnvNames, name)
		}
	}
	if in.RepoUrl == "" {
		return nil, usageError{errors.New("no repository: pass --repo URL, set SKYPILOT_TEMPORAL_REPO_URL or put repoUrl in --input")}
	}

	opts := &options{input: in, workflowID: *workflowID, noWait: *noWait}
	pick(*taskQueue, "SKYPILOT_TEMPORAL_TASK_QUEUE", &opts.taskQueue)
	if opts.taskQueue == "" {
		opts.taskQueue = defaultTaskQueue
	}
	if opts.workflowID == "" {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		opts.workflowID = "skypilot-pipeline-" + hex.EncodeToString(b)
	}
	return opts, nil
}

// readInput parses a proto JSON SkyPilotWorkflowInput, naming every unknown field.
func readInput(path string) (*pb.SkyPilotWorkflowInput, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	in := &pb.SkyPilotWorkflowInput{}
	if unknown := unknownFields(in.ProtoReflect().Descriptor(), doc, ""); len(unknown) > 0 {
		return nil, fmt.Errorf("unknown field %s", strings.Join(unknown, ", "))
	}
	if err := protojson.Unmarshal(data, in); err != nil {
		return nil, err
	}
	return in, nil
}

// unknownFields lists, sorted, the quoted paths of JSON keys that name no field
// (by JSON name or proto name) of message md.
func unknownFields(md protoreflect.MessageDescriptor, doc any, prefix string) []string {
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil // wrong JSON types are reported by protojson
	}
	var unknown []string
	for key, value := range obj {
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			fd = md.Fields().ByName(protoreflect.Name(key))
		}
		path := prefix + key
		switch {
		case fd == nil:
			unknown = append(unknown, strconv.Quote(path))
		case fd.IsMap():
			if m, ok := value.(map[string]any); ok && fd.MapValue().Message() != nil {
				for k, v := range m {
					unknown = append(unknown, unknownFields(fd.MapValue().Message(), v, path+"["+strconv.Quote(k)+"].")...)
				}
			}
		case fd.IsList() && fd.Message() != nil:
			if list, ok := value.([]any); ok {
				for i, v := range list {
					unknown = append(unknown, unknownFields(fd.Message(), v, fmt.Sprintf("%s[%d].", path, i))...)
				}
			}
		case fd.Message() != nil:
			unknown = append(unknown, unknownFields(fd.Message(), value, path+".")...)
		}
	}
	slices.Sort(unknown)
	return unknown
}

// dataConverter is the SDK default with one change: results and progress from a
// newer worker may carry fields this starter does not know yet; they are ignored.
func dataConverter() converter.DataConverter {
	return converter.NewCompositeDataConverter(
		converter.NewNilPayloadConverter(),
		converter.NewByteSlicePayloadConverter(),
		converter.NewProtoJSONPayloadConverterWithOptions(converter.ProtoJSONPayloadConverterOptions{AllowUnknownFields: true}),
		converter.NewProtoPayloadConverter(),
		converter.NewJSONPayloadConverter(),
	)
}

func run(ctx context.Context, opts *options) int {
	clientOptions, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "error: Temporal client configuration:", err)
		return 2
	}
	clientOptions.DataConverter = dataConverter()
	clientOptions.Logger = log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if clientOptions.Namespace == "" {
		clientOptions.Namespace = client.DefaultNamespace
	}
	c, err := client.DialContext(ctx, clientOptions)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error: cannot connect to Temporal:", err)
		return 1
	}
	defer c.Close()

	wf, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        opts.workflowID,
		TaskQueue: opts.taskQueue,
		// Fail, rather than follow the run already using this id.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflowType, opts.input)
	var alreadyStarted *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &alreadyStarted) {
		fmt.Fprintf(os.Stderr, "error: workflow id %s is already in use\n", opts.workflowID)
		return 1
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "error: cannot start the workflow:", err)
		return 1
	}
	fmt.Println("workflow id:", wf.GetID())
	fmt.Println("ui:", uiLink(clientOptions.Namespace, wf.GetID()))
	if opts.noWait {
		return 0
	}

	var result pb.SkyPilotWorkflowResult
	done := make(chan error, 1)
	go func() { done <- wf.Get(ctx, &result) }()
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	lastLine, waitingShown := "", false
	for {
		select {
		case err := <-done:
			if err != nil {
				return reportFailure(ctx, err, opts.workflowID)
			}
			printResult(&result)
			return 0
		case <-ticker.C:
			progress, err := queryProgress(ctx, c, wf)
			if err != nil {
				if !waitingShown && ctx.Err() == nil {
					fmt.Printf("progress: not available yet (is a worker polling task queue %q?)\n", opts.taskQueue)
					waitingShown = true
				}
				continue
			}
			if line := progressLine(progress); line != lastLine {
				fmt.Println(line)
				lastLine = line
			}
		}
	}
}

func queryProgress(ctx context.Context, c client.Client, wf client.WorkflowRun) (*pb.SkyPilotWorkflowProgress, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	value, err := c.QueryWorkflow(ctx, wf.GetID(), wf.GetRunID(), progressQuery)
	if err != nil {
		return nil, err
	}
	var progress pb.SkyPilotWorkflowProgress
	if err := value.Get(&progress); err != nil {
		return nil, err
	}
	return &progress, nil
}

func progressLine(p *pb.SkyPilotWorkflowProgress) string {
	current := p.GetCurrentStep()
	if current == "" {
		current = "-"
	}
	line := fmt.Sprintf("progress: phase=%s step=%s finished=%d", p.GetPhase(), current, len(p.GetFinished()))
	if p.GetStepsTotal() > 0 {
		line += fmt.Sprintf("/%d", p.GetStepsTotal())
	}
	for _, s := range p.GetFinished() {
		line += fmt.Sprintf(" %s:%s", s.GetName(), s.GetStatus())
	}
	return line
}

func printResult(r *pb.SkyPilotWorkflowResult) {
	fmt.Printf("workflow completed: %d steps, commit %s\n", len(r.GetSteps()), orDash(r.GetCommit()))
	for _, s := range r.GetSteps() {
		fmt.Printf("step %s: cluster=%s job_id=%d status=%s duration=%ss\n",
			s.GetName(), orDash(s.GetClusterName()), s.GetJobId(), orDash(s.GetStatus()),
			strconv.FormatFloat(math.Round(s.GetDurationSeconds()*10)/10, 'f', -1, 64))
		if tail := strings.TrimRight(s.GetLogTail(), "\n"); tail != "" {
			for _, line := range strings.Split(tail, "\n") {
				fmt.Println("    " + line)
			}
		}
	}
	if downed := r.GetClustersDowned(); len(downed) > 0 {
		fmt.Println("clusters downed:", strings.Join(downed, ", "))
	}
}

// reportFailure prints why the workflow did not complete: its failure message
// and, when that failure has causes, the innermost cause's message.
func reportFailure(ctx context.Context, err error, workflowID string) int {
	var wfErr *temporal.WorkflowExecutionError
	if ctx.Err() != nil {
		fmt.Fprintf(os.Stderr, "interrupted; workflow %s keeps running\n", workflowID)
		return 130
	} else if !errors.As(err, &wfErr) {
		fmt.Fprintln(os.Stderr, "error: waiting for the workflow result:", err)
		return 1
	}
	failure := errors.Unwrap(wfErr)
	switch failure.(type) {
	case *temporal.ApplicationError:
		fmt.Fprintln(os.Stderr, "workflow failed:", message(failure))
	case *temporal.CanceledError:
		fmt.Fprintln(os.Stderr, "workflow cancelled")
	case *temporal.TerminatedError:
		fmt.Fprintln(os.Stderr, "workflow terminated")
	case *temporal.TimeoutError:
		fmt.Fprintln(os.Stderr, "workflow timed out")
	default:
		fmt.Fprintln(os.Stderr, "workflow failed:", message(failure))
	}
	if inner := innermost(failure); inner != failure {
		fmt.Fprintln(os.Stderr, "cause:", message(inner))
	}
	return 1
}

func innermost(err error) error {
	for next := errors.Unwrap(err); next != nil; next = errors.Unwrap(err) {
		err = next
	}
	return err
}

func message(err error) string {
	if m, ok := err.(interface{ Message() string }); ok {
		return m.Message()
	}
	return err.Error()
}

// uiLink points at the workflow in the Temporal Web UI.
func uiLink(namespace, workflowID string) string {
	base := os.Getenv("TEMPORAL_UI_URL")
	if base == "" {
		base = "http://localhost:8233"
	}
	return strings.TrimRight(base, "/") + "/namespaces/" + escape(namespace) + "/workflows/" + escape(workflowID)
}

// escape percent-encodes all but RFC 3986 unreserved characters (as the TypeScript starter does).
func escape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
