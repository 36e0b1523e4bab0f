"""The router: the pure policy plus the live state it needs (breaker, pool load)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from vlgate.backends.pool import Pool
from vlgate.modes import Mode
from vlgate.routing.breaker import BreakerState, FailureBreaker
from vlgate.routing.policy import RouteDecision, RouteInput, RoutingSettings, decide
from vlgate.routing.wait import expected_latency_s


class Router:
    def __init__(
        self,
        settings: RoutingSettings,
        pools: Mapping[Mode, Pool],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.pools = pools
        self.breakers = {
            mode: FailureBreaker(
                threshold=settings.breaker_threshold,
                cooldown_s=settings.breaker_cooldown_s,
                max_cooldown_s=settings.breaker_max_cooldown_s,
                clock=clock,
            )
            for mode in pools
        }

    def route(self, inp: RouteInput) -> RouteDecision:
        return decide(inp, self.settings, self._thinking_state)

    def expected_s(self, mode: Mode) -> float | None:
        pool = self.pools.get(mode)
        if pool is None:
            return None
        return expected_latency_s(pool.load(), self.settings.initial_service_s[mode])

    def _thinking_state(self) -> tuple[bool, float | None]:
        pool = self.pools.get(Mode.THINKING)
        if pool is None:
            return False, None
        snap = pool.load()
        expected = expected_latency_s(snap, self.settings.initial_service_s[Mode.THINKING])
        if not snap.healthy:
            return False, expected
        return self.breakers[Mode.THINKING].allow(), expected

    def record(self, mode: Mode, ok: bool | None) -> None:
        """Outcome of a request on ``mode``: True, False, or None (no verdict, e.g.
        the client left), which only frees a half-open probe slot."""
        breaker = self.breakers.get(mode)
        if breaker is None:
            return
        if ok is None:
            breaker.release_probe()
        elif ok:
            breaker.record_success()
        else:
            breaker.record_failure()

    def breaker_state(self, mode: Mode) -> BreakerState:
        breaker = self.breakers.get(mode)
        return breaker.state if breaker else BreakerState.CLOSED
