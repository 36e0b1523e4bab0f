"""The scaled shape on one box: two ``vlgate serve`` processes sharing one
PostgreSQL audit store, two engine replicas per mode. Traffic is spread over both
gateways; one Instruct replica is killed mid-run. Every request is in the store
exactly once with the gateway that served it, both replicas served, and no client
saw an error for a request that had not started streaming."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import yaml

from vlgate.testing.fake_engine import THINKING_REPLY, FakeEngine
from vlgate.testing.process import GatewayProcess

from .sse import StreamOutcome, stream_chat

N_REQUESTS = 160
KILL_AFTER = 50  # requests finished before one Instruct replica is killed
GATEWAYS = ("gw-a", "gw-b")


def _config(tmp: Path, dsn: str, ins: list[FakeEngine], thk: list[FakeEngine]) -> Path:
    def replicas(engines: list[FakeEngine], prefix: str) -> list[dict[str, Any]]:
        return [
            {
                "url": e.url,
                "name": f"{prefix}-{i}",
                "first_byte_timeout_s": 5.0,
                "read_timeout_s": 5.0,
                "metrics_interval_s": 0.2,
            }
            for i, e in enumerate(engines)
        ]

    cfg = {
        "server": {"graceful_timeout_s": 5, "drain_delay_s": 0},
        "instruct": replicas(ins, "ins"),
        "thinking": replicas(thk, "thk"),
        "pool": {"max_retries": 2, "eject_after": 2, "eject_base_s": 5},
        "audit": {
            "dsn": dsn,
            "journal_dir": str(tmp / "journal"),
            "batch_interval_s": 0.01,
            "policy": "fail_closed",
        },
    }
    path = tmp / "vlgate.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@pytest.mark.slow
@pytest.mark.postgres
def test_two_gateways_one_store_two_replicas_per_mode(
    tmp_path: Path, pg_schema: tuple[str, sa.Engine]
) -> None:
    dsn, admin = pg_schema
    slow = {"tokens": 30, "token_interval_s": 0.004}
    ins = [FakeEngine(model="qwen-instruct", **slow).start() for _ in range(2)]  # type: ignore[arg-type]
    thk = [
        FakeEngine(model="qwen-thinking", reply=THINKING_REPLY, **slow).start()  # type: ignore[arg-type]
        for _ in range(2)
    ]
    config = _config(tmp_path, dsn, ins, thk)
    gws = [
        GatewayProcess(
            ["--config", str(config)],
            env={"VLGATE_SERVER__INSTANCE_ID": gid},
            log_path=tmp_path / f"{gid}.log",
        )
        for gid in GATEWAYS
    ]
    outcomes: dict[str, StreamOutcome] = {}
    served_by: dict[str, str] = {}
    finished = threading.Semaphore(0)
    try:
        for gw in gws:
            gw.start()

        def one(i: int, client: httpx.Client) -> None:
            gw_index = i % 2
            rid = f"scale-{i:04d}"
            model = "instruct" if (i // 2) % 2 == 0 else "thinking"
            body = {"model": model, "messages": [{"role": "user", "content": f"q{i}"}]}
            served_by[rid] = GATEWAYS[gw_index]
            outcomes[rid] = stream_chat(client, gws[gw_index].url, rid, body)
            finished.release()

        with httpx.Client(timeout=30.0) as client, ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(one, i, client) for i in range(N_REQUESTS)]
            for _ in range(KILL_AFTER):
                assert finished.acquire(timeout=30)
            ins[1].stop()  # one Instruct replica dies under load
            for f in futures:
                f.result(timeout=60)
    finally:
        for gw in gws:
            gw.terminate(timeout=30)  # graceful: drains the audit queue
        for gw in gws:
            gw.kill()
        for e in (*ins, *thk):
            e.stop()

    assert len(outcomes) == N_REQUESTS
    broken = [o for o in outcomes.values() if not o.ok]
    for o in broken:
        # 200 is sent only after the engine's first event: anything else failed before
        # streaming started, which retries must have hidden.
        assert o.status == 200, f"{o.request_id} failed before streaming: {o.status} {o.error}"
    assert len(broken) <= 8, f"too many cut streams: {len(broken)}"

    with admin.connect() as conn:
        schema = dsn.rsplit("%3D", 1)[1]
        rows = conn.execute(
            sa.text(f"SELECT request_id, gateway_id, status, replica FROM {schema}.audit_records")
        ).all()
    ids = [r.request_id for r in rows]
    assert sorted(ids) == sorted(outcomes), "audit ids differ from the requests sent"
    for r in rows:
        assert r.gateway_id == served_by[r.request_id], r
        expected = "completed" if outcomes[r.request_id].ok else "failed"
        assert r.status == expected, (r, outcomes[r.request_id])
    replicas = {r.replica for r in rows}
    assert {"ins-0", "ins-1", "thk-0", "thk-1"} <= replicas
    assert all(len(e.requests) > 0 for e in (*ins, *thk))
    # After the kill, every Instruct request that started later went to ins-0.
    late = [r for r in rows if r.replica == "ins-1" and int(r.request_id[6:]) > KILL_AFTER + 20]
    assert not late, f"requests still routed to the dead replica: {late[:3]}"
