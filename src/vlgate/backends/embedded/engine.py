"""The embedded engine: per-variant queues, one scheduler thread, continuous batching.

Callers (any thread, or asyncio through :meth:`Engine.generate`) submit a
:class:`~vlgate.types.GenerationRequest` for a variant. Each variant has a FIFO
queue and at most one running batch (:class:`.batch.RunningBatch`). The scheduler
thread works in steps: it picks the next variant with work, round robin, admits that
variant's waiting requests into its running batch (up to ``max_batch_size`` rows),
and runs one step of that batch. Requests join a running batch at any step and leave
it the step they finish, so a newcomer never waits for a whole batch to end, and two
variants with traffic take alternate steps (neither starves the other).

Events come back through each job's sink; from asyncio they are bridged onto an
``asyncio.Queue``. Cancelling the consumer cancels the job, which leaves the batch
at the next step.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from vlgate.backends.embedded.batch import RunningBatch, StepReport, fail_job, send_errors
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
    steps: int = 0  # decode steps run (one forward each)
    step_rows: int = 0  # rows summed over those steps (mean batch = step_rows / steps)
    joined_running: int = 0  # requests admitted into a batch that was already running


@dataclass(slots=True)
class _Lane:
    """One variant: its queue, its running batch, its counters."""

    queue: deque[Job] = field(default_factory=deque)
    batch: RunningBatch | None = None
    stats: VariantStats = field(default_factory=VariantStats)

    @property
    def size(self) -> int:
        return len(self.batch) if self.batch is not None else 0


class _Hold:
    """While the engine thread delivers one step's events, loop wake-ups wait here."""

    def __init__(self) -> None:
        self._holder: int | None = None
        self._dirty: list[_LoopBridge] = []

    def holds(self) -> bool:
        return self._holder == threading.get_ident()

    def defer(self, bridge: _LoopBridge) -> None:
        self._dirty.append(bridge)

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        self._holder = threading.get_ident()
        try:
            yield
        finally:
            self._holder = None
            dirty, self._dirty = self._dirty, []
            for bridge in dirty:
                with contextlib.suppress(RuntimeError):  # closed loop: its jobs get cancelled
                    bridge.wake()


