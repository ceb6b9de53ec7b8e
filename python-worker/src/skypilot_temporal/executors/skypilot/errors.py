"""How the SkyPilot executor sorts the SDK's errors: the cluster is gone, retrying
cannot help, or retrying may (see docs/architecture.md, "Failure classes")."""

from __future__ import annotations

from typing import NoReturn

from sky import exceptions as sky_exc

from skypilot_temporal.executors.base import ClusterGone, PermanentError, TransientError

# Errors no retry can fix.
PERMANENT = tuple(
    getattr(sky_exc, name)
    for name in (
        "NoCloudAccessError",
        "InvalidClusterNameError",
        "ResourcesMismatchError",
        "NotSupportedError",
        "ApiServerAuthenticationError",
        "APIVersionMismatchError",
        "UserRequestRejectedByPolicy",
        "ClusterOwnerIdentityMismatchError",
        "InvalidSkyPilotConfigError",
        "CloudUserIdentityError",
        "StorageSpecError",
        "StorageBucketCreateError",
        "RequestCancelled",
        "PermissionDeniedError",
        # Raised after SkyPilot itself failed over across every candidate location;
        # waiting for capacity is what launch.retry_until_up is for.
        "ResourcesUnavailableError",
    )
    if hasattr(sky_exc, name)
) + (ValueError, TypeError, KeyError)
GONE = (sky_exc.ClusterDoesNotExist, sky_exc.ClusterNotUpError)


def classify(err: BaseException, what: str) -> NoReturn:
    """Re-raises an SDK error as ClusterGone, PermanentError or TransientError."""
    if isinstance(err, GONE):
        raise ClusterGone(f"{what}: {err}") from None
    if isinstance(err, PERMANENT):
        raise PermanentError(f"{type(err).__name__}: {err}") from None
    raise TransientError(f"{what}: {type(err).__name__}: {err}") from None
