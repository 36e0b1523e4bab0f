"""Limits shared by every gateway replica through Redis: each step is one Lua
script, which Redis runs atomically; the clock is Redis's own ``TIME``, so the
replicas' clocks never disagree. Keys carry the tenant as a hash tag (``{t}``) so
one tenant's keys live in one cluster slot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis

from vlgate.limits.base import PeriodLimit

__all__ = ["RedisStore"]

# KEYS[1] = the TAT key; ARGV = interval_us, burst. Returns {allowed, retry_after_us}.
_GCRA = """
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if now < allow_at then
  return {0, allow_at - now}
end
local ttl_ms = math.floor((new_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', ttl_ms)
return {1, 0}
"""

# KEYS = period counters; ARGV = amount, limit_1..limit_n, ttl_1..ttl_n.
# Returns 0 when every counter took the amount, else the 1-based index that refused.
_RESERVE = """
local amount = tonumber(ARGV[1])
local n = #KEYS
for i = 1, n do
  local cur = tonumber(redis.call('GET', KEYS[i]) or '0')
  if cur + amount > tonumber(ARGV[1 + i]) then
    return i
  end
end
for i = 1, n do
  redis.call('INCRBY', KEYS[i], amount)
  redis.call('EXPIRE', KEYS[i], ARGV[1 + n + i])
end
return 0
"""


class RedisStore:
    def __init__(
        self, client: aioredis.Redis, key_prefix: str = "vlgate", *, owns_pool: bool = False
    ) -> None:
        self._r = client
        self._prefix = key_prefix
        self._owns_pool = owns_pool
        self._gcra: Any = client.register_script(_GCRA)
        self._reserve: Any = client.register_script(_RESERVE)

    @classmethod
    def from_url(
        cls, url: str, key_prefix: str = "vlgate", max_connections: int = 32
    ) -> RedisStore:
        """A blocking pool: a burst of requests waits (up to 5 s) for a connection
        instead of failing with "Too many connections"."""
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=5
        )
        return cls(aioredis.Redis(connection_pool=pool), key_prefix, owns_pool=True)

    def _key(self, tenant: str, period: str) -> str:
        return f"{self._prefix}:spend:{{{tenant}}}:{period}"

    async def take(self, key: str, interval_us: int, burst: int) -> tuple[bool, int]:
        ok, retry = await self._gcra(keys=[key], args=[interval_us, burst])
        return bool(ok), int(retry)

    async def reserve(self, tenant: str, periods: Sequence[PeriodLimit], amount: int) -> int:
        keys = [self._key(tenant, p.key) for p in periods]
        args = [amount, *(p.limit_nanos for p in periods), *(p.ttl_s for p in periods)]
        refused = int(await self._reserve(keys=keys, args=args))
        return refused - 1

    async def adjust(self, tenant: str, periods: Sequence[str], delta: int) -> None:
        async with self._r.pipeline(transaction=True) as pipe:
            for period in periods:
                pipe.incrby(self._key(tenant, period), delta)
            await pipe.execute()

    async def spent(self, tenant: str, periods: Sequence[str]) -> dict[str, int]:
        values = await self._r.mget([self._key(tenant, p) for p in periods])
        return {p: int(v or 0) for p, v in zip(periods, values, strict=True)}

    async def aclose(self) -> None:
        await self._r.aclose(close_connection_pool=self._owns_pool)
