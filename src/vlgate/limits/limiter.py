"""The ``Limiter`` seam the server calls, and its one implementation over a store."""

from __future__ import annotations

from typing import Protocol

from vlgate.errors import InvalidRequest
from vlgate.limits.base import (
    ALLOWED,
    US,
    Clock,
    Decision,
    LimitSettings,
    LimitStore,
    Reservation,
    budget_periods,
    to_nanos,
    utc_now,
)

__all__ = ["Limiter", "StoreLimiter"]


class Limiter(Protocol):
    async def check(self, tenant: str) -> Decision:
        """Count one request against the tenant's rate limit."""
        ...

    async def reserve(self, tenant: str, estimated_usd: float) -> Reservation:
        """Hold ``estimated_usd`` of the tenant's budgets before the turn runs."""
        ...

    async def commit(self, reservation: Reservation, actual_usd: float) -> None:
        """Book the turn's real cost in place of the estimate (0 if it failed)."""
        ...

    async def spent_usd(self, tenant: str) -> dict[str, float]:
        """The tenant's current counters by period key (``d:…``, ``m:…``)."""
        ...

    async def aclose(self) -> None: ...


class StoreLimiter:
    """Settings + clock + an atomic store. Tenants without limits never touch it."""

    def __init__(self, settings: LimitSettings, store: LimitStore, clock: Clock = utc_now) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock

    async def check(self, tenant: str) -> Decision:
        rate = self.settings.for_tenant(tenant).rate
        if rate is None:
            return ALLOWED
        key = f"{self.settings.key_prefix}:rate:{{{tenant}}}"
        ok, retry_us = await self.store.take(key, rate.interval_us, rate.burst)
        return ALLOWED if ok else Decision(False, retry_us / US, "rate_limited")

    async def reserve(self, tenant: str, estimated_usd: float) -> Reservation:
        if not estimated_usd >= 0:
            raise InvalidRequest("estimated cost must be >= 0", param="estimated_usd")
        budget = self.settings.for_tenant(tenant).budget
        if budget is None:
            return Reservation(tenant, ALLOWED)
        now = self.clock()
        periods = budget_periods(budget, now)
        if not periods:
            return Reservation(tenant, ALLOWED)
        amount = to_nanos(estimated_usd)
        refused = await self.store.reserve(tenant, periods, amount)
        if refused >= 0:
            wait = (periods[refused].resets_at - now).total_seconds()
            return Reservation(tenant, Decision(False, wait, "budget_exceeded"))
        return Reservation(tenant, ALLOWED, amount, tuple(p.key for p in periods))

    async def commit(self, reservation: Reservation, actual_usd: float) -> None:
        if not reservation.allowed or not reservation.periods:
            return
        delta = to_nanos(actual_usd) - reservation.amount_nanos
        if delta:
            await self.store.adjust(reservation.tenant, reservation.periods, delta)

    async def spent_usd(self, tenant: str) -> dict[str, float]:
        budget = self.settings.for_tenant(tenant).budget
        if budget is None:
            return {}
        keys = [p.key for p in budget_periods(budget, self.clock())]
        got = await self.store.spent(tenant, keys)
        return {k: v / 1e9 for k, v in got.items()}

    async def aclose(self) -> None:
        await self.store.aclose()
