"""Rate limits and budgets: pure GCRA, the memory store with a fake clock, and the
Redis and PostgreSQL stores for real, within one process and across two."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis.exceptions
import sqlalchemy.exc

from vlgate.errors import RateLimited
from vlgate.limits import (
    Budget,
    Decision,
    LimitSettings,
    RateLimit,
    StoreLimiter,
    TenantLimits,
    admit,
    make_limiter,
)
from vlgate.limits.base import budget_periods, gcra
from vlgate.limits.memory import MemoryStore

REDIS_URL = "redis://127.0.0.1:6379/0"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNREACHABLE = (OSError, redis.exceptions.ConnectionError, sqlalchemy.exc.OperationalError)
WORKER = Path(__file__).with_name("limits_worker.py")


# --- pure ---------------------------------------------------------------------------


def test_gcra_admits_the_burst_then_one_per_interval() -> None:
    tat = None
    got = []
    for _ in range(4):
        ok, new, retry = gcra(tat, 1_000, interval_us=100, burst=3)
        got.append((ok, retry))
        tat = new if ok else tat
    assert got == [(True, 0), (True, 0), (True, 0), (False, 100)]
    assert gcra(tat, 1_100, 100, 3)[0] is True  # one interval later: one more
    assert gcra(tat, 1_099, 100, 3) == (False, tat, 1)


def test_periods_are_utc_day_and_month_with_their_resets() -> None:
    now = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    d, m = budget_periods(Budget(daily_usd=1, monthly_usd=20), now)
    assert (d.key, d.limit_nanos, d.resets_at) == (
        "d:2026-12-31",
        10**9,
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert (m.key, m.resets_at) == ("m:2026-12", datetime(2027, 1, 1, tzinfo=UTC))
    assert budget_periods(Budget(), now) == []


def test_a_denial_becomes_a_429_with_retry_after() -> None:
    err = Decision(False, 2.2, "rate_limited").error()
    assert isinstance(err, RateLimited) and err.status_code == 429
    assert err.headers == {"Retry-After": "3"} and err.code == "rate_limited"
    assert Decision(False, 0.01, "budget_exceeded").error().headers == {"Retry-After": "1"}
    Decision(True).raise_if_denied()


# --- memory store, fake clocks ------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.us = 1_700_000_000_000_000
        self.day = datetime(2026, 11, 29, 12, tzinfo=UTC)

    def now_us(self) -> int:
        return self.us

    def now(self) -> datetime:
        return self.day


def _limits(rpm: float = 60, burst: int = 2, daily: float | None = 1.0) -> LimitSettings:
    budget = Budget(daily_usd=daily, monthly_usd=10.0)
    return LimitSettings(
        default=TenantLimits(rate=RateLimit(requests_per_minute=rpm, burst=burst), budget=budget),
        tenants={"free": TenantLimits()},
    )


def _memory(settings: LimitSettings, clock: FakeClock) -> StoreLimiter:
    return StoreLimiter(settings, MemoryStore(clock.now_us), clock.now)


async def test_rate_limit_refills_with_time() -> None:
    clock = FakeClock()
    lim = _memory(_limits(rpm=60, burst=2), clock)
    assert [(await lim.check("t")).allowed for _ in range(3)] == [True, True, False]
    denied = await lim.check("t")
    assert denied.reason == "rate_limited" and denied.retry_after_s == pytest.approx(1.0)
    clock.us += 999_999
    assert not (await lim.check("t")).allowed
    clock.us += 1
    assert (await lim.check("t")).allowed
    assert (await lim.check("other")).allowed  # tenants are independent


async def test_tenants_without_limits_are_never_refused() -> None:
    lim = _memory(_limits(rpm=1, burst=1, daily=0), FakeClock())
    assert all([(await lim.check("free")).allowed for _ in range(100)])
    assert (await lim.reserve("free", 1e6)).allowed


async def test_budget_reserve_commit_and_day_rollover() -> None:
    clock = FakeClock()
    lim = _memory(_limits(daily=0.001), clock)
    holds = [await lim.reserve("t", 0.0003) for _ in range(4)]
    assert [h.allowed for h in holds] == [True, True, True, False]
    assert holds[3].decision.reason == "budget_exceeded"
    assert holds[3].decision.retry_after_s == 12 * 3600  # until UTC midnight
    await lim.commit(holds[0], 0.0001)  # the turn cost less than estimated
    await lim.commit(holds[1], 0.0)  # failed turn: nothing spent
    assert await lim.spent_usd("t") == {"d:2026-11-29": 0.0004, "m:2026-11": 0.0004}
    assert (await lim.reserve("t", 0.0006)).allowed
    assert not (await lim.reserve("t", 1e-9)).allowed
    await lim.commit(holds[3], 5.0)  # a refused hold books nothing
    clock.day += timedelta(days=1)
    assert (await lim.reserve("t", 0.0009)).allowed  # a new day, same month
    assert (await lim.spent_usd("t"))["m:2026-11"] == pytest.approx(0.0019)


async def test_admit_raises_rate_limited_for_either_reason() -> None:
    clock = FakeClock()
    lim = _memory(_limits(burst=1, daily=0.001), clock)
    hold = await admit(lim, "t", 0.001)
    assert hold.allowed and hold.amount_nanos == 1_000_000
    with pytest.raises(RateLimited) as e:
        await admit(lim, "t", 0.001)
    assert e.value.code == "rate_limited"
    clock.us += 60_000_000
    with pytest.raises(RateLimited) as e:
        await admit(lim, "t", 0.001)
    assert e.value.code == "budget_exceeded" and e.value.headers["Retry-After"] == "43200"


def test_settings_registry() -> None:
    from vlgate.errors import InvalidRequest

    with pytest.raises(InvalidRequest) as e:
        make_limiter(LimitSettings(store="etcd"))
    assert e.value.param == "limits.store"
    with pytest.raises(InvalidRequest):
        make_limiter(LimitSettings(store="postgres"))
    s = LimitSettings.model_validate(
        {"store": "memory", "tenants": {"a": {"rate": {"requests_per_minute": 5, "burst": 2}}}}
    )
    assert s.for_tenant("a").rate == RateLimit(requests_per_minute=5, burst=2)
    assert s.for_tenant("b") == TenantLimits()


# --- the shared stores, for real -----------------------------------------------------

SHARED = [
    pytest.param(("redis", REDIS_URL), id="redis"),
    pytest.param(("postgres", PG_URL), id="postgres", marks=pytest.mark.postgres),
]


def _shared_settings(store: str, url: str, prefix: str, burst: int = 50) -> LimitSettings:
    return LimitSettings(
        store=store,
        url=url,
        key_prefix=prefix,
        default=TenantLimits(
            rate=RateLimit(requests_per_minute=1 / 60, burst=burst),
            budget=Budget(daily_usd=0.05, monthly_usd=1.0),
        ),
    )


@pytest.fixture(params=SHARED)
async def shared(request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, str, str]]:
    store, url = request.param
    prefix = f"vlgate-test-{uuid.uuid4().hex[:8]}"
    probe = make_limiter(_shared_settings(store, url, prefix))
    try:
        await probe.spent_usd("probe")
    except UNREACHABLE as exc:  # the service is not running here
        await probe.aclose()
        pytest.skip(f"{store} at {url} unreachable: {exc!r}")
    yield store, url, prefix
    await probe.aclose()


async def test_shared_rate_limit_is_exact_under_concurrency(shared: tuple[str, str, str]) -> None:
    store, url, prefix = shared
    tenant = f"t-{uuid.uuid4().hex}"
    lim = make_limiter(_shared_settings(store, url, prefix))
    try:
        started = time.monotonic()
        results = await asyncio.gather(*(lim.check(tenant) for _ in range(200)))
        elapsed = time.monotonic() - started
        assert sum(d.allowed for d in results) == 50
        refused = [d for d in results if not d.allowed]
        # the 51st request may come one interval (an hour) after the burst began
        assert all(3600 - elapsed - 1 < d.retry_after_s <= 3600 for d in refused)
        assert refused[0].error().headers["Retry-After"] in {"3599", "3600"} or elapsed > 1
    finally:
        await lim.aclose()


async def test_shared_rate_limit_refills(shared: tuple[str, str, str]) -> None:
    store, url, prefix = shared
    settings = LimitSettings(
        store=store,
        url=url,
        key_prefix=prefix,
        default=TenantLimits(rate=RateLimit(requests_per_minute=600_000, burst=1)),  # 100 µs
    )
    lim = make_limiter(settings)
    tenant = f"t-{uuid.uuid4().hex}"
    try:
        assert (await lim.check(tenant)).allowed
        # A round trip takes longer than 100 µs, so the slot has come back already.
        assert (await lim.check(tenant)).allowed
    finally:
        await lim.aclose()


async def test_shared_budget_is_exact_under_concurrency(shared: tuple[str, str, str]) -> None:
    store, url, prefix = shared
    tenant = f"t-{uuid.uuid4().hex}"
    lim = make_limiter(_shared_settings(store, url, prefix))
    try:
        holds = await asyncio.gather(*(lim.reserve(tenant, 0.001) for _ in range(120)))
        assert sum(h.allowed for h in holds) == 50  # $0.05 / $0.001
        spent = await lim.spent_usd(tenant)
        assert list(spent.values()) == [pytest.approx(0.05), pytest.approx(0.05)]
        await asyncio.gather(*(lim.commit(h, 0.0005) for h in holds))
        spent = await lim.spent_usd(tenant)
        assert list(spent.values()) == [pytest.approx(0.025), pytest.approx(0.025)]
        assert sum([(await lim.reserve(tenant, 0.001)).allowed for _ in range(30)]) == 25
    finally:
        await lim.aclose()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["rate", "budget"])
async def test_two_processes_never_over_admit(shared: tuple[str, str, str], kind: str) -> None:
    store, url, prefix = shared
    tenant = f"t-{uuid.uuid4().hex}"
    args = [str(WORKER), store, url, prefix, tenant, "100", kind]
    pipe = asyncio.subprocess.PIPE
    procs = [
        await asyncio.create_subprocess_exec(sys.executable, *args, stdin=pipe, stdout=pipe)
        for _ in range(2)
    ]
    try:
        for p in procs:  # both connected before either starts
            assert p.stdout is not None
            line = await asyncio.wait_for(p.stdout.readline(), 60)
            assert line.strip() == b"ready"
        for p in procs:
            assert p.stdin is not None
            p.stdin.write(b"go\n")
            await p.stdin.drain()
        outs = [await asyncio.wait_for(p.communicate(), 60) for p in procs]
    finally:
        for p in procs:
            if p.returncode is None:
                p.kill()
                await p.wait()
    counts = [int(out.strip()) for out, _ in outs]
    assert sum(counts) == 50, counts  # burst 50 / $0.05 at $0.001, over 200 attempts
    assert all(p.returncode == 0 for p in procs)
