"""Which host files hold the worker's own settings and credentials (the local
executor hides them from isolated tasks)."""

from __future__ import annotations

from pathlib import Path

from skypilot_temporal.config.credential_files import credential_files, temporal_config_file


def files(tmp_path: Path, *names: str) -> list[Path]:
    out = []
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"contents of {name}\n")
        out.append(path)
    return out


def test_the_env_file_temporal_tls_files_and_the_profiles_paths(tmp_path):
    dotenv, key, cert, ca, profile_key = files(
        tmp_path, "worker.env", "tls/client.key", "tls/client.pem", "tls/ca.pem", "profile/other.key")
    config = tmp_path / "temporal.toml"
    config.write_text(
        '[profile.default]\naddress = "temporal.example:7233"\n'
        f'[profile.default.tls]\nclient_key_path = "{profile_key}"\n'
        f"client_cert_path = '{cert}'\n"
        '[profile.other.tls]\nclient_key_path = "/nonexistent/key"\n'
    )
    (tmp_path / "link.key").symlink_to(key)
    environ = {
        "TEMPORAL_CONFIG_FILE": str(config),
        "TEMPORAL_TLS_CLIENT_KEY_PATH": str(tmp_path / "link.key"),
        "TEMPORAL_TLS_CLIENT_CERT_PATH": str(cert),
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(ca),
        "TEMPORAL_ADDRESS": str(tmp_path / "not-a-file-variable"),
    }
    found = credential_files(environ, dotenv)
    # Each once, links resolved, missing ones left out.
    assert found == [dotenv, config, cert, key, ca, profile_key]


def test_the_default_profile_file_is_read_where_temporal_reads_it(tmp_path):
    (config,) = files(tmp_path, "xdg/temporalio/temporal.toml")
    assert temporal_config_file({"XDG_CONFIG_HOME": str(tmp_path / "xdg")}) == config
    assert temporal_config_file({}) == Path.home() / ".config" / "temporalio" / "temporal.toml"
    assert credential_files({"XDG_CONFIG_HOME": str(tmp_path / "xdg")}, None) == [config]


def test_an_unreadable_profile_file_still_hides_itself(tmp_path):
    (config,) = files(tmp_path, "temporal.toml")
    config.write_text("this is [not toml\n")
    assert credential_files({"TEMPORAL_CONFIG_FILE": str(config)}, None) == [config]
    assert credential_files({"TEMPORAL_CONFIG_FILE": str(tmp_path / "none.toml")}, None) == []
