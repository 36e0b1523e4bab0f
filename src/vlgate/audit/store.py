"""``AuditStore``: the one query interface of the audit trail.

The same SQLAlchemy Core code runs on SQLite (embedded default) and PostgreSQL
(many gateway replicas); what differs per dialect sits in small registries:
connection setup and the upsert statement.

SQLite runs in WAL mode with ``synchronous=NORMAL`` (``FULL`` when the settings ask
for fsync) and a 5 s busy timeout; see docs/audit.md for why.
"""

from __future__ import annotations

import base64
import builtins
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite

from vlgate.audit import migrations, schema
from vlgate.audit.config import AuditSettings
from vlgate.audit.record import INTERRUPTED_VERSION, AuditRecord, RecordStatus
from vlgate.errors import InvalidRequest

_T = schema.records


@dataclass(slots=True, frozen=True)
class TraceFilter:
    since: float | None = None  # epoch seconds, inclusive
    until: float | None = None  # epoch seconds, exclusive
    mode: str | None = None  # decided mode
    task: str | None = None
    tenant: str | None = None
    status: str | None = None
    label: str | None = None
    q: str | None = None  # substring of id, answer, reasoning, route reason

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        eq = {
            "mode": _T.c.decided_mode,
            "task": _T.c.task_class,
            "tenant": _T.c.tenant,
            "status": _T.c.status,
            "label": _T.c.ab_label,
        }
        out = [col == getattr(self, name) for name, col in eq.items() if getattr(self, name)]
        if self.since is not None:
            out.append(_T.c.received_at >= self.since)
        if self.until is not None:
            out.append(_T.c.received_at < self.until)
        if self.q:
            cols = (_T.c.request_id, _T.c.answer, _T.c.reasoning, _T.c.route_reason)
            out.append(sa.or_(*(c.icontains(self.q, autoescape=True) for c in cols)))
        return out


@dataclass(slots=True)
class TracePage:
    records: list[AuditRecord]
    next_cursor: str | None


