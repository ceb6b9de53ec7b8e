"""Small text helpers for what the starter prints."""

from __future__ import annotations

import json


def quote(text: str) -> str:
    """A value in a message, quoted as the Go and TypeScript starters quote it."""
    return json.dumps(text, ensure_ascii=False)
