"""The view query renders the running steps' output from the heartbeats a client
passes: bounded, deduplicated through the cursor, never failing."""

from __future__ import annotations

import json
import sys

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.common import RawValue

from skypilot_temporal.contract.names import LIVE_OUTPUT_KEY, data_converter
from skypilot_temporal.v1 import pipeline_pb2 as pb
from skypilot_temporal.workflows.live_output import HEARTBEAT_CHARS_MAX, SHOWN_KEYS_MAX
from skypilot_temporal.workflows.run import SkyPilotWorkflow
from skypilot_temporal.workflows.view import render_view, result_lines, view_request

# -- the worker renders the heartbeats a client sends ---------------------------------
RUNNING = pb.SkyPilotWorkflowProgress(phase="running")


def heartbeat(step: str, count: int, lines: list, cluster: str = "c1", attempt: int = 1, **more) -> str:
    """A step's heartbeat details as the worker's payload converter writes them."""
    output = {"step": step, "label": step, "cluster": cluster, "attempt": attempt, "count": count, "lines": lines}
    return json.dumps({LIVE_OUTPUT_KEY: output, **more}, separators=(",", ":"), sort_keys=True)


def live(cursor: str, heartbeats: list[str]) -> tuple[list[str], str]:
    """The output lines of one answer (the progress has no state lines to show), and its cursor."""
    view = render_view(RUNNING, cursor, heartbeats)
    state = render_view(RUNNING, cursor).lines
    return list(view.lines[len(state):]), view.cursor


def test_a_heartbeat_of_the_bound_is_read_and_one_character_more_is_not():
    beat = heartbeat("train", 1, ["x"])
    at_bound = beat[:-1] + " " * (HEARTBEAT_CHARS_MAX - len(beat)) + "}"
    assert len(at_bound) == HEARTBEAT_CHARS_MAX and json.loads(at_bound) == json.loads(beat)
    assert live("", [at_bound])[0] == ["    train | x"]
    assert live("", [at_bound[:-1] + " }"])[0] == []


def test_the_cursor_counts_the_last_step_attempts_seen_and_forgets_the_oldest():
    cursor = ""
    for i in range(SHOWN_KEYS_MAX + 6):
        lines, cursor = live(cursor, [heartbeat(f"s{i}", 1, ["x"], cluster=f"c{i}")])
        assert lines == [f"    s{i} | x"]
    assert len(json.loads(cursor)["o"]) == SHOWN_KEYS_MAX
    assert len(cursor) < 2000, cursor
    # The attempts seen last are remembered, the first six forgotten: shown again.
    assert live(cursor, [heartbeat(f"s{SHOWN_KEYS_MAX + 5}", 1, ["x"], cluster=f"c{SHOWN_KEYS_MAX + 5}")])[0] == []
    assert live(cursor, [heartbeat("s0", 1, ["x"], cluster="c0")])[0] == ["    s0 | x"]


def test_a_step_seen_at_every_poll_is_not_forgotten_among_many_others():
    cursor = ""
    _, cursor = live(cursor, [heartbeat("train", 3, ["a", "b", "c"])])
    for i in range(SHOWN_KEYS_MAX * 2):
        lines, cursor = live(cursor, [heartbeat("train", 3, ["a", "b", "c"]), heartbeat(f"s{i}", 1, ["x"], f"c{i}")])
        assert lines == [f"    s{i} | x"]


def test_no_heartbeats_keep_the_counts_and_a_garbled_count_entry_starts_over():
    _, cursor = live("", [heartbeat("train", 2, ["a", "b"])])
    assert render_view(RUNNING, cursor, []).cursor == cursor
    for garbled in ('{"v":1,"o":{"k":"2"}}', '{"v":1,"o":["k"]}', '{"v":1,"o":{"k":true}}'):
        assert live(garbled, [heartbeat("train", 2, ["a", "b"])])[0] == ["    train | a", "    train | b"]


