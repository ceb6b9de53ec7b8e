"""The local executor's isolation, as argv and decisions (no task runs here)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from skypilot_temporal.config.settings import ConfigError, Settings
from skypilot_temporal.executors.base import PermanentError, Submission
from skypilot_temporal.executors.local.executor import LocalExecutor
from skypilot_temporal.executors.local.sandbox import Box, Isolation, isolated_argv, mounts_argv, probe

BWRAP = Isolation("/usr/bin/bwrap", ("--disable-userns",))
# Stands for the worker's work dir: a directory every host has, only named in argv.
WORK = "/var/lib"
HOME = f"{WORK}/st-work/local/clusters/c1/home"
TMP = f"{WORK}/st-work/local/clusters/c1/tmp"


def box(**kw) -> Box:
    fields = {"home": HOME, "tmp": TMP, "cwd": HOME,
              "hidden": ["/root", WORK]}
    fields.update(kw)
    return Box(**fields)


def pairs(argv: list[str], flag: str) -> list[tuple[str, str]]:
    return [(argv[i + 1], argv[i + 2]) for i, a in enumerate(argv) if a == flag]


def singles(argv: list[str], flag: str) -> list[str]:
    return [argv[i + 1] for i, a in enumerate(argv) if a == flag]


def test_isolated_task_gets_every_namespace_no_capabilities_and_no_network():
    argv = isolated_argv(BWRAP, box())
    for flag in ("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                 "--new-session"):
        assert flag in argv
    assert singles(argv, "--cap-drop") == ["ALL"]
    assert "--share-net" not in argv
    assert "--share-net" in isolated_argv(BWRAP, box(network=True))
    assert argv[-2:] == ["--chdir", HOME]


def test_isolated_task_sees_the_host_read_only_with_its_own_proc_dev_and_tmp():
    argv = isolated_argv(BWRAP, box())
    assert ("/usr", "/usr") in pairs(argv, "--ro-bind")
    assert ("/etc", "/etc") in pairs(argv, "--ro-bind")
    assert not pairs(argv, "--dev-bind")
    writable = pairs(argv, "--bind")
    # Writable: the cluster's private /tmp and its home, nothing of the host.
    assert writable == [(TMP, "/tmp"), (HOME, HOME)]
    assert singles(argv, "--proc") == ["/proc"] and singles(argv, "--dev") == ["/dev"]
    for host_dir in ("/proc", "/dev", "/tmp"):
        assert (host_dir, host_dir) not in pairs(argv, "--ro-bind")


def test_work_dir_home_and_host_sockets_are_hidden_before_the_cluster_is_bound():
    argv = isolated_argv(BWRAP, box())
    hidden = singles(argv, "--tmpfs")
    assert hidden == ["/root", "/run", WORK]
    assert singles(argv, "--remount-ro") == hidden
    # Mount points inside the hidden work dir are made before it turns read-only.
    home_bind = argv.index(HOME)
    assert argv.index(WORK) < home_bind < argv.index("--remount-ro")


def test_bucket_at_an_absolute_path_is_never_taken_from_the_host():
    argv = isolated_argv(BWRAP, box(binds={"/data": "/srv/bucket"}))
    assert ("/srv/bucket", "/data") in pairs(argv, "--bind")
    assert "/data" not in [t for _, t in pairs(argv, "--ro-bind")] + singles(argv, "--dir")


def test_mount_below_an_existing_host_dir_uses_fresh_dirs_and_creates_nothing():
    target = "/usr/share/st-no-such-mount-point"
    argv = isolated_argv(BWRAP, box(binds={target: "/srv/bucket"}))
    assert {"/usr", "/usr/share"} <= set(singles(argv, "--dir"))
    assert ("/usr/bin", "/usr/bin") in pairs(argv, "--ro-bind")
    assert not os.path.exists(target)


def test_a_mount_covering_a_hidden_dir_replaces_the_hiding():
    argv = isolated_argv(BWRAP, box(binds={"/root": "/srv/bucket"}))
    assert "/root" not in singles(argv, "--tmpfs")
    assert ("/srv/bucket", "/root") in pairs(argv, "--bind")


def test_the_workers_own_files_are_replaced_by_an_empty_device_where_the_task_would_read_them(tmp_path):
    # Host files that exist, wherever they are: the worker's .env, a TLS key.
    dotenv, key, in_bucket = "/etc/hostname", "/etc/passwd", "/srv/bucket-mnt/creds"
    argv = isolated_argv(BWRAP, box(
        binds={"/srv/bucket-mnt": "/srv/bucket"},
        hidden_files=[dotenv, key, key,
                      "/etc/st-no-such-file",       # gone since the worker started
                      f"{WORK}/st-work/.env",        # in the hidden work dir already
                      "/tmp/worker.env",             # behind the private /tmp
                      in_bucket],                    # the task's own bucket there
    ))
    assert [t for s, t in pairs(argv, "--ro-bind") if s == os.devnull] == [dotenv, key]
    # Before the task's own binds, so none of them ever lands on a task's file.
    assert argv.index(key) < argv.index("/srv/bucket")


def test_the_executor_hides_files_as_files_and_directories_as_directories(tmp_path):
    secret_file, secret_dir = tmp_path / "worker.env", tmp_path / "keys"
    secret_file.write_text("HF_TOKEN=x\n")
    secret_dir.mkdir()
    ex = LocalExecutor(tmp_path / "work" / "local", hide=[tmp_path / "work", secret_file, secret_dir],
                       isolation=BWRAP)
    assert ex._hidden_files == (str(secret_file),)
    assert set(ex._hidden) == {str(tmp_path / "work" / "local"), str(tmp_path / "work"), str(secret_dir)}


def test_paths_to_hide_are_absolute_and_the_env_file_read_is_recorded(tmp_path):
    dotenv = tmp_path / "worker.env"
    dotenv.write_text("SKYPILOT_TEMPORAL_LOCAL_HIDE=/srv/keys:~/more:/etc/temporal/client.key\n")
    settings = Settings.from_env({"SKYPILOT_TEMPORAL_ENV_FILE": str(dotenv)})
    assert settings.env_file == dotenv
    assert settings.local_hide == (Path("/srv/keys"), Path.home() / "more", Path("/etc/temporal/client.key"))
    assert Settings.from_env({"SKYPILOT_TEMPORAL_ENV_FILE": str(tmp_path / "none")}).env_file is None
    with pytest.raises(ConfigError, match=r"SKYPILOT_TEMPORAL_LOCAL_HIDE: 'keys' is not an absolute path"):
        Settings.from_env({"SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent", "SKYPILOT_TEMPORAL_LOCAL_HIDE": "/srv:keys"})


def test_trusted_mounts_only_never_bind_over_a_missing_host_path():
    argv = mounts_argv("bwrap", {"/data": "/tmp/bucket"})
    assert argv[-3:] == ["--bind", "/tmp/bucket", "/data"]
    assert "/data" not in [argv[i + 1] for i, a in enumerate(argv) if a in ("--dev-bind", "--dir")]
    assert ("/usr", "/usr") in pairs(argv, "--dev-bind")


def fake_bwrap(bin_dir: Path, script: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / "bwrap"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_probe_reports_a_missing_or_failing_bwrap(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert "not on the worker's PATH" in probe().problem
    fake_bwrap(tmp_path / "bin", "echo 'setting up uid map: Permission denied' >&2; exit 1\n")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    found = probe()
    assert not found.available
    assert "cannot create namespaces" in found.problem and "Permission denied" in found.problem


def test_probe_keeps_hardening_only_where_it_works(tmp_path, monkeypatch):
    fake_bwrap(tmp_path / "bin", 'for a; do [ "$a" = --disable-userns ] && exit 1; done; exit 0\n')
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    found = probe()
    assert found.available and found.flags == ()


class _Task:
    """Stands in for a sky.Task: refusal comes before anything reads it."""


async def test_without_isolation_tasks_are_refused_naming_the_fix(tmp_path):
    executor = LocalExecutor(tmp_path / "local", isolation=Isolation(None, problem="no bwrap"))
    sub = Submission("launch", "c1", "j1", _Task(), tmp_path)
    with pytest.raises(PermanentError) as refused:
        await executor.submit(sub, lambda c, urgent=True: None, {}, lambda s: None)
    message = str(refused.value)
    assert "no bwrap" in message and "install bubblewrap" in message.lower()
    assert "SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS=1" in message
    assert not (tmp_path / "local").exists()  # nothing provisioned


@pytest.mark.parametrize("target", ["/", "/tmp", "/proc/x", "/dev/shm", "~/../../etc", "../x"])
def test_mount_points_that_would_hide_what_a_task_needs_are_refused(tmp_path, target):
    from skypilot_temporal.executors.local.executor import _sandbox_path

    with pytest.raises(PermanentError, match="file_mounts"):
        _sandbox_path(tmp_path / "home", target)


def test_mount_points_inside_home_or_elsewhere_are_kept(tmp_path):
    from skypilot_temporal.executors.local.executor import _sandbox_path

    home = tmp_path / "home"
    assert _sandbox_path(home, "~/data") == str(home / "data")
    assert _sandbox_path(home, "data/x") == str(home / "data" / "x")
    assert _sandbox_path(home, "/data/") == "/data"
    with pytest.raises(PermanentError, match="cannot be a mount point"):
        _sandbox_path(home, str(tmp_path))  # would cover the cluster's own home


def test_isolation_switches_are_read_from_the_environment():
    base = {"SKYPILOT_TEMPORAL_ENV_FILE": "/nonexistent"}
    settings = Settings.from_env(base)
    assert (settings.local_task_network, settings.local_trusted_tasks) == (False, False)
    settings = Settings.from_env({**base, "SKYPILOT_TEMPORAL_LOCAL_TASK_NETWORK": "1",
                                  "SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS": "true"})
    assert (settings.local_task_network, settings.local_trusted_tasks) == (True, True)
    with pytest.raises(ConfigError, match="SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS"):
        Settings.from_env({**base, "SKYPILOT_TEMPORAL_LOCAL_TRUSTED_TASKS": "maybe"})


def test_the_host_root_list_is_kept_and_made_again_when_a_listed_directory_changes(tmp_path, monkeypatch):
    from skypilot_temporal.executors.local import sandbox

    target = str(tmp_path / "mnt")
    first = mounts_argv("bwrap", {target: "/srv/bucket"})
    listed: list[str] = []
    real_listdir = os.listdir
    monkeypatch.setattr(sandbox.os, "listdir", lambda p: listed.append(p) or real_listdir(p))
    assert mounts_argv("bwrap", {target: "/srv/bucket"}) == first
    assert listed == []  # nothing changed on the way to the mount point: not listed again
    (tmp_path / "new-entry").mkdir()
    again = mounts_argv("bwrap", {target: "/srv/bucket"})
    new_entry = str(tmp_path / "new-entry")
    assert (new_entry, new_entry) in pairs(again, "--dev-bind")
    assert (new_entry, new_entry) not in pairs(first, "--dev-bind")
    assert "/" in listed and str(tmp_path) in listed
