"""The four measurements, each interleaved across peers round by round.

Every function takes ``clients`` (peer name -> :class:`Client`) and ``bodies``
(peer name -> request bytes) and rotates the peer order each round, so a slow
moment of the machine lands on a different peer every time. CPU is read from
/proc around each peer's batch via ``pids`` (peer name -> callable giving pids).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bench.peers import procs
from bench.peers.loadgen import Client, StreamSample, open_loop, sequential
from bench.peers.stats import (
    LatencySummary,
    StepResult,
    max_passing_rate,
    median_of_medians,
    percentile,
)

Pids = Callable[[], list[int]]
MS = 1000.0


def rotated(names: Sequence[str], shift: int) -> list[str]:
    """``names`` rotated left by ``shift`` (round r starts with a different peer)."""
    if not names:
        return []
    k = shift % len(names)
    return [*names[k:], *names[:k]]


def client_cpu() -> float:
    """This (the load client's) process's CPU seconds, at high resolution."""
    return time.process_time()


def _caller(client: Client, raw: bytes) -> Callable[[], Awaitable[bytes]]:
    return lambda: client.call(raw)


@dataclass
class LatencyRun:
    rounds: dict[str, list[list[float]]] = field(default_factory=dict)
    proxy_cpu: dict[str, float] = field(default_factory=dict)
    engine_cpu: dict[str, float] = field(default_factory=dict)
    client_cpu: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for name, rounds in self.rounds.items():
            s = LatencySummary.of(rounds)
            out[name] = {"p50": s.p50 * MS, "p99": s.p99 * MS, "n": s.count}
        return out

    def cpu(self) -> dict[str, dict[str, float]]:
        out = {}
        for name, rounds in self.rounds.items():
            n = sum(len(r) for r in rounds)
            out[name] = {
                "proxy_ms": self.proxy_cpu[name] / n * MS,
                "engine_ms": self.engine_cpu[name] / n * MS,
                "client_ms": self.client_cpu[name] / n * MS,
            }
        return out


async def latency(
    clients: Mapping[str, Client],
    bodies: Mapping[str, bytes],
    pids: Mapping[str, Pids],
    engine_pids: Pids,
    rounds: int,
    per_round: int,
) -> LatencyRun:
    """One client, ``per_round`` sequential requests per peer per round."""
    run = LatencyRun()
    for r in range(rounds):
        for name in rotated(list(clients), r):
            client, raw = clients[name], bodies[name]
            mine, theirs = pids[name](), engine_pids()
            c0, e0, k0 = procs.cpu_seconds(mine), procs.cpu_seconds(theirs), client_cpu()
            samples = await sequential(_caller(client, raw), per_round)
            run.proxy_cpu[name] = run.proxy_cpu.get(name, 0.0) + procs.cpu_seconds(mine) - c0
            run.engine_cpu[name] = run.engine_cpu.get(name, 0.0) + procs.cpu_seconds(theirs) - e0
            run.client_cpu[name] = run.client_cpu.get(name, 0.0) + client_cpu() - k0
            run.rounds.setdefault(name, []).append(samples)
    return run


@dataclass
class Ladder:
    steps: dict[str, list[StepResult]] = field(default_factory=dict)
    client_share: dict[tuple[str, float], float] = field(default_factory=dict)

    def max_rates(self, p99_limit_s: float) -> dict[str, float]:
        return {n: max_passing_rate(s, p99_limit_s) for n, s in self.steps.items()}


async def rps_ladder(
    clients: Mapping[str, Client],
    bodies: Mapping[str, bytes],
    rates: Sequence[float],
    step_s: float,
    p99_limit_s: float,
    settle_s: float = 0.3,
    grace_s: float = 5.0,
) -> Ladder:
    """Open-loop steps of increasing rate; a peer leaves the ladder at its first failure."""
    ladder = Ladder()
    alive = list(clients)
    for i, rate in enumerate(sorted(rates)):
        for name in rotated(list(alive), i):
            client, raw = clients[name], bodies[name]
            k0 = client_cpu()
            step = await open_loop(_caller(client, raw), rate, step_s, grace_s=grace_s)
            ladder.client_share[(name, rate)] = (client_cpu() - k0) / step_s
            ladder.steps.setdefault(name, []).append(step)
            if not step.passes(p99_limit_s):
                alive.remove(name)
            await asyncio.sleep(settle_s)  # let a backlog drain before the next peer
        if not alive:
            break
    return ladder


@dataclass
class StreamRun:
    samples: dict[str, list[list[StreamSample]]] = field(default_factory=dict)
    rates: dict[str, list[float]] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for name, rounds in self.samples.items():
            gaps = [g for r in rounds for s in r for g in s.gaps]
            out[name] = {
                "ttft_p50": median_of_medians([[s.ttft for s in r] for r in rounds]) * MS,
                "itl_p99": (percentile(gaps, 99) if gaps else 0.0) * MS,
                "tokens_s": statistics.median(self.rates[name]),
            }
        return out


async def streaming(
    clients: Mapping[str, Client],
    bodies: Mapping[str, bytes],
    concurrency: int,
    rounds: int,
    per_client: int,
) -> StreamRun:
    """``concurrency`` clients each streaming ``per_client`` replies back to back."""
    run = StreamRun()
    for r in range(rounds):
        for name in rotated(list(clients), r):
            client, raw = clients[name], bodies[name]

            async def worker(c: Client = client, b: bytes = raw) -> list[StreamSample]:
                return [await c.stream(b) for _ in range(per_client)]

            start = time.perf_counter()
            batches = await asyncio.gather(*(worker() for _ in range(concurrency)))
            wall = time.perf_counter() - start
            samples = [s for batch in batches for s in batch]
            run.samples.setdefault(name, []).append(samples)
            run.rates.setdefault(name, []).append(sum(len(s.token_times) for s in samples) / wall)
    return run
