"""The names a team's cluster quota is reached by: its workflow, signals, query and activities.

What an operator reads (the workflow type, its id, its query) is the contract's
(proto options); the signals and activities are the worker's own.
"""

from __future__ import annotations

from skypilot_temporal.contract.names import QUOTA_QUERY, QUOTA_WORKFLOW_ID_PREFIX, QUOTA_WORKFLOW_TYPE

__all__ = ["QUOTA_QUERY", "QUOTA_WORKFLOW_ID_PREFIX", "QUOTA_WORKFLOW_TYPE"]

# Holder -> quota: ask for slots; give them back.
ACQUIRE_SIGNAL = "acquire"
RELEASE_SIGNAL = "release"
# Quota -> holder: a request was granted.
GRANTED_SIGNAL = "quota_granted"
# A release's request id that gives back every slot the holder holds or waits for.
RELEASE_ALL = "all"

# The activities: a run asks through REQUEST_QUOTA_ACTIVITY; the quota workflow reads
# its limit and checks its holders' leases through the other two.
REQUEST_QUOTA_ACTIVITY = "request_quota"
READ_TEAM_LIMIT_ACTIVITY = "read_team_limit"
CLOSED_HOLDERS_ACTIVITY = "closed_quota_holders"


def quota_workflow_id(team: str) -> str:
    """The id of `team`'s quota workflow."""
    return QUOTA_WORKFLOW_ID_PREFIX + team
