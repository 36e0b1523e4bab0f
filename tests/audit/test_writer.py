"""The never-lose write path, on both stores."""

from __future__ import annotations

import logging
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from vlgate.audit.config import AuditSettings, OverloadPolicy
from vlgate.audit.postures import PostureOverride, PostureTable, PrivacyPosture, Storage
from vlgate.audit.record import AuditRecord, RecordStatus
from vlgate.audit.store import AuditStore
from vlgate.audit.writer import AuditWriter
from vlgate.errors import ServiceUnavailable

from .tcpproxy import TcpProxy

SECRET_TRACE = "the patient jo@example.com seems fine"


class Sink:
    """The real store behind a switch: ``down`` makes every call fail; ``gate``
    (when cleared) holds commits. Records batch sizes and signals failures."""

    def __init__(self, store: AuditStore) -> None:
        self.store = store
        self.down = False
        self.failed = threading.Event()
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.batches: list[int] = []
        self.flaky: random.Random | None = None  # fail 30% of calls when set

    def _check(self) -> None:
        if self.down or (self.flaky is not None and self.flaky.random() < 0.3):
            self.failed.set()
            raise ConnectionError("store is down")

    def upsert_rows(self, rows: Iterable[dict[str, Any]]) -> int:
        rows = list(rows)
        self.entered.set()
        self.gate.wait(10)
        self._check()
        self.batches.append(len(rows))
        return self.store.upsert_rows(rows)

    def mark_interrupted(self, **kw: Any) -> int:
        self._check()
        return self.store.mark_interrupted(**kw)

    def ping(self) -> None:
        self._check()
        self.store.ping()


@pytest.fixture
def sink(store: AuditStore) -> Sink:
    return Sink(store)


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def make_writer(sink: Sink, settings: AuditSettings, registry: CollectorRegistry) -> Iterator[Any]:
    made: list[AuditWriter] = []

    def make(**overrides: Any) -> AuditWriter:
        w = AuditWriter(
            sink,
            settings.model_copy(update=overrides),
            instance_id="gw-test",
            registry=registry if not made else CollectorRegistry(),
        )
        w.start()
        made.append(w)
        return w

    yield make
    sink.down = False
    sink.gate.set()
    for w in made:
        w.close(timeout=5)


def _metric(registry: CollectorRegistry, name: str) -> float:
    value = registry.get_sample_value(name)
    assert value is not None, name
    return value


def _serve(w: AuditWriter, i: int, *, tenant: str = "acme") -> AuditRecord:
    rec = AuditRecord(f"r{i:04d}", tenant=tenant, decided_mode="thinking")
    w.open(rec)
    w.progress(rec.request_id, answer="par", reasoning="step 1")
    rec.answer, rec.reasoning, rec.status = f"answer {i}", SECRET_TRACE, RecordStatus.COMPLETED
    w.complete(rec)
    return rec


def test_records_are_committed_in_batches_and_drained_on_close(
    make_writer: Any, sink: Sink, store: AuditStore, settings: AuditSettings
) -> None:
    sink.gate.clear()  # hold the first commit so that the rest piles up
    w = make_writer(batch_size=64)
    _serve(w, 0)
    assert sink.entered.wait(5)
    for i in range(1, 200):
        _serve(w, i)
    sink.gate.set()
    assert w.close(timeout=10)
    assert len(store.list(limit=500).records) == 200
    assert max(sink.batches) == 64 and len(sink.batches) < 200
    got = store.get("r0123")
    assert got is not None and got.status is RecordStatus.COMPLETED and got.answer == "answer 123"
    assert list((settings.journal_dir / "gw-test").glob("*.jsonl")) == []


