"""The store, run on SQLite and PostgreSQL alike (see conftest)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from vlgate.audit import migrations, schema
from vlgate.audit.record import FINAL_VERSION, AuditRecord, RecordStatus, StoredImage
from vlgate.audit.store import AuditStore, TraceFilter
from vlgate.errors import InvalidRequest

T0 = 1_700_000_000.0


def _rec(i: int, **kw: object) -> AuditRecord:
    base: dict[str, object] = {
        "received_at": T0 + i,
        "tenant": "acme" if i % 2 else "globex",
        "decided_mode": "thinking" if i % 3 == 0 else "instruct",
        "task_class": "chart" if i % 3 == 0 else "ocr",
        "status": RecordStatus.COMPLETED,
        "answer": f"answer number {i}",
        "reasoning": f"thought {i}",
        "version": FINAL_VERSION,
        "prompt_tokens": 10,
        "completion_tokens": i,
        "cost_usd": 0.001,
    }
    base.update(kw)
    return AuditRecord(f"req-{i:03d}", **base)  # type: ignore[arg-type]


def test_migrate_is_idempotent_and_recorded(store: AuditStore) -> None:
    assert store.migrate() == []
    with store.engine.connect() as conn:
        assert migrations.applied(conn) == [name for name, _ in migrations.MIGRATIONS]
        names = {ix["name"] for ix in sa.inspect(conn).get_indexes("audit_records")}
    assert {name for name, _ in schema.INDEXES} <= names


def test_concurrent_migrate_applies_each_migration_once(dsn: str) -> None:
    stores = [AuditStore.from_dsn(dsn) for _ in range(4)]
    results: list[list[str]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(stores))

    def go(s: AuditStore) -> None:
        barrier.wait()
        try:
            results.append(s.migrate())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert errors == []
    applied = sorted(name for r in results for name in r)
    assert applied == sorted(name for name, _ in migrations.MIGRATIONS)


def test_upsert_keeps_highest_version(store: AuditStore) -> None:
    opened = _rec(1, status=RecordStatus.OPEN, answer="par", version=1)
    done = _rec(1, answer="partial and final", version=FINAL_VERSION)
    progress = _rec(1, status=RecordStatus.OPEN, answer="partial", version=2)
    store.upsert_batch([opened, done, progress])  # out of order in one batch
    store.upsert_batch([progress, opened])  # stale replays later
    got = store.get("req-001")
    assert got is not None
    assert (got.status, got.answer) == (RecordStatus.COMPLETED, "partial and final")
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.records)).scalar() == 1


def test_images_survive_later_entries_without_them(store: AuditStore) -> None:
    img = [StoredImage("image/png", b"png-bytes", 2, 2)]
    store.upsert_batch([_rec(1, status=RecordStatus.OPEN, version=1, images=img)])
    store.upsert_batch([_rec(1, images=None)])
    got = store.get("req-001")
    assert got is not None and got.images == img and got.status is RecordStatus.COMPLETED


def test_get_missing_is_none(store: AuditStore) -> None:
    assert store.get("nope") is None


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (TraceFilter(mode="thinking"), [9, 6, 3, 0]),
        (TraceFilter(tenant="acme", task="ocr"), [7, 5, 1]),
        (TraceFilter(since=T0 + 3, until=T0 + 6), [5, 4, 3]),
        (TraceFilter(q="NUMBER 8"), [8]),
        (TraceFilter(q="thought 1"), [1]),
        (TraceFilter(q="100%"), []),
        (TraceFilter(status="failed"), [2]),
        (TraceFilter(label="B"), [4]),
    ],
)
def test_list_filters(store: AuditStore, flt: TraceFilter, expected: list[int]) -> None:
    recs = [_rec(i) for i in range(10)]
    recs[2].status = RecordStatus.FAILED
    recs[4].ab_label = "B"
    store.upsert_batch(recs)
    page = store.list(flt)
    assert [r.request_id for r in page.records] == [f"req-{i:03d}" for i in expected]
    assert all(r.answer is None and r.reasoning is None for r in page.records)  # summaries


def test_paging_visits_each_record_once_even_with_equal_times(store: AuditStore) -> None:
    store.upsert_batch([_rec(i, received_at=T0 + i // 3) for i in range(20)])
    seen: list[str] = []
    after = None
    while True:
        page = store.list(limit=6, after=after)
        seen += [r.request_id for r in page.records]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert len(seen) == 20 and len(set(seen)) == 20
    assert seen == sorted(seen, key=lambda s: (T0 + int(s[4:]) // 3, s), reverse=True)


def test_bad_cursor_names_the_parameter(store: AuditStore) -> None:
    with pytest.raises(InvalidRequest) as err:
        store.list(after="%%%")
    assert err.value.param == "after"


def test_export_returns_full_records_oldest_first(store: AuditStore) -> None:
    store.upsert_batch([_rec(i) for i in range(7)])
    out = list(store.export(TraceFilter(tenant="acme"), page_size=2))
    assert [r.request_id for r in out] == ["req-001", "req-003", "req-005"]
    assert out[0].reasoning == "thought 1"


def test_stats_group_and_sum(store: AuditStore) -> None:
    recs = [_rec(i) for i in range(6)]
    recs[5].fallback = True
    recs[5].received_at = T0 + 86_400
    store.upsert_batch(recs)
    rows = store.stats(["day", "mode"])
    assert rows == [
        {"day": "2023-11-14", "mode": "instruct", "requests": 3, "fallbacks": 0,
         "prompt_tokens": 30, "visual_tokens": 0, "completion_tokens": 7,
         "reasoning_tokens": 0, "cost_usd": pytest.approx(0.003)},
        {"day": "2023-11-14", "mode": "thinking", "requests": 2, "fallbacks": 0,
         "prompt_tokens": 20, "visual_tokens": 0, "completion_tokens": 3,
         "reasoning_tokens": 0, "cost_usd": pytest.approx(0.002)},
        {"day": "2023-11-15", "mode": "instruct", "requests": 1, "fallbacks": 1,
         "prompt_tokens": 10, "visual_tokens": 0, "completion_tokens": 5,
         "reasoning_tokens": 0, "cost_usd": pytest.approx(0.001)},
    ]  # fmt: skip
    with pytest.raises(InvalidRequest):
        store.stats(["colour"])


def test_mark_interrupted_only_touches_that_gateways_open_records(store: AuditStore) -> None:
    store.upsert_batch(
        [
            _rec(1, status=RecordStatus.OPEN, version=3, gateway_id="a", answer="so far",
                 updated_at=T0 + 5),
            _rec(2, status=RecordStatus.OPEN, version=1, gateway_id="b"),
            _rec(3, gateway_id="a"),
        ]
    )  # fmt: skip
    assert store.mark_interrupted(gateway_id="a") == 1
    one, two, three = (store.get(f"req-00{i}") for i in (1, 2, 3))
    assert one is not None and two is not None and three is not None
    assert (one.status, one.answer, one.finished_at) == (RecordStatus.INTERRUPTED, "so far", T0 + 5)
    assert two.status is RecordStatus.OPEN and three.status is RecordStatus.COMPLETED
    # A real completion arriving after the sweep still wins; a stale progress does not.
    store.upsert_batch([_rec(1, status=RecordStatus.OPEN, version=4, gateway_id="a")])
    assert store.get("req-001").status is RecordStatus.INTERRUPTED  # type: ignore[union-attr]
    store.upsert_batch([_rec(1, gateway_id="a")])
    assert store.get("req-001").status is RecordStatus.COMPLETED  # type: ignore[union-attr]
