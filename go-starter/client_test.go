package main

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

func TestTracingIsOnOnlyWithAnEndpoint(t *testing.T) {
	cases := []struct {
		vars map[string]string
		on   bool
	}{
		{map[string]string{}, false},
		{map[string]string{"OTEL_SERVICE_NAME": "x"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": " TRUE "}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER": "none"}, false},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		// Nothing listens on 127.0.0.1:1: the run's span goes nowhere, at once.
		c.vars["OTEL_EXPORTER_OTLP_ENDPOINT"] = strings.Replace(c.vars["OTEL_EXPORTER_OTLP_ENDPOINT"], ":4318", ":1", 1)
		ctx, interceptors, end := startTracing(context.Background(), "wf", env(c.vars), &stderr)
		end()
		traced := trace.SpanFromContext(ctx).SpanContext().IsValid()
		if got := len(interceptors) == 1; got != c.on || traced != c.on || stderr.Len() != 0 {
			t.Errorf("tracing with %v: on %v, run span %v, want %v; stderr %q", c.vars, got, traced, c.on, stderr.String())
		}
	}
}

func TestTracingOffHasNoInterceptorAndNothingToFlush(t *testing.T) {
	var stderr bytes.Buffer
	ctx := context.Background()
	got, interceptors, end := startTracing(ctx, "wf", env(map[string]string{}), &stderr)
	if got != ctx || interceptors != nil || stderr.Len() != 0 {
		t.Fatalf("tracing off: context changed %v, interceptors %v, stderr %q", got != ctx, interceptors, stderr.String())
	}
	end()                                                     // a no-op, as run defers it
	traceOutcome(ctx, cli.OutcomeFailed, "JobFailed", "boom") // and so is this, with no span
}

func TestTracingOnHasTheInterceptor(t *testing.T) {
	var stderr bytes.Buffer
	// Nothing listens there: the run's span goes nowhere, at once.
	_, interceptors, end := startTracing(context.Background(), "wf", env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}), &stderr)
	defer end()
	if len(interceptors) != 1 || stderr.Len() != 0 {
		t.Fatalf("tracing on: interceptors %v, stderr %q", interceptors, stderr.String())
	}
}

func TestTheOutcomeGoesOnTheRunsSpan(t *testing.T) {
	cases := []struct {
		outcome, failureType, said string
		status                     codes.Code
		description                string
	}{
		{cli.OutcomeCompleted, "", "", codes.Unset, ""},
		{cli.OutcomeDetached, "", "", codes.Unset, ""},
		{cli.OutcomeFailed, "JobFailed", "workflow failed: step 'a' failed:\n  exit 1", codes.Error, "JobFailed: workflow failed: step 'a' failed: exit 1"},
		{cli.OutcomeCancelled, "", "workflow cancelled", codes.Error, "workflow cancelled"},
	}
	for _, c := range cases {
		recorder := tracetest.NewSpanRecorder()
		ctx, span := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder)).Tracer("t").Start(context.Background(), "run")
		traceOutcome(ctx, c.outcome, c.failureType, c.said)
		span.End()
		ended := recorder.Ended()[0]
		want := []attribute.KeyValue{attribute.String(cli.TracingOutcomeAttribute, c.outcome)}
		if c.failureType != "" {
			want = append(want, attribute.String(cli.TracingFailureTypeAttribute, c.failureType))
		}
		got := ended.Status()
		if !reflect.DeepEqual(ended.Attributes(), want) || got.Code != c.status || got.Description != c.description {
			t.Errorf("%s: attributes %v, status %v %q; want %v, %v %q", c.outcome, ended.Attributes(), got.Code, got.Description,
				want, c.status, c.description)
		}
	}
}
