"""Which repository URLs a run may clone."""

from __future__ import annotations

import pytest

from skypilot_temporal.tasks.repo import RepoError, RepoPolicy, check_repo_url


@pytest.mark.parametrize("url,transport", [
    ("https://github.com/org/repo.git", "https"),
    ("ssh://git@github.com/org/repo.git", "ssh"),
    ("git@github.com:org/repo.git", "ssh"),
])
def test_allowed_urls(url, transport):
    assert check_repo_url(url, RepoPolicy()) == transport


def test_local_urls_only_when_allowed():
    with pytest.raises(RepoError, match="SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS=1"):
        check_repo_url("/srv/repo", RepoPolicy())
    assert check_repo_url("file:///srv/repo", RepoPolicy(allow_local=True)) == "file"
