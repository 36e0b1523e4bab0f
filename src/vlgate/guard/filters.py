"""Content filters over a stream: terms, patterns and classifiers; block / redact / flag.

``ContentFilter`` is sans-I/O and per channel. It keeps the last ``window``
characters so a term split across chunks is still seen, and reports a match once,
in the feed where it completes. A ``block`` match stops the stream: the caller must
emit nothing more from that channel. ``redact`` rules become recognisers of the
PII engine (entity ``filter:<rule id>``) so they share its hold-back and masking.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from vlgate.guard.classifiers import TextClassifier, build_classifier
from vlgate.guard.config import FilterRule
from vlgate.guard.spans import Span


def rule_regex(rule: FilterRule) -> re.Pattern[str] | None:
    flags = 0 if rule.case_sensitive else re.IGNORECASE
    if rule.kind == "pattern" and rule.pattern:
        return re.compile(rule.pattern, flags)
    if rule.kind == "term":
        words = sorted(rule.terms, key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, t.split())) for t in words)
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)
    return None


class TermRecognizer:
    """A ``redact`` rule seen as a recogniser, so the redactor masks its matches."""

    def __init__(self, rule: FilterRule) -> None:
        regex = rule_regex(rule)
        if regex is None:
            raise ValueError(f"rule {rule.id!r} cannot redact")
        self.entity = f"filter:{rule.id}"
        self._re = regex

    def find(self, text: str) -> Iterator[Span]:
        for m in self._re.finditer(text):
            if m.end() > m.start():
                yield Span(m.start(), m.end(), self.entity, 1.0, m.group())


@dataclass(frozen=True, slots=True)
class FilterHit:
    rule: str
    action: str  # block | flag


@dataclass(slots=True)
class FilterResult:
    blocked: FilterHit | None = None
    hits: list[FilterHit] = field(default_factory=list)


@dataclass(slots=True)
class _Compiled:
    rule: FilterRule
    regex: re.Pattern[str] | None
    classifier: TextClassifier | None


class ContentFilter:
    def __init__(
        self, rules: Sequence[FilterRule], *, window: int = 256, stride: int = 200
    ) -> None:
        self._rules = [
            _Compiled(
                r,
                rule_regex(r),
                build_classifier(r.classifier, r.options)
                if r.kind == "classifier" and r.classifier
                else None,
            )
            for r in rules
            if r.action != "redact"
        ]
        self.window, self.stride = window, stride
        self.counts: Counter[tuple[str, str]] = Counter()
        self._tail = ""
        self._fed = 0  # characters fed so far
        self._seen_ends: set[tuple[str, int]] = set()
        self._unscored = 0
        self.blocked: FilterHit | None = None

    def feed(self, text: str) -> FilterResult:
        if self.blocked:
            return FilterResult(self.blocked)
        joined = self._tail + text
        base = self._fed - len(self._tail)
        self._fed += len(text)
        self._unscored += len(text)
        result = self._match(joined, len(self._tail), base)
        self._tail = joined[-self.window :]
        if result.blocked is None and self._unscored >= self.stride:
            self._classify(joined, result)
        return result

    def flush(self) -> FilterResult:
        if self.blocked:
            return FilterResult(self.blocked)
        result = FilterResult()
        if self._unscored:
            self._classify(self._tail, result)
        return result

    def _match(self, text: str, new_from: int, base: int) -> FilterResult:
        result = FilterResult()
        for c in self._rules:
            if c.regex is None:
                continue
            for m in c.regex.finditer(text):
                key = (c.rule.id, base + m.end())
                if m.end() <= new_from or m.end() == m.start() or key in self._seen_ends:
                    continue
                self._seen_ends.add(key)
                if self._record(c.rule, result):
                    return result
        return result

    def _classify(self, text: str, result: FilterResult) -> None:
        self._unscored = 0
        for c in self._rules:
            scored = c.classifier is not None and c.classifier.score(text) >= c.rule.threshold
            if scored and self._record(c.rule, result):
                return

    def _record(self, rule: FilterRule, result: FilterResult) -> bool:
        hit = FilterHit(rule.id, rule.action)
        self.counts[(rule.id, rule.action)] += 1
        result.hits.append(hit)
        if rule.action == "block":
            self.blocked = result.blocked = hit
            return True
        return False
