"""The breakers: Thinking over the latency budget by the engine's own queue
numbers (fresh and stale), and Thinking failing (open, half-open probe, closed)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import openai
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from vlgate.testing.fake_engine import FakeEngine, Script
from vlgate.testing.servers import ThreadedServer

USER = [{"role": "user", "content": "Is the chart rising?"}]
REVIEW = {"X-Vlgate-Audience": "reviewer", "X-Vlgate-Latency-Budget-Ms": "2000"}
FAST_METRICS = {"metrics_interval_s": 0.05, "metrics_max_age_s": 5.0}
# Thinking is expected to take 0.5 s per request until one has been observed.
ROUTING = {"routing": {"initial_service_s": {"instruct": 0.05, "thinking": 0.5}}}


def _route(client: openai.OpenAI, headers: dict[str, str] = REVIEW) -> tuple[str, str]:
    raw = client.chat.completions.with_raw_response.create(
        model="auto", messages=USER, extra_headers=headers
    )
    raw.parse()
    return raw.headers["x-vlgate-mode"], raw.headers["x-vlgate-route-reason"]


def test_over_budget_falls_back_then_returns(make_stack: Any, until: Callable[..., None]) -> None:
    # 0.1 s per Thinking request: with 50 waiting behind 1 running, about 5 s.
    stack = make_stack(thinking=[{"ttft_s": 0.1}], upstream=FAST_METRICS, overrides=ROUTING)
    client = stack.client()
    assert _route(client) == ("thinking", "audience:reviewer")

    stack.http().post(
        stack.thk.url.removesuffix("/v1") + "/_metrics", json={"waiting": 50, "running": 1}
    )
    until(
        lambda: stack.metric("vlgate_expected_latency_seconds", mode="thinking") > 2.0,
        what="the gateway to read the queue",
    )
    seen = len(stack.thk.requests)
    raw = client.chat.completions.with_raw_response.create(
        model="auto", messages=USER, extra_headers=REVIEW
    )
    assert raw.headers["x-vlgate-mode"] == "instruct"
    assert raw.headers["x-vlgate-route-reason"] == "fallback:thinking_over_budget"
    info = raw.parse().model_extra["vlgate"]  # type: ignore[index]
    assert info["wanted_mode"] == "thinking"
    assert info["expected_thinking_ms"] > 2000
    assert len(stack.thk.requests) == seen  # Thinking never saw it
    assert stack.metric("vlgate_fallbacks_total", reason="fallback:thinking_over_budget") == 1

    # Without a budget the same request still goes to Thinking (reviewers wait).
    assert _route(client, {"X-Vlgate-Audience": "reviewer"}) == ("thinking", "audience:reviewer")

    stack.http().post(
        stack.thk.url.removesuffix("/v1") + "/_metrics", json={"waiting": 0, "running": 0}
    )
    until(
        lambda: stack.metric("vlgate_expected_latency_seconds", mode="thinking") < 2.0,
        what="the queue to drain",
    )
    assert _route(client) == ("thinking", "audience:reviewer")


class _MetricsServer:
    """An engine /metrics endpoint the test switches off (404: no numbers)."""

    def __init__(self) -> None:
        self.text: str | None = "vllm:num_requests_waiting 50\nvllm:num_requests_running 1\n"
        self.lock = threading.Lock()
        app = Starlette(routes=[Route("/metrics", self._metrics)])
        self.server = ThreadedServer(app, lifespan="off")

    async def _metrics(self, request: Request) -> PlainTextResponse:
        text = self.text
        return PlainTextResponse(text or "gone", status_code=200 if text else 404)


@pytest.fixture
def metrics_server() -> Iterator[_MetricsServer]:
    m = _MetricsServer()
    m.server.start()
    yield m
    m.server.stop()


def test_stale_engine_metrics_fall_back_to_inflight_counting(
    make_stack: Any, metrics_server: _MetricsServer, until: Callable[..., None]
) -> None:
    thk = FakeEngine(model="qwen-thinking").start()
    try:
        spec = {
            "url": thk.url,
            "metrics_url": metrics_server.server.url + "/metrics",
            "metrics_interval_s": 0.05,
            "metrics_max_age_s": 0.3,
        }
        gw = make_stack(thinking=[], overrides={**ROUTING, "thinking": [spec]})
        client = gw.client()
        until(
            lambda: gw.metric("vlgate_expected_latency_seconds", mode="thinking") > 2.0,
            what="the stale-to-be numbers to be read",
        )
        assert _route(client) == ("instruct", "fallback:thinking_over_budget")

        metrics_server.text = None  # the engine stops reporting
        until(
            lambda: gw.metric("vlgate_expected_latency_seconds", mode="thinking") < 2.0,
            what="the numbers to age out",
        )
        assert _route(client) == ("thinking", "audience:reviewer")
        assert thk.requests  # it really went there
    finally:
        thk.stop()


FAILING = {
    "pool": {"max_retries": 0},
    "routing": {"breaker_threshold": 2, "breaker_cooldown_s": 0.3},
}


def test_failure_breaker_opens_probes_and_closes(
    make_stack: Any, until: Callable[..., None]
) -> None:
    stack = make_stack(overrides=FAILING)
    client = stack.client()
    stack.thk.push(Script(fail=500), Script(fail=500))
    task = {"X-Vlgate-Task": "math"}
    # Two failures before the first byte: each falls back to Instruct and counts.
    for _ in range(2):
        assert _route(client, task) == ("instruct", "fallback:thinking_unavailable")
    assert stack.metric("vlgate_breaker_state", mode="thinking") == 2  # open
    assert stack.metric("vlgate_upstream_errors_total", mode="thinking", code="upstream_500") == 2

    # Open: Thinking is not even tried.
    seen = len(stack.thk.requests)
    assert _route(client, task) == ("instruct", "fallback:thinking_unavailable")
    assert len(stack.thk.requests) == seen

    until(
        lambda: stack.metric("vlgate_breaker_state", mode="thinking") == 1,
        what="the cool-down to end (half-open)",
    )
    # Half-open: one probe goes to Thinking, succeeds, and closes the breaker.
    assert _route(client, task) == ("thinking", "task:math")
    assert len(stack.thk.requests) == seen + 1
    assert stack.metric("vlgate_breaker_state", mode="thinking") == 0
    assert _route(client, task) == ("thinking", "task:math")
    assert stack.metric("vlgate_fallbacks_total", reason="fallback:thinking_unavailable") == 3


def test_failed_probe_reopens(make_stack: Any, until: Callable[..., None]) -> None:
    stack = make_stack(overrides=FAILING)
    client = stack.client()
    task = {"X-Vlgate-Task": "math"}
    stack.thk.push(Script(fail=503), Script(fail=503), Script(fail=503))
    for _ in range(2):
        _route(client, task)
    until(lambda: stack.metric("vlgate_breaker_state", mode="thinking") == 1, what="half-open")
    assert _route(client, task) == ("instruct", "fallback:thinking_unavailable")  # probe failed
    assert stack.metric("vlgate_breaker_state", mode="thinking") == 2
    assert not stack.thk.scripts  # the probe did reach Thinking