class _LoopBridge:
    """Hands engine events to one event loop: one wake-up for whatever is pending.

    A step streams a token to every row; the engine holds the wake-ups while it hands
    them out (:class:`_Hold`), so the rows consumed on one loop share one
    ``call_soon_threadsafe`` (one write to its wake-up pipe) instead of one each.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, hold: _Hold) -> None:
        self._loop = weakref.ref(loop)  # weak: the engine's bridge table must not keep it
        self._hold = hold
        self._lock = threading.Lock()
        self._pending: list[tuple[asyncio.Queue[Any], Any]] = []
        self._scheduled = False

    def put(self, queue: asyncio.Queue[Any], item: Any) -> None:
        loop = self._loop()
        if loop is None or loop.is_closed():
            raise RuntimeError("the consumer's event loop is closed")
        with self._lock:
            self._pending.append((queue, item))
            if self._scheduled:
                return
        if self._hold.holds():
            self._hold.defer(self)
            return
        self.wake()

    def wake(self) -> None:
        with self._lock:
            if self._scheduled or not self._pending:
                return
            self._scheduled = True
        try:
            loop = self._loop()
            if loop is None:
                raise RuntimeError("the consumer's event loop is gone")
            loop.call_soon_threadsafe(self._drain)
        except RuntimeError:  # the loop is closed: nobody is left to read
            with self._lock:
                self._pending.clear()
                self._scheduled = False
            raise

    def _drain(self) -> None:
        with self._lock:
            items, self._pending = self._pending, []
            self._scheduled = False
        for queue, item in items:
            queue.put_nowait(item)


class Engine:
    """Owns the models and the scheduler thread. Thread-safe public methods."""

    def __init__(self, settings: EngineSettings, *, loader: Loader = load_variant) -> None:
        self.settings = settings
        self.residency = Residency(settings, loader)
        self._lanes: dict[str, _Lane] = {v: _Lane() for v in settings.variants()}
        self._order = list(self._lanes)
        self._turn = 0  # index in _order of the variant served next, round robin
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._hold = _Hold()
        self._bridges: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopBridge] = (
            weakref.WeakKeyDictionary()
        )

    # --- lifecycle -------------------------------------------------------------

    def start(self, *, preload: bool = True) -> None:
        """Load the resident variants (unless ``preload`` is off) and start the thread."""
        if self._thread is not None:
            return
        if preload:
            limit = self.settings.max_resident or len(self._lanes)
            for variant in self._order[:limit]:
                self.residency.get(variant)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="vlgate-engine", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread; waiting and running requests fail as unavailable."""
        with self._cond:
            self._stopping = True
            pending = [job for lane in self._lanes.values() for job in lane.queue]
            for lane in self._lanes.values():
                lane.queue.clear()
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
        if variant not in self._lanes:
            raise InvalidRequest(f"this engine does not serve {variant!r}", param="model")
        job = Job(request=request, variant=variant, sink=sink)
        with self._cond:
            if self._stopping or self._thread is None:
                raise UpstreamUnavailable("engine is not running", retryable=True)
            if len(self._lanes[variant].queue) >= self.settings.max_queue:
                raise RateLimited(f"{variant} queue is full", retry_after_s=1.0)
            self._lanes[variant].queue.append(job)
            self._cond.notify_all()
        return job

    async def generate(
        self, variant: str, request: GenerationRequest
    ) -> AsyncIterator[BackendEvent]:
        """Stream one request's events; closing the iterator cancels the generation."""
        bridge = self._bridge(asyncio.get_running_loop())
        queue: asyncio.Queue[BackendEvent | BaseException] = asyncio.Queue()

        def sink(item: BackendEvent | BaseException) -> None:
            bridge.put(queue, item)

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

    def _bridge(self, loop: asyncio.AbstractEventLoop) -> _LoopBridge:
        with self._cond:
            bridge = self._bridges.get(loop)
            if bridge is None:
                bridge = self._bridges[loop] = _LoopBridge(loop, self._hold)
            return bridge

    # --- observing -------------------------------------------------------------

    def load(self, variant: str) -> LoadSnapshot:
        with self._cond:
            lane = self._lanes[variant]
            waiting = sum(1 for j in lane.queue if not j.cancelled)
            return LoadSnapshot(
                waiting=waiting,
                running=lane.stats.running,
                service_time_s=lane.stats.service_time_s,
                age_s=0.0,
                source="engine",
                healthy=self.running,
            )

    def stats(self) -> dict[str, VariantStats]:
        with self._cond:
            return {v: replace(lane.stats) for v, lane in self._lanes.items()}

    # --- the scheduler thread --------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                picked = self._next_step()
                if picked is None:
                    return
                variant, joiners = picked
                self._step(variant, joiners)
        finally:
            self._abort_running()

    def _next_step(self) -> tuple[str, list[Job]] | None:
        """Under the lock: the variant to step next and the requests it admits now."""
        window = self.settings.batch_window_ms / 1000.0
        with self._cond:
            while True:
                if self._stopping:
                    return None
                now = time.monotonic()
                wake: float | None = None
                blocked = self._oldest_blocked()
                n = len(self._order)
                for offset in range(n):
                    variant = self._order[(self._turn + offset) % n]
                    lane = self._lanes[variant]
                    while lane.queue and lane.queue[0].cancelled:
                        lane.queue.popleft()
                    take = 0
                    room = self.settings.max_batch_size - lane.size
                    joinable = self.settings.join_running or not lane.size
                    if lane.queue and room > 0 and joinable and self._may_admit(variant, blocked):
                        until = lane.queue[0].enqueued_at + window
                        if self.settings.join_running or len(lane.queue) >= room or now >= until:
                            take = room
                        else:
                            wake = until if wake is None else min(wake, until)
                    if take or lane.size:
                        self._turn = (self._order.index(variant) + 1) % n
                        return variant, self._admit_locked(lane, take)
                self._cond.wait(None if wake is None else max(wake - now, 0.0))

    def _admit_locked(self, lane: _Lane, take: int) -> list[Job]:
        joiners: list[Job] = []
        while lane.queue and len(joiners) < take:
            job = lane.queue.popleft()
            if not job.cancelled:
                joiners.append(job)
        if lane.size and joiners:
            lane.stats.joined_running += len(joiners)
        lane.stats.running = lane.size + len(joiners)
        return joiners

    def _may_admit(self, variant: str, blocked: float | None) -> bool:
        """Whether ``variant`` may take requests in now.

        With ``max_resident`` set, loading a variant must not evict one that has a
        running batch; such a variant waits, and variants whose waiting requests are
        younger than its oldest stop taking new ones until it can load (FIFO across
        variants, as when batches ran to the end).
        """
        lane = self._lanes[variant]
        if not self._loadable(variant):
            return False
        return blocked is None or lane.queue[0].enqueued_at <= blocked

    def _loadable(self, variant: str) -> bool:
        limit = self.settings.max_resident
        resident = self.residency.resident()
        if limit is None or variant in resident or len(resident) < limit:
            return True
        evicted = resident[: len(resident) - limit + 1]  # least recently used first
        return not any(self._lanes[v].size for v in evicted if v in self._lanes)

    def _oldest_blocked(self) -> float | None:
        heads = [
            lane.queue[0].enqueued_at
            for v, lane in self._lanes.items()
            if lane.queue and not self._loadable(v)
        ]
        return min(heads) if heads else None

    def _step(self, variant: str, joiners: list[Job]) -> None:
        lane = self._lanes[variant]
        if joiners:
            start = time.monotonic()
            for job in joiners:
                job.started_at = start
            try:
                lm = self.residency.get(variant)
            except Exception as exc:
                for job in joiners:
                    fail_job(
                        job, UpstreamUnavailable(f"cannot load {variant}: {exc!r}"), sent=False
                    )
                self._set_running(lane)
                return
            if lane.batch is None or (lane.batch.lm is not lm and not lane.batch.rows):
                lane.batch = RunningBatch(lm, self.settings)
        batch = lane.batch
        if batch is None:
            return
        hook = functools.partial(self._on_step, lane)
        try:
            if joiners:
                _, failed = batch.admit(joiners)
                self._set_running(lane)
                send_errors(failed)
            if batch.rows:
                batch.step(hook, self._hold.holding)
        except Exception as exc:  # a bug, not a request's fault: fail the batch, not the thread
            for job in joiners:
                if not job.done and job not in batch.rows:
                    fail_job(job, exc, sent=False)
            batch.fail_all(exc, hook)

    def _set_running(self, lane: _Lane) -> None:
        with self._cond:
            lane.stats.running = lane.size

    def _on_step(self, lane: _Lane, report: StepReport) -> None:
        """Called by the engine thread each step, before the step's events go out."""
        alpha = self.settings.service_time_alpha
        now = time.monotonic()
        finished = report.finished
        with self._cond:
            stats = lane.stats
            stats.running = report.running
            if report.sampled:
                stats.steps += 1
                stats.step_rows += report.sampled
            for job in [*finished, *report.dropped]:  # tokens spent on dropped rows count too
                if job.state is None or job.prompt is None:
                    continue
                stats.prompt_tokens += len(job.prompt.input_ids)
                stats.generation_tokens += len(job.state.tokens)
            for job in finished:
                if job.state is None or job.prompt is None:
                    continue
                stats.requests_finished += 1
                took = now - (job.started_at or now)
                prev = stats.service_time_s
                stats.service_time_s = took if prev is None else alpha * took + (1 - alpha) * prev

    def _abort_running(self) -> None:
        """The thread is leaving: rows still running fail as unavailable."""
        for lane in self._lanes.values():
            batch = lane.batch
            if batch is None:
                continue
            for job in batch.rows:
                if not job.done:
                    job.cancel()
                    with contextlib.suppress(Exception):
                        job.sink(UpstreamUnavailable("engine stopped", retryable=True))
            batch.clear()
            lane.batch = None
            self._set_running(lane)
