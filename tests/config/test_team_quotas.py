"""SKYPILOT_TEMPORAL_TEAM_QUOTAS: the limits it sets, and the values it refuses."""

from __future__ import annotations

import pytest

from skypilot_temporal.config.settings import ConfigError
from skypilot_temporal.config.team_quotas import TEAM_QUOTAS_SETTING, parse_team_quotas, team_quotas_from


def test_named_teams_take_their_limit_and_others_take_the_star() -> None:
    quotas = parse_team_quotas("vision=8, nlp=4 ,*=2")
    assert [quotas.limit_of(t) for t in ("vision", "nlp", "speech")] == [8, 4, 2]


def test_without_a_star_a_team_not_named_is_unlimited() -> None:
    quotas = parse_team_quotas("vision=0")
    assert (quotas.limit_of("vision"), quotas.limit_of("nlp")) == (0, None)


def test_an_absent_or_empty_setting_limits_no_team() -> None:
    assert team_quotas_from({}).limit_of("vision") is None
    assert team_quotas_from({TEAM_QUOTAS_SETTING: "  "}).limit_of("vision") is None
    assert team_quotas_from({TEAM_QUOTAS_SETTING: "vision=3"}).limit_of("vision") == 3


@pytest.mark.parametrize(("value", "said"), [
    ("vision=8,vision=2", "entry 'vision=2': team 'vision' is given twice"),
    ("*=1,nlp=2,*=3", "entry '*=3': team '*' is given twice"),
    ("vision", "entry 'vision' is not TEAM=LIMIT"),
    ("vision=8,", "entry '' is not TEAM=LIMIT"),
    ("Vision=8", "team 'Vision' is not '*' or 1-63 characters of a-z, 0-9"),
    ("-vision=8", "team '-vision' is not"),
    ("v" * 64 + "=1", "is not '*' or 1-63 characters"),
    ("vision=-1", "entry 'vision=-1': limit '-1' is not a whole number >= 0"),
    ("vision=2.5", "limit '2.5' is not a whole number >= 0"),
    ("vision=", "limit '' is not a whole number >= 0"),
    ("vision=٣", "limit '٣' is not a whole number >= 0"),
])
def test_junk_is_refused_naming_the_setting_and_the_entry(value: str, said: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_team_quotas(value)
    assert str(err.value).startswith(f"{TEAM_QUOTAS_SETTING}: ")
    assert said in str(err.value)