def test_fail_closed_refuses_new_requests_when_queue_full(
    make_writer: Any, sink: Sink, store: AuditStore, registry: CollectorRegistry
) -> None:
    sink.gate.clear()
    w = make_writer(queue_size=4, batch_size=1)
    w.open(AuditRecord("held"))
    assert sink.entered.wait(5)  # the committer is stuck inside the store
    for i in range(4):
        w.open(AuditRecord(f"q{i}"))
    with pytest.raises(ServiceUnavailable, match="audit queue is full") as err:
        w.open(AuditRecord("refused"))
    assert err.value.status_code == 503
    assert _metric(registry, "vlgate_audit_rejected_requests_total") == 1
    # Already admitted requests still complete: their entries spill to the journal.
    for i in range(4):
        w.complete(AuditRecord(f"q{i}", status=RecordStatus.COMPLETED))
    assert _metric(registry, "vlgate_audit_spooled_entries_total") == 4
    sink.gate.set()
    assert w.flush(10)
    assert all(store.get(f"q{i}").status is RecordStatus.COMPLETED for i in range(4))  # type: ignore[union-attr]
    assert store.get("refused") is None


def test_fail_closed_store_down_gives_503_then_recovers(
    make_writer: Any, sink: Sink, store: AuditStore, registry: CollectorRegistry
) -> None:
    w = make_writer()
    sink.down = True
    w.open(AuditRecord("before-outage"))
    assert sink.failed.wait(5)
    assert w.flush(0.01) is False
    assert _metric(registry, "vlgate_audit_store_up") == 0
    with pytest.raises(ServiceUnavailable, match="audit store is unreachable"):
        w.open(AuditRecord("during-outage"))
    w.complete(AuditRecord("before-outage", status=RecordStatus.COMPLETED))
    sink.down = False
    assert w.flush(10)
    assert w.store_up and _metric(registry, "vlgate_audit_store_up") == 1
    assert store.get("before-outage").status is RecordStatus.COMPLETED  # type: ignore[union-attr]
    w.open(AuditRecord("after-outage"))  # admitted again


def test_spool_keeps_serving_and_loses_nothing(
    make_writer: Any, sink: Sink, store: AuditStore, registry: CollectorRegistry
) -> None:
    w = make_writer(policy=OverloadPolicy.SPOOL, queue_size=8, batch_size=4)
    sink.down = True
    for i in range(60):
        _serve(w, i)
    assert sink.failed.wait(5)
    assert _metric(registry, "vlgate_audit_spooled_entries_total") > 0
    assert store.list().records == []
    sink.down = False
    assert w.flush(15)
    records = store.list(limit=100).records
    assert sorted(r.request_id for r in records) == [f"r{i:04d}" for i in range(60)]
    assert {r.status for r in records} == {RecordStatus.COMPLETED}
    assert w.close(timeout=5)


def test_spool_is_bounded_by_disk(make_writer: Any, sink: Sink) -> None:
    w = make_writer(policy=OverloadPolicy.SPOOL, queue_size=1, spool_max_bytes=4096)
    sink.down = True
    with pytest.raises(ServiceUnavailable, match="spool is full"):
        for i in range(100):
            _serve(w, i)


def test_postures_apply_before_anything_is_written(
    make_writer: Any, store: AuditStore, settings: AuditSettings
) -> None:
    table = PostureTable(
        default=PrivacyPosture(trace=Storage.REDACTED),
        tenants={"bank": PostureOverride(trace=Storage.NONE, answer=Storage.NONE)},
    )
    w = make_writer(postures=table)
    rec = AuditRecord("redacted", tenant="acme")
    w.open(rec)
    journal = settings.journal_dir / "gw-test"
    rec.reasoning, rec.answer = SECRET_TRACE, "ok"
    w.complete(rec)
    bank = AuditRecord("nothing", tenant="bank", reasoning=SECRET_TRACE, answer="ok")
    w.complete(bank)
    text = b"".join(p.read_bytes() for p in journal.glob("*.jsonl"))
    assert b"jo@example.com" not in text
    assert w.flush(5)
    got = store.get("redacted")
    assert got is not None and got.reasoning == "the patient [EMAIL] seems fine"
    assert got.trace_storage == "redacted"
    got = store.get("nothing")
    assert got is not None and (got.reasoning, got.answer) == (None, None)


