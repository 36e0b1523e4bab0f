"""The PostgreSQL audit store goes away under a running gateway and comes back:
fail-closed answers 503 (never a response without a record), spool keeps answering;
either way nothing admitted is lost or duplicated, and service recovers."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import openai
import pytest
import sqlalchemy as sa

from vlgate.config import load_settings
from vlgate.server.app import create_app
from vlgate.testing.fake_engine import FakeEngine
from vlgate.testing.process import wait_until
from vlgate.testing.servers import ThreadedServer

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class Outage:
    """PostgreSQL refusing one role: logins fail and its sessions are terminated,
    as when the database restarts or fails over."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")

    def begin(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f"ALTER ROLE {self.role} NOLOGIN"))
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"
                ),
                {"r": self.role},
            )

    def end(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f"ALTER ROLE {self.role} LOGIN"))


@pytest.fixture
def store_role() -> Iterator[tuple[str, str]]:
    """A role and a schema of its own; yields (role, schema)."""
    admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    name = f"audit_down_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE ROLE {name} LOGIN"))
            conn.execute(sa.text(f"CREATE SCHEMA {name} AUTHORIZATION {name}"))
    except sa.exc.OperationalError as exc:  # pragma: no cover
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432: {exc}")
    yield name, name
    with admin.connect() as conn:
        conn.execute(sa.text(f"ALTER ROLE {name} LOGIN"))
        conn.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"),
            {"r": name},
        )
        conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
        conn.execute(sa.text(f"DROP ROLE {name}"))
    admin.dispose()


def ids_in_store(schema: str) -> list[str]:
    engine = sa.create_engine(ADMIN)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(f"SELECT request_id, status FROM {schema}.audit_records"))
            return [r[0] for r in rows if r[1] == "completed"]
    finally:
        engine.dispose()


def ask(client: openai.OpenAI, rid: str) -> bool:
    try:
        client.chat.completions.create(
            model="instruct",
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"x-request-id": rid},
        )
        return True
    except openai.APIStatusError as exc:
        assert exc.status_code == 503, exc
        assert "audit" in exc.message
        return False


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("policy", ["fail_closed", "spool"])
def test_store_down_then_back(policy: str, store_role: tuple[str, str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    role, schema = store_role
    engine = FakeEngine(model="m").start()
    outage = Outage(role)
    dsn = f"postgresql+psycopg://{role}@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    settings = load_settings(
        overrides={
            "instruct": [{"url": engine.url}],
            "audit": {
                "dsn": dsn,
                "journal_dir": str(tmp_path / "journal"),
                "policy": policy,
                "probe_interval_s": 0.2,
                "batch_interval_s": 0.01,
            },
        },
        environ={},
    )
    server = ThreadedServer(create_app(settings)).start()
    client = openai.OpenAI(base_url=server.url + "/v1", api_key="x", max_retries=0)
    answered: list[str] = []
    try:
        for i in range(5):
            assert ask(client, f"up-{i}")
            answered.append(f"up-{i}")
        outage.begin()
        refused = 0
        deadline = time.monotonic() + 8
        i = 0
        while time.monotonic() < deadline:
            rid = f"down-{i}"
            i += 1
            if ask(client, rid):
                answered.append(rid)
            else:
                refused += 1
                if policy == "fail_closed" and refused >= 3:
                    break
            time.sleep(0.05)
        if policy == "fail_closed":
            assert refused >= 3, "fail-closed kept answering with the store down"
        else:
            assert refused == 0, "spool refused requests while it had room"
        outage.end()
        back = time.monotonic()
        wait_until(lambda: ask(client, f"back-{uuid.uuid4().hex[:6]}"), timeout=5, every=0.1)
        assert time.monotonic() - back < 5
        wait_until(lambda: set(answered) <= set(ids_in_store(schema)), timeout=10, every=0.2)
        stored = ids_in_store(schema)
        assert len(stored) == len(set(stored))
    finally:
        server.stop()
        outage.end()
        outage.admin.dispose()
        engine.stop()
