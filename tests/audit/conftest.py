"""Fixtures: every store test runs on SQLite and on PostgreSQL (a fresh schema each)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from vlgate.audit.config import AuditSettings
from vlgate.audit.store import AuditStore

PG_USERS = ("postgres", "root")


def _pg_base() -> tuple[str | None, str]:
    """The first PostgreSQL DSN that answers, or None and why not."""
    env = os.environ.get("VLGATE_TEST_PG_DSN")
    candidates = (
        [env] if env else [f"postgresql+psycopg://{u}@127.0.0.1:5432/test" for u in PG_USERS]
    )
    reason = ""
    for dsn in candidates:
        engine = sa.create_engine(dsn, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return dsn, ""
        except sa.exc.OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0]
        finally:
            engine.dispose()
    return None, reason


_PG_DSN, _PG_WHY = _pg_base()


@pytest.fixture
def pg_dsn() -> Iterator[str]:
    """A DSN whose search_path is a schema made for this test and dropped after."""
    if _PG_DSN is None:
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 (db test) unreachable: {_PG_WHY}")
    schema = f"audit_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_PG_DSN)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{_PG_DSN}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def dsn(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'audit.db'}"
    return str(request.getfixturevalue("pg_dsn"))


@pytest.fixture
def store(dsn: str) -> Iterator[AuditStore]:
    s = AuditStore.from_dsn(dsn)
    s.migrate()
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path, dsn: str) -> AuditSettings:
    return AuditSettings(
        dsn=dsn,
        journal_dir=tmp_path / "journal",
        batch_interval_s=0.01,
        probe_interval_s=0.05,
    )
