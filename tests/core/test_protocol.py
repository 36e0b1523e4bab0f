"""Request validation: every bad input is a 400 naming the field."""

from __future__ import annotations

import orjson
import pytest

from vlgate.errors import InvalidRequest
from vlgate.protocol import param_path, parse_request

OK = {"model": "auto", "messages": [{"role": "user", "content": "hi"}]}


def body(**changes: object) -> bytes:
    return orjson.dumps({**OK, **changes})


@pytest.mark.parametrize(
    ("raw", "param"),
    [
        (b"", None),
        (b"{not json", None),
        (b"[1, 2]", None),
        (body(messages=[]), "messages"),
        (orjson.dumps({"model": "auto"}), "messages"),
        (body(messages=[{"role": "wizard", "content": "x"}]), "messages[0].role"),
        (
            body(messages=[{"role": "user", "content": [{"type": "audio", "x": 1}]}]),
            "messages[0].content[0]",
        ),
        (
            body(
                messages=[
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "a"},
                            {"type": "image_url", "image_url": {}},
                        ],
                    }
                ]
            ),
            "messages[0].content[1].image_url.url",
        ),
        (body(max_tokens=0), "max_tokens"),
        (body(temperature=5), "temperature"),
        (body(top_p=0), "top_p"),
        (body(n=2), "n"),
        (body(vlgate={"mode": "fast"}), "vlgate.mode"),
        (body(vlgate={"budget": 1}), "vlgate.budget"),
        (body(vlgate={"latency_budget_ms": -5}), "vlgate.latency_budget_ms"),
        (body(stream_options={"include_usage": "maybe"}), "stream_options.include_usage"),
    ],
)
def test_rejections_name_the_field(raw: bytes, param: str | None) -> None:
    with pytest.raises(InvalidRequest) as exc:
        parse_request(raw)
    assert exc.value.param == param
    assert exc.value.status_code == 400
    d = exc.value.to_dict()["error"]
    assert set(d) == {"message", "type", "param", "code"} and d["type"] == "invalid_request_error"


def test_valid_request_parses() -> None:
    req = parse_request(
        body(
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "a"},
                        {"type": "image_url", "image_url": {"url": "data:x"}},
                    ],
                }
            ],
            stream=True,
            vlgate={
                "mode": "thinking",
                "task": "math",
                "audience": "reviewer",
                "include_reasoning": True,
            },
            unknown_openai_field=1,
        )
    )
    assert req.stream and req.vlgate is not None and req.vlgate.task == "math"


def test_param_path() -> None:
    loc = ("messages", 0, "content", "list[tagged-union[A,B]]", 1, "image_url", "image_url", "url")
    assert param_path(loc) == "messages[0].content[1].image_url.url"
    assert param_path(("messages", 2, "content", "str")) == "messages[2].content"
