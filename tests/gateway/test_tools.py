"""Tool calling through vlgate with the real openai client: calls an engine parsed
itself (vLLM's tool parser), calls only written as Qwen's <tool_call> text (the
embedded engine, an engine without a parser), the round trip of tool results, and
bad tool fields."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
import pytest

from tests.gateway.conftest import INSTRUCT_MODEL, THINKING_MODEL, StackFactory
from vlgate.testing.fake_engine import Script

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    },
    {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}},
]
ASK = [{"role": "user", "content": "Weather and time in Paris?"}]
QWEN_TEXT = (
    "Checking.\n<tool_call>\n"
    '{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>\n'
    '<tool_call>\n{"name": "get_time", "arguments": {"tz": "Europe/Paris"}}\n</tool_call>'
)


def _stream_calls(stream: Any) -> tuple[str, dict[int, dict[str, str]], str | None]:
    """What an SDK user assembles from a stream: content, calls by index, finish."""
    content, calls, finish = "", {}, None
    for chunk in stream:
        for choice in chunk.choices:
            delta = choice.delta
            content += delta.content or ""
            for piece in delta.tool_calls or ():
                call = calls.setdefault(piece.index, {"id": "", "name": "", "arguments": ""})
                call["id"] = piece.id or call["id"]
                if piece.function is not None:
                    call["name"] = piece.function.name or call["name"]
                    call["arguments"] += piece.function.arguments or ""
            finish = choice.finish_reason or finish
    return content, calls, finish


def test_engine_parsed_calls_pass_through(make_stack: StackFactory) -> None:
    stack = make_stack()
    calls = [{"name": "get_weather", "arguments": {"city": "Paris"}}]
    client = stack.client()
    stack.ins.push(Script(reply="", tool_calls=calls), Script(reply="", tool_calls=calls))

    r = client.chat.completions.create(model=INSTRUCT_MODEL, messages=ASK, tools=TOOLS)
    msg = r.choices[0].message
    assert r.choices[0].finish_reason == "tool_calls"
    assert msg.content is None
    assert msg.tool_calls is not None and len(msg.tool_calls) == 1
    assert msg.tool_calls[0].id == "chatcmpl-tool-0"
    assert msg.tool_calls[0].function.name == "get_weather"
    assert json.loads(msg.tool_calls[0].function.arguments) == {"city": "Paris"}

    stream = client.chat.completions.create(
        model=INSTRUCT_MODEL, messages=ASK, tools=TOOLS, stream=True
    )
    content, got, finish = _stream_calls(stream)
    assert content == "" and finish == "tool_calls"
    assert got[0]["id"] == "chatcmpl-tool-0" and got[0]["name"] == "get_weather"
    assert json.loads(got[0]["arguments"]) == {"city": "Paris"}
    sent = stack.ins.requests[-1]
    assert sent["tools"][0]["function"]["name"] == "get_weather"


@pytest.mark.parametrize("stream", [False, True])
def test_qwen_tool_call_text_becomes_tool_calls(make_stack: StackFactory, stream: bool) -> None:
    stack = make_stack(instruct=[{"reply": QWEN_TEXT}])
    client = stack.client()
    if stream:
        content, got, finish = _stream_calls(
            client.chat.completions.create(
                model=INSTRUCT_MODEL, messages=ASK, tools=TOOLS, stream=True
            )
        )
        calls = [got[i] for i in sorted(got)]
    else:
        r = client.chat.completions.create(model=INSTRUCT_MODEL, messages=ASK, tools=TOOLS)
        content, finish = r.choices[0].message.content or "", r.choices[0].finish_reason
        calls = [
            {"id": c.id, "name": c.function.name, "arguments": c.function.arguments}
            for c in r.choices[0].message.tool_calls or ()
        ]
    assert content == "Checking."
    assert finish == "tool_calls"
    assert [c["name"] for c in calls] == ["get_weather", "get_time"]
    assert [json.loads(c["arguments"]) for c in calls] == [
        {"city": "Paris"},
        {"tz": "Europe/Paris"},
    ]
    assert len({c["id"] for c in calls}) == 2 and all(c["id"].startswith("call_") for c in calls)


def test_tool_choice_none_leaves_the_text_alone(make_stack: StackFactory) -> None:
    stack = make_stack(instruct=[{"reply": QWEN_TEXT}])
    r = stack.client().chat.completions.create(
        model=INSTRUCT_MODEL, messages=ASK, tools=TOOLS, tool_choice="none"
    )
    assert r.choices[0].message.tool_calls is None
    assert r.choices[0].message.content == QWEN_TEXT
    assert r.choices[0].finish_reason == "stop"
    assert stack.ins.requests[-1]["tool_choice"] == "none"


def test_without_tools_tool_call_text_is_plain_content(make_stack: StackFactory) -> None:
    stack = make_stack(instruct=[{"reply": QWEN_TEXT}])
    r = stack.client().chat.completions.create(model=INSTRUCT_MODEL, messages=ASK)
    assert r.choices[0].message.content == QWEN_TEXT and r.choices[0].message.tool_calls is None


def test_thinking_trace_then_a_call(make_stack: StackFactory) -> None:
    reply = "<think>\nThe user wants the weather; call the tool.\n</think>\n\n" + QWEN_TEXT
    stack = make_stack(thinking=[{"reply": reply}])
    r = stack.client().chat.completions.create(
        model=THINKING_MODEL,
        messages=ASK,
        tools=TOOLS,
        extra_body={"vlgate": {"include_reasoning": True}},
    )
    msg = r.choices[0].message
    assert msg.content == "Checking."
    assert [c.function.name for c in msg.tool_calls or ()] == ["get_weather", "get_time"]
    assert "call the tool" in (msg.model_extra or {}).get("reasoning_content", "")


@pytest.mark.parametrize("stream", [False, True])
def test_calls_from_a_thinking_model_that_wrote_no_tags_are_calls(
    make_stack: StackFactory, stream: bool
) -> None:
    # No <think> tags at all and a normal stop: what streamed as a presumed trace is
    # reclassified as the answer, and the calls in it are lifted like any answer's.
    stack = make_stack(thinking=[{"reply": QWEN_TEXT}])
    client = stack.client()
    if stream:
        content, got, finish = _stream_calls(
            client.chat.completions.create(
                model=THINKING_MODEL, messages=ASK, tools=TOOLS, stream=True
            )
        )
        names = [got[i]["name"] for i in sorted(got)]
    else:
        r = client.chat.completions.create(model=THINKING_MODEL, messages=ASK, tools=TOOLS)
        msg = r.choices[0].message
        content, finish = msg.content or "", r.choices[0].finish_reason
        names = [c.function.name for c in msg.tool_calls or ()]
    assert "<tool_call>" not in content and "Checking." in content
    assert names == ["get_weather", "get_time"] and finish == "tool_calls"


def test_tool_results_round_trip_to_the_engine(make_stack: StackFactory) -> None:
    stack = make_stack()
    history: list[Any] = [
        *ASK,
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 21}'},
    ]
    r = stack.client().chat.completions.create(
        model=INSTRUCT_MODEL,
        messages=history,
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        parallel_tool_calls=False,
    )
    assert r.choices[0].message.content == "The answer is 42."
    sent = stack.ins.requests[-1]
    assert sent["messages"][1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": history[1]["tool_calls"],
    }
    assert sent["messages"][2] == {
        "role": "tool",
        "content": '{"temp_c": 21}',
        "tool_call_id": "call_1",
    }
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert sent["parallel_tool_calls"] is False


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"messages": [*ASK, {"role": "tool", "content": "x"}]}, "messages[1].tool_call_id"),
        (
            {"messages": [*ASK, {"role": "tool", "tool_call_id": "nope", "content": "x"}]},
            "messages[1].tool_call_id",
        ),
        (
            {"tools": TOOLS, "tool_choice": {"type": "function", "function": {"name": "other"}}},
            "tool_choice.function.name",
        ),
        ({"tool_choice": "required"}, "tool_choice"),
        ({"tool_choice": "sometimes", "tools": TOOLS}, "tool_choice"),
        ({"tools": [{"type": "retrieval", "function": {"name": "x"}}]}, "tools[0].type"),
        (
            {"tools": [{"type": "function", "function": {"name": "bad name!"}}]},
            "tools[0].function.name",
        ),
        ({"tools": [TOOLS[0], TOOLS[0]]}, "tools"),
        (
            {
                "messages": [
                    *ASK,
                    {"role": "assistant", "tool_calls": [{"id": "c", "type": "function"}]},
                ]
            },
            "messages[1].tool_calls[0].function",
        ),
    ],
)
def test_bad_tool_fields_are_400_naming_the_field(
    make_stack: StackFactory, body: dict[str, Any], param: str
) -> None:
    stack = make_stack()
    http = stack.http()
    r = http.post("/v1/chat/completions", json={"model": INSTRUCT_MODEL, "messages": ASK, **body})
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["type"] == "invalid_request_error" and err["param"] == param
    assert not stack.ins.requests


def test_openai_sdk_raises_bad_request_for_an_orphan_tool_message(make_stack: StackFactory) -> None:
    stack = make_stack()
    with pytest.raises(openai.BadRequestError):
        stack.client().chat.completions.create(
            model=INSTRUCT_MODEL,
            messages=[*ASK, {"role": "tool", "tool_call_id": "x", "content": "{}"}],
        )


def test_the_audit_record_keeps_the_calls(
    make_stack: StackFactory, tmp_path: Path, until: Callable[..., None]
) -> None:
    audit = {"enabled": True, "dsn": f"sqlite:///{tmp_path}/a.db", "journal_dir": str(tmp_path)}
    stack = make_stack(instruct=[{"reply": QWEN_TEXT}], overrides={"audit": audit})
    stack.client().chat.completions.create(
        model=INSTRUCT_MODEL,
        messages=ASK,
        tools=TOOLS,
        extra_headers={"x-request-id": "tools-1"},
    )
    http = stack.http()

    def stored() -> bool:
        r = http.get("/v1/traces/tools-1")
        return r.status_code == 200 and r.json()["status"] == "completed"

    until(stored, what="the audit record")
    answer = http.get("/v1/traces/tools-1").json()["answer"]
    assert answer.startswith("Checking.\n<tool_call>\n")
    blocks = [b.split("</tool_call>")[0] for b in answer.split("<tool_call>")[1:]]
    assert [json.loads(b) for b in blocks] == [
        {"name": "get_weather", "arguments": {"city": "Paris"}},
        {"name": "get_time", "arguments": {"tz": "Europe/Paris"}},
    ]
