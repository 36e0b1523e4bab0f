"""The reasoning trace end to end: every way an engine may send it, shown only when
asked, never inside the answer; truncation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest

from vlgate.testing.fake_engine import Script

TRACE = "The user asks a question. Look at the image, then answer."
ANSWER = "The answer is 42."
USER = [{"role": "user", "content": "What is the answer?"}]
ASK = {"vlgate": {"include_reasoning": True}}

# engine variant -> FakeEngine kwargs for the Thinking replica
VARIANTS: dict[str, dict[str, Any]] = {
    "raw_tags": {"reply": f"<think>\n{TRACE}\n</think>\n\n{ANSWER}"},
    "template_opened": {"reply": f"{TRACE}\n</think>\n\n{ANSWER}"},
    "vllm_reasoning_field": {
        "reply": f"<think>\n{TRACE}\n</think>\n\n{ANSWER}",
        "reasoning_field": "reasoning",
    },
    "reasoning_content_field": {
        "reply": f"<think>\n{TRACE}\n</think>\n\n{ANSWER}",
        "reasoning_field": "reasoning_content",
    },
}


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def variant(request: pytest.FixtureRequest, launch: Any) -> Iterator[Any]:
    stack = launch(thinking=[VARIANTS[request.param]])
    yield stack
    stack.close()


def _extra(obj: Any) -> dict[str, Any]:
    return obj.model_extra or {}


def test_trace_hidden_by_default(variant: Any) -> None:
    comp = variant.client().chat.completions.create(model="thinking", messages=USER)
    msg = comp.choices[0].message
    assert msg.content == ANSWER
    assert "reasoning_content" not in _extra(msg)
    assert comp.model_extra["vlgate"]["reasoning_truncated"] is False  # type: ignore[index]
    # the trace is still counted: reasoning tokens are reported
    details = comp.usage.completion_tokens_details  # type: ignore[union-attr]
    assert details is not None and details.reasoning_tokens and details.reasoning_tokens > 0


def test_trace_shown_when_asked(variant: Any) -> None:
    comp = variant.client().chat.completions.create(model="thinking", messages=USER, extra_body=ASK)
    msg = comp.choices[0].message
    assert msg.content == ANSWER
    assert _extra(msg)["reasoning_content"] == TRACE


def test_top_level_include_reasoning_is_honoured(variant: Any) -> None:
    comp = variant.client().chat.completions.create(
        model="thinking", messages=USER, extra_body={"include_reasoning": True}
    )
    assert _extra(comp.choices[0].message)["reasoning_content"] == TRACE


def test_stream_trace_hidden_by_default(variant: Any) -> None:
    chunks = list(
        variant.client().chat.completions.create(model="thinking", messages=USER, stream=True)
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert "".join(d.content or "" for d in deltas) == ANSWER
    assert not any("reasoning_content" in _extra(d) for d in deltas)
    assert all("think>" not in (d.content or "") for d in deltas)


def test_stream_trace_shown_when_asked(variant: Any) -> None:
    chunks = list(
        variant.client().chat.completions.create(
            model="thinking", messages=USER, stream=True, extra_body=ASK
        )
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    reasoning = "".join(_extra(d).get("reasoning_content") or "" for d in deltas)
    assert reasoning == TRACE
    assert "".join(d.content or "" for d in deltas) == ANSWER
    # the whole trace comes before the first answer text
    last_r = max(i for i, d in enumerate(deltas) if _extra(d).get("reasoning_content"))
    first_a = min(i for i, d in enumerate(deltas) if d.content)
    assert last_r < first_a


def test_instruct_output_is_never_split(make_stack: Any) -> None:
    stack = make_stack(instruct=[{"reply": "Use <think> tags literally </think> here."}])
    comp = stack.client().chat.completions.create(model="instruct", messages=USER, extra_body=ASK)
    assert comp.choices[0].message.content == "Use <think> tags literally </think> here."
    assert not _extra(comp.choices[0].message).get("reasoning_content")


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_truncated_trace_is_all_reasoning(make_stack: Any, stream: bool) -> None:
    stack = make_stack()
    stack.thk.push(Script(reply="<think>\nFirst, count the apples. Then", finish="length"))
    client = stack.client()
    if not stream:
        comp = client.chat.completions.create(model="thinking", messages=USER, extra_body=ASK)
        msg = comp.choices[0].message
        assert msg.content == ""
        assert _extra(msg)["reasoning_content"] == "First, count the apples. Then"
        assert comp.choices[0].finish_reason == "length"
        assert comp.model_extra["vlgate"]["reasoning_truncated"] is True  # type: ignore[index]
        return
    chunks = list(
        client.chat.completions.create(model="thinking", messages=USER, stream=True, extra_body=ASK)
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert "".join(d.content or "" for d in deltas) == ""
    reasoning = "".join(_extra(d).get("reasoning_content") or "" for d in deltas)
    assert reasoning == "First, count the apples. Then"
    final = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert final[-1].choices[0].finish_reason == "length"
    assert final[-1].model_extra["vlgate"]["reasoning_truncated"] is True  # type: ignore[index]


def test_untagged_thinking_reply_is_the_answer(make_stack: Any) -> None:
    stack = make_stack()
    stack.thk.push(Script(reply="Just the answer."))
    comp = stack.client().chat.completions.create(model="thinking", messages=USER, extra_body=ASK)
    assert comp.choices[0].message.content == "Just the answer."
    assert not _extra(comp.choices[0].message).get("reasoning_content")


def test_thinking_openai_error_free(client: openai.OpenAI) -> None:
    """Sanity on the shared stack: the default Thinking fake answers via the SDK."""
    comp = client.chat.completions.create(model="thinking", messages=USER)
    assert comp.choices[0].message.content == ANSWER
