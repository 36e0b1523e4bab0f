"""Limits shared by every gateway replica through PostgreSQL (SQLAlchemy async,
psycopg 3).

* Rate limits: one ``INSERT … ON CONFLICT DO UPDATE … WHERE`` per request. The
  conflicting row is locked and re-read at its newest version, so concurrent
  requests for one key are serialised by PostgreSQL and the GCRA test sees every
  earlier admission; the clock is the database's ``clock_timestamp()``.
* Budgets: one short transaction that makes sure the period rows exist, locks them
  with ``SELECT … ORDER BY period FOR UPDATE`` (a fixed lock order: no deadlocks),
  checks every limit and adds the amount to all of them, or to none.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from vlgate.limits.base import PeriodLimit

__all__ = ["PostgresStore"]

_SCHEMA = [
    "SELECT pg_advisory_xact_lock(hashtext('vlgate_limits_schema'))",
    "CREATE TABLE IF NOT EXISTS vlgate_rate_limits (key TEXT PRIMARY KEY, tat BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS vlgate_spend (tenant TEXT NOT NULL, period TEXT NOT NULL,"
    " nanos BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (tenant, period))",
]

_NOW = "(SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)"

# Parameters are cast to bigint: psycopg would send small ints as int2/int4 and
# ``burst * interval`` could overflow there.
_TAKE = text(f"""
WITH c AS (SELECT {_NOW} AS now,
                  CAST(:interval AS bigint) AS t,
                  CAST(:burst AS bigint) * CAST(:interval AS bigint) AS tau)
INSERT INTO vlgate_rate_limits AS r (key, tat)
SELECT :key, c.now + c.t FROM c
ON CONFLICT (key) DO UPDATE
  SET tat = GREATEST(r.tat, (SELECT now FROM c)) + (SELECT t FROM c)
  WHERE GREATEST(r.tat, (SELECT now FROM c)) + (SELECT t - tau FROM c) <= (SELECT now FROM c)
RETURNING tat
""")

_RETRY = text(
    f"SELECT tat + CAST(:interval AS bigint) - CAST(:burst AS bigint) * CAST(:interval AS bigint)"
    f" - {_NOW} FROM vlgate_rate_limits WHERE key = :key"
)

_ENSURE = text(
    "INSERT INTO vlgate_spend (tenant, period) SELECT :tenant, p FROM unnest(CAST(:periods AS text[])) AS p"
    " ORDER BY p ON CONFLICT DO NOTHING"
)
_LOCK = text(
    "SELECT period, nanos FROM vlgate_spend WHERE tenant = :tenant AND period = ANY(CAST(:periods AS text[]))"
    " ORDER BY period FOR UPDATE"
)
_ADD = text(
    "UPDATE vlgate_spend SET nanos = nanos + CAST(:amount AS bigint)"
    " WHERE tenant = :tenant AND period = ANY(CAST(:periods AS text[]))"
)
_SPENT = text(
    "SELECT period, nanos FROM vlgate_spend WHERE tenant = :tenant AND period = ANY(CAST(:periods AS text[]))"
)


class PostgresStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._ready = False

    @classmethod
    def from_url(cls, url: str, pool_size: int = 5) -> PostgresStore:
        return cls(create_async_engine(url, pool_size=pool_size, pool_pre_ping=True))

    async def _schema(self) -> None:
        if self._ready:
            return
        async with self._engine.begin() as conn:
            for stmt in _SCHEMA:
                await conn.execute(text(stmt))
        self._ready = True

    async def take(self, key: str, interval_us: int, burst: int) -> tuple[bool, int]:
        await self._schema()
        params = {"key": key, "interval": interval_us, "burst": burst}
        async with self._engine.begin() as conn:
            row = (await conn.execute(_TAKE, params)).first()
            if row is not None:
                return True, 0
            retry = (await conn.execute(_RETRY, params)).scalar_one_or_none()
        return False, max(0, int(retry or 0))

    async def reserve(self, tenant: str, periods: Sequence[PeriodLimit], amount: int) -> int:
        await self._schema()
        keys = [p.key for p in periods]
        params = {"tenant": tenant, "periods": keys}
        async with self._engine.begin() as conn:
            await conn.execute(_ENSURE, params)
            rows = (await conn.execute(_LOCK, params)).all()
            current = {str(k): int(v) for k, v in rows}
            for i, p in enumerate(periods):
                if current.get(p.key, 0) + amount > p.limit_nanos:
                    return i  # leaving the block commits: nothing was changed
            await conn.execute(_ADD, {**params, "amount": amount})
        return -1

    async def adjust(self, tenant: str, periods: Sequence[str], delta: int) -> None:
        await self._schema()
        params = {"tenant": tenant, "periods": list(periods), "amount": delta}
        async with self._engine.begin() as conn:
            await conn.execute(_ADD, params)

    async def spent(self, tenant: str, periods: Sequence[str]) -> dict[str, int]:
        await self._schema()
        async with self._engine.connect() as conn:
            params = {"tenant": tenant, "periods": list(periods)}
            rows = (await conn.execute(_SPENT, params)).all()
            got = {str(k): int(v) for k, v in rows}
        return {p: got.get(p, 0) for p in periods}

    async def aclose(self) -> None:
        await self._engine.dispose()
