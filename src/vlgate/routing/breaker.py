"""Failure circuit breaker for one mode's pool (closed -> open -> half-open).

After ``threshold`` consecutive failures it opens: requests are routed away for
``cooldown_s``. Then it is half-open: one probe request at a time may go
through; a success closes it, a failure opens it again for a longer cool-down
(doubling up to ``max_cooldown_s``). The clock is injected so tests need no sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class FailureBreaker:
    def __init__(
        self,
        *,
        threshold: int = 5,
        cooldown_s: float = 10.0,
        max_cooldown_s: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.base_cooldown_s = cooldown_s
        self.max_cooldown_s = max_cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._cooldown_s = cooldown_s
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at < self._cooldown_s:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def allow(self) -> bool:
        """May a request go to this mode now? In half-open, takes the probe slot."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probe_in_flight:
            self._probe_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._cooldown_s = self.base_cooldown_s
        self._probe_in_flight = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._probe_in_flight or self.state is BreakerState.HALF_OPEN:
            # The probe failed: open again, for longer.
            self._cooldown_s = min(self._cooldown_s * 2, self.max_cooldown_s)
            self._open()
        elif self._opened_at is None and self._failures >= self.threshold:
            self._open()

    def release_probe(self) -> None:
        """A probe that ended neither way (e.g. client went away) frees its slot."""
        self._probe_in_flight = False

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._probe_in_flight = False
