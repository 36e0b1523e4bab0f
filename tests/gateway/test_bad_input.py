"""Bad input: each an OpenAI-shaped 4xx naming the field, never a 500, and the
engine is never called. The SDK cannot send malformed JSON, so those few go
through httpx."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest

TEXT = {"role": "user", "content": "hi"}
PNG_HEADER_ONLY = "data:image/png;base64,iVBORw0KGgoAAAAA"


def _user(*parts: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"role": "user", "content": list(parts)}]


def _error(resp: httpx.Response) -> dict[str, Any]:
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"model": "auto", "messages": [', "not valid JSON"),
        (b"", "empty"),
        (b'["model", "auto"]', "JSON object"),
        (b'"hello"', "JSON object"),
    ],
    ids=["malformed", "empty", "array", "string"],
)
def test_unparseable_bodies(http: httpx.Client, body: bytes, fragment: str) -> None:
    resp = http.post(
        "/v1/chat/completions", content=body, headers={"content-type": "application/json"}
    )
    assert resp.status_code == 400
    err = _error(resp)
    assert err["type"] == "invalid_request_error"
    assert fragment in err["message"]
    assert err["param"] is None  # there is no field to name


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("missing_messages", {"model": "auto"}, "messages"),
    ("empty_messages", {"model": "auto", "messages": []}, "messages"),
    ("missing_model", {"messages": [TEXT]}, "model"),
    (
        "wrong_role",
        {"model": "auto", "messages": [{"role": "robot", "content": "hi"}]},
        "messages[0].role",
    ),
    (
        "wrong_part_type",
        {"model": "auto", "messages": [TEXT, *_user({"type": "audio", "audio": "x"})]},
        "messages[1].content[0]",
    ),
    (
        "undecodable_image",
        {
            "model": "auto",
            "messages": _user(
                {"type": "text", "text": "look"},
                {"type": "image_url", "image_url": {"url": PNG_HEADER_ONLY}},
            ),
        },
        "messages[0].content[1].image_url.url",
    ),
    (
        "bad_base64_image",
        {
            "model": "auto",
            "messages": _user(
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,%%%"}}
            ),
        },
        "messages[0].content[0].image_url.url",
    ),
    (
        "empty_image_url",
        {"model": "auto", "messages": _user({"type": "image_url", "image_url": {"url": ""}})},
        "messages[0].content[0].image_url.url",
    ),
    (
        "file_without_data",
        {"model": "auto", "messages": _user({"type": "file", "file": {"filename": "a.pdf"}})},
        "messages[0].content[0].file.file_data",
    ),
    (
        "file_not_base64",
        {"model": "auto", "messages": _user({"type": "file", "file": {"file_data": "*not b64*"}})},
        "messages[0].content[0].file.file_data",
    ),
    ("max_tokens_zero", {"model": "auto", "messages": [TEXT], "max_tokens": 0}, "max_tokens"),
    ("n_two", {"model": "auto", "messages": [TEXT], "n": 2}, "n"),
    ("temperature_five", {"model": "auto", "messages": [TEXT], "temperature": 5}, "temperature"),
    ("top_p_zero", {"model": "auto", "messages": [TEXT], "top_p": 0}, "top_p"),
    (
        "unknown_vlgate_field",
        {"model": "auto", "messages": [TEXT], "vlgate": {"turbo": True}},
        "vlgate.turbo",
    ),
    (
        "bad_vlgate_mode",
        {"model": "auto", "messages": [TEXT], "vlgate": {"mode": "fast"}},
        "vlgate.mode",
    ),
    (
        "bad_vlgate_budget",
        {"model": "auto", "messages": [TEXT], "vlgate": {"latency_budget_ms": -1}},
        "vlgate.latency_budget_ms",
    ),
    (
        "user_message_without_content",
        {"model": "auto", "messages": [{"role": "user"}]},
        "messages[0].content",
    ),
    (
        "assistant_message_without_content_or_calls",
        {"model": "auto", "messages": [TEXT, {"role": "assistant"}, TEXT]},
        "messages[1].content",
    ),
    ("stream_not_a_boolean", {"model": "auto", "messages": [TEXT], "stream": "yes"}, "stream"),
    ("logprobs_asked", {"model": "auto", "messages": [TEXT], "logprobs": True}, "logprobs"),
    (
        "top_logprobs_asked",
        {"model": "auto", "messages": [TEXT], "top_logprobs": 3},
        "top_logprobs",
    ),
    (
        "logit_bias_given",
        {"model": "auto", "messages": [TEXT], "logit_bias": {"9": 5}},
        "logit_bias",
    ),
    (
        "json_schema_without_schema",
        {"model": "auto", "messages": [TEXT], "response_format": {"type": "json_schema"}},
        "response_format",
    ),
]


@pytest.mark.parametrize(("body", "param"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_fields_are_400_naming_the_field(
    shared: Any, client: openai.OpenAI, body: dict[str, Any], param: str
) -> None:
    sent = len(shared.ins.requests) + len(shared.thk.requests)
    extra = {k: v for k, v in body.items() if k not in ("model", "messages")}
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(
            model=body.get("model", ""),
            messages=body.get("messages", openai.NOT_GIVEN),
            extra_body=extra,
        )
    assert err.value.status_code == 400
    assert err.value.body["param"] == param  # type: ignore[index]
    assert err.value.body["type"] == "invalid_request_error"  # type: ignore[index]
    assert len(shared.ins.requests) + len(shared.thk.requests) == sent


def test_too_many_images(make_stack: Any) -> None:
    stack = make_stack(overrides={"media": {"max_images": 1}})
    image = {"type": "image_url", "image_url": {"url": PNG_HEADER_ONLY}}
    with pytest.raises(openai.BadRequestError) as err:
        stack.client().chat.completions.create(
            model="auto",
            messages=_user(image, image),  # type: ignore[arg-type]
        )
    assert err.value.body["param"] == "messages"  # type: ignore[index]
    assert "image" in err.value.body["message"]  # type: ignore[index]


def test_bad_input_never_500_and_is_counted(shared: Any, http: httpx.Client) -> None:
    before = shared.metric("vlgate_rejected_requests_total")
    for body in (b"{", b"[]", b'{"model": 1, "messages": "x"}', b'{"model":"auto","messages":[1]}'):
        resp = http.post("/v1/chat/completions", content=body)
        assert resp.status_code == 400, resp.text
        _error(resp)
    assert shared.metric("vlgate_rejected_requests_total") == before + 4


def test_unknown_route_is_openai_shaped_404(http: httpx.Client) -> None:
    resp = http.get("/v1/nothing-here")
    assert resp.status_code == 404
    assert _error(resp)["type"] == "not_found_error"


def test_unsupported_fields_are_fine_when_off(client: openai.OpenAI) -> None:
    resp = client.chat.completions.create(
        model="auto", messages=[TEXT], logprobs=False, logit_bias={}, stream=False
    )
    assert resp.choices[0].message.content
