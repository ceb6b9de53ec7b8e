"""Which secrets a run may have, their values, and masking them in text that leaves.

A run names secrets (`secret_env_names`); the worker hands a value over only when the
operator allowed the name in SKYPILOT_TEMPORAL_SECRET_ALLOWLIST. The worker's own
credentials (Temporal's and SkyPilot's) are never handed to a task, whatever the list
says: a task that holds them could drive the fleet itself.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from skypilot_temporal.contract.names import is_env_name

ALLOWLIST_SETTING = "SKYPILOT_TEMPORAL_SECRET_ALLOWLIST"
# The worker's own credentials and settings: never a task's secret.
RESERVED_PREFIXES = ("TEMPORAL_", "SKYPILOT_")
# Shorter values would mask ordinary text (or be found by guessing): refused.
MIN_SECRET_LENGTH = 4
MASK = "***"



class SecretRefused(Exception):
    """The run asked for a secret this worker does not hand out (permanent)."""


class MissingSecret(Exception):
    """An allowed secret the worker's environment does not define (permanent)."""


def _reserved(name: str) -> bool:
    return name.upper().startswith(RESERVED_PREFIXES)


@dataclass(frozen=True)
class SecretAllowlist:
    """Exact names and `PREFIX*` entries; empty allows nothing."""

    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: str) -> SecretAllowlist:
        """Parses the setting; raises ValueError naming the entry that is wrong."""
        names: set[str] = set()
        prefixes: list[str] = []
        for entry in (e.strip() for e in raw.split(",")):
            if not entry:
                continue
            stem = entry[:-1] if entry.endswith("*") else entry
            if entry.endswith("*") and not stem:
                raise ValueError(
                    f"{ALLOWLIST_SETTING}: '*' alone would hand every variable of the "
                    "worker (cloud keys included) to any run; list names or prefixes"
                )
            if not is_env_name(stem):
                raise ValueError(
                    f"{ALLOWLIST_SETTING}: {entry!r} is not a variable name or a "
                    "prefix ending in '*' (letters, digits and '_')"
                )
            if not entry.endswith("*") and _reserved(stem):
                raise ValueError(
                    f"{ALLOWLIST_SETTING}: {entry!r} is one of the worker's own "
                    f"credentials ({', '.join(p + '*' for p in RESERVED_PREFIXES)}), "
                    "which are never handed to a task"
                )
            if entry.endswith("*"):
                prefixes.append(stem)
            else:
                names.add(stem)
        return cls(frozenset(names), tuple(prefixes))

    def allows(self, name: str) -> bool:
        if _reserved(name):
            return False
        return name in self.names or any(name.startswith(p) for p in self.prefixes)

    def describe(self) -> str:
        entries = sorted(self.names) + [p + "*" for p in self.prefixes]
        return ", ".join(entries) if entries else "nothing"


def check_allowed(names: Iterable[str], allowlist: SecretAllowlist) -> None:
    """Raises SecretRefused for the first name the worker will not hand out."""
    for name in names:
        if _reserved(name):
            raise SecretRefused(
                f"secret_env_names: {name!r} is one of the worker's own credentials "
                f"({', '.join(p + '*' for p in RESERVED_PREFIXES)}), which no run can "
                "receive"
            )
        if not allowlist.allows(name):
            raise SecretRefused(
                f"secret_env_names: {name!r} is not allowed by this worker "
                f"(it allows {allowlist.describe()}); the operator allows it by adding "
                f"{name} to {ALLOWLIST_SETTING}"
            )


def resolve_secrets(
    names: Iterable[str], environ: Mapping[str, str], allowlist: SecretAllowlist
) -> dict[str, str]:
    """The values of the run's secrets, each allowed, defined and long enough to mask."""
    names = list(names)
    check_allowed(names, allowlist)
    missing = [n for n in names if n not in environ]
    if missing:
        raise MissingSecret(
            f"secret_env_names: {', '.join(missing)} not set in the worker's environment "
            "(or its .env file)"
        )
    short = [n for n in names if len(environ[n]) < MIN_SECRET_LENGTH]
    if short:
        raise SecretRefused(
            f"secret_env_names: the worker's value of {', '.join(short)} is shorter than "
            f"{MIN_SECRET_LENGTH} characters, too short to mask in logs; refused"
        )
    return {n: environ[n] for n in names}


def _encodings(value: str) -> set[str]:
    """Forms a task may print a value in. Masking is a courtesy for logs, not a
    boundary (a task holds the value); the allowlist is the boundary."""
    raw = value.encode()
    forms = {value, binascii.hexlify(raw).decode(), binascii.hexlify(raw).decode().upper(),
             urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value)}
    # Base64 of a value depends on where it starts within the encoded text: mask the
    # part that is the same at each of the three alignments.
    for shift in range(3):
        for enc in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = enc(b"\0" * shift + raw).decode()
            # Characters made only of the value's bits: [ceil(8s/6), floor(8(s+n)/6)).
            start, end = -(-8 * shift // 6), 8 * (shift + len(raw)) // 6
            forms.add(encoded[start:end])
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


class Redactor:
    """Replaces secret values (and their common encodings) in text that leaves the
    worker: logs, results, heartbeat details, failure messages."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        forms: set[str] = set()
        for value in secrets.values():
            if len(value) >= MIN_SECRET_LENGTH:
                forms |= _encodings(value)
        # Longest first, so a form containing another is masked whole.
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    def __bool__(self) -> bool:
        return self._pattern is not None
