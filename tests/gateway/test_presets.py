"""What reaches the engine: each mode's sampling presets and the Thinking guards,
read back from the fake engine's request log."""

from __future__ import annotations

import base64
import io
from typing import Any

import openai
import pytest
from PIL import Image

USER = [{"role": "user", "content": "Count the apples."}]


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _sampling(body: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(body.get(k) for k in ("temperature", "top_p", "top_k", "presence_penalty"))


def test_instruct_preset_sent(shared: Any, client: openai.OpenAI) -> None:
    client.chat.completions.create(model="instruct", messages=USER)
    body = shared.ins.requests[-1]
    assert _sampling(body) == (0.7, 0.8, 20, 1.5)
    assert body["max_tokens"] == 16_384
    assert body["stream"] is False  # a JSON client: one body from the engine too
    client.chat.completions.create(model="instruct", messages=USER, stream=True).close()
    body = shared.ins.requests[-1]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_thinking_preset_sent_text_only_gets_81920(shared: Any, client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model="thinking", messages=USER)
    body = shared.thk.requests[-1]
    assert _sampling(body) == (1.0, 0.95, 20, 0.0)
    assert body["max_tokens"] == 81_920
    assert "x-vlgate-warning" not in raw.headers


def test_thinking_with_an_image_gets_40960(shared: Any, client: openai.OpenAI) -> None:
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is shown?"},
                {"type": "image_url", "image_url": {"url": _png()}},
            ],
        }
    ]
    comp = client.chat.completions.create(model="thinking", messages=messages)  # type: ignore[arg-type]
    body = shared.thk.requests[-1]
    assert body["max_tokens"] == 40_960
    assert body["messages"][0]["content"][1]["type"] == "image_url"
    # 64x64 is scaled up to min_pixels (256x256): 64 tokens + vision start/end
    assert comp.model_extra["vlgate"]["visual_tokens"] == 66  # type: ignore[index]


def test_request_values_win_over_presets(shared: Any, client: openai.OpenAI) -> None:
    client.chat.completions.create(
        model="instruct", messages=USER, temperature=0.2, top_p=0.5, max_tokens=100, seed=7
    )
    body = shared.ins.requests[-1]
    assert _sampling(body) == (0.2, 0.5, 20, 1.5)
    assert (body["max_tokens"], body["seed"]) == (100, 7)


def test_thinking_temperature_zero_raised(shared: Any, client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="thinking", messages=USER, temperature=0
    )
    assert shared.thk.requests[-1]["temperature"] == 0.4
    assert "thinking_temperature_raised" in raw.headers["x-vlgate-warning"]
    assert "thinking_temperature_raised" in raw.parse().model_extra["vlgate"]["warnings"]  # type: ignore[index]


def test_thinking_small_max_tokens_raised(shared: Any, client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="thinking", messages=USER, max_tokens=512
    )
    assert shared.thk.requests[-1]["max_tokens"] == 8192
    assert "thinking_max_tokens_raised" in raw.headers["x-vlgate-warning"]


def test_instruct_temperature_zero_is_kept(shared: Any, client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="instruct", messages=USER, temperature=0, max_tokens=512
    )
    body = shared.ins.requests[-1]
    assert (body["temperature"], body["max_tokens"]) == (0, 512)
    assert "x-vlgate-warning" not in raw.headers


def test_guards_follow_the_mode_that_answers(shared: Any, client: openai.OpenAI) -> None:
    """A routed (not explicit) Thinking request is guarded the same way."""
    client.chat.completions.create(
        model="auto", messages=USER, temperature=0, extra_headers={"X-Vlgate-Task": "math"}
    )
    assert shared.thk.requests[-1]["temperature"] == 0.4


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [({"temperature": 0}, "temperature"), ({"max_tokens": 512}, "max_tokens")],
)
def test_strict_presets_reject(make_stack: Any, kwargs: dict[str, Any], param: str) -> None:
    stack = make_stack(overrides={"presets": {"strict": True}})
    with pytest.raises(openai.BadRequestError) as err:
        stack.client().chat.completions.create(model="thinking", messages=USER, **kwargs)
    assert err.value.body["param"] == param  # type: ignore[index]
    assert not stack.thk.requests  # nothing was sent
