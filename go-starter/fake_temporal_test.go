package main

// A scripted Temporal server, for following a run with the real SDK client: the
// client's gRPC calls are answered in-process, before anything is sent.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// errTerminated stands for a run terminated by an operator: the SDK has no
// constructor for it, the server tells it by the close event alone.
var errTerminated = errors.New("terminated")

type fakeTemporal struct {
	t          *testing.T
	views      []*pb.RunView // the view query's answers, one a tick; nil: no answer
	finalView  *pb.RunView   // the answer once the run has ended
	viewsAsked int
	cursor     string                                                        // the last answer's, which the next query must pass
	describe   map[string]*workflowservice.DescribeWorkflowExecutionResponse // by workflow id; nil: the describe fails
	described  []string                                                      // the workflow ids described, in order
	heartbeats [][]string                                                    // those each view query passed, in order
	closeEvent *historypb.HistoryEvent                                       // how the run ends
	waitErr    error                                                         // or why waiting for it fails
	ended      chan struct{}                                                 // closed: the run has ended
	// decide answers the decide update: the record the run keeps, or why not (an ApplicationError: the update's
	// failure; another error: the call's).
	decide func(*pb.ApprovalDecision) (*pb.ApprovalRecord, error)
	// repair answers the retry and abort updates (by name) as decide answers decide's.
	repair  func(update string, request proto.Message) (*pb.RepairAnswer, error)
	updates []*workflowservice.UpdateWorkflowExecutionRequest // the updates sent, in order
	// schedule answers a describe of a schedule; nil: there is none.
	schedule *workflowservice.DescribeScheduleResponse
	calls    []string // the methods called, in order
}

func newFakeTemporal(t *testing.T) *fakeTemporal {
	return &fakeTemporal{t: t, describe: map[string]*workflowservice.DescribeWorkflowExecutionResponse{}, ended: make(chan struct{})}
}

func (f *fakeTemporal) completeWith(result *pb.SkyPilotWorkflowResult) {
	payloads, err := dataConverter.ToPayloads(result)
	if err != nil {
		f.t.Fatal(err)
	}
	f.closeEvent = &historypb.HistoryEvent{EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
		Attributes: &historypb.HistoryEvent_WorkflowExecutionCompletedEventAttributes{
			WorkflowExecutionCompletedEventAttributes: &historypb.WorkflowExecutionCompletedEventAttributes{Result: payloads}}}
}

// failWith ends the run as the server tells a client that it failed with err.
func (f *fakeTemporal) failWith(err error) {
	switch err.(type) {
	case *temporal.CanceledError:
		f.closeEvent = &historypb.HistoryEvent{EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
			Attributes: &historypb.HistoryEvent_WorkflowExecutionCanceledEventAttributes{
				WorkflowExecutionCanceledEventAttributes: &historypb.WorkflowExecutionCanceledEventAttributes{}}}
	case *temporal.TimeoutError:
		f.closeEvent = &historypb.HistoryEvent{EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
			Attributes: &historypb.HistoryEvent_WorkflowExecutionTimedOutEventAttributes{
				WorkflowExecutionTimedOutEventAttributes: &historypb.WorkflowExecutionTimedOutEventAttributes{}}}
	default:
		if err == errTerminated {
			f.closeEvent = &historypb.HistoryEvent{EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
				Attributes: &historypb.HistoryEvent_WorkflowExecutionTerminatedEventAttributes{
					WorkflowExecutionTerminatedEventAttributes: &historypb.WorkflowExecutionTerminatedEventAttributes{}}}
			return
		}
		// As a worker sends it: details and causes become payloads and failures.
		failure := temporal.GetDefaultFailureConverter().ErrorToFailure(err)
		f.closeEvent = &historypb.HistoryEvent{EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
			Attributes: &historypb.HistoryEvent_WorkflowExecutionFailedEventAttributes{
				WorkflowExecutionFailedEventAttributes: &historypb.WorkflowExecutionFailedEventAttributes{Failure: failure}}}
	}
}

