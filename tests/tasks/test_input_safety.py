"""The worker's refusals without a server: secrets policy, task paths, YAML shape, job output."""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path

import pytest

from skypilot_temporal.activities.joblog import MAX_LINE_CHARS, StepLog, plain_text
from skypilot_temporal.config.secret_policy import (
    MissingSecret,
    Redactor,
    SecretAllowlist,
    SecretRefused,
    resolve_secrets,
)
from skypilot_temporal.tasks.build import InvalidTask, LogTail, build_task
from skypilot_temporal.tasks.repo import InvalidTaskFile, RepoPolicy, load_task_yaml, safe_yaml
from skypilot_temporal.tasks.task_paths import PathRefused

# -- secrets -------------------------------------------------------------------


def test_allowlist_names_and_prefixes():
    allow = SecretAllowlist.parse(" HF_TOKEN, WANDB_* ,,")
    assert allow.allows("HF_TOKEN") and allow.allows("WANDB_API_KEY")
    assert not allow.allows("HF_TOKEN2") and not allow.allows("AWS_SECRET_ACCESS_KEY")
    assert not SecretAllowlist.parse("").allows("HF_TOKEN")  # unset = no secrets


@pytest.mark.parametrize("raw,expected", [
    ("*", "'*' alone would hand every variable"),
    ("SKYPILOT_SERVICE_ACCOUNT_TOKEN", "one of the worker's own credentials"),
    ("TEMPORAL_API_KEY", "one of the worker's own credentials"),
    ("BAD-NAME", "'BAD-NAME' is not a variable name"),
])
def test_allowlist_refuses_what_an_operator_cannot_mean(raw, expected):
    with pytest.raises(ValueError, match=expected):
        SecretAllowlist.parse(raw)


def test_worker_credentials_are_never_allowed_even_by_a_prefix():
    allow = SecretAllowlist.parse("S*,T*,SKY*")
    assert allow.allows("S3_KEY")
    for name in ("SKYPILOT_SERVICE_ACCOUNT_TOKEN", "SKYPILOT_API_SERVER_ENDPOINT", "TEMPORAL_API_KEY",
                 "TEMPORAL_TLS_CLIENT_KEY_PATH"):
        assert not allow.allows(name)
        with pytest.raises(SecretRefused, match="worker's own credentials"):
            resolve_secrets([name], {name: "value-1234"}, allow)


def test_refusal_names_the_variable_and_the_setting():
    with pytest.raises(SecretRefused) as err:
        resolve_secrets(["AWS_SECRET_ACCESS_KEY"], {"AWS_SECRET_ACCESS_KEY": "x" * 40},
                        SecretAllowlist.parse("HF_TOKEN"))
    assert "'AWS_SECRET_ACCESS_KEY' is not allowed" in str(err.value)
    assert "SKYPILOT_TEMPORAL_SECRET_ALLOWLIST" in str(err.value)


def test_missing_and_short_values_are_refused_at_resolution():
    allow = SecretAllowlist.parse("A,B")
    with pytest.raises(MissingSecret, match="A not set"):
        resolve_secrets(["A"], {}, allow)
    with pytest.raises(SecretRefused, match="shorter than 4 characters"):
        resolve_secrets(["B"], {"B": "abc"}, allow)
    assert resolve_secrets(["A"], {"A": "abcd"}, allow) == {"A": "abcd"}


def test_redactor_masks_plain_hex_url_and_base64_forms_at_any_offset():
    value = "s3cr3t/value+42"
    redact = Redactor({"T": value})
    assert value not in redact(f"x{value}y")
    assert value.encode().hex() not in redact("dump " + value.encode().hex())
    for prefix in ("", "a", "ab", "abc"):
        encoded = base64.b64encode((prefix + value + " tail").encode()).decode()
        assert "***" in redact(encoded)
        urlsafe = base64.urlsafe_b64encode((prefix + value).encode()).decode()
        assert "***" in redact(urlsafe)
    assert redact("nothing here") == "nothing here"


# -- task paths ----------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    (root / "src").mkdir(parents=True)
    (root / "src" / "train.py").write_text("print('hi')\n")
    (root / "data.txt").write_text("x\n")
    return root


def build(repo: Path, config: dict, secrets=None):
    return build_task({"run": "echo hi", **config}, repo, "task.yaml", {}, secrets or {})


def test_paths_inside_the_checkout_are_made_absolute(repo):
    task = build(repo, {"workdir": ".", "file_mounts": {"/app": "src", "/d/x.txt": "data.txt"}})
    assert task.workdir == str(repo)
    assert task.file_mounts["/app"] == str(repo / "src")


