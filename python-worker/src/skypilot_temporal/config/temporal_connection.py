"""Temporal client connection through Temporal's environment configuration."""

from __future__ import annotations

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


async def connect(
    environ: Mapping[str, str] | None = None,
    interceptors: Sequence[Interceptor] = (),
    runtime: Runtime | None = None,
) -> Client:
    return await Client.connect(
        **connect_config(environ), data_converter=data_converter,
        interceptors=interceptors, runtime=runtime,
    )
