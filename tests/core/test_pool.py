"""Replica choice, retries, the retry budget and passive ejection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from vlgate.backends.pool import Pool, PoolSettings, RetryBudget
from vlgate.errors import UpstreamError
from vlgate.modes import Mode
from vlgate.types import (
    BackendEvent,
    Finish,
    GenerationRequest,
    LoadSnapshot,
    SamplingParams,
    TextDelta,
)


class Scripted:
    """A replica whose outcomes are scripted: "ok", "fail" (retryable, before any
    byte), "fatal" (not retryable), "midstream" (fails after one delta)."""

    def __init__(
        self, name: str, outcomes: list[str], waiting: int = 0, healthy: bool = True
    ) -> None:
        self.name = name
        self.mode = Mode.INSTRUCT
        self.outcomes = outcomes
        self.calls = 0
        self.waiting = waiting
        self.healthy = healthy

    async def start(self) -> None: ...

    async def aclose(self) -> None: ...

    def models(self) -> list[str]:
        return [self.name]

    async def ready(self) -> bool:
        return self.healthy

    def load(self) -> LoadSnapshot:
        return LoadSnapshot(self.waiting, 1, 1.0, 0.0, "engine_metrics", self.healthy)

    async def stream(self, request: GenerationRequest) -> AsyncIterator[BackendEvent]:
        outcome = self.outcomes[min(self.calls, len(self.outcomes) - 1)]
        self.calls += 1
        if outcome == "fail":
            raise UpstreamError(f"{self.name} 503", retryable=True)
        if outcome == "fatal":
            raise UpstreamError(f"{self.name} bad", retryable=False)
        yield TextDelta(self.name)
        if outcome == "midstream":
            raise UpstreamError(f"{self.name} reset", retryable=True, sent_output=True)
        yield Finish("stop")


def request() -> GenerationRequest:
    return GenerationRequest("r1", Mode.INSTRUCT, [], SamplingParams())


async def collect(pool: Pool) -> list[BackendEvent]:
    return [e async for e in pool.stream(request())]


async def test_least_loaded_wins() -> None:
    busy, idle = Scripted("busy", ["ok"], waiting=10), Scripted("idle", ["ok"])
    events = await collect(Pool(Mode.INSTRUCT, [busy, idle]))
    assert events[0] == TextDelta("idle") and busy.calls == 0


async def test_equal_replicas_share_round_robin() -> None:
    a, b = Scripted("a", ["ok"]), Scripted("b", ["ok"])
    pool = Pool(Mode.INSTRUCT, [a, b])
    for _ in range(10):
        await collect(pool)
    assert (a.calls, b.calls) == (5, 5)


async def test_failure_before_first_byte_retries_elsewhere() -> None:
    bad, good = Scripted("bad", ["fail"]), Scripted("good", ["ok"], waiting=5)
    retried: list[str] = []
    pool = Pool(Mode.INSTRUCT, [bad, good], on_retry=lambda name, exc: retried.append(name))
    events = await collect(pool)
    assert events[0] == TextDelta("good") and retried == ["bad"]


async def test_not_retryable_and_midstream_are_not_retried() -> None:
    for outcome in ("fatal", "midstream"):
        first, second = Scripted("first", [outcome]), Scripted("second", ["ok"], waiting=5)
        with pytest.raises(UpstreamError):
            await collect(Pool(Mode.INSTRUCT, [first, second]))
        assert second.calls == 0, outcome


async def test_retries_are_bounded() -> None:
    a, b = Scripted("a", ["fail"]), Scripted("b", ["fail"])
    pool = Pool(Mode.INSTRUCT, [a, b], PoolSettings(max_retries=2, eject_after=100))
    with pytest.raises(UpstreamError):
        await collect(pool)
    assert a.calls + b.calls == 3


async def test_retry_budget_limits_retries_under_failure_storms() -> None:
    a, b = Scripted("a", ["fail"]), Scripted("b", ["fail"])
    pool = Pool(
        Mode.INSTRUCT, [a, b], PoolSettings(retry_ratio=0.2, retry_floor=2, eject_after=10**6)
    )
    for _ in range(100):
        with pytest.raises(UpstreamError):
            await collect(pool)
    # 100 requests deposit 20 tokens, plus the floor of 2: at most ~22 retries.
    assert pool.budget.retries <= 22
    assert a.calls + b.calls == 100 + pool.budget.retries


def test_budget_accounting() -> None:
    b = RetryBudget(0.5, 1)
    assert b.spend() and not b.spend()
    b.deposit()
    b.deposit()
    assert b.spend()


class Clock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


async def test_consecutive_failures_eject_for_a_growing_cooldown() -> None:
    clock = Clock()
    bad, good, other = (
        Scripted("bad", ["fail"]),
        Scripted("good", ["ok"]),
        Scripted("other", ["ok"]),
    )
    pool = Pool(
        Mode.INSTRUCT,
        [bad, good, other],
        PoolSettings(eject_after=2, eject_base_s=10, max_ejected_share=0.5, retry_floor=100),
        clock=clock,
    )
    bad.waiting = good.waiting = other.waiting = 0
    for _ in range(6):
        await collect(pool)
    calls = bad.calls
    assert calls == 2  # ejected after its second failure
    for _ in range(6):
        await collect(pool)
    assert bad.calls == calls
    clock.t = 10.5  # back after the cool-down
    for _ in range(6):
        await collect(pool)
    assert bad.calls == calls + 2  # fails twice more, ejected again
    clock.t = 25.0  # the second cool-down is 20 s, not 10
    for _ in range(6):
        await collect(pool)
    assert bad.calls == calls + 2


async def test_never_ejects_past_the_share() -> None:
    a, b = Scripted("a", ["fail"]), Scripted("b", ["fail"])
    pool = Pool(
        Mode.INSTRUCT, [a, b], PoolSettings(eject_after=1, max_ejected_share=0.5, retry_floor=100)
    )
    for _ in range(5):
        with pytest.raises(UpstreamError):
            await collect(pool)
    assert a.calls > 1 and b.calls > 1  # one may be out, never both


async def test_unhealthy_replica_is_skipped_and_load_reports_it() -> None:
    sick, fine = Scripted("sick", ["ok"], healthy=False), Scripted("fine", ["ok"], waiting=3)
    pool = Pool(Mode.INSTRUCT, [sick, fine])
    events = await collect(pool)
    assert events[0] == TextDelta("fine")
    assert pool.load().healthy
    fine.healthy = False
    assert not pool.load().healthy