// follow follows the run through a client of this server: feed sends the ticks
// (or interrupts), then the run ends. It returns the lines printed and the exit status.
func (f *fakeTemporal) follow(ctx context.Context, ticks <-chan time.Time, opts *options, feed func()) (stdout, stderr []string, exit int) {
	f.t.Helper()
	c, err := client.DialContext(ctx, client.Options{
		HostPort:          "127.0.0.1:1", // never dialled: every call is answered by serve
		DataConverter:     dataConverter,
		Logger:            log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		ConnectionOptions: client.ConnectionOptions{DialOptions: []grpc.DialOption{grpc.WithUnaryInterceptor(f.serve)}},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	defer c.Close()
	var out, errOut bytes.Buffer
	status := make(chan int)
	go func() { status <- follow(ctx, c, c.GetWorkflow(ctx, "wf", "run"), ticks, opts, &out, &errOut) }()
	feed()
	close(f.ended)
	exit = <-status
	return lines(out.String()), lines(errOut.String()), exit
}

func lines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// serve answers a call of the client as the server would.
func (f *fakeTemporal) serve(ctx context.Context, method string, req, reply any, _ *grpc.ClientConn, _ grpc.UnaryInvoker, _ ...grpc.CallOption) error {
	var answer proto.Message
	f.calls = append(f.calls, path.Base(method))
	switch r := req.(type) {
	case *workflowservice.GetSystemInfoRequest:
		answer = &workflowservice.GetSystemInfoResponse{}
	case *workflowservice.DescribeScheduleRequest:
		if f.schedule == nil {
			return status.Errorf(codes.NotFound, "workflow not found for ID: temporal-sys-scheduler:%s", r.GetScheduleId())
		}
		answer = f.schedule
	case *workflowservice.QueryWorkflowRequest:
		view, err := f.answerView(r)
		if err != nil {
			return err
		}
		answer = &workflowservice.QueryWorkflowResponse{QueryResult: view}
	case *workflowservice.DescribeWorkflowExecutionRequest:
		f.described = append(f.described, r.GetExecution().GetWorkflowId())
		answer = &workflowservice.DescribeWorkflowExecutionResponse{}
		if d, ok := f.describe[r.GetExecution().GetWorkflowId()]; ok && d == nil {
			return status.Error(codes.NotFound, "the describe failed") // not retried, unlike Unavailable
		} else if ok {
			answer = d
		}
	case *workflowservice.UpdateWorkflowExecutionRequest:
		outcome, err := f.answerUpdate(r)
		if err != nil {
			return err
		}
		answer = &workflowservice.UpdateWorkflowExecutionResponse{Outcome: outcome,
			Stage:     enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
			UpdateRef: &updatepb.UpdateRef{WorkflowExecution: r.GetWorkflowExecution(), UpdateId: r.GetRequest().GetMeta().GetUpdateId()}}
	case *workflowservice.GetWorkflowExecutionHistoryRequest:
		select { // the client waits for the close event
		case <-f.ended:
		case <-ctx.Done():
			return ctx.Err()
		}
		if f.waitErr != nil {
			return f.waitErr
		}
		answer = &workflowservice.GetWorkflowExecutionHistoryResponse{History: &historypb.History{Events: []*historypb.HistoryEvent{f.closeEvent}}}
	default:
		return status.Errorf(codes.Unimplemented, "the fake server has no %s", method)
	}
	proto.Merge(reply.(proto.Message), answer)
	return nil
}

// answerView answers a view query: the next of views while the run goes on, then
// finalView. It checks the query's name and cursor, and keeps the heartbeats passed.
func (f *fakeTemporal) answerView(r *workflowservice.QueryWorkflowRequest) (*commonpb.Payloads, error) {
	request := &pb.RunViewRequest{}
	if err := dataConverter.FromPayloads(r.GetQuery().GetQueryArgs(), request); err != nil || r.GetQuery().GetQueryType() != cli.ViewQuery {
		f.t.Errorf("query %q with %v (%v), want %q with a RunViewRequest", r.GetQuery().GetQueryType(), r.GetQuery().GetQueryArgs(), err, cli.ViewQuery)
	}
	if request.GetStarter() != "go" {
		f.t.Errorf("view query %d says it is from starter %q, want \"go\"", f.viewsAsked+1, request.GetStarter())
	}
	if request.GetCursor() != f.cursor {
		f.t.Errorf("view query %d passed cursor %q, want %q", f.viewsAsked+1, request.GetCursor(), f.cursor)
	}
	f.heartbeats = append(f.heartbeats, request.GetHeartbeats())
	var view *pb.RunView
	switch n := f.viewsAsked; {
	case n < len(f.views):
		view = f.views[n]
	case n == len(f.views):
		select {
		case <-f.ended:
		default:
			f.t.Errorf("view query %d before the run ended, after %d ticks", n+1, len(f.views))
		}
		view = f.finalView
	default:
		f.t.Errorf("view query %d: one a tick and one when the run ended is %d", n+1, len(f.views)+1)
	}
	f.viewsAsked++
	if view == nil {
		return nil, status.Error(codes.DeadlineExceeded, "no worker answered")
	}
	f.cursor = view.GetCursor()
	return dataConverter.ToPayloads(view)
}

// answerUpdate keeps an update sent and answers it, as a run that completed it at once would: with decide's or repair's
// answer, in plain JSON with proto field names, or the ApplicationError it returned as the update's failure. It checks
// the update's name and argument.
func (f *fakeTemporal) answerUpdate(r *workflowservice.UpdateWorkflowExecutionRequest) (*updatepb.Outcome, error) {
	f.updates = append(f.updates, r)
	input := r.GetRequest().GetInput()
	request := map[string]proto.Message{cli.DecideUpdate: &pb.ApprovalDecision{},
		cli.RetryUpdate: &pb.RetryRequest{}, cli.AbortUpdate: &pb.AbortRequest{}}[input.GetName()]
	if request == nil || dataConverter.FromPayloads(input.GetArgs(), request) != nil {
		f.t.Fatalf("update %q with %v: not one of the contract's", input.GetName(), input.GetArgs())
	}
	var answer proto.Message
	var err error
	if decision, ok := request.(*pb.ApprovalDecision); ok {
		answer, err = f.decide(decision)
	} else {
		answer, err = f.repair(input.GetName(), request)
	}
	var refused *temporal.ApplicationError
	if errors.As(err, &refused) {
		return &updatepb.Outcome{Value: &updatepb.Outcome_Failure{Failure: temporal.GetDefaultFailureConverter().ErrorToFailure(err)}}, nil
	} else if err != nil {
		return nil, err
	}
	data, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(answer)
	return &updatepb.Outcome{Value: &updatepb.Outcome_Success{Success: &commonpb.Payloads{Payloads: []*commonpb.Payload{{
		Metadata: map[string][]byte{converter.MetadataEncoding: []byte(converter.MetadataEncodingJSON)}, Data: data}}}}}, err
}

// listen serves the fake on a local port, for a starter that dials Temporal itself as users run it: the address.
func (f *fakeTemporal) listen() string {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.t.Fatal(err)
	}
	// Each call is answered by serve, into a reply of the type the method's descriptor names.
	server := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, _ grpc.UnaryHandler) (any, error) {
		service, method := path.Split(info.FullMethod)
		found, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(strings.Trim(service, "/")))
		if err != nil {
			return nil, err
		}
		output := found.(protoreflect.ServiceDescriptor).Methods().ByName(protoreflect.Name(method)).Output()
		replyType, err := protoregistry.GlobalTypes.FindMessageByName(output.FullName())
		if err != nil {
			return nil, err
		}
		reply := replyType.New().Interface()
		return reply, f.serve(ctx, info.FullMethod, req, reply, nil, nil)
	}))
	workflowservice.RegisterWorkflowServiceServer(server, workflowservice.UnimplementedWorkflowServiceServer{})
	go server.Serve(listener)
	f.t.Cleanup(server.Stop)
	return listener.Addr().String()
}
