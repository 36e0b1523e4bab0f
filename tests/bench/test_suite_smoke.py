"""The suite's machinery without nginx, LiteLLM or vlgate: statistics, the open-loop
scheduler on an in-process target, the raw HTTP client on a loopback server, the
peer configs and the Markdown report."""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path

import httpx
import pytest
import yaml

from bench.peers.loadgen import Client, Endpoint, HttpError, SseTokens, open_loop
from bench.peers.measure import rotated
from bench.peers.report import goals, render
from bench.peers.stats import (
    LatencySummary,
    StepResult,
    max_passing_rate,
    median_of_medians,
    percentile,
)
from bench.peers.targets import PEERS, litellm_config, nginx_conf, vlgate_config

# -- statistics -----------------------------------------------------------------------


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]  # unsorted on purpose
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([3.0, 1.0, 2.0], 99) == 3.0  # few samples: p99 is the max
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_median_of_medians_ignores_one_slow_round() -> None:
    rounds = [[1.0, 2.0, 3.0], [100.0, 200.0, 300.0], [2.0, 2.0, 2.0], []]
    assert median_of_medians(rounds) == 2.0
    summary = LatencySummary.of([[1.0, 2.0, 3.0], [2.0, 2.0, 9.0]])
    assert (summary.p50, summary.p99, summary.count) == (2.0, 9.0, 6)
    with pytest.raises(ValueError):
        median_of_medians([[], []])


def test_a_step_passes_only_complete_errorless_and_fast() -> None:
    ok = StepResult(100, 1.0, (0.01,) * 100, 0)
    assert ok.passes(0.05) and ok.achieved == 100
    assert not StepResult(100, 1.0, (0.01,) * 99, 1).passes(0.05)  # an error
    assert not StepResult(100, 1.0, (0.01,) * 90, 0).passes(0.05)  # requests missing
    assert not StepResult(100, 1.0, (0.01,) * 98 + (0.2, 0.2), 0).passes(0.05)  # p99 too high
    assert StepResult(100, 1.0, (), 0).p99 == math.inf


def test_max_rate_stops_at_the_first_failure() -> None:
    def step(rate: float, lat: float) -> StepResult:
        return StepResult(rate, 1.0, (lat,) * int(rate), 0)

    steps = [step(400, 0.01), step(100, 0.01), step(200, 0.09), step(800, 0.01)]
    assert max_passing_rate(steps, 0.05) == 100  # 400 and 800 passing after 200 failed is noise
    assert max_passing_rate([step(100, 0.09)], 0.05) == 0


def test_rounds_rotate_the_peer_order() -> None:
    names = ["a", "b", "c"]
    assert [rotated(names, r)[0] for r in range(4)] == ["a", "b", "c", "a"]
    assert sorted(rotated(names, 5)) == names
    assert rotated([], 3) == []


# -- open-loop scheduler ----------------------------------------------------------------


async def test_open_loop_sends_on_schedule_while_a_request_is_stuck() -> None:
    """The first request blocks until the 10th has been sent: a closed-loop client
    would never send the 10th; the open-loop one does, on time, and charges the
    first request its whole wait from its scheduled time."""
    release = asyncio.Event()
    sent: list[float] = []

    async def send() -> None:
        sent.append(time.perf_counter())
        if len(sent) == 1:
            await release.wait()
        elif len(sent) == 10:
            release.set()

    result = await open_loop(send, rate=200, duration_s=0.25, grace_s=5)
    assert result.errors == 0 and len(result.latencies) == 50 and len(sent) == 50
    spread = sent[-1] - sent[0]
    assert 0.2 <= spread < 0.5  # 49 intervals of 5 ms, not a burst
    assert max(result.latencies) >= 9 / 200 * 0.9  # the stuck one waited for the 10th's due time


