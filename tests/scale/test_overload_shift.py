"""Thinking overloaded across a pool: when every Thinking replica's own queue
gauges put a reviewer request past its latency budget, traffic shifts to Instruct
within about one metrics interval, with the reason in the response headers, the
Prometheus counters and the audit record; when one replica drains, traffic returns
to Thinking, to that replica. (tests/gateway/test_breaker.py covers one replica,
stale numbers and the failure breaker; this adds the pool, the timing and the
audit trail.)"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from vlgate.config import load_settings
from vlgate.server.app import create_app
from vlgate.testing.fake_engine import THINKING_REPLY, FakeEngine
from vlgate.testing.servers import ThreadedServer

INTERVAL_S = 0.2
REVIEW = {"X-Vlgate-Audience": "reviewer", "X-Vlgate-Latency-Budget-Ms": "2000"}
OVER = {"waiting": 50, "running": 1}  # ~5 s at 0.1 s per request: far past 2 s
DRAINED = {"waiting": 0, "running": 0}
FALLBACK = "fallback:thinking_over_budget"
# The shift must show within one poll plus scheduling slack on a loaded box.
SHIFT_BOUND_S = 2 * INTERVAL_S + 0.6


@dataclass
class Rig:
    server: ThreadedServer
    instruct: FakeEngine
    thinking: list[FakeEngine]
    http: httpx.Client
    db: Path
    n: int = 0

    def ask(self) -> tuple[str, str, str]:
        """One reviewer request; (mode, reason, request id)."""
        self.n += 1
        rid = f"shift-{self.n:04d}"
        body = {"model": "auto", "messages": [{"role": "user", "content": "Is it rising?"}]}
        resp = self.http.post(
            "/v1/chat/completions", json=body, headers={**REVIEW, "x-request-id": rid}
        )
        assert resp.status_code == 200, resp.text
        return resp.headers["x-vlgate-mode"], resp.headers["x-vlgate-route-reason"], rid

    def set_queue(self, engine: FakeEngine, numbers: dict[str, int]) -> float:
        httpx.post(engine.url.removesuffix("/v1") + "/_metrics", json=numbers).raise_for_status()
        return time.monotonic()

    def metric(self, sample: str, **labels: str) -> float:
        text = self.http.get("/metrics").text
        return sum(
            s.value
            for fam in text_string_to_metric_families(text)
            for s in fam.samples
            if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())
        )

    def until_mode(self, mode: str, since: float, timeout: float = 5.0) -> tuple[float, str, str]:
        """Ask until a request lands on ``mode``; (seconds since ``since``, reason, id)."""
        while True:
            got, reason, rid = self.ask()
            now = time.monotonic()
            if got == mode:
                return now - since, reason, rid
            assert now - since < timeout, f"never shifted to {mode}"


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    ins = FakeEngine(model="qwen-instruct").start()
    thk = [
        FakeEngine(model="qwen-thinking", reply=THINKING_REPLY, ttft_s=0.1).start()
        for _ in range(2)
    ]
    up = {"metrics_interval_s": INTERVAL_S, "metrics_max_age_s": 5.0}
    settings = load_settings(
        overrides={
            "instruct": [{"url": ins.url, **up}],
            "thinking": [{"url": e.url, "name": f"thk-{i}", **up} for i, e in enumerate(thk)],
            "routing": {"initial_service_s": {"instruct": 0.05, "thinking": 0.5}},
            "audit": {
                "dsn": f"sqlite:///{tmp_path / 'audit.db'}",
                "journal_dir": str(tmp_path / "journal"),
                "batch_interval_s": 0.01,
            },
        },
        environ={},
    )
    server = ThreadedServer(create_app(settings)).start()
    http = httpx.Client(base_url=server.url, timeout=10.0)
    rig = Rig(server, ins, thk, http, tmp_path / "audit.db")
    try:
        yield rig
    finally:
        http.close()
        server.stop()
        for e in (ins, *thk):
            e.stop()


def test_queue_past_budget_shifts_to_instruct_and_back(rig: Rig) -> None:
    assert rig.ask()[:2] == ("thinking", "audience:reviewer")

    # Both Thinking replicas report a deep queue: the pool's best is over budget.
    since = min(rig.set_queue(e, OVER) for e in rig.thinking)
    took, reason, first_fallback = rig.until_mode("instruct", since)
    assert reason == FALLBACK
    assert took <= SHIFT_BOUND_S, f"shift took {took:.2f}s (metrics interval {INTERVAL_S}s)"
    assert rig.metric("vlgate_expected_latency_seconds", mode="thinking") > 2.0
    # It stays shifted while the queues stay deep, and Thinking sees none of it.
    seen = [len(e.requests) for e in rig.thinking]
    fallbacks = [rig.ask() for _ in range(5)]
    assert {(m, r) for m, r, _ in fallbacks} == {("instruct", FALLBACK)}
    assert [len(e.requests) for e in rig.thinking] == seen
    assert rig.metric("vlgate_fallbacks_total", reason=FALLBACK) >= 6
    assert rig.metric("vlgate_requests_total", mode="instruct", reason=FALLBACK) >= 6

    # One replica drains: traffic returns to Thinking, to that replica.
    since = rig.set_queue(rig.thinking[1], DRAINED)
    took, reason, back = rig.until_mode("thinking", since)
    assert reason == "audience:reviewer"
    assert took <= SHIFT_BOUND_S, f"return took {took:.2f}s"
    assert len(rig.thinking[0].requests) == seen[0]
    assert len(rig.thinking[1].requests) == seen[1] + 1

    # The other goes back over budget too: shifted again.
    since = rig.set_queue(rig.thinking[1], OVER)
    took, reason, _ = rig.until_mode("instruct", since)
    assert reason == FALLBACK and took <= SHIFT_BOUND_S

    rig.server.stop()  # drains the audit queue
    con = sqlite3.connect(rig.db)
    try:
        rows = {
            rid: (mode, why, bool(fb), replica)
            for rid, mode, why, fb, replica in con.execute(
                "SELECT request_id, decided_mode, route_reason, fallback, replica FROM audit_records"
            )
        }
    finally:
        con.close()
    assert len(rows) == rig.n
    assert rows[first_fallback][:3] == ("instruct", FALLBACK, True)
    for _, _, rid in fallbacks:
        assert rows[rid][:3] == ("instruct", FALLBACK, True)
    assert rows[back] == ("thinking", "audience:reviewer", False, "thk-1")
