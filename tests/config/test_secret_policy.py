"""Masking secret values in what leaves the worker."""

from __future__ import annotations

from skypilot_temporal.config.secret_policy import Redactor


def test_redactor_masks_secret_values_not_short_ones():
    redact = Redactor({"A": "hunter2-long", "B": "ab"})
    assert redact("pw=hunter2-long ab") == "pw=*** ab"
