"""The OpenAI surface with the real SDK: JSON, streaming, headers, ids, usage,
models, health, readiness, metrics and API keys."""

from __future__ import annotations

import re
from typing import Any

import httpx
import openai
import pytest

USER = [{"role": "user", "content": "Describe the picture."}]


def test_json_completion_with_headers_and_vlgate_object(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model="auto", messages=USER)
    comp = raw.parse()
    assert comp.choices[0].message.content == "The answer is 42."
    assert comp.choices[0].finish_reason == "stop"
    assert comp.model == "qwen-instruct"
    assert raw.headers["x-vlgate-mode"] == "instruct"
    assert raw.headers["x-vlgate-route-reason"] == "default"
    rid = raw.headers["x-request-id"]
    assert re.fullmatch(r"chatcmpl-[0-9a-f]{32}", rid)
    assert comp.id == rid
    info: dict[str, Any] = comp.model_extra["vlgate"]  # type: ignore[index]
    assert info["request_id"] == rid
    assert info["mode"] == "instruct"
    assert info["route_reason"] == "default"
    assert info["reasoning_truncated"] is False
    assert info["cost_usd"] > 0
    assert comp.usage is not None
    assert comp.usage.completion_tokens == 4  # the fake streams 4 word tokens
    assert comp.usage.total_tokens == comp.usage.prompt_tokens + 4


def test_generated_request_ids_differ(client: openai.OpenAI) -> None:
    ids = {
        client.chat.completions.with_raw_response.create(model="auto", messages=USER).headers[
            "x-request-id"
        ]
        for _ in range(2)
    }
    assert len(ids) == 2


def test_client_request_id_is_echoed(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="auto", messages=USER, extra_headers={"X-Request-Id": "trace-abc.123"}
    )
    assert raw.headers["x-request-id"] == "trace-abc.123"
    assert raw.parse().id == "trace-abc.123"


def test_unsafe_client_request_id_is_replaced(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="auto", messages=USER, extra_headers={"X-Request-Id": "bad id<script>"}
    )
    assert raw.headers["x-request-id"].startswith("chatcmpl-")


def test_request_id_echoed_on_errors(http: httpx.Client) -> None:
    resp = http.post(
        "/v1/chat/completions",
        json={"model": "auto", "messages": []},
        headers={"x-request-id": "err-1"},
    )
    assert resp.status_code == 400
    assert resp.headers["x-request-id"] == "err-1"


def test_stream_headers_first_chunk_and_usage(client: openai.OpenAI) -> None:
    with client.chat.completions.with_streaming_response.create(
        model="auto",
        messages=USER,
        stream=True,
        stream_options={"include_usage": True},
        extra_headers={"X-Request-Id": "stream-1"},
    ) as resp:
        assert resp.headers["x-request-id"] == "stream-1"
        assert resp.headers["x-vlgate-mode"] == "instruct"
        assert resp.headers["x-vlgate-route-reason"] == "default"
        assert resp.headers["content-type"].startswith("text/event-stream")
        chunks = list(resp.parse())
    first = chunks[0]
    assert first.id == "stream-1"
    assert first.choices[0].delta.role == "assistant"
    assert first.model_extra["vlgate"]["mode"] == "instruct"  # type: ignore[index]
    assert first.model_extra["vlgate"]["route_reason"] == "default"  # type: ignore[index]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "The answer is 42."
    finish = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert [c.choices[0].finish_reason for c in finish] == ["stop"]
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None and last.usage.completion_tokens == 4
    assert all(c.usage is None for c in chunks[:-1])


def test_stream_without_include_usage_has_no_usage_chunk(client: openai.OpenAI) -> None:
    chunks = list(client.chat.completions.create(model="auto", messages=USER, stream=True))
    assert all(c.usage is None for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_models_lists_modes_and_served_names(client: openai.OpenAI) -> None:
    ids = {m.id for m in client.models.list()}
    assert {"auto", "instruct", "thinking", "qwen-instruct", "qwen-thinking"} <= ids


def test_served_model_name_routes_to_its_mode(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model="qwen-thinking", messages=USER)
    assert raw.headers["x-vlgate-mode"] == "thinking"
    assert raw.headers["x-vlgate-route-reason"] == "explicit"
    assert raw.parse().model == "qwen-thinking"


def test_unknown_model_is_404_naming_model(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model="gpt-17", messages=USER)
    assert err.value.status_code == 404
    body: dict[str, Any] = err.value.body  # type: ignore[assignment]
    assert body["param"] == "model"
    assert body["code"] == "model_not_found"


def test_healthz_and_readyz(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "modes": {"instruct": True, "thinking": True}}


def test_metrics_families_present(shared: Any, client: openai.OpenAI) -> None:
    client.chat.completions.create(model="auto", messages=USER)
    text = httpx.get(shared.url + "/metrics").text
    for name in (
        "vlgate_requests_total",
        "vlgate_fallbacks_total",
        "vlgate_breaker_state",
        "vlgate_request_duration_seconds_bucket",
        "vlgate_time_to_first_token_seconds_bucket",
        "vlgate_upstream_errors_total",
    ):
        assert f"# TYPE {name.removesuffix('_bucket').removesuffix('_total')}" in text, name
    assert shared.metric("vlgate_requests_total", mode="instruct", status="completed") >= 1
    assert shared.metric("vlgate_breaker_state", mode="thinking") == 0
    assert shared.metric("vlgate_request_duration_seconds_count", mode="instruct") >= 1
    assert shared.metric("vlgate_time_to_first_token_seconds_count", mode="instruct") >= 1


def test_request_counter_counts_each_request(shared: Any, client: openai.OpenAI) -> None:
    labels = {"mode": "instruct", "reason": "default", "status": "completed"}
    before = shared.metric("vlgate_requests_total", **labels)
    client.chat.completions.create(model="auto", messages=USER)
    list(client.chat.completions.create(model="auto", messages=USER, stream=True))
    assert shared.metric("vlgate_requests_total", **labels) == before + 2


def test_readyz_503_when_all_engines_are_down(make_stack: Any) -> None:
    stack = make_stack()
    http = stack.http()
    assert http.get("/readyz").status_code == 200
    stack.ins.stop()
    stack.thk.stop()
    resp = http.get("/readyz")
    assert resp.status_code == 503
    assert resp.json() == {"status": "not_ready", "modes": {"instruct": False, "thinking": False}}


def test_readyz_200_when_one_mode_is_up(make_stack: Any) -> None:
    stack = make_stack()
    stack.thk.stop()
    resp = stack.http().get("/readyz")
    assert resp.status_code == 200
    assert resp.json()["modes"] == {"instruct": True, "thinking": False}


def test_api_keys(make_stack: Any) -> None:
    stack = make_stack(overrides={"server": {"api_keys": {"k1": "tenant-a"}}})
    with pytest.raises(openai.AuthenticationError) as err:
        stack.client(api_key="wrong").chat.completions.create(model="auto", messages=USER)
    assert err.value.status_code == 401
    assert err.value.code == "invalid_api_key"
    bare = stack.http().post("/v1/chat/completions", json={"model": "auto", "messages": USER})
    assert bare.status_code == 401
    assert bare.json()["error"]["type"] == "authentication_error"
    ok = stack.client(api_key="k1").chat.completions.create(model="auto", messages=USER)
    assert ok.choices[0].message.content == "The answer is 42."
    assert stack.metric("vlgate_cost_usd_total", tenant="tenant-a") > 0
