"""Per-tenant request rate limits and spend budgets: settings, decisions, the pure
arithmetic, and the ``LimitStore`` seam each backing store implements.

Rate limits use GCRA (the generic cell rate algorithm): per key one number, the
theoretical arrival time (TAT) in integer microseconds. A request at ``now`` is let
through when ``max(tat, now) + T - burst*T <= now`` (``T`` = the emission interval,
60 s / requests-per-minute); the new TAT is then ``max(tat, now) + T``. One read and
one write of one number, so every store can do it atomically (a Lua script in Redis,
one UPSERT in PostgreSQL, a lock in memory). Integer microseconds keep the test
"exactly ``burst`` requests pass at one instant" free of float rounding.

Budgets are counters of nano-USD per (tenant, period), one per UTC day and one per
UTC month. ``reserve`` adds the estimate to every limited period at once, only when
none would go over its limit; ``commit`` adds ``actual - estimate`` afterwards
(a turn that already happened is always booked, even past the limit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from vlgate.errors import RateLimited

__all__ = [
    "Budget",
    "Decision",
    "LimitSettings",
    "LimitStore",
    "PeriodLimit",
    "RateLimit",
    "Reservation",
    "TenantLimits",
    "budget_periods",
    "gcra",
    "to_nanos",
]

US = 1_000_000
NANOS_PER_USD = 1_000_000_000


# --- settings ---------------------------------------------------------------------


class RateLimit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    requests_per_minute: float = Field(gt=0)
    burst: int = Field(default=1, ge=1, description="requests allowed at once")

    @property
    def interval_us(self) -> int:
        return max(1, round(60 * US / self.requests_per_minute))


class Budget(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    daily_usd: float | None = Field(default=None, ge=0)
    monthly_usd: float | None = Field(default=None, ge=0)


class TenantLimits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rate: RateLimit | None = None
    budget: Budget | None = None


class LimitSettings(BaseModel):
    """``limits:`` in the config. ``url`` is ``redis://…`` for ``store: redis`` and a
    SQLAlchemy async URL (``postgresql+psycopg://…``) for ``store: postgres``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    store: str = "memory"
    url: str | None = None
    key_prefix: str = "vlgate"
    default: TenantLimits = TenantLimits()
    tenants: dict[str, TenantLimits] = Field(default_factory=dict)

    def for_tenant(self, tenant: str) -> TenantLimits:
        return self.tenants.get(tenant, self.default)


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a request may go ahead; when not, how long to wait and why."""

    allowed: bool
    retry_after_s: float = 0.0
    reason: str = ""  # "" | "rate_limited" | "budget_exceeded"

    def error(self) -> RateLimited:
        """The 429 the server renders (``Retry-After`` in whole seconds, >= 1)."""
        what = "budget exhausted" if self.reason == "budget_exceeded" else "rate limit exceeded"
        return RateLimited(
            f"{what}; retry after {self.retry_after_s:.1f} s",
            retry_after_s=self.retry_after_s,
            code=self.reason or "rate_limited",
        )

    def raise_if_denied(self) -> None:
        if not self.allowed:
            raise self.error()


ALLOWED = Decision(True)


@dataclass(frozen=True, slots=True)
class PeriodLimit:
    key: str  # "d:2026-11-30" or "m:2026-11"
    limit_nanos: int
    resets_at: datetime
    ttl_s: int  # how long the store keeps the counter


@dataclass(frozen=True, slots=True)
class Reservation:
    """A budget hold; pass it to ``commit`` once the turn's real cost is known."""

    tenant: str
    decision: Decision
    amount_nanos: int = 0
    periods: tuple[str, ...] = field(default_factory=tuple)

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


# --- pure arithmetic -------------------------------------------------------------


def gcra(tat_us: int | None, now_us: int, interval_us: int, burst: int) -> tuple[bool, int, int]:
    """One GCRA step: ``(allowed, new_tat_us, retry_after_us)``."""
    tat = now_us if tat_us is None else max(tat_us, now_us)
    new_tat = tat + interval_us
    allow_at = new_tat - burst * interval_us
    if now_us < allow_at:
        return False, tat, allow_at - now_us
    return True, new_tat, 0


def to_nanos(usd: float) -> int:
    return round(usd * NANOS_PER_USD)


def budget_periods(budget: Budget, now: datetime) -> list[PeriodLimit]:
    """The limited periods ``now`` (UTC) falls in, sorted by key (the lock order)."""
    now = now.astimezone(UTC)
    out: list[PeriodLimit] = []
    if budget.daily_usd is not None:
        day = now.date()
        resets = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
        out.append(
            PeriodLimit(f"d:{day.isoformat()}", to_nanos(budget.daily_usd), resets, 2 * 86_400)
        )
    if budget.monthly_usd is not None:
        y, m = now.year, now.month
        resets = datetime(y + m // 12, m % 12 + 1, 1, tzinfo=UTC)
        out.append(
            PeriodLimit(f"m:{y:04d}-{m:02d}", to_nanos(budget.monthly_usd), resets, 32 * 86_400)
        )
    return sorted(out, key=lambda p: p.key)


# --- the store seam --------------------------------------------------------------


class LimitStore(Protocol):
    """Atomic primitives; one implementation per backing store."""

    async def take(self, key: str, interval_us: int, burst: int) -> tuple[bool, int]:
        """One GCRA step on ``key`` by the store's own clock: ``(allowed, retry_after_us)``."""
        ...

    async def reserve(self, tenant: str, periods: Sequence[PeriodLimit], amount: int) -> int:
        """Add ``amount`` to every period counter if none goes over its limit.
        Returns -1 when done, else the index of the first period that refused."""
        ...

    async def adjust(self, tenant: str, periods: Sequence[str], delta: int) -> None:
        """Add ``delta`` (may be negative) to the counters, no limit check."""
        ...

    async def spent(self, tenant: str, periods: Sequence[str]) -> dict[str, int]: ...

    async def aclose(self) -> None: ...


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
