"""An OTLP/HTTP trace receiver in the test process: what a collector is to the starters
and the worker. It accepts POST /v1/traces in both OTLP/HTTP encodings (protobuf and
JSON, gzip or not), keeps every span, and stops itself after `lifetime_s` at the
latest (on 127.0.0.1 only)."""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue


@dataclass(frozen=True)
class Span:
    trace_id: str  # hex, as W3C trace context writes it
    span_id: str
    parent_id: str  # "" for a root
    name: str
    service: str
    attributes: dict[str, Any]
    start_ns: int
    end_ns: int
    encoding: str  # how it arrived: "protobuf" or "json"
    kind: str = "SPAN_KIND_UNSPECIFIED"  # as OTLP names it: SPAN_KIND_CLIENT, SPAN_KIND_INTERNAL, ...
    status_code: str = "STATUS_CODE_UNSET"  # STATUS_CODE_OK or STATUS_CODE_ERROR otherwise
    status_message: str = ""

    @property
    def duration_ms(self) -> float:
        return (self.end_ns - self.start_ns) / 1e6


def _value(v: AnyValue) -> Any:
    kind = v.WhichOneof("value")
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, kind) if kind else None


# OTLP/JSON writes trace and span ids as hex, where protobuf's JSON mapping has base64.
_ID_FIELDS = ("traceId", "spanId", "parentSpanId")


def _ids_to_base64(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                base64.b64encode(bytes.fromhex(v)).decode()
                if k in _ID_FIELDS and isinstance(v, str)
                else _ids_to_base64(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_ids_to_base64(x) for x in node]
    return node


def parse_request(body: bytes, content_type: str) -> tuple[ExportTraceServiceRequest, str]:
    request = ExportTraceServiceRequest()
    if content_type.split(";")[0].strip() == "application/json":
        json_format.ParseDict(_ids_to_base64(json.loads(body)), request, ignore_unknown_fields=True)
        return request, "json"
    request.ParseFromString(body)
    return request, "protobuf"


def spans_of(request: ExportTraceServiceRequest, encoding: str) -> list[Span]:
    out = []
    for rs in request.resource_spans:
        resource = {a.key: _value(a.value) for a in rs.resource.attributes}
        for ss in rs.scope_spans:
            for s in ss.spans:
                out.append(Span(
                    trace_id=s.trace_id.hex(), span_id=s.span_id.hex(), parent_id=s.parent_span_id.hex(),
                    name=s.name, service=str(resource.get("service.name", "")),
                    attributes={a.key: _value(a.value) for a in s.attributes},
                    start_ns=s.start_time_unix_nano, end_ns=s.end_time_unix_nano, encoding=encoding,
                    kind=s.SpanKind.Name(s.kind), status_code=s.status.StatusCode.Name(s.status.code),
                    status_message=s.status.message,
                ))
    return out


@dataclass
class OtlpReceiver:
    lifetime_s: float = 900.0
    spans: list[Span] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # the encoding of each request
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name for the POST handler
                body = self._body()
                if self.headers.get("Content-Encoding", "").lower() == "gzip":
                    body = gzip.decompress(body)
                ctype = self.headers.get("Content-Type", "")
                if self.path != "/v1/traces":
                    receiver.errors.append(f"POST {self.path}")
                    self.send_error(404)
                    return
                try:
                    request, encoding = parse_request(body, ctype)
                except Exception as err:  # noqa: BLE001 - reported by the test
                    receiver.errors.append(f"{ctype}: {err}")
                    self.send_error(400)
                    return
                with receiver._lock:
                    receiver.requests.append(encoding)
                    receiver.spans.extend(spans_of(request, encoding))
                answer = b"{}" if encoding == "json" else ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/json" if encoding == "json" else "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def _body(self) -> bytes:
                # OpenTelemetry JS streams its requests: chunked, without a length.
                if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                    return self.rfile.read(int(self.headers.get("Content-Length") or 0))
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()  # the chunk's CRLF
                while self.rfile.readline().strip():  # trailers, up to the blank line
                    pass
                return b"".join(chunks)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._timer = threading.Timer(self.lifetime_s, self.stop)
        self._timer.daemon = True

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> OtlpReceiver:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> OtlpReceiver:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def snapshot(self) -> list[Span]:
        with self._lock:
            return list(self.spans)

    def wait_for(self, done: Callable[[list[Span]], bool], timeout: float = 30.0) -> list[Span]:
        """The spans once `done(spans)` holds; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            spans = self.snapshot()
            if done(spans):
                return spans
            if time.monotonic() > deadline:
                raise AssertionError(f"spans still missing after {timeout}s; received {len(spans)}: "
                                     f"{sorted({s.name for s in spans})}")
            time.sleep(0.1)


def trace_of(spans: list[Span], trace_id: str) -> Iterator[Span]:
    return (s for s in spans if s.trace_id == trace_id)
