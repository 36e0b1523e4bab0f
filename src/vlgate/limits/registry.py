"""Store name -> factory, and the one call the request path makes."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from vlgate.errors import InvalidRequest
from vlgate.limits.base import Clock, LimitSettings, LimitStore, Reservation, utc_now
from vlgate.limits.limiter import Limiter, StoreLimiter

__all__ = ["STORES", "admit", "make_limiter"]


def _memory(settings: LimitSettings) -> LimitStore:
    from vlgate.limits.memory import MemoryStore

    return MemoryStore()


def _redis(settings: LimitSettings) -> LimitStore:
    from vlgate.limits.redis_store import RedisStore

    return RedisStore.from_url(settings.url or "redis://127.0.0.1:6379/0", settings.key_prefix)


def _postgres(settings: LimitSettings) -> LimitStore:
    from vlgate.limits.postgres_store import PostgresStore

    if not settings.url:
        raise InvalidRequest("limits.url is required for the postgres store", param="limits.url")
    return PostgresStore.from_url(settings.url)


STORES: Mapping[str, Callable[[LimitSettings], LimitStore]] = {
    "memory": _memory,
    "redis": _redis,
    "postgres": _postgres,
}


def make_limiter(settings: LimitSettings, clock: Clock = utc_now) -> Limiter:
    try:
        factory = STORES[settings.store]
    except KeyError:
        known = ", ".join(sorted(STORES))
        raise InvalidRequest(
            f"unknown limits store {settings.store!r} (known: {known})", param="limits.store"
        ) from None
    return StoreLimiter(settings, factory(settings), clock)


async def admit(limiter: Limiter, tenant: str, estimated_usd: float) -> Reservation:
    """Rate limit, then budget hold; raises ``RateLimited`` (429 + Retry-After).

    A request refused by the budget has still used its rate-limit slot: the
    client did send it."""
    (await limiter.check(tenant)).raise_if_denied()
    reservation = await limiter.reserve(tenant, estimated_usd)
    reservation.decision.raise_if_denied()
    return reservation
