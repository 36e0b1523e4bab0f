"""Detected entity spans and how overlapping detections are settled."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """One detected entity: ``text[start:end]`` is an ``entity`` with ``score``.

    ``value`` is the matched text (kept in memory only, for hashing and masking;
    it never leaves the guard in a verdict).
    """

    start: int
    end: int
    entity: str
    score: float
    value: str

    def shifted(self, offset: int) -> Span:
        return Span(self.start + offset, self.end + offset, self.entity, self.score, self.value)


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Keep a non-overlapping subset: higher score first, then longer, then earlier."""
    ranked = sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start, s.entity))
    kept: list[Span] = []
    for span in ranked:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def preceded_by(text: str, start: int, pattern: object, window: int = 48) -> bool:
    """Whether the ``window`` characters before ``start`` match ``pattern`` (a compiled regex)."""
    import re

    assert isinstance(pattern, re.Pattern)
    return pattern.search(text, max(0, start - window), start) is not None