def test_failures_never_log_traces(
    make_writer: Any, sink: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    w = make_writer()
    sink.down = True
    _serve(w, 1)
    assert sink.failed.wait(5)
    sink.down = False
    assert w.flush(10)
    assert "unreachable" in caplog.text
    assert SECRET_TRACE not in caplog.text and "answer 1" not in caplog.text


def test_second_process_with_same_instance_id_is_refused(
    make_writer: Any, sink: Sink, settings: AuditSettings
) -> None:
    make_writer()
    with pytest.raises(ServiceUnavailable, match="in use"):
        AuditWriter(sink, settings, instance_id="gw-test")


def test_unclean_stop_leaves_journal_for_recovery(
    sink: Sink, store: AuditStore, settings: AuditSettings, tmp_path: Path
) -> None:
    w = AuditWriter(sink, settings, instance_id="gw-r")
    w.start()
    sink.down = True
    w.open(AuditRecord("cut", tenant="acme"))
    w.progress("cut", answer="half an ans", reasoning="half a thought")
    assert w.close(timeout=0.2) is False  # store down: nothing drained
    sink.down = False
    w2 = AuditWriter(sink, settings, instance_id="gw-r")
    report = w2.start()
    assert report.replayed == 2 and report.interrupted == 1
    got = store.get("cut")
    assert got is not None and got.status is RecordStatus.INTERRUPTED
    assert (got.answer, got.reasoning) == ("half an ans", "half a thought")
    assert w2.close(timeout=5)


@pytest.mark.parametrize("child_store", ["up", "down"])
def test_kill_9_mid_stream_then_recover(
    child_store: str, dsn: str, store: AuditStore, settings: AuditSettings
) -> None:
    """A process streaming two responses is SIGKILLed. With the store up its
    progress was committed; with the store down only the journal has it. Either
    way the restart replays and marks both interrupted, keeping the partial text."""
    child = Path(__file__).with_name("crash_child.py")
    with subprocess.Popen(
        [sys.executable, str(child), dsn, str(settings.journal_dir), child_store],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "READY"
        finally:
            proc.kill()  # SIGKILL: no atexit, no flush, no drain
            proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    before = store.get("cut-1")
    assert (before is None) == (child_store == "down")

    writer = AuditWriter(store, settings, instance_id="gw-crash")
    report = writer.start()
    assert report.interrupted == 2
    cut1, cut2, done = (store.get(r) for r in ("cut-1", "cut-2", "done"))
    assert cut1 is not None and cut2 is not None and done is not None
    assert cut1.status is RecordStatus.INTERRUPTED
    assert cut1.reasoning == "".join(f"w{i} " for i in range(50))
    assert (cut2.answer, cut2.reasoning) == ("partial answer", "full thought")
    assert cut2.finish_reason == "interrupted" and cut2.finished_at is not None
    assert (done.status, done.answer) == (RecordStatus.COMPLETED, "finished answer")
    assert writer.close(timeout=5)
    assert list((settings.journal_dir / "gw-crash").glob("*.jsonl")) == []


def _wait_until(cond: Any, timeout: float) -> bool:
    """Poll a condition the writer exposes no event for (bounded, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def pg_proxy(pg_dsn: str) -> Iterator[tuple[TcpProxy, str]]:
    proxy = TcpProxy(("127.0.0.1", 5432))
    yield proxy, pg_dsn.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/")
    proxy.close()


@pytest.mark.postgres
@pytest.mark.parametrize("policy", [OverloadPolicy.FAIL_CLOSED, OverloadPolicy.SPOOL])
def test_real_postgresql_outage(
    policy: OverloadPolicy, pg_proxy: tuple[TcpProxy, str], pg_dsn: str, tmp_path: Path
) -> None:
    """PostgreSQL behind a proxy that drops it: fail_closed answers 503 while it
    is gone; spool keeps serving; either way every admitted request lands once."""
    proxy, dsn = pg_proxy
    direct = AuditStore.from_dsn(pg_dsn)
    direct.migrate()
    via_proxy = AuditStore.from_dsn(dsn)
    settings = AuditSettings(dsn=dsn, journal_dir=tmp_path / "j", policy=policy, queue_size=8,
                             batch_interval_s=0.01, probe_interval_s=0.05)  # fmt: skip
    w = AuditWriter(via_proxy, settings, instance_id="gw-pg")
    w.start()
    try:
        _serve(w, 0)
        assert w.flush(10)
        proxy.down()
        assert _wait_until(lambda: not w.store_up, 10), "outage not detected"
        served = 1
        if policy is OverloadPolicy.FAIL_CLOSED:
            with pytest.raises(ServiceUnavailable, match="unreachable"):
                w.open(AuditRecord("refused"))
        else:
            for i in range(1, 40):
                _serve(w, i)
            served = 40
        proxy.up()
        assert w.flush(20)
        ids = sorted(r.request_id for r in direct.list(limit=100).records)
        assert ids == [f"r{i:04d}" for i in range(served)]
    finally:
        proxy.up()
        w.close(timeout=5)
        via_proxy.close()
        direct.close()


def test_spool_starts_with_the_store_down_and_recovers_later(
    sink: Sink, store: AuditStore, settings: AuditSettings
) -> None:
    spool = settings.model_copy(update={"policy": OverloadPolicy.SPOOL})
    first = AuditWriter(sink, spool, instance_id="gw-late")
    first.start()
    first.open(AuditRecord("old", tenant="acme"))
    first.progress("old", answer="half")
    sink.down = True
    assert first.close(timeout=0.2) is False  # "crashed" with the store down

    fail_closed = AuditWriter(sink, settings, instance_id="gw-late")
    with pytest.raises(ServiceUnavailable, match="unreachable at start"):
        fail_closed.start()  # fail_closed refuses to start blind
    fail_closed.close(timeout=0.1)

    w = AuditWriter(sink, spool, instance_id="gw-late")
    report = w.start()
    assert report.deferred and not w.store_up
    _serve(w, 1)  # serving while the store is still down
    sink.down = False
    assert w.flush(10)
    old, new = store.get("old"), store.get("r0001")
    assert old is not None and (old.status, old.answer) == (RecordStatus.INTERRUPTED, "half")
    assert new is not None and new.status is RecordStatus.COMPLETED
    assert w.close(timeout=5)
    assert list((spool.journal_dir / "gw-late").glob("*.jsonl")) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_flaky_store_then_crash_loses_nothing(
    seed: int, sink: Sink, store: AuditStore, settings: AuditSettings
) -> None:
    """Random commit failures, small queue and segments (spills, rotations,
    replays), then a stop with the store down: after recovery every request is
    in the store exactly once, completed or interrupted."""
    cfg = settings.model_copy(
        update={"policy": OverloadPolicy.SPOOL, "queue_size": 16, "batch_size": 8,
                "segment_bytes": 4096}
    )  # fmt: skip
    w = AuditWriter(sink, cfg, instance_id="gw-flaky")
    w.start()
    sink.flaky = random.Random(seed)
    for i in range(150):
        if i % 5 == 0:
            w.open(AuditRecord(f"r{i:04d}", tenant="acme"))
            w.progress(f"r{i:04d}", answer="partial")
        else:
            _serve(w, i)
    sink.down = True
    w.close(timeout=0.3)
    sink.down, sink.flaky = False, None
    w2 = AuditWriter(sink, cfg, instance_id="gw-flaky")
    w2.start()
    records = {r.request_id: r for r in store.export()}
    assert sorted(records) == [f"r{i:04d}" for i in range(150)]
    for i in range(150):
        r = records[f"r{i:04d}"]
        expect = RecordStatus.INTERRUPTED if i % 5 == 0 else RecordStatus.COMPLETED
        assert r.status is expect, (i, r.status)
        assert r.answer == ("partial" if i % 5 == 0 else f"answer {i}")
    assert w2.close(timeout=5)
