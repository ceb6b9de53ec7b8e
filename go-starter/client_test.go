package main

import (
	"bytes"
	"context"
	"testing"
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
		interceptors, flush := startTracing(context.Background(), env(c.vars), &stderr)
		flush()
		if got := len(interceptors) == 1; got != c.on || stderr.Len() != 0 {
			t.Errorf("tracing with %v: on %v, want %v; stderr %q", c.vars, got, c.on, stderr.String())
		}
	}
}

func TestTracingOffHasNoInterceptorAndNothingToFlush(t *testing.T) {
	var stderr bytes.Buffer
	interceptors, flush := startTracing(context.Background(), env(map[string]string{}), &stderr)
	if interceptors != nil || stderr.Len() != 0 {
		t.Fatalf("tracing off: interceptors %v, stderr %q", interceptors, stderr.String())
	}
	flush() // a no-op, as run defers it
}

func TestTracingOnHasTheInterceptor(t *testing.T) {
	var stderr bytes.Buffer
	// Nothing listens there; no span is made, so flush sends nothing.
	interceptors, flush := startTracing(context.Background(), env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}), &stderr)
	defer flush()
	if len(interceptors) != 1 || stderr.Len() != 0 {
		t.Fatalf("tracing on: interceptors %v, stderr %q", interceptors, stderr.String())
	}
}
