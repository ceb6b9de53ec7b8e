"""SKYPILOT_TEMPORAL_TEAM_QUOTAS: how many clusters each team may have up at once, fleet-wide.

`vision=8,nlp=4,*=2`: comma-separated TEAM=LIMIT entries. `*` stands for every team not
named; a team with no entry, when there is no `*`, is unlimited. A limit is a whole
number >= 0; 0 means the team may hold none (its runs wait until the limit is raised).
A team name is 1-63 characters of a-z, 0-9, `-`, `_` and `.`, starting with a letter or
digit: it is part of a workflow id and of what a query shows, so it is kept plain.
An empty or unset setting limits no team.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from skypilot_temporal.config.settings import ConfigError
from skypilot_temporal.contract.names import DEFAULT_TEAM, TEAM_PATTERN

TEAM_QUOTAS_SETTING = "SKYPILOT_TEMPORAL_TEAM_QUOTAS"
ANY_TEAM = "*"
TEAM_NAME_RULE = "1-63 characters of a-z, 0-9, '-', '_' and '.', starting with a letter or digit"
_TEAM = re.compile(TEAM_PATTERN)
_LIMIT = re.compile(r"[0-9]+")
_ENTRY_RULE = f"TEAM=LIMIT, TEAM being {ANY_TEAM!r} or {TEAM_NAME_RULE}, LIMIT a whole number >= 0"


def is_team_name(team: str) -> bool:
    """Whether `team` may name a team."""
    return _TEAM.fullmatch(team) is not None


@dataclass(frozen=True)
class TeamQuotas:
    """The limits by team, and the limit of any team not named (None: unlimited)."""

    limits: Mapping[str, int] = field(default_factory=dict)
    others: int | None = None

    def limit_of(self, team: str) -> int | None:
        """How many clusters `team` may have up at once; None when it is unlimited."""
        return self.limits.get(team, self.others)


def parse_team_quotas(text: str) -> TeamQuotas:
    """The setting's value as TeamQuotas; ConfigError naming the entry when it is not."""
    if not text.strip():
        return TeamQuotas()
    limits: dict[str, int] = {}
    others: int | None = None
    for entry in text.split(","):
        team, sep, limit = (part.strip() for part in entry.partition("="))
        if not sep:
            raise ConfigError(f"{TEAM_QUOTAS_SETTING}: entry {entry.strip()!r} is not {_ENTRY_RULE}")
        if team != ANY_TEAM and not is_team_name(team):
            raise ConfigError(f"{TEAM_QUOTAS_SETTING}: entry {entry.strip()!r}: team {team!r} is not "
                              f"{ANY_TEAM!r} or {TEAM_NAME_RULE}")
        if not _LIMIT.fullmatch(limit):
            raise ConfigError(f"{TEAM_QUOTAS_SETTING}: entry {entry.strip()!r}: limit {limit!r} is not "
                              "a whole number >= 0")
        if team in limits or (team == ANY_TEAM and others is not None):
            raise ConfigError(f"{TEAM_QUOTAS_SETTING}: entry {entry.strip()!r}: team {team!r} is given twice "
                              "(one entry per team)")
        if team == ANY_TEAM:
            others = int(limit)
        else:
            limits[team] = int(limit)
    return TeamQuotas(limits, others)


def team_quotas_from(environ: Mapping[str, str]) -> TeamQuotas:
    """The quotas an environment sets (none when the setting is absent)."""
    return parse_team_quotas(environ.get(TEAM_QUOTAS_SETTING, ""))


def quota_teams(environ: Mapping[str, str]) -> list[str]:
    """The teams whose quota the setting names (the default team too, under `*`): their
    gauges are exported from the worker's start."""
    quotas = team_quotas_from(environ)
    teams = set(quotas.limits)
    if quotas.others is not None:
        teams.add(DEFAULT_TEAM)
    return sorted(teams)
