"""kill -9 a real vlgate process mid-stream: after restart, every request that sent
bytes to a client is in the store, marked interrupted with what was sent so far."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import httpx
import pytest

from vlgate.testing.fake_engine import FakeEngine
from vlgate.testing.process import GatewayProcess, free_port, wait_until


def stream_until_killed(
    url: str, request_id: str, got_bytes: set[str], lock: threading.Lock
) -> None:
    body = {"model": "instruct", "stream": True, "messages": [{"role": "user", "content": "go"}]}
    try:
        with httpx.stream(
            "POST", url + "/v1/chat/completions", json=body,
            headers={"x-request-id": request_id}, timeout=30,
        ) as resp:  # fmt: skip
            for chunk in resp.iter_bytes():
                if b'"content":"' in chunk and b'"content":""' not in chunk:
                    with lock:
                        got_bytes.add(request_id)
    except httpx.HTTPError:
        pass  # the gateway died under us: expected


@pytest.mark.slow
def test_kill_9_mid_stream_then_restart(tmp_path: Path) -> None:
    engine = FakeEngine(model="qwen-instruct", tokens=400, token_interval_s=0.01).start()
    db = tmp_path / "audit.db"
    env = {
        "VLGATE_AUDIT__DSN": f"sqlite:///{db}",
        "VLGATE_AUDIT__JOURNAL_DIR": str(tmp_path / "journal"),
    }
    port = free_port()
    args = ["--instruct-url", engine.url]
    gw = GatewayProcess(args, port=port, env=env, log_path=tmp_path / "gw.log").start()
    got_bytes: set[str] = set()
    lock = threading.Lock()
    ids = [f"crash-{i}" for i in range(6)]
    threads = [
        threading.Thread(target=stream_until_killed, args=(gw.url, rid, got_bytes, lock))
        for rid in ids
    ]
    try:
        for t in threads:
            t.start()
        # Let every stream run past one progress interval (1 s), then kill.
        wait_until(lambda: len(got_bytes) == len(ids), timeout=20)
        wait_until(lambda: engine.served == 0 and engine.inflight == len(ids), timeout=5)
        threading.Event().wait(1.5)
        gw.kill()
        for t in threads:
            t.join(timeout=10)
        gw2 = GatewayProcess(args, port=port, env=env, log_path=tmp_path / "gw2.log").start()
        gw2.terminate()
    finally:
        gw.kill()
        engine.stop()

    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = dict(
            (rid, (status, answer))
            for rid, status, answer in con.execute(
                "SELECT request_id, status, answer FROM audit_records WHERE request_id LIKE 'crash-%'"
            )
        )
    finally:
        con.close()
    assert got_bytes == set(ids)
    assert set(rows) == set(ids), "a request that sent bytes is missing from the store"
    for rid, (status, answer) in rows.items():
        assert status == "interrupted", rid
        assert answer, f"{rid}: the partial answer sent before the crash was not kept"
