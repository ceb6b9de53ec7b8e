"""Task assembly: env overrides and secrets merged, log tails bounded."""

from __future__ import annotations

from skypilot_temporal.tasks.build import LogTail, merge_envs


def test_log_tail_is_bounded_in_lines_and_bytes():
    tail = LogTail(max_lines=3, max_bytes=50)
    for i in range(1000):
        tail.write_line(f"line {i}")
    assert tail.text() == "line 997\nline 998\nline 999"
    tail.write_line("x" * 10_000)
    assert len(tail.text()) <= 50


def test_secrets_move_out_of_envs():
    merged = merge_envs({"envs": {"A": 1, "TOKEN": None}}, {"B": "2"}, {"TOKEN": "v"})
    assert merged["envs"] == {"A": 1, "B": "2"}
    assert merged["secrets"] == {"TOKEN": "v"}