@pytest.mark.parametrize("config,field", [
    ({"workdir": "/etc"}, "workdir: '/etc'"),
    ({"workdir": "~"}, "workdir: '~'"),
    ({"workdir": "../"}, "workdir:"),
    ({"file_mounts": {"/keys": "~/.ssh"}}, "file_mounts[/keys]: '~/.ssh'"),
    ({"file_mounts": {"/pw": "/etc/passwd"}}, "file_mounts[/pw]: '/etc/passwd'"),
    ({"file_mounts": {"/up": "../outside"}}, "file_mounts[/up]"),
    ({"file_mounts": {"/b": {"name": "bkt", "source": "~/.ssh", "mode": "COPY"}}},
     "file_mounts[/b].source: '~/.ssh'"),
    ({"file_mounts": {"/b": {"name": "bkt", "source": ["src", "~/.ssh"], "mode": "COPY"}}},
     "file_mounts[/b].source: '~/.ssh'"),
    ({"envs": {"WHERE": "/etc"}, "file_mounts": {"/x": "$WHERE"}}, "file_mounts[/x]: '/etc'"),
])
def test_paths_leaving_the_checkout_are_refused_naming_file_field_and_path(repo, config, field):
    with pytest.raises(PathRefused) as err:
        build(repo, config)
    assert str(err.value).startswith("task.yaml: ")
    assert field in str(err.value)
    assert "outside the repository" in str(err.value) or "relative after variable" in str(err.value)


def test_symlinks_that_leave_are_refused_directly_and_inside_directories(repo, tmp_path):
    secret = tmp_path / "secret.key"
    secret.write_text("k")
    (repo / "link.key").symlink_to(secret)
    with pytest.raises(PathRefused, match="resolves to .* outside the repository"):
        build(repo, {"file_mounts": {"/k": "link.key"}})
    (repo / "link.key").unlink()
    (repo / "src" / "escape").symlink_to(tmp_path)
    with pytest.raises(PathRefused, match="holds the symlink 'src/escape'"):
        build(repo, {"workdir": "."})
    (repo / "src" / "escape").unlink()
    (repo / "src" / "inside").symlink_to(repo / "data.txt")
    build(repo, {"workdir": "."})  # a link that stays inside is fine


def test_missing_local_path_is_refused(repo):
    with pytest.raises(PathRefused, match="does not exist in the repository"):
        build(repo, {"file_mounts": {"/x": "nope"}})


def test_odd_shapes_are_a_clear_task_error_not_a_crash(repo):
    with pytest.raises(InvalidTask, match="task.yaml: envs: must be a mapping"):
        build(repo, {"envs": ["A=1"]})
    with pytest.raises(InvalidTask, match="task.yaml: "):
        build(repo, {"file_mounts": {"/b": {"name": "bkt", "source": [1, 2]}}})


# -- YAML shape ----------------------------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*l{i - 1}"] * 10)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\nrun: echo hi\n"


def test_alias_bomb_is_refused_before_it_is_built(tmp_path):
    (tmp_path / "bomb.yaml").write_text(alias_bomb())
    with pytest.raises(InvalidTaskFile, match="task_yaml: bomb.yaml expands to more than 100000 values"):
        load_task_yaml(tmp_path, "bomb.yaml", RepoPolicy())


# 100: refused by the shape check; 5000 and the block form: past libyaml's own cap.
@pytest.mark.parametrize("text", [
    "envs: " + "[" * 100 + "]" * 100 + "\n",
    "envs: " + "[" * 5000 + "]" * 5000 + "\n",
    "".join(" " * i + "a:\n" for i in range(1200)) + " " * 1200 + "b\n",
], ids=["flow-100", "flow-5000", "block-1200"])
def test_deep_nesting_is_refused(tmp_path, text):
    (tmp_path / "deep.yaml").write_text(text)
    with pytest.raises(InvalidTaskFile, match="task_yaml: deep.yaml is nested more than 64 levels deep"):
        load_task_yaml(tmp_path, "deep.yaml", RepoPolicy())


@pytest.mark.parametrize("text, message", [
    ("\t- x\n", "line 1 column 1: found character '\\t' that cannot start any token"),
    ("run: *missing\n", "line 1 column 6: found undefined alias 'missing'"),
    ("a: b: c\n", "line 1 column 5: mapping values are not allowed here"),
])
def test_a_syntax_error_names_the_field_the_file_the_place_and_the_problem(text, message):
    for field in ("task_yaml", "pipeline_file"):
        with pytest.raises(InvalidTaskFile) as caught:
            safe_yaml(text, "t.yaml", field)
        assert str(caught.value) == f"{field}: t.yaml {message}"


