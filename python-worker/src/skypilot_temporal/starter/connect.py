"""The connection, as Temporal's environment configuration says (TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE, temporal.toml)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from temporalio.client import Client, Interceptor

from skypilot_temporal.config.temporal_connection import connect_config
from skypilot_temporal.contract.names import data_converter
from skypilot_temporal.starter.format import one_line
from skypilot_temporal.v1 import starter_cli as cli


class ConnectError(Exception):
    """Temporal cannot be reached (exit status 1); the message says where and why."""

    exit_status = 1


class ConfigError(ConnectError):
    """A Temporal client configuration that cannot be used (exit status 2)."""

    exit_status = 2


async def connect(env: Mapping[str, str], interceptors: Sequence[Interceptor] = ()) -> Client:
    """A client with the contract's data converter (json/protobuf); `interceptors` are
    the tracing ones, if any."""
    try:
        config = connect_config(env)
    except Exception as err:  # the SDK raises several types for a bad file or variable
        raise ConfigError(cli.config_invalid(detail=one_line(str(err)))) from None
    try:
        return await Client.connect(**config, data_converter=data_converter, interceptors=interceptors)
    except Exception as err:  # RuntimeError from the SDK's core, or a TLS/setting error
        raise ConnectError(cli.connect_failed(address=config["target_host"], detail=one_line(str(err)))) from None
