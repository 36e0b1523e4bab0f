"""Estimate how long a new request would take on a pool, from queue numbers.

An engine runs ``running`` requests together and queues ``waiting`` behind
them; a newcomer waits for about ``waiting / running`` batches to drain, then
takes one service time itself. Metrics older than ``max_age_s`` are ignored in
favour of the gateway's own in-flight count, so stale numbers cannot hold the
breaker open.
"""

from __future__ import annotations

from vlgate.types import LoadSnapshot


def expected_latency_s(snap: LoadSnapshot, default_service_s: float) -> float:
    service = snap.service_time_s if snap.service_time_s else default_service_s
    return service * (1.0 + snap.waiting / max(snap.running, 1))