async def test_open_loop_counts_unfinished_and_failed_requests_as_errors() -> None:
    calls = 0

    async def send() -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionResetError("boom")
        if calls == 3:
            await asyncio.Event().wait()  # never completes

    result = await open_loop(send, rate=100, duration_s=0.05, grace_s=0.2)
    assert result.errors == 2 and len(result.latencies) == 3
    assert not result.passes(1.0)


# -- the HTTP client -----------------------------------------------------------------------

SSE = (
    b'data: {"choices":[{"delta":{"role":"assistant","content":""}}]}\n\n'
    b'data: {"choices":[{"delta":{"content":"a "}}]}\n\n'
    b'data: {"choices":[{"delta":{"content":"b"}}]}\n\n'
    b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
)


def test_sse_token_count_does_not_depend_on_the_split() -> None:
    for cut in range(1, len(SSE)):
        parser = SseTokens()
        assert parser.feed(SSE[:cut]) + parser.feed(SSE[cut:]) == 2
    with pytest.raises(HttpError):
        SseTokens().feed(b'data: {"error": {"message": "x"}}\n\n')


Handlers = list["asyncio.Task[object]"]


async def _serve(handled: list[bytes], close_after_first: bool, tasks: Handlers) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.append(asyncio.current_task())  # type: ignore[arg-type]
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            body = await reader.readexactly(length)
            handled.append(body)
            if body == b"stream":
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                for part in (SSE[:40], SSE[40:]):
                    writer.write(b"%x\r\n%s\r\n" % (len(part), part))
                writer.write(b"0\r\n\r\n")
            else:
                status = b"500 Oops" if body == b"fail" else b"200 OK"
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
            if close_after_first:
                break
        writer.close()
        await writer.wait_closed()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def _shutdown(client: Client, server: asyncio.Server, tasks: Handlers) -> None:
    await client.aclose()
    await asyncio.gather(*tasks)  # each handler sees the client's close and closes its side
    server.close()
    await server.wait_closed()


async def test_client_reuses_connections_and_parses_both_framings() -> None:
    handled: list[bytes] = []
    tasks: Handlers = []
    server = await _serve(handled, close_after_first=False, tasks=tasks)
    port = server.sockets[0].getsockname()[1]
    client = Client(Endpoint("127.0.0.1", port))
    try:
        ep = client.ep
        assert await client.call(ep.request_bytes(b"one")) == b"ok"
        sample = await client.stream(ep.request_bytes(b"stream"))
        assert len(sample.token_times) == 2 and sample.ttft <= sample.total
        with pytest.raises(HttpError, match="HTTP 500"):
            await client.call(ep.request_bytes(b"fail"))
        assert handled == [b"one", b"stream", b"fail"]
    finally:
        await _shutdown(client, server, tasks)


async def test_client_resends_on_a_connection_closed_while_idle() -> None:
    handled: list[bytes] = []
    tasks: Handlers = []
    server = await _serve(handled, close_after_first=True, tasks=tasks)
    port = server.sockets[0].getsockname()[1]
    client = Client(Endpoint("127.0.0.1", port))
    try:
        for _ in range(3):
            assert await client.call(client.ep.request_bytes(b"x")) == b"ok"
        assert handled == [b"x"] * 3
    finally:
        await _shutdown(client, server, tasks)


# -- peers and report -------------------------------------------------------------------------


def test_peer_configs(tmp_path: Path) -> None:
    conf = nginx_conf(8080, 9090, tmp_path)
    for needle in (
        "worker_processes 1;",
        "proxy_buffering off;",
        "keepalive 512;",
        "127.0.0.1:9090",
    ):
        assert needle in conf
    assert conf.count("{") == conf.count("}")
    lite = yaml.safe_load(litellm_config(9090))
    params = lite["model_list"][0]["litellm_params"]
    assert params["api_base"] == "http://127.0.0.1:9090/v1" and params["model"].startswith(
        "openai/"
    )
    assert lite["litellm_settings"]["telemetry"] is False
    assert yaml.safe_load(vlgate_config(False)) == {"guard": {"enabled": False}}
    assert {"direct", "nginx", "litellm", "vlgate", "vlgate+audit"} <= set(PEERS)