def encode_cursor(received_at: float, request_id: str) -> str:
    return base64.urlsafe_b64encode(f"{received_at!r}|{request_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        at, rid = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return float(at), rid
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequest("invalid paging cursor", param="after") from exc


# --- dialect registries -------------------------------------------------------


def _set_wal(cur: Any) -> None:
    """Switch to WAL. On a brand-new file several connections racing to switch can
    get SQLITE_BUSY without the busy handler being consulted: retry briefly."""
    for attempt in range(100):
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 99:
                raise
            time.sleep(0.01)


def _setup_sqlite(engine: sa.Engine, fsync: bool) -> None:
    sync = "FULL" if fsync else "NORMAL"

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=5000")
        _set_wal(cur)
        cur.execute(f"PRAGMA synchronous={sync}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def _setup_postgresql(engine: sa.Engine, fsync: bool) -> None:
    """Nothing extra: PostgreSQL's own durability settings apply."""


_SETUP: dict[str, Callable[[sa.Engine, bool], None]] = {
    "sqlite": _setup_sqlite,
    "postgresql": _setup_postgresql,
}
_INSERT: dict[str, Callable[[sa.Table], Any]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


def create_engine(dsn: str, *, fsync: bool = False, pool_size: int = 5) -> sa.Engine:
    url = sa.make_url(dsn)
    kw: dict[str, Any] = {
        "json_serializer": lambda obj: orjson.dumps(obj).decode(),
        "json_deserializer": orjson.loads,
    }
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "postgresql":
        kw.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    engine = sa.create_engine(url, **kw)
    if engine.dialect.name not in _SETUP:
        raise InvalidRequest(f"unsupported audit store {engine.dialect.name!r}", param="dsn")
    _SETUP[engine.dialect.name](engine, fsync)
    return engine


def _upsert_statement(stmt: Any) -> Any:
    """INSERT … ON CONFLICT (request_id) DO UPDATE … WHERE the stored version is
    older; images are kept when the newer entry carries none. Built once: the
    construct is costly (about 1 ms) and the compiled form is cached by SQLAlchemy."""
    updates = {c.name: stmt.excluded[c.name] for c in _T.c if c.name != "request_id"}
    updates["images"] = sa.func.coalesce(stmt.excluded.images, _T.c.images)
    return stmt.on_conflict_do_update(
        index_elements=[_T.c.request_id],
        set_=updates,
        where=_T.c.version < stmt.excluded.version,
    )


_JSON_COLUMNS = frozenset(c.name for c in _T.c if isinstance(c.type, sa.JSON))


class _RawUpsert:
    """The upsert compiled once to the driver's SQL, executed with plain parameter
    tuples / dicts: SQLAlchemy's per-row bind processing cost ~25 µs a row, half of
    a batched commit. JSON columns are serialised here with orjson."""

    def __init__(self, dialect: sa.Dialect) -> None:
        compiled = _upsert_statement(_INSERT[dialect.name](_T)).compile(dialect=dialect)
        self.sql = str(compiled)
        names = [c.name for c in _T.c]
        self._positions: list[str] | None = (
            list(compiled.positiontup) if compiled.positiontup else None
        )
        if self._positions is not None and sorted(self._positions) != sorted(names):
            raise RuntimeError(f"unexpected upsert parameters: {self._positions}")
        self._names = names

    def params(self, row: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = {n: row.get(n) for n in self._names}
        for name in _JSON_COLUMNS:
            if values[name] is not None:
                values[name] = orjson.dumps(values[name]).decode()
        if self._positions is None:
            return values
        return tuple(values[n] for n in self._positions)


# --- the store -----------------------------------------------------------------


class AuditStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._upsert = _RawUpsert(engine.dialect)
        summary = [c for c in _T.c if c.name not in schema.SUMMARY_EXCLUDE]
        self._summary_cols = summary

    @classmethod
    def from_dsn(cls, dsn: str, *, fsync: bool = False, pool_size: int = 5) -> AuditStore:
        return cls(create_engine(dsn, fsync=fsync, pool_size=pool_size))

    @classmethod
    def from_settings(cls, settings: AuditSettings) -> AuditStore:
        return cls.from_dsn(settings.dsn, fsync=settings.fsync, pool_size=settings.pool_size)

    def migrate(self) -> list[str]:
        return migrations.apply(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    # --- writes

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """A write transaction (SQLite: BEGIN IMMEDIATE, so no lock upgrade races)."""
        with (
            self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn,
            conn.begin(),
        ):
            yield conn

    def upsert_rows(self, rows: Iterable[dict[str, Any]]) -> int:
        """Insert or replace rows (``AuditRecord.to_row`` dicts). Per request id the
        highest version wins, in the batch and against the table, so replaying a
        journal twice or out of order changes nothing. Returns rows sent."""
        latest: dict[str, dict[str, Any]] = {}
        for row in rows:
            cur = latest.get(row["request_id"])
            if cur is None or row["version"] > cur["version"]:
                if cur is not None and row.get("images") is None:
                    row = {**row, "images": cur.get("images")}
                latest[row["request_id"]] = row
        if not latest:
            return 0
        params = [self._upsert.params(r) for r in latest.values()]
        with self._writing() as conn:
            conn.exec_driver_sql(self._upsert.sql, params)
        return len(params)

    def upsert_batch(self, records: Sequence[AuditRecord]) -> int:
        return self.upsert_rows(r.to_row() for r in records)

    def mark_interrupted(
        self,
        *,
        gateway_id: str | None,
        opened_before: float | None = None,
        now: float | None = None,
    ) -> int:
        """Close still-open records as interrupted, keeping the partial text the
        last progress entry saved. ``gateway_id`` scopes it to one gateway
        process's records (None: all). Returns how many were marked."""
        cond = [_T.c.status == RecordStatus.OPEN.value]
        if gateway_id is not None:
            cond.append(_T.c.gateway_id == gateway_id)
        if opened_before is not None:
            cond.append(_T.c.received_at < opened_before)
        stmt = (
            _T.update()
            .where(*cond)
            .values(
                status=RecordStatus.INTERRUPTED.value,
                finish_reason="interrupted",
                error="the gateway stopped before the response completed",
                finished_at=sa.func.coalesce(_T.c.updated_at, _T.c.received_at),
                version=INTERRUPTED_VERSION,
                updated_at=time.time() if now is None else now,
            )
        )
        with self._writing() as conn:
            return conn.execute(stmt).rowcount

    # --- reads

    def get(self, request_id: str) -> AuditRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(_T).where(_T.c.request_id == request_id)).first()
        return None if row is None else AuditRecord.from_row(dict(row._mapping))

    def list(
        self,
        filters: TraceFilter | None = None,
        *,
        limit: int = 50,
        after: str | None = None,
        full: bool = False,
        ascending: bool = False,
    ) -> TracePage:
        """Newest first (``ascending``: oldest first); keyset paging on
        (received_at, request_id): pass ``next_cursor`` back as ``after``."""
        cols = list(_T.c) if full else self._summary_cols
        order = (_T.c.received_at, _T.c.request_id)
        stmt = sa.select(*cols).where(*(filters or TraceFilter()).clauses())
        if after is not None:
            at, rid = decode_cursor(after)
            op = (lambda c, v: c > v) if ascending else (lambda c, v: c < v)
            stmt = stmt.where(
                sa.or_(
                    op(_T.c.received_at, at),
                    sa.and_(_T.c.received_at == at, op(_T.c.request_id, rid)),
                )
            )
        stmt = stmt.order_by(*(c.asc() if ascending else c.desc() for c in order))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.limit(limit + 1)).mappings().all()
        records = [AuditRecord.from_row(dict(r)) for r in rows[:limit]]
        last = records[-1] if len(rows) > limit else None
        cursor = None if last is None else encode_cursor(last.received_at, last.request_id)
        return TracePage(records, cursor)

    def export(
        self, filters: TraceFilter | None = None, *, page_size: int = 500
    ) -> Iterator[AuditRecord]:
        """Every matching record in full, oldest first, fetched page by page."""
        after: str | None = None
        while True:
            page = self.list(filters, limit=page_size, after=after, full=True, ascending=True)
            yield from page.records
            if page.next_cursor is None:
                return
            after = page.next_cursor

    def stats(
        self, group_by: Sequence[str] = ("day",), filters: TraceFilter | None = None
    ) -> builtins.list[dict[str, Any]]:
        """Sums of tokens and cost, request and fallback counts, grouped by any of
        day, tenant, mode, task, status, label, model."""
        try:
            keys = [_GROUPS[g].label(g) for g in group_by]
        except KeyError as exc:
            raise InvalidRequest(f"cannot group by {exc.args[0]!r}", param="group_by") from exc
        sums = [
            sa.func.count().label("requests"),
            sa.func.sum(sa.case((_T.c.fallback, 1), else_=0)).label("fallbacks"),
            *(sa.func.coalesce(sa.func.sum(_T.c[c]), 0).label(c) for c in _SUMMED),
        ]
        stmt = sa.select(*keys, *sums).where(*(filters or TraceFilter()).clauses())
        stmt = stmt.group_by(*keys).order_by(*keys)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]


_GROUPS = {
    "day": _T.c.received_day,
    "tenant": _T.c.tenant,
    "mode": _T.c.decided_mode,
    "task": _T.c.task_class,
    "status": _T.c.status,
    "label": _T.c.ab_label,
    "model": _T.c.model,
}
_SUMMED = ("prompt_tokens", "visual_tokens", "completion_tokens", "reasoning_tokens", "cost_usd")