def test_ordinary_aliases_still_work():
    assert safe_yaml("base: &b {cpus: 1}\nresources: *b\n", "t.yaml", "task_yaml") == {
        "base": {"cpus": 1}, "resources": {"cpus": 1}}


# -- job output ----------------------------------------------------------------


def test_job_output_is_plain_bounded_and_masked(caplog):
    tail = LogTail(max_lines=5, max_bytes=8192)
    out = StepLog("[t]", Redactor({"S": "hunter2-secret"}), tail)
    with caplog.at_level(logging.INFO, logger="skypilot_temporal"):
        out("\x1b[36mcolour\x1b[0m ok\n")
        for _ in range(10):  # a 10 MB line in pieces, no newline until the end
            out("y" * 1_000_000)
        out("\nbytes: \ufffd\ufffd secret=hunter2-secret\n")
        out("progress 10%\rprogress 100%\n")
        out.flush()
    lines = tail.text().splitlines()
    assert lines[0] == "colour ok"
    assert lines[1].startswith("y" * 100) and len(lines[1]) < MAX_LINE_CHARS + 64
    assert lines[1].endswith(f"... [{10_000_000 - MAX_LINE_CHARS} more characters]")
    assert lines[2] == "bytes: \ufffd\ufffd secret=***"
    assert lines[3] == "progress 100%"
    assert max(len(r.getMessage()) for r in caplog.records) < MAX_LINE_CHARS + 100


def test_invalid_utf8_output_is_bounded_in_bytes(caplog):
    # Each invalid byte decodes to U+FFFD, 3 bytes in UTF-8: the bounds count bytes.
    tail = LogTail(max_lines=40, max_bytes=4096)
    out = StepLog("[t]", Redactor({}), tail)
    with caplog.at_level(logging.INFO, logger="skypilot_temporal"):
        out(b"\xff".decode(errors="replace") * 100_000 + "\n")
        out("x" * 10_000)
        out.flush()
    assert max(len(r.getMessage().encode()) for r in caplog.records) < MAX_LINE_CHARS + 100
    assert len(tail.text().encode()) <= 4096


def test_log_tail_smaller_than_a_line_keeps_the_end_of_the_last_line():
    tail = LogTail(max_lines=40, max_bytes=100)
    tail.write_line("first")
    tail.write_line("y" * 500 + " ... [9000 more characters]")
    assert tail.text().endswith("y ... [9000 more characters]")
    assert len(tail.text().encode()) <= 100
    tail.write_line("\u00e9" * 500)  # 2 bytes each
    assert tail.text() == "\u00e9" * 49 and len(tail.text().encode()) <= 100


def test_plain_text_drops_escapes_and_controls():
    assert plain_text("\x1b[1;32m✓\x1b[0m done\x07") == "ok: done"
    # SkyPilot's decorations where a line starts with one, rendered in ASCII.
    assert plain_text("├── a") == "|-- a" and plain_text("  └── b") == "  `-- b"
    assert plain_text("⚙︎ Launching") == "* Launching" and plain_text("⨯ Failed") == "error: Failed"
    assert os.linesep not in plain_text("a\x1b]0;title\x07b")


def test_a_progress_bar_redrawn_for_long_keeps_its_last_state():
    """tqdm redraws its line with a carriage return many times a second, with no
    newline until it ends: the line keeps the bar's last state, not a stale one cut."""
    tail = LogTail(max_lines=100, max_bytes=64 * 1024)
    out = StepLog("[t]", Redactor({}), tail)
    total = 20_000
    for i in range(total + 1):
        out(f"\r{100 * i // total:3d}%|{'#' * (10 * i // total):10s}| {i}/{total} [00:10<00:00, 2000it/s]")
    out("\n")
    assert tail.text().splitlines() == [f"100%|##########| {total}/{total} [00:10<00:00, 2000it/s]"]
    # As one chunk too, and with colours around the bar.
    out("".join(f"\x1b[32m\r{i}/{total}\x1b[0m" for i in range(total + 1)) + "\n")
    assert tail.text().splitlines()[-1] == f"{total}/{total}"
    # A line ending in carriage returns is not started over.
    out("done\r\r\n")
    assert tail.text().splitlines()[-1] == "done"


def test_plain_text_drops_c1_controls_and_keeps_other_text():
    assert plain_text("a\u009b31mb\u0085c") == "a31mbc"
    assert plain_text("tab\tkept, ünïcödé ├── └── ✓ kept") == "tab\tkept, ünïcödé ├── └── ✓ kept"
