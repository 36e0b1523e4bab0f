"""Scale-out fixtures: a fresh PostgreSQL schema per test, SSE reading helpers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, sa.Engine]]:
    """A schema of its own; yields (DSN whose search_path is that schema, admin engine)."""
    admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    name = f"scale_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    except sa.exc.OperationalError as exc:  # pragma: no cover
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432: {exc}")
    dsn = f"{ADMIN}?options=-csearch_path%3D{name}"
    yield dsn, admin
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
    admin.dispose()
