"""The embedded engine: per-variant queues and one scheduler thread that batches them.

Callers (any thread, or asyncio through :meth:`Engine.generate`) submit a
:class:`~vlgate.types.GenerationRequest` for a variant; the scheduler thread takes
the variant whose oldest request waited longest, collects up to ``max_batch_size``
of its requests within ``batch_window_ms``, and runs them as one batched generation
(:mod:`.batch`). Events come back through each job's sink; from asyncio they are
bridged onto an ``asyncio.Queue``. Cancelling the consumer cancels the job, which
the engine drops at the next step.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from vlgate.backends.embedded.batch import run_batch
from vlgate.backends.embedded.job import Job, Sink
from vlgate.backends.embedded.runtime import Loader, Residency, load_variant
from vlgate.backends.embedded.settings import EngineSettings
from vlgate.errors import InvalidRequest, RateLimited, UpstreamUnavailable
from vlgate.types import BackendEvent, Finish, GenerationRequest, LoadSnapshot


@dataclass(slots=True)
class VariantStats:
    """Counters one variant's queue keeps (for load snapshots and /metrics)."""

    running: int = 0
    service_time_s: float | None = None
    requests_finished: int = 0
    prompt_tokens: int = 0
    generation_tokens: int = 0


class Engine:
    """Owns the models and the scheduler thread. Thread-safe public methods."""

    def __init__(self, settings: EngineSettings, *, loader: Loader = load_variant) -> None:
        self.settings = settings
        self.residency = Residency(settings, loader)
        self._queues: dict[str, deque[Job]] = {v: deque() for v in settings.variants()}
        self._stats: dict[str, VariantStats] = {v: VariantStats() for v in settings.variants()}
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False

    # --- lifecycle -------------------------------------------------------------

    def start(self, *, preload: bool = True) -> None:
        """Load the resident variants (unless ``preload`` is off) and start the thread."""
        if self._thread is not None:
            return
        if preload:
            limit = self.settings.max_resident or len(self._queues)
            for variant in list(self._queues)[:limit]:
                self.residency.get(variant)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="vlgate-engine", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread; waiting requests fail as unavailable."""
        with self._cond:
            self._stopping = True
            pending = [job for q in self._queues.values() for job in q]
            for q in self._queues.values():
                q.clear()
            self._cond.notify_all()
        for job in pending:
            job.sink(UpstreamUnavailable("engine stopped", retryable=True))
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.residency.clear()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- submitting ------------------------------------------------------------

    def submit(self, variant: str, request: GenerationRequest, sink: Sink) -> Job:
        """Queue a request; events (or an exception) go to ``sink`` from the engine thread."""
        if variant not in self._queues:
            raise InvalidRequest(f"this engine does not serve {variant!r}", param="model")
        job = Job(request=request, variant=variant, sink=sink)
        with self._cond:
            if self._stopping or self._thread is None:
                raise UpstreamUnavailable("engine is not running", retryable=True)
            if len(self._queues[variant]) >= self.settings.max_queue:
                raise RateLimited(f"{variant} queue is full", retry_after_s=1.0)
            self._queues[variant].append(job)
            self._cond.notify_all()
        return job

    async def generate(
        self, variant: str, request: GenerationRequest
    ) -> AsyncIterator[BackendEvent]:
        """Stream one request's events; closing the iterator cancels the generation."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[BackendEvent | BaseException] = asyncio.Queue()

        def sink(item: BackendEvent | BaseException) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        job = self.submit(variant, request, sink)
        try:
            while True:
                item = await queue.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
                if isinstance(item, Finish):
                    return
        finally:
            job.cancel()

    # --- observing -------------------------------------------------------------

    def load(self, variant: str) -> LoadSnapshot:
        with self._cond:
            waiting = sum(1 for j in self._queues[variant] if not j.cancelled)
            stats = self._stats[variant]
            return LoadSnapshot(
                waiting=waiting,
                running=stats.running,
                service_time_s=stats.service_time_s,
                age_s=0.0,
                source="engine",
                healthy=self.running,
            )

    def stats(self) -> dict[str, VariantStats]:
        with self._cond:
            return {v: replace(s) for v, s in self._stats.items()}

    # --- the scheduler thread --------------------------------------------------

    def _run(self) -> None:
        while True:
            picked = self._next_batch()
            if picked is None:
                return
            variant, jobs = picked
            self._serve(variant, jobs)

    def _next_batch(self) -> tuple[str, list[Job]] | None:
        window = self.settings.batch_window_ms / 1000.0
        with self._cond:
            while True:
                if self._stopping:
                    return None
                for q in self._queues.values():
                    while q and q[0].cancelled:
                        q.popleft()
                heads = [(q[0].enqueued_at, v) for v, q in self._queues.items() if q]
                if not heads:
                    self._cond.wait()
                    continue
                _, variant = min(heads)
                queue = self._queues[variant]
                until = queue[0].enqueued_at + window
                left = until - time.monotonic()
                if len(queue) < self.settings.max_batch_size and left > 0:
                    self._cond.wait(left)
                    continue
                jobs = [
                    queue.popleft() for _ in range(min(len(queue), self.settings.max_batch_size))
                ]
                jobs = [j for j in jobs if not j.cancelled]
                if jobs:
                    self._stats[variant].running = len(jobs)
                    return variant, jobs

    def _serve(self, variant: str, jobs: list[Job]) -> None:
        start = time.monotonic()
        for job in jobs:
            job.started_at = start
        try:
            lm = self.residency.get(variant)
        except Exception as exc:
            for job in jobs:
                job.sink(UpstreamUnavailable(f"cannot load {variant}: {exc!r}", retryable=False))
            self._on_step(variant, 0, [])
            return
        run_batch(jobs, lm, self.settings, lambda n, done: self._on_step(variant, n, done))
        self._on_step(variant, 0, [])
        with self._cond:  # tokens spent on cancelled requests count as generated too
            stats = self._stats[variant]
            for job in jobs:
                if job.cancelled and job.state is not None and job.prompt is not None:
                    stats.prompt_tokens += len(job.prompt.input_ids)
                    stats.generation_tokens += len(job.state.tokens)

    def _on_step(self, variant: str, running: int, finished: list[Job]) -> None:
        """Called by the engine thread each step, before the step's events go out."""
        alpha = self.settings.service_time_alpha
        now = time.monotonic()
        with self._cond:
            stats = self._stats[variant]
            stats.running = running
            for job in finished:
                if job.state is None or job.prompt is None:
                    continue
                stats.requests_finished += 1
                stats.prompt_tokens += len(job.prompt.input_ids)
                stats.generation_tokens += len(job.state.tokens)
                took = now - (job.started_at or now)
                prev = stats.service_time_s
                stats.service_time_s = took if prev is None else alpha * took + (1 - alpha) * prev
