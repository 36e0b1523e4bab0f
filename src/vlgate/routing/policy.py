"""The routing decision: a pure function of the request and the observed load.

Order (first match wins): explicit mode > task class > audience > content rules >
default. Then, if the choice is Thinking, the breaker: Thinking failing, or its
expected latency over the request's budget, sends the request to Instruct. Every
decision carries a short machine-readable reason (``explicit``,
``task:chart_reasoning``, ``fallback:thinking_over_budget``, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, Field

from vlgate.errors import InvalidRequest
from vlgate.modes import Mode
from vlgate.routing.tasks import DEFAULT_TASKS


class Audience(StrEnum):
    INTERACTIVE = "interactive"
    REVIEWER = "reviewer"


class ContentRule(BaseModel):
    """Route by what the request contains; all given conditions must hold."""

    name: str
    mode: Mode
    pattern: str | None = None  # regex searched in the last user message's text
    min_images: int | None = None  # images + PDF pages
    has_video: bool | None = None

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None

    def matches(self, inp: RouteInput) -> bool:
        if self.regex is not None and not self.regex.search(inp.text):
            return False
        if self.min_images is not None and inp.n_images < self.min_images:
            return False
        return self.has_video is None or self.has_video == inp.has_video


def _default_rules() -> list[ContentRule]:
    return [
        ContentRule(
            name="reasoning_request",
            mode=Mode.THINKING,
            pattern=(
                r"(?i)\b(step[- ]by[- ]step|prove|derive|show (your|the) (work|reasoning)"
                r"|explain (your reasoning|why)|think (carefully|hard)|worked solution)\b"
            ),
        )
    ]


class RoutingSettings(BaseModel):
    default_mode: Mode = Mode.INSTRUCT
    tasks: dict[str, Mode] = Field(default_factory=lambda: dict(DEFAULT_TASKS))
    unknown_task: str = Field("reject", pattern="^(reject|ignore)$")
    audiences: dict[Audience, Mode] = Field(
        default_factory=lambda: {
            Audience.INTERACTIVE: Mode.INSTRUCT,
            Audience.REVIEWER: Mode.THINKING,
        }
    )
    content_rules: list[ContentRule] = Field(default_factory=_default_rules)
    # Latency budget when the request gives none: per audience, then global (None: no limit).
    audience_budget_ms: dict[Audience, float | None] = Field(
        default_factory=lambda: {Audience.INTERACTIVE: 15_000.0, Audience.REVIEWER: None}
    )
    default_budget_ms: float | None = None
    # Seconds per request before any has been observed (FACTS.md typical figures).
    initial_service_s: dict[Mode, float] = Field(
        default_factory=lambda: {Mode.INSTRUCT: 0.35, Mode.THINKING: 8.0}
    )
    fallback_on_explicit: bool = True  # may an explicit "thinking" still fall back?
    breaker_threshold: int = 5
    breaker_cooldown_s: float = 10.0
    breaker_max_cooldown_s: float = 120.0


@dataclass(slots=True, frozen=True)
class RouteInput:
    requested_mode: Mode | None = None  # explicit: model name, body or header
    task: str | None = None
    audience: Audience | None = None
    latency_budget_ms: float | None = None
    text: str = ""  # the last user message's text
    n_images: int = 0
    has_video: bool = False


@dataclass(slots=True, frozen=True)
class RouteDecision:
    mode: Mode
    reason: str
    wanted: Mode  # the choice before any fallback
    budget_ms: float | None = None
    expected_ms: float | None = None  # Thinking's expected latency, when it was checked

    @property
    def fell_back(self) -> bool:
        return self.mode is not self.wanted


def choose(inp: RouteInput, settings: RoutingSettings) -> tuple[Mode, str]:
    """Which mode the request wants, before looking at load or failures."""
    if inp.requested_mode is not None:
        return inp.requested_mode, "explicit"
    if inp.task is not None:
        mode = settings.tasks.get(inp.task)
        if mode is not None:
            return mode, f"task:{inp.task}"
        if settings.unknown_task == "reject":
            known = ", ".join(sorted(settings.tasks))
            raise InvalidRequest(
                f"unknown task class {inp.task!r}; known: {known}",
                param="vlgate.task",
                code="unknown_task",
            )
    if inp.audience is not None and inp.audience in settings.audiences:
        return settings.audiences[inp.audience], f"audience:{inp.audience.value}"
    for rule in settings.content_rules:
        if rule.matches(inp):
            return rule.mode, f"content:{rule.name}"
    return settings.default_mode, "default"


def budget_for(inp: RouteInput, settings: RoutingSettings) -> float | None:
    if inp.latency_budget_ms is not None:
        return inp.latency_budget_ms
    if inp.audience is not None and inp.audience in settings.audience_budget_ms:
        return settings.audience_budget_ms[inp.audience]
    return settings.default_budget_ms


ThinkingState = Callable[[], tuple[bool, float | None]]


def decide(
    inp: RouteInput, settings: RoutingSettings, thinking_state: ThinkingState
) -> RouteDecision:
    """The whole decision. ``thinking_state()`` -> (available, expected latency in s)
    is asked only when Thinking is wanted: available is False when its breaker is
    open or no replica is healthy (asking may take the breaker's half-open probe).
    """
    wanted, reason = choose(inp, settings)
    budget = budget_for(inp, settings)
    if wanted is not Mode.THINKING or (reason == "explicit" and not settings.fallback_on_explicit):
        return RouteDecision(wanted, reason, wanted, budget)
    thinking_available, thinking_expected_s = thinking_state()
    expected_ms = None if thinking_expected_s is None else thinking_expected_s * 1000.0
    if not thinking_available:
        return RouteDecision(
            Mode.INSTRUCT, "fallback:thinking_unavailable", wanted, budget, expected_ms
        )
    if budget is not None and expected_ms is not None and expected_ms > budget:
        return RouteDecision(
            Mode.INSTRUCT, "fallback:thinking_over_budget", wanted, budget, expected_ms
        )
    return RouteDecision(wanted, reason, wanted, budget, expected_ms)
