"""Routing policy order, budgets and fallbacks; the failure breaker; the wait estimate."""

from __future__ import annotations

import pytest

from vlgate.errors import InvalidRequest
from vlgate.modes import Mode
from vlgate.routing.breaker import BreakerState, FailureBreaker
from vlgate.routing.policy import Audience, RouteInput, RoutingSettings, choose, decide
from vlgate.routing.wait import expected_latency_s
from vlgate.types import LoadSnapshot

S = RoutingSettings()


def healthy(expected_s: float = 1.0):  # type: ignore[no-untyped-def]
    return lambda: (True, expected_s)


@pytest.mark.parametrize(
    ("inp", "mode", "reason"),
    [
        (RouteInput(requested_mode=Mode.THINKING, task="ocr"), Mode.THINKING, "explicit"),
        (RouteInput(requested_mode=Mode.INSTRUCT, task="math"), Mode.INSTRUCT, "explicit"),
        (
            RouteInput(task="chart_reasoning", audience=Audience.INTERACTIVE),
            Mode.THINKING,
            "task:chart_reasoning",
        ),
        (RouteInput(task="ocr", audience=Audience.REVIEWER), Mode.INSTRUCT, "task:ocr"),
        (
            RouteInput(audience=Audience.REVIEWER, text="caption"),
            Mode.THINKING,
            "audience:reviewer",
        ),
        (
            RouteInput(audience=Audience.INTERACTIVE, text="step by step"),
            Mode.INSTRUCT,
            "audience:interactive",
        ),
        (RouteInput(text="Solve it step by step"), Mode.THINKING, "content:reasoning_request"),
        (RouteInput(text="What is in this picture?"), Mode.INSTRUCT, "default"),
    ],
)
def test_order(inp: RouteInput, mode: Mode, reason: str) -> None:
    assert choose(inp, S) == (mode, reason)


def test_every_default_task_routes_per_facts() -> None:
    for task in (
        "captioning",
        "ocr",
        "extraction",
        "classification",
        "moderation",
        "gui_action",
        "live_captioning",
    ):
        assert choose(RouteInput(task=task), S)[0] is Mode.INSTRUCT
    for task in ("math", "chart_reasoning", "multi_step_vqa", "cross_page_documents",
                 "medical_review", "legal_review", "financial_review", "long_video_reasoning", "tutoring"):  # fmt: skip
        assert choose(RouteInput(task=task), S)[0] is Mode.THINKING


def test_unknown_task_rejected_or_ignored() -> None:
    with pytest.raises(InvalidRequest) as exc:
        choose(RouteInput(task="astrology"), S)
    assert exc.value.param == "vlgate.task"
    assert "astrology" in exc.value.message
    lenient = RoutingSettings(unknown_task="ignore")
    assert choose(RouteInput(task="astrology"), lenient) == (Mode.INSTRUCT, "default")


def test_default_mode_is_configurable() -> None:
    s = RoutingSettings(default_mode=Mode.THINKING, content_rules=[])
    assert choose(RouteInput(text="hi"), s) == (Mode.THINKING, "default")


def test_over_budget_falls_back_with_reason() -> None:
    d = decide(RouteInput(task="math", latency_budget_ms=2000), S, healthy(3.0))
    assert (d.mode, d.reason, d.wanted) == (
        Mode.INSTRUCT,
        "fallback:thinking_over_budget",
        Mode.THINKING,
    )
    assert d.expected_ms == 3000.0 and d.fell_back
    d = decide(RouteInput(task="math", latency_budget_ms=4000), S, healthy(3.0))
    assert (d.mode, d.reason) == (Mode.THINKING, "task:math")


def test_audience_default_budget_applies() -> None:
    d = decide(RouteInput(task="math", audience=Audience.INTERACTIVE), S, healthy(20.0))
    assert d.reason == "fallback:thinking_over_budget" and d.budget_ms == 15_000
    d = decide(RouteInput(audience=Audience.REVIEWER), S, healthy(600.0))
    assert d.mode is Mode.THINKING and d.budget_ms is None


def test_unavailable_thinking_falls_back() -> None:
    d = decide(RouteInput(task="math"), S, lambda: (False, None))
    assert (d.mode, d.reason) == (Mode.INSTRUCT, "fallback:thinking_unavailable")


def test_explicit_fallback_can_be_disabled() -> None:
    s = RoutingSettings(fallback_on_explicit=False)
    d = decide(RouteInput(requested_mode=Mode.THINKING), s, lambda: (False, None))
    assert d.mode is Mode.THINKING


def test_thinking_state_not_consulted_for_instruct() -> None:
    def boom() -> tuple[bool, float | None]:
        raise AssertionError("asked for Thinking's state on an Instruct request")

    assert decide(RouteInput(task="ocr"), S, boom).mode is Mode.INSTRUCT


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_breaker_opens_half_opens_and_closes() -> None:
    clock = Clock()
    b = FailureBreaker(threshold=3, cooldown_s=10, clock=clock)
    for _ in range(2):
        b.record_failure()
    assert b.state is BreakerState.CLOSED and b.allow()
    b.record_failure()
    assert b.state is BreakerState.OPEN and not b.allow()
    clock.t = 10.0
    assert b.state is BreakerState.HALF_OPEN
    assert b.allow()  # the probe
    assert not b.allow()  # only one probe at a time
    b.record_success()
    assert b.state is BreakerState.CLOSED and b.allow()


def test_failed_probe_reopens_for_longer() -> None:
    clock = Clock()
    b = FailureBreaker(threshold=1, cooldown_s=10, max_cooldown_s=15, clock=clock)
    b.record_failure()
    clock.t = 10.0
    assert b.allow()
    b.record_failure()
    clock.t = 24.0
    assert b.state is BreakerState.OPEN  # cool-down doubled (capped at 15)
    clock.t = 25.0
    assert b.state is BreakerState.HALF_OPEN


def test_success_resets_the_count() -> None:
    b = FailureBreaker(threshold=2, clock=Clock())
    b.record_failure()
    b.record_success()
    b.record_failure()
    assert b.state is BreakerState.CLOSED


def test_released_probe_frees_the_slot() -> None:
    clock = Clock()
    b = FailureBreaker(threshold=1, cooldown_s=1, clock=clock)
    b.record_failure()
    clock.t = 1.0
    assert b.allow() and not b.allow()
    b.release_probe()
    assert b.allow()


def test_expected_latency() -> None:
    idle = LoadSnapshot(0, 0, 2.0, 0.0, "engine_metrics")
    assert expected_latency_s(idle, 8.0) == 2.0
    queued = LoadSnapshot(
        waiting=16, running=8, service_time_s=2.0, age_s=0, source="engine_metrics"
    )
    assert expected_latency_s(queued, 8.0) == 6.0
    unknown = LoadSnapshot(0, 0, None, 0.0, "inflight")
    assert expected_latency_s(unknown, 8.0) == 8.0
