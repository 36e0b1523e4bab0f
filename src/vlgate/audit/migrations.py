"""Ordered, named schema migrations, applied at start.

``MIGRATIONS`` is the history: append, never edit or reorder. ``apply`` runs the
ones missing from ``audit_schema_version`` in one transaction, under a lock so
that several gateway processes starting at once apply each migration exactly
once: a PostgreSQL advisory lock, or SQLite's ``BEGIN IMMEDIATE`` write lock.

Migration 0001 builds the table from ``schema.records``; when a later migration
changes that table, first freeze 0001's column list here so that a fresh database
replays history instead of jumping to the latest shape.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa

from vlgate.audit import schema

Migration = tuple[str, Callable[[sa.Connection], None]]

# A fixed 63-bit key for pg_advisory_xact_lock ("vlgate.audit" in hex, truncated).
_PG_LOCK_KEY = 0x766C676174652E61


def _create_records(conn: sa.Connection) -> None:
    schema.records.create(conn)


def _create_indexes(conn: sa.Connection) -> None:
    # Plain DDL: an sa.Index would attach itself to the shared Table object.
    for name, cols in schema.INDEXES:
        conn.exec_driver_sql(f"CREATE INDEX {name} ON {schema.records.name} ({', '.join(cols)})")


MIGRATIONS: list[Migration] = [
    ("0001_create_audit_records", _create_records),
    ("0002_list_filter_indexes", _create_indexes),
]


def _lock_postgresql(conn: sa.Connection) -> None:
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def _lock_sqlite(conn: sa.Connection) -> None:
    """Nothing to do: the store opens this transaction with BEGIN IMMEDIATE."""


_LOCKS: dict[str, Callable[[sa.Connection], None]] = {
    "postgresql": _lock_postgresql,
    "sqlite": _lock_sqlite,
}


def applied(conn: sa.Connection) -> list[str]:
    if not sa.inspect(conn).has_table(schema.schema_version.name):
        return []
    rows = conn.execute(
        sa.select(schema.schema_version.c.name).order_by(schema.schema_version.c.position)
    )
    return [r[0] for r in rows]


def apply(engine: sa.Engine, migrations: list[Migration] | None = None) -> list[str]:
    """Apply what is missing; returns the names applied now (empty when up to date)."""
    todo = MIGRATIONS if migrations is None else migrations
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        _LOCKS[engine.dialect.name](conn)
        schema.schema_version.create(conn, checkfirst=True)
        done = set(applied(conn))
        now: list[str] = []
        for position, (name, fn) in enumerate(todo, start=1):
            if name in done:
                continue
            fn(conn)
            conn.execute(
                schema.schema_version.insert().values(
                    name=name, position=position, applied_at=time.time()
                )
            )
            now.append(name)
    return now
