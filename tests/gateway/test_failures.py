"""Engine failures as the client sees them: retries on another replica, fallback
before the first byte, errors mid-stream (never reported as success), timeouts,
and a client that goes away cancelling the engine's work."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest

from vlgate.testing.fake_engine import Script

USER = [{"role": "user", "content": "Describe it."}]
ONE_TRY = {"pool": {"max_retries": 0}}


def test_retry_on_the_other_replica(make_stack: Any) -> None:
    stack = make_stack(thinking=[{}, {}])
    flaky, steady = stack.thinking
    flaky.push(Script(fail=503))
    client = stack.client()
    # The pool spreads fresh replicas round-robin, so the flaky one is hit within a
    # couple of requests; every request must still succeed.
    for _ in range(4):
        comp = client.chat.completions.create(model="thinking", messages=USER)
        assert comp.choices[0].message.content == "The answer is 42."
        if not flaky.scripts:
            break
    assert not flaky.scripts, "the scripted 503 was never reached"
    assert stack.metric("vlgate_retries_total", mode="thinking") == 1
    assert stack.metric("vlgate_requests_total", mode="thinking", status="completed") >= 1
    assert stack.metric("vlgate_requests_total", status="failed") == 0
    assert stack.metric("vlgate_fallbacks_total") == 0
    assert steady.requests


def test_503_on_single_replica_falls_back_to_instruct(make_stack: Any) -> None:
    stack = make_stack(overrides=ONE_TRY)
    stack.thk.push(Script(fail=503))
    raw = stack.client().chat.completions.with_raw_response.create(
        model="auto", messages=USER, extra_headers={"X-Vlgate-Task": "chart_reasoning"}
    )
    assert raw.headers["x-vlgate-mode"] == "instruct"
    assert raw.headers["x-vlgate-route-reason"] == "fallback:thinking_unavailable"
    comp = raw.parse()
    assert comp.choices[0].message.content == "The answer is 42."
    assert comp.model == "qwen-instruct"
    assert stack.ins.requests[-1]["temperature"] == 0.7  # Instruct's preset, not Thinking's
    assert stack.metric("vlgate_upstream_errors_total", mode="thinking", code="upstream_503") == 1
    assert stack.metric("vlgate_fallbacks_total", reason="fallback:thinking_unavailable") == 1


def test_503_on_instruct_is_an_openai_error(make_stack: Any) -> None:
    stack = make_stack(overrides=ONE_TRY)
    stack.ins.push(Script(fail=503))
    with pytest.raises(openai.APIStatusError) as err:
        stack.client().chat.completions.create(model="instruct", messages=USER)
    assert err.value.status_code == 502
    assert err.value.body["type"] == "upstream_error"  # type: ignore[index]
    assert "503" in err.value.body["message"]  # type: ignore[index]


def test_engine_4xx_is_passed_on_as_400(make_stack: Any) -> None:
    stack = make_stack(overrides=ONE_TRY)
    stack.ins.push(Script(fail=400))
    with pytest.raises(openai.BadRequestError) as err:
        stack.client().chat.completions.create(model="instruct", messages=USER)
    assert err.value.body["code"] == "upstream_rejected"  # type: ignore[index]


@pytest.mark.parametrize(
    "script",
    [Script(reset_after=2), Script(error_after=2)],
    ids=["reset", "error_event"],
)
def test_failure_mid_stream_raises_and_is_not_success(make_stack: Any, script: Script) -> None:
    stack = make_stack()
    stack.ins.push(script)
    stream = stack.client().chat.completions.create(model="instruct", messages=USER, stream=True)
    got: list[str] = []
    with pytest.raises(openai.APIError):
        for chunk in stream:
            if chunk.choices:
                got.append(chunk.choices[0].delta.content or "")
    assert "".join(got) == "The answer "  # the two tokens sent before the failure
    assert stack.metric("vlgate_requests_total", mode="instruct", status="failed") == 1
    assert stack.metric("vlgate_requests_total", status="completed") == 0
    assert stack.metric("vlgate_upstream_errors_total", mode="instruct") == 1


def test_failure_mid_json_body_is_retried(make_stack: Any) -> None:
    # A JSON client is answered from the engine's one JSON body: a body cut off
    # half-way sent nothing to the client, so it is safe to retry.
    stack = make_stack()
    stack.thk.push(Script(reset_after=2))
    resp = stack.client().chat.completions.create(model="thinking", messages=USER)
    assert resp.choices[0].message.content
    assert len(stack.thk.requests) == 2 and not stack.ins.requests
    assert stack.metric("vlgate_retries_total", mode="thinking") == 1
    assert stack.metric("vlgate_requests_total", mode="thinking", status="completed") == 1


def test_json_body_cut_on_every_try_is_502(make_stack: Any) -> None:
    stack = make_stack(overrides={"routing": {"fallback_on_explicit": False}})
    stack.thk.push(*[Script(reset_after=2) for _ in range(3)])
    with pytest.raises(openai.APIStatusError) as err:
        stack.client().chat.completions.create(model="thinking", messages=USER)
    assert err.value.status_code == 502
    assert len(stack.thk.requests) == 3 and not stack.ins.requests  # 1 try + 2 retries
    assert stack.metric("vlgate_requests_total", mode="thinking", status="failed") == 1


# JSON clients are served from the engine's whole body, bounded by total_timeout_s;
# stream_always makes a stall show within first_byte_timeout_s for them too.
STALL_BEFORE = {"first_byte_timeout_s": 0.3, "stream_always": True}


def test_stall_before_first_byte_is_504(make_stack: Any) -> None:
    stack = make_stack(upstream=STALL_BEFORE, overrides=ONE_TRY)
    stack.ins.push(Script(stall_s=1.0))
    with pytest.raises(openai.APIStatusError) as err:
        stack.client().chat.completions.create(model="instruct", messages=USER)
    assert err.value.status_code == 504
    assert err.value.body["type"] == "upstream_timeout"  # type: ignore[index]


def test_stall_before_first_byte_on_thinking_falls_back(make_stack: Any) -> None:
    stack = make_stack(upstream=STALL_BEFORE, overrides=ONE_TRY)
    stack.thk.push(Script(stall_s=1.0))
    raw = stack.client().chat.completions.with_raw_response.create(
        model="auto", messages=USER, extra_headers={"X-Vlgate-Audience": "reviewer"}
    )
    assert raw.headers["x-vlgate-route-reason"] == "fallback:thinking_unavailable"
    assert raw.parse().choices[0].message.content == "The answer is 42."
    assert stack.metric("vlgate_upstream_errors_total", code="upstream_timeout") == 1


def test_stall_before_first_byte_retries_other_replica(make_stack: Any) -> None:
    stack = make_stack(instruct=[{}, {}], upstream=STALL_BEFORE)
    for engine in stack.instruct:
        engine.push(Script(stall_s=1.0))  # each stalls once; the third try succeeds
    comp = stack.client().chat.completions.create(model="instruct", messages=USER)
    assert comp.choices[0].message.content == "The answer is 42."
    assert stack.metric("vlgate_retries_total", mode="instruct") == 2
    assert [len(e.requests) for e in stack.instruct] in ([2, 1], [1, 2])


def test_stall_mid_stream_ends_with_error(make_stack: Any) -> None:
    stack = make_stack(upstream={"read_timeout_s": 0.3})
    stack.ins.push(Script(stall_after=2))
    stream = stack.client().chat.completions.create(model="instruct", messages=USER, stream=True)
    with pytest.raises(openai.APIError) as err:
        list(stream)
    assert "in time" in str(err.value.message)
    assert stack.metric("vlgate_requests_total", status="failed") == 1
    assert stack.metric("vlgate_upstream_errors_total", code="upstream_timeout") >= 1


def test_client_disconnect_cancels_the_engine(make_stack: Any, until: Callable[..., None]) -> None:
    stack = make_stack(instruct=[{"token_interval_s": 0.05, "tokens": 400}])
    client = stack.client()
    with client.chat.completions.with_streaming_response.create(
        model="instruct", messages=USER, stream=True
    ) as resp:
        chunks = resp.parse()
        first, second = next(chunks), next(chunks)
        assert first.choices[0].delta.role == "assistant"
        assert second.choices[0].delta.content
        assert stack.ins.inflight == 1
    # Closing the response drops the connection; the gateway must stop the engine.
    until(lambda: stack.ins.cancelled == 1, timeout=5.0, what="the engine to be cancelled")
    until(lambda: stack.ins.inflight == 0, what="the engine to be idle")
    assert stack.ins.served == 0
    until(
        lambda: stack.metric("vlgate_requests_total", status="cancelled") == 1,
        what="the request to be recorded as cancelled",
    )
    assert stack.metric("vlgate_requests_total", status="completed") == 0


def test_json_client_stall_is_bounded_by_the_total_timeout(make_stack: Any) -> None:
    stack = make_stack(upstream={"total_timeout_s": 0.5}, overrides=ONE_TRY)
    stack.ins.push(Script(stall_s=2.0))
    with pytest.raises(openai.APIStatusError) as err:
        stack.client().chat.completions.create(model="instruct", messages=USER)
    assert err.value.status_code == 504


def test_json_client_leaving_cancels_the_engine_call(make_stack: Any) -> None:
    stack = make_stack()
    stack.ins.push(Script(stall_s=3.0))  # the engine would answer after 3 s
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            stack.url + "/v1/chat/completions",
            json={"model": "instruct", "messages": USER},
            timeout=httpx.Timeout(0.3, connect=2.0),
        )
    # vlgate notices the disconnect and gives up on the engine: no 3 s wait.
    deadline = time.monotonic() + 2.0
    while stack.metric("vlgate_requests_total", status="cancelled") < 1:
        assert time.monotonic() < deadline, "the engine call was not cancelled"
        time.sleep(0.05)
    assert time.monotonic() - started < 2.5
    assert stack.metric("vlgate_requests_total", status="completed") == 0