@pytest.mark.parametrize("heartbeats", [
    ["[" * 100_000],
    ["{" + '"a":' * 30_000 + "1" + "}" * 30_000],
    [heartbeat("s", 10**300, ["x"]), heartbeat("s", -5, ["x"], "c2"), heartbeat("s", 1, [], "c3")],
    ['{"output":{"step":"\\ud800","label":"\\udfff","count":1,"lines":["a\\ud800b"]}}'],
], ids=["deep list", "deep object", "odd counts", "lone surrogates"])
def test_a_hostile_heartbeat_never_fails_the_answer(heartbeats):
    view = render_view(RUNNING, "", heartbeats)
    view.SerializeToString()  # what the SDK does with the answer: a lone surrogate would fail here
    assert all("\n" not in line for line in view.lines)


def test_values_nested_about_as_deep_as_the_parser_goes_never_fail_the_answer():
    # What parses is never too deep to write back (a line not a string, the key).
    for depth in range(1, sys.getrecursionlimit()):
        nested = "[" * depth + "]" * depth
        line = '{"output":{"step":"s","count":1,"lines":[' + nested + "]}}"
        cluster = '{"output":{"step":"s","count":1,"lines":["x"],"cluster":' + nested + "}}"
        render_view(RUNNING, "", [line, cluster]).SerializeToString()


def test_lone_surrogates_are_dropped_from_a_line_and_its_label():
    beat = '{"output":{"step":"s","label":"l\\udfffabel","count":1,"lines":["a\\ud800b"]}}'
    assert live("", [beat])[0] == ["    label | ab"]


def payload(value, encoding: bytes = b"json/plain") -> Payload:
    data = value if isinstance(value, bytes) else json.dumps(value).encode()
    return Payload(metadata={"encoding": encoding}, data=data)


@pytest.mark.parametrize("arg,cursor,heartbeats", [
    (data_converter.payload_converter.to_payloads([pb.RunViewRequest(cursor="c", heartbeats=["h"])])[0], "c", ["h"]),
    (payload({"cursor": "c", "heartbeats": ["h"], "newer": 1}), "c", ["h"]),
    (payload({"cursor": "c", "heartbeats": ["h"]}, b"json/protobuf"), "c", ["h"]),
    (payload("c"), "c", []),
    (payload(""), "", []),
    (None, "", []),
    (payload(5), "", []),
    (payload(None), "", []),
    (payload(["c"]), "", []),
    (payload({"cursor": 5}), "", []),
    (payload({"heartbeats": "h"}), "", []),
    (payload(b"not json"), "", []),
    (payload(b'"\xff"'), "", []),
    (payload(b'"\\ud800"'), "", []),
    (payload(b"[" * 100_000), "", []),
    (payload(b"\x08\x01", b"binary/protobuf"), "", []),
    (Payload(), "", []),
], ids=["json/protobuf", "json/plain object", "json/protobuf no type", "bare string", "empty string", "none",
        "number", "null", "list", "mistyped cursor", "mistyped heartbeats", "not json", "not utf-8",
        "lone surrogate", "deep", "binary", "no encoding"])
def test_the_view_query_reads_a_request_a_bare_cursor_or_nothing(arg, cursor, heartbeats):
    request = view_request(arg)
    assert (request.cursor, list(request.heartbeats)) == (cursor, heartbeats)
    workflow = SkyPilotWorkflow()
    answer = workflow.view() if arg is None else workflow.view(RawValue(arg))
    assert answer.lines[0].startswith("progress: phase=starting")


def test_a_branch_labels_control_characters_are_not_printed():
    progress = pb.SkyPilotWorkflowProgress(phase="running")
    progress.steps.add(name="train", branch="0 (TAG=\x1b[31mred\x1b[0m\r\nfake line\tok)", state="running")
    assert render_view(progress, "").lines[-1] == "step train [0 (TAG=[31mred[0mfake line\tok)]: running"
    result = pb.SkyPilotWorkflowResult(commit="c")
    result.steps.add(name="train", branch="0 (TAG=\x07bell\x9b)", status="SUCCEEDED", log_tail="done\x1b[0m\n")
    assert result_lines(result)[1:] == ["step train [0 (TAG=bell)]: cluster=- job_id=0 status=SUCCEEDED duration=0s",
                                        "    done[0m"]
