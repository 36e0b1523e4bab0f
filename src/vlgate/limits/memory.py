"""Limits for a single gateway process: plain dicts under a lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from vlgate.limits.base import PeriodLimit, gcra

__all__ = ["MemoryStore"]


def _now_us() -> int:
    return time.time_ns() // 1000


class MemoryStore:
    """Atomic within one process (a lock; the methods never await while holding it)."""

    def __init__(self, now_us: Callable[[], int] = _now_us) -> None:
        self._now_us = now_us
        self._tat: dict[str, int] = {}
        self._spend: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    async def take(self, key: str, interval_us: int, burst: int) -> tuple[bool, int]:
        with self._lock:
            now = self._now_us()
            ok, tat, retry = gcra(self._tat.get(key), now, interval_us, burst)
            if ok:
                self._tat[key] = tat
            # forget keys whose TAT has passed (they are equivalent to absent)
            if len(self._tat) > 10_000:
                self._tat = {k: v for k, v in self._tat.items() if v > now}
            return ok, retry

    async def reserve(self, tenant: str, periods: Sequence[PeriodLimit], amount: int) -> int:
        with self._lock:
            for i, p in enumerate(periods):
                if self._spend.get((tenant, p.key), 0) + amount > p.limit_nanos:
                    return i
            for p in periods:
                k = (tenant, p.key)
                self._spend[k] = self._spend.get(k, 0) + amount
            return -1

    async def adjust(self, tenant: str, periods: Sequence[str], delta: int) -> None:
        with self._lock:
            for key in periods:
                self._spend[(tenant, key)] = self._spend.get((tenant, key), 0) + delta

    async def spent(self, tenant: str, periods: Sequence[str]) -> dict[str, int]:
        with self._lock:
            return {k: self._spend.get((tenant, k), 0) for k in periods}

    async def aclose(self) -> None:
        return None
