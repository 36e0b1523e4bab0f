"""Text classifiers for content rules: the ``TextClassifier`` protocol and its registry.

A classifier turns text into a score in [0, 1]; a rule fires at its threshold.
Built-ins: ``lexicon`` (weighted words and phrases) and ``injection`` (the input
screen's scorer: the learned classifier and the pattern families, to catch an answer
or trace that relays injected instructions).
Plugins are named ``"package.module:factory"`` and get the rule's ``options``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class TextClassifier(Protocol):
    def score(self, text: str) -> float:
        """Probability-like score that ``text`` belongs to the class."""
        ...


class LexiconClassifier:
    """``1 - prod(1 - w)`` over the distinct weighted terms present (case-insensitive)."""

    def __init__(self, weights: Mapping[str, float] | None = None, **_: Any) -> None:
        self.weights = {k.lower(): float(v) for k, v in (weights or {}).items()}
        alternatives = "|".join(re.escape(k) for k in sorted(self.weights, key=len, reverse=True))
        self._re = re.compile(rf"(?i)\b(?:{alternatives})\b") if self.weights else None

    def score(self, text: str) -> float:
        if self._re is None:
            return 0.0
        remaining = 1.0
        for term in {m.group().lower() for m in self._re.finditer(text)}:
            remaining *= 1.0 - self.weights[term]
        return 1.0 - remaining


class InjectionClassifier:
    def __init__(self, **_: Any) -> None:
        from vlgate.guard.injection import InjectionScorer

        self._scorer = InjectionScorer()

    def score(self, text: str) -> float:
        return self._scorer.score(text).score


ClassifierFactory = Callable[..., TextClassifier]
CLASSIFIERS: Mapping[str, ClassifierFactory] = MappingProxyType(
    {"lexicon": LexiconClassifier, "injection": InjectionClassifier}
)


def build_classifier(name: str, options: Mapping[str, Any]) -> TextClassifier:
    if name in CLASSIFIERS:
        return CLASSIFIERS[name](**options)
    module_name, _, attr = name.partition(":")
    if not attr:
        raise KeyError(f"unknown classifier {name!r}; known: {sorted(CLASSIFIERS)} or 'pkg.mod:fn'")
    built = getattr(importlib.import_module(module_name), attr)(**options)
    if not isinstance(built, TextClassifier):
        raise TypeError(f"classifier {name!r} has no score(text) method")
    return built