RESULTS = {
    "meta": {"command": "python -m bench.suite", "versions": {"x": "1"}},
    "skipped": {"vlgate+audit+guards": "not wired"},
    "latency": {
        "instant": {
            "direct": {"p50": 0.2, "p99": 1.0, "n": 10},
            "nginx": {"p50": 0.3, "p99": 1.2, "n": 10},
            "litellm": {"p50": 10.2, "p99": 30.0, "n": 10},
            "vlgate": {"p50": 0.7, "p99": 2.0, "n": 10},
        }
    },
    "cpu": {"vlgate": {"proxy_ms": 0.4, "engine_ms": 0.2}},
    "image": {
        "direct": {"p50": 5.0, "p99": 6.0, "n": 2},
        "vlgate": {"p50": 7.5, "p99": 9.0, "n": 2},
    },
    "rps": {"direct": 2000.0, "litellm": 100.0, "vlgate": 250.0},
    "rps_top": 2000.0,
    "stream": {
        "1": {
            "direct": {"ttft_p50": 20.0, "itl_p99": 11.0, "tokens_s": 100.0},
            "vlgate": {"ttft_p50": 21.0, "itl_p99": 12.0, "tokens_s": 99.5},
        }
    },
    "client": {"cpu_ms_per_request": 0.05, "cpu_share_at_direct_max": 0.3},
}


def test_goals_are_judged_from_the_figures() -> None:
    status = [g.met for g in goals(RESULTS)]
    assert status[0] is True  # 0.5 ms added <= 1
    assert status[1] is True  # 0.5 <= 0.25 x 10
    assert status[2] is False  # 0.5 > 3 x 0.1
    assert status[3] is False  # 250 < 3 x 100
    assert status[4] is True  # 99.5 >= 0.99 x 100
    assert status[5] is None  # no 64-client figures


def test_report_renders_tables_and_skips() -> None:
    text = render(RESULTS, ["benchmarks-suite-latency.png"])
    assert "| instant | vlgate | 0.700 | 2.000 | 0.500 | 1.000 | 0.400 | 7.50 | 2.50 |" in text
    assert "| vlgate | 250 | 0.12 |" in text
    assert "| direct | >= 2000 | 1.00 |" in text  # passed the last step: a lower bound
    assert "- vlgate+audit+guards: not wired" in text
    assert "![benchmarks-suite-latency.png](benchmarks-suite-latency.png)" in text
    assert "**missed**" in text and "not measured" in text


def test_kept_notes_survive_a_regeneration(tmp_path: Path) -> None:
    from bench.suite import NOTES_END, NOTES_START, kept_notes

    page = tmp_path / "page.md"
    assert kept_notes(page).strip() == f"{NOTES_START}\n{NOTES_END}"  # no page yet: empty block
    page.write_text(f"# old figures\n{NOTES_START}\nwhy it is slow\n{NOTES_END}\ntrailing\n")
    assert kept_notes(page).strip() == f"{NOTES_START}\nwhy it is slow\n{NOTES_END}"


async def test_paced_engine_is_retimed_and_charges_whole_replies_the_token_intervals() -> None:
    from bench.peers.engine_server import PacedFakeEngine

    engine = PacedFakeEngine(tokens=11)
    transport = httpx.ASGITransport(app=engine.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://engine") as client:
        assert (await client.post("/_profile", json={"bogus": 1})).status_code == 400
        timing = {"ttft_s": 0.0, "token_interval_s": 0.01}
        assert (await client.post("/_profile", json=timing)).status_code == 204
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        start = time.perf_counter()
        resp = await client.post("/v1/chat/completions", json=body)
        elapsed = time.perf_counter() - start
    assert resp.status_code == 200
    assert resp.json()["usage"]["completion_tokens"] == 11
    assert elapsed >= 10 * 0.01  # ten intervals between eleven tokens, as when streamed
