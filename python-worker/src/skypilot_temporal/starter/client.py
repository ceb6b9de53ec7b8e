"""The starter's Temporal client, connected as the worker connects (config/temporal_connection.py),
and the line each starter prints when it cannot be."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from temporalio.client import Client, Interceptor

from skypilot_temporal.config import temporal_connection
from skypilot_temporal.v1 import starter_cli as cli


class NotConnected(Exception):
    """The line to print (str()) and the exit status: 2 for a configuration that cannot be used, 1 for
    a server that could not be reached."""

    def __init__(self, line: str, status: int) -> None:
        super().__init__(line)
        self.status = status


async def connect(env: Mapping[str, str], interceptors: Sequence[Interceptor] = (), identity: str | None = None
                  ) -> Client:
    """A client of the server the configuration names (TEMPORAL_* variables, temporal.toml), calling itself
    `identity` in the server's history (default: pid@host); NotConnected when there is none."""
    try:
        return await temporal_connection.connect(env, interceptors, identity=identity)
    except temporal_connection.ConnectFailed as err:  # its str() is the SDK's message, on one line
        raise NotConnected(cli.connect_failed(address=err.address, detail=str(err)), 1) from None
    except Exception as err:  # noqa: BLE001 - ConfigError, or another type the SDK raises for a bad file or variable
        raise NotConnected(cli.config_invalid(detail=cli.one_line(str(err))), 2) from None
