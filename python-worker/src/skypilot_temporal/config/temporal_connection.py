"""Temporal client connection through Temporal's environment configuration."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from temporalio.client import Client, Interceptor
from temporalio.envconfig import ClientConfig, ClientConnectConfig
from temporalio.runtime import Runtime

from skypilot_temporal.config.settings import ConfigError
from skypilot_temporal.contract.names import data_converter


def connect_config(environ: Mapping[str, str] | None = None) -> ClientConnectConfig:
    """TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
    TEMPORAL_PROFILE and temporal.toml, as every Temporal SDK and the CLI read them;
    the arguments of Client.connect, with the address always set. ConfigError, with
    the SDK's reason, for a configuration that cannot be used."""
    try:
        config = ClientConfig.load_client_connect_config(
            override_env_vars=dict(environ) if environ is not None else None
        )
    except (RuntimeError, OSError) as err:  # the SDK's own ConfigError; a TLS file it names is missing
        raise ConfigError(str(err)) from None
    config.setdefault("target_host", "localhost:7233")
    return config


# How to get a server to connect to, for the one line an operator reads.
START_HINT = "start one with '.venv/bin/temporal server start-dev' or set TEMPORAL_ADDRESS"
# The SDK's core reports an OS or DNS error as Rust's Debug text of it, the reason
# last: `... Os { code: 111, kind: ConnectionRefused, message: "Connection refused" } ...`,
# `... Custom { kind: Uncategorized, error: "failed to lookup address information: ..." } ...`.
_REASON = re.compile(r'(?:message|error): "([^"]+)"')


class ConnectFailed(Exception):
    """Temporal did not let the client connect at `address`. str() is the SDK's own
    message, on one line (what the starters print); `line()` is what the worker prints."""

    def __init__(self, address: str, namespace: str, detail: str) -> None:
        super().__init__(" ".join(detail.split()))
        self.address = address
        self.namespace = namespace

    @property
    def cause(self) -> str:
        """The reason alone ("Connection refused") where the SDK's message has one."""
        reasons = _REASON.findall(str(self))
        return reasons[-1] if reasons else str(self)

    def line(self) -> str:
        """One line: what could not be reached, why, and how to get a server."""
        return (f"error: cannot connect to Temporal at {self.address} (namespace {self.namespace}): "
                f"{self.cause}; {START_HINT}")


async def connect(
    environ: Mapping[str, str] | None = None,
    interceptors: Sequence[Interceptor] = (),
    runtime: Runtime | None = None,
    identity: str | None = None,
) -> Client:
    """A client of the server the configuration names, calling itself `identity` in the
    server's history (the SDK's default: pid@host); ConfigError for a configuration
    that cannot be used, ConnectFailed when the server cannot be reached."""
    config = connect_config(environ)
    try:
        return await Client.connect(
            **config, data_converter=data_converter, interceptors=interceptors, runtime=runtime, identity=identity,
        )
    # The SDK's core raises RuntimeError for a server it cannot reach; a server that
    # answers and refuses (a wrong API key), RPCError: each is a failed connection.
    except Exception as err:
        raise ConnectFailed(config["target_host"], config.get("namespace") or "default", str(err)) from err
