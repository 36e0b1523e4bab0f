"""A pool of replicas for one mode: pick the least loaded, retry what is safe.

- **Pick**: the replica with the lowest expected latency (queue numbers, see
  ``routing.wait``), round-robin among equals; unhealthy and ejected replicas are
  skipped while others remain.
- **Retry**: a failure before the first byte (``sent_output=False``) that is
  retryable goes to another replica, at most ``max_retries`` times per request,
  and only while the retry budget allows (retries stay under ``retry_ratio`` of
  requests, plus a small floor so a quiet pool can still retry). A failure after
  output was sent is never retried.
- **Eject**: ``eject_after`` consecutive failures take a replica out for a
  cool-down that doubles on each re-ejection, never more than
  ``max_ejected_share`` of the pool at once.

The pool is itself a Backend, so the router and server see one per mode.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from vlgate.backends.base import Backend
from vlgate.errors import UpstreamError
from vlgate.modes import Mode
from vlgate.routing.wait import expected_latency_s
from vlgate.types import BackendEvent, GenerationRequest, LoadSnapshot


class PoolSettings(BaseModel):
    max_retries: int = 2
    retry_ratio: float = 0.2
    retry_floor: float = 10.0  # budget tokens available at start and kept at least
    eject_after: int = 3
    eject_base_s: float = 5.0
    eject_max_s: float = 120.0
    max_ejected_share: float = 0.5


@dataclass(slots=True)
class _ReplicaState:
    backend: Backend
    failures: int = 0
    ejected_until: float = 0.0
    ejections: int = 0


class RetryBudget:
    """Each request deposits ``ratio`` tokens (up to a cap); a retry spends one."""

    def __init__(self, ratio: float, floor: float) -> None:
        self.ratio = ratio
        self.cap = max(floor, 1.0) * 10
        self.tokens = floor
        self.retries = 0
        self.requests = 0

    def deposit(self) -> None:
        self.requests += 1
        self.tokens = min(self.cap, self.tokens + self.ratio)

    def spend(self) -> bool:
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        self.retries += 1
        return True


class Pool:
    def __init__(
        self,
        mode: Mode,
        replicas: Sequence[Backend],
        settings: PoolSettings | None = None,
        *,
        default_service_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        on_retry: Callable[[str, UpstreamError], None] | None = None,
    ) -> None:
        if not replicas:
            raise ValueError(f"the {mode.value} pool has no replicas")
        self.mode = mode
        self.name = f"{mode.value}-pool"
        self.settings = settings or PoolSettings()
        self._states = [_ReplicaState(r) for r in replicas]
        self._default_service_s = default_service_s
        self._clock = clock
        self._rr = itertools.count()
        self.budget = RetryBudget(self.settings.retry_ratio, self.settings.retry_floor)
        self._on_retry = on_retry

    @property
    def replicas(self) -> list[Backend]:
        return [s.backend for s in self._states]

    # -- Backend protocol --------------------------------------------------------

    async def start(self) -> None:
        for s in self._states:
            await s.backend.start()

    async def aclose(self) -> None:
        for s in self._states:
            await s.backend.aclose()

    def models(self) -> list[str]:
        return sorted({m for s in self._states for m in s.backend.models()})

    async def ready(self) -> bool:
        for s in self._states:
            if await s.backend.ready():
                return True
        return False

    def load(self) -> LoadSnapshot:
        """The snapshot of the replica a new request would go to."""
        candidates = self._candidates(frozenset())
        best = min(candidates, key=self._cost)
        snap = best.backend.load()
        if not any(self._usable(s) for s in self._states):
            return LoadSnapshot(
                snap.waiting, snap.running, snap.service_time_s, snap.age_s, snap.source, False
            )
        return snap

    def expected_latency_s(self) -> float:
        return expected_latency_s(self.load(), self._default_service_s)

    async def stream(self, request: GenerationRequest) -> AsyncIterator[BackendEvent]:
        self.budget.deposit()
        tried: set[int] = set()
        retries = 0
        while True:
            state = self._pick(tried)
            tried.add(id(state))
            request.replica = state.backend.name
            started = False
            try:
                async for event in state.backend.stream(request):
                    started = True
                    yield event
            except UpstreamError as exc:
                self._failed(state)
                if not self._may_retry(exc, started, retries, request):
                    raise
                retries += 1
                if self._on_retry is not None:
                    self._on_retry(state.backend.name, exc)
                continue
            self._succeeded(state)
            return

    # -- choice ------------------------------------------------------------------

    def _usable(self, s: _ReplicaState) -> bool:
        return s.ejected_until <= self._clock() and s.backend.load().healthy

    def _candidates(self, tried: frozenset[int] | set[int]) -> list[_ReplicaState]:
        fresh = [s for s in self._states if id(s) not in tried] or self._states
        usable = [s for s in fresh if self._usable(s)]
        return usable or fresh

    def _cost(self, s: _ReplicaState) -> float:
        return expected_latency_s(s.backend.load(), self._default_service_s)

    def _pick(self, tried: set[int]) -> _ReplicaState:
        candidates = self._candidates(tried)
        if len(candidates) == 1:
            return candidates[0]
        costs = [self._cost(s) for s in candidates]
        low = min(costs)
        best = [s for s, c in zip(candidates, costs, strict=True) if c <= low * 1.05 + 1e-9]
        return best[next(self._rr) % len(best)]

    def _may_retry(
        self, exc: UpstreamError, started: bool, retries: int, request: GenerationRequest
    ) -> bool:
        if started or exc.sent_output or not exc.retryable:
            return False
        if retries >= self.settings.max_retries:
            return False
        if request.deadline is not None and self._clock() >= request.deadline:
            return False
        return self.budget.spend()

    # -- health ------------------------------------------------------------------

    def _succeeded(self, s: _ReplicaState) -> None:
        s.failures = 0
        s.ejections = 0

    def _failed(self, s: _ReplicaState) -> None:
        s.failures += 1
        if s.failures < self.settings.eject_after:
            return
        now = self._clock()
        ejected = sum(1 for x in self._states if x.ejected_until > now)
        if (ejected + 1) / len(self._states) > self.settings.max_ejected_share:
            return
        cooldown = min(self.settings.eject_base_s * 2**s.ejections, self.settings.eject_max_s)
        s.ejected_until = now + cooldown
        s.ejections += 1
        s.failures = 0


__all__ = ["Pool", "PoolSettings", "RetryBudget"]
