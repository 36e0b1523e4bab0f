"""``AuditWriter``: the write path that never loses a record.

    request path (event loop)            committer thread
    open / progress / complete
      -> apply the privacy posture
      -> append a line to the journal     (survives kill -9)
      -> append to a bounded deque  ───►  take up to batch_size (or wait batch_interval)
                                          upsert them in one transaction
                                          ack: remove fully committed journal segments

When the deque is full or the store is down, an entry stays in the journal only
("spooled") and its segment is replayed from disk once the store answers again.
Upserts keep the highest version per request id, so replays never duplicate or
regress a record. Admission (``open``) is where the policy bites: ``fail_closed``
refuses a new request with ``ServiceUnavailable`` while the store is down or the
queue is full; ``spool`` keeps admitting until the journal reaches its size cap.
Events of already admitted requests are never refused.

Nothing here logs an answer or a trace: log lines carry counts and ids only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import orjson
from prometheus_client import CollectorRegistry

from vlgate.audit.config import AuditSettings, OverloadPolicy
from vlgate.audit.journal import Journal
from vlgate.audit.metrics import AuditMetrics
from vlgate.audit.postures import PrivacyPosture, Redactor, SimpleRedactor, apply_posture_row
from vlgate.audit.record import FINAL_VERSION, AuditRecord, RecordStatus
from vlgate.errors import ServiceUnavailable

log = logging.getLogger(__name__)


class RecordSink(Protocol):
    """What the writer needs of a store (``AuditStore`` satisfies it)."""

    def upsert_rows(self, rows: Iterable[dict[str, Any]]) -> int: ...

    def mark_interrupted(
        self,
        *,
        gateway_id: str | None,
        opened_before: float | None = None,
        now: float | None = None,
    ) -> int: ...

    def ping(self) -> None: ...


@dataclasses.dataclass(slots=True, frozen=True)
class RecoveryReport:
    replayed: int  # journal entries written back to the store
    interrupted: int  # open records of this instance marked interrupted
    deferred: bool = False  # store unreachable at start (spool): done once it is back


@dataclasses.dataclass(slots=True)
class _Open:
    row: dict[str, Any]  # posture applied, images dropped; version = last sent
    posture: PrivacyPosture


class AuditWriter:
    def __init__(
        self,
        sink: RecordSink,
        settings: AuditSettings,
        *,
        instance_id: str | None = None,
        registry: CollectorRegistry | None = None,
        redactor: Redactor | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.instance_id = instance_id or settings.instance_id
        self._sink = sink
        self._s = settings
        self._redactor = redactor or SimpleRedactor()
        self._clock = clock
        self._journal = Journal(
            settings.journal_dir / self.instance_id,
            segment_bytes=settings.segment_bytes,
            fsync=settings.fsync,
        )
        self._cv = threading.Condition(threading.Lock())  # never re-entered
        self._queue: deque[tuple[int, dict[str, Any]]] = deque()
        self._inflight = 0
        self._pending: Counter[int] = Counter()  # segment -> entries not yet committed
        self._dirty: set[int] = set()  # segments holding spooled entries
        self._written: set[int] = set()  # segments this process wrote to
        self._open: dict[str, _Open] = {}
        self._sweep_before: float | None = None  # a deferred recovery sweep
        self._store_up = True
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.metrics = AuditMetrics(registry, lambda: len(self._queue) + self._inflight)

    # --- lifecycle ------------------------------------------------------------

    def start(self) -> RecoveryReport:
        """Recover what an earlier process left, then start committing. With the
        store unreachable this raises, except under ``spool``: then the gateway
        starts anyway and the committer recovers once the store is back."""
        try:
            report = self.recover()
        except Exception as exc:
            if self._s.policy is not OverloadPolicy.SPOOL:
                raise ServiceUnavailable(
                    f"audit store unreachable at start ({type(exc).__name__}); "
                    "policy fail_closed does not serve before recovery",
                    code="audit_unavailable",
                ) from exc
            self._defer_recovery(exc)
            report = RecoveryReport(0, 0, deferred=True)
        self._thread = threading.Thread(target=self._run, name="vlgate-audit", daemon=True)
        self._thread.start()
        return report

    def recover(self) -> RecoveryReport:
        """Replay leftover journal segments and mark this instance's still-open
        records as interrupted (their partial text is what the last progress
        entry held). Raises if the store is unreachable: start must not pretend."""
        replayed = 0
        for seg in self._journal.leftover:
            batch: list[dict[str, Any]] = []
            for row in self._journal.read(seg):
                batch.append(row)
                if len(batch) >= self._s.batch_size:
                    self._sink.upsert_rows(batch)
                    replayed, batch = replayed + len(batch), []
            self._sink.upsert_rows(batch)
            replayed += len(batch)
        interrupted = self._sink.mark_interrupted(gateway_id=self.instance_id)
        for seg in self._journal.leftover:
            self._journal.remove(seg)
        self._journal.leftover = []
        self.metrics.replayed.inc(replayed)
        self.metrics.journal_bytes.set(self._journal.total_bytes)
        return RecoveryReport(replayed, interrupted)

    def _defer_recovery(self, exc: Exception) -> None:
        with self._cv:
            leftover, self._journal.leftover = self._journal.leftover, []
            self._dirty.update(leftover)
            self._written.update(leftover)
            self._sweep_before = self._clock()
        self._down(exc, 0)

    def close(self, timeout: float = 30.0) -> bool:
        """Drain the queue (and spooled segments) and stop. Returns True when
        everything reached the store; otherwise the journal keeps the rest for
        the next start's ``recover``."""
        if self._stopping:
            return self._caught_up()
        drained = self.flush(timeout)
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=max(1.0, timeout))
        with self._cv:
            self._journal.close()
            if drained and self._caught_up():
                # Leftover segments exist only if recover() never ran: keep them.
                for seg in set(self._journal.segments()) - set(self._journal.leftover):
                    self._journal.remove(seg)
        return drained

    async def aclose(self, drain_s: float = 30.0) -> bool:
        """``close`` off the event loop: drains for at most ``drain_s`` seconds."""
        return await asyncio.to_thread(self.close, drain_s)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every entry so far is committed; False on timeout."""
        with self._cv:
            self._cv.notify_all()
            return self._cv.wait_for(self._caught_up, timeout)

    def _caught_up(self) -> bool:
        return not (self._queue or self._inflight or self._dirty or self._sweep_before)

    @property
    def store_up(self) -> bool:
        return self._store_up

    # --- the request path -----------------------------------------------------

    def open(self, record: AuditRecord) -> None:
        """Call before the first byte goes to the client. Raises
        ``ServiceUnavailable`` when the policy refuses new requests."""
        self._admit()
        posture = self._s.postures.resolve(record.tenant, record.task_class)
        row = record.to_row()
        apply_posture_row(row, posture, self._redactor)
        row.update(status=RecordStatus.OPEN.value, gateway_id=self.instance_id, version=1)
        self._open[record.request_id] = _Open({**row, "images": None}, posture)
        try:
            self._submit(row)
        except OSError as exc:
            self._open.pop(record.request_id, None)
            self.metrics.rejected.inc()
            raise ServiceUnavailable(f"audit journal not writable: {exc.strerror}") from exc

    def progress(
        self, request_id: str, answer: str | None = None, reasoning: str | None = None
    ) -> None:
        """Save what was sent so far, so a crash keeps it. Cost grows with the
        text: call it at intervals (e.g. every second), not per token."""
        entry = self._open.get(request_id)
        if entry is None:
            return
        entry.row["version"] += 1
        row = {**entry.row, "answer": answer, "reasoning": reasoning}
        apply_posture_row(row, entry.posture, self._redactor)
        self._submit_quietly(row)

    def complete(self, record: AuditRecord) -> None:
        """The final record (completed, failed or rejected). Never refused; also
        accepts a record that was never opened (e.g. rejected before streaming)."""
        entry = self._open.pop(record.request_id, None)
        posture = (
            entry.posture
            if entry is not None
            else self._s.postures.resolve(record.tenant, record.task_class)
        )
        row = record.to_row()
        apply_posture_row(row, posture, self._redactor)
        if row["status"] == RecordStatus.OPEN.value:
            row["status"] = RecordStatus.COMPLETED.value
        row.update(gateway_id=self.instance_id, version=FINAL_VERSION)
        self._submit_quietly(row)

    # --- internals: submit ----------------------------------------------------

    def _admit(self) -> None:
        reason = None
        if self._s.policy is OverloadPolicy.FAIL_CLOSED:
            if not self._store_up:
                reason = "the audit store is unreachable"
            elif len(self._queue) >= self._s.queue_size:
                reason = "the audit queue is full"
        elif self._journal.total_bytes >= self._s.spool_max_bytes:
            reason = "the audit spool is full"
        if reason is not None:
            self.metrics.rejected.inc()
            raise ServiceUnavailable(
                f"request refused: {reason} and audit policy is {self._s.policy.value}; "
                "no request is served without its audit record",
                code="audit_unavailable",
            )

    def _submit(self, row: dict[str, Any]) -> None:
        row["updated_at"] = self._clock()
        line = orjson.dumps(row) + b"\n"
        with self._cv:
            seg = self._journal.append(line)
            self._written.add(seg)
            if len(self._queue) < self._s.queue_size:
                self._pending[seg] += 1
                self._queue.append((seg, row))
                if len(self._queue) == 1 or len(self._queue) >= self._s.batch_size:
                    self._cv.notify_all()
            else:
                self._dirty.add(seg)
                self.metrics.spooled.inc()

    def _submit_quietly(self, row: dict[str, Any]) -> None:
        try:
            self._submit(row)
        except OSError:
            # The journal failed (disk full): keep the entry in memory at least.
            log.exception("audit journal write failed for request %s", row["request_id"])
            with self._cv:
                self._queue.append((-1, row))
                self._cv.notify_all()

    # --- internals: the committer thread -------------------------------------

    def _run(self) -> None:
        backoff = 0.0
        last_ok = time.monotonic()
        while True:
            batch = self._take()
            if batch is None:
                return
            behind = self._dirty or self._sweep_before is not None
            committed = True
            if batch or (behind and self._store_up):
                committed = self._commit(batch)
                ok = committed and self._replay_dirty() and self._sweep()
            elif time.monotonic() - last_ok >= self._s.probe_interval_s or not self._store_up:
                ok = self._probe()
            else:
                continue
            if ok:
                backoff, last_ok = 0.0, time.monotonic()
                continue
            backoff = min(1.0, max(0.05, backoff * 2))
            with self._cv:
                if batch and not committed:  # a committed batch is acked already
                    self._queue.extendleft(reversed(batch))
                    self._inflight = 0
                if self._stopping:
                    return  # the journal keeps the rest for the next recover()
                self._cv.wait(backoff)

    def _take(self) -> list[tuple[int, dict[str, Any]]] | None:
        """The next batch (may be empty on a timeout); None once stopped and idle."""
        s = self._s
        with self._cv:
            if not self._queue and not self._stopping:
                self._cv.wait(s.probe_interval_s if not self._dirty else s.batch_interval_s)
            if self._queue and len(self._queue) < s.batch_size and not self._stopping:
                self._cv.wait_for(
                    lambda: len(self._queue) >= s.batch_size or self._stopping,
                    s.batch_interval_s,
                )
            behind = self._dirty or self._sweep_before is not None
            if self._stopping and not self._queue and (not behind or not self._store_up):
                return None
            n = min(len(self._queue), s.batch_size)
            batch = [self._queue.popleft() for _ in range(n)]
            self._inflight = n
            return batch

    def _commit(self, batch: list[tuple[int, dict[str, Any]]]) -> bool:
        if not batch:
            return True
        t0 = time.perf_counter()
        try:
            self._sink.upsert_rows(row for _, row in batch)
        except Exception as exc:
            self._down(exc, len(batch))
            return False
        self.metrics.commit_seconds.observe(time.perf_counter() - t0)
        self.metrics.committed.inc(len(batch))
        with self._cv:
            for seg, _ in batch:
                if seg >= 0:
                    self._pending[seg] -= 1
            self._inflight = 0
            self._up()
            self._gc()
            self._cv.notify_all()
        return True

    def _replay_dirty(self) -> bool:
        """Write spooled segments back from disk (idempotent: versioned upserts)."""
        with self._cv:
            if not self._dirty:
                return True
            if self._journal.current in self._dirty:
                self._journal.rotate()
            todo = sorted(self._dirty)
        for seg in todo:
            rows = list(self._journal.read(seg))
            try:
                for i in range(0, len(rows), self._s.batch_size):
                    self._sink.upsert_rows(rows[i : i + self._s.batch_size])
            except Exception as exc:
                self._down(exc, len(rows))
                return False
            self.metrics.replayed.inc(len(rows))
            with self._cv:
                self._dirty.discard(seg)
                self._gc()
                self._cv.notify_all()
        return True

    def _sweep(self) -> bool:
        """The deferred half of ``recover``: runs after the leftover is replayed."""
        if self._sweep_before is None or self._dirty:
            return True
        try:
            self._sink.mark_interrupted(
                gateway_id=self.instance_id, opened_before=self._sweep_before
            )
        except Exception as exc:
            self._down(exc, 0)
            return False
        with self._cv:
            self._sweep_before = None
            self._cv.notify_all()
        return True

    def _probe(self) -> bool:
        try:
            self._sink.ping()
        except Exception as exc:
            self._down(exc, 0)
            return False
        with self._cv:
            self._up()
            self._cv.notify_all()
        return True

    def _up(self) -> None:
        if not self._store_up:
            log.warning("audit store reachable again")
        self._store_up = True
        self.metrics.store_up.set(1)

    def _down(self, exc: Exception, entries: int) -> None:
        if self._store_up:
            log.warning(
                "audit store unreachable (%s); %d entries held", type(exc).__name__, entries
            )
        self._store_up = False
        self.metrics.store_up.set(0)
        self.metrics.failed_commits.inc()

    def _gc(self) -> None:
        """Remove closed segments whose entries are all committed (lock held)."""
        for seg in [s for s in self._written if s < self._journal.current]:
            if self._pending[seg] <= 0 and seg not in self._dirty:
                self._pending.pop(seg, None)
                self._written.discard(seg)
                self._journal.remove(seg)
        self.metrics.journal_bytes.set(self._journal.total_bytes)
