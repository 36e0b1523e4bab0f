"""What happens to a detected entity: mask, mask keeping the last 4, hash, drop, allow."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from vlgate.guard.spans import Span


class Action(StrEnum):
    MASK = "mask"  # [EMAIL]
    MASK_LAST4 = "mask_last4"  # [CARD ****1111]
    HASH = "hash"  # [EMAIL:3f9a0c2b1d] — same value, same key -> same pseudonym
    DROP = "drop"  # removed
    ALLOW = "allow"  # left as is (still counted)


class Pseudonymizer:
    """Keyed HMAC-SHA256 pseudonyms: stable across requests and replicas that share the key,
    so redacted records can still be joined; without the key they cannot be reversed."""

    def __init__(self, key: bytes | None = None, length: int = 10) -> None:
        self._key = key if key else secrets.token_bytes(32)
        self.length = length

    def pseudonym(self, entity: str, value: str) -> str:
        normalised = "".join(c for c in value.casefold() if c.isalnum() or c in "@.")
        digest = hmac.new(self._key, f"{entity}\x00{normalised}".encode(), hashlib.sha256)
        return digest.hexdigest()[: self.length]


@dataclass(frozen=True, slots=True)
class ChannelPolicy:
    """The action for each entity type on one channel (answer, trace or audit)."""

    default: Action = Action.MASK
    entities: Mapping[str, Action] = field(default_factory=dict)

    def action_for(self, entity: str) -> Action:
        return self.entities.get(entity, self.default)


def render(span: Span, action: Action, pseudonymizer: Pseudonymizer) -> str:
    """The replacement text for ``span`` under ``action``."""
    label = "REDACTED" if span.entity.startswith("filter:") else span.entity.upper()
    if action is Action.ALLOW:
        return span.value
    if action is Action.DROP:
        return ""
    if action is Action.HASH:
        return f"[{label}:{pseudonymizer.pseudonym(span.entity, span.value)}]"
    if action is Action.MASK_LAST4:
        alnum = [c for c in span.value if c.isalnum()]
        if len(alnum) > 6:
            return f"[{label} ****{''.join(alnum[-4:])}]"
    return f"[{label}]"
