"""Which mode answers, and why: model names, the mode precedence, the X-Vlgate-*
headers and their bad values, task classes, audiences, content rules."""

from __future__ import annotations

from typing import Any

import openai
import pytest

USER = [{"role": "user", "content": "What colour is the car?"}]


def _route(client: openai.OpenAI, model: str = "auto", **kwargs: Any) -> tuple[str, str]:
    raw = client.chat.completions.with_raw_response.create(
        model=model, messages=kwargs.pop("messages", USER), **kwargs
    )
    info = raw.parse().model_extra["vlgate"]  # type: ignore[index]
    assert (info["mode"], info["route_reason"]) == (
        raw.headers["x-vlgate-mode"],
        raw.headers["x-vlgate-route-reason"],
    )
    return raw.headers["x-vlgate-mode"], raw.headers["x-vlgate-route-reason"]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("auto", ("instruct", "default")),
        ("instruct", ("instruct", "explicit")),
        ("thinking", ("thinking", "explicit")),
        ("THINKING", ("thinking", "explicit")),
        ("qwen-instruct", ("instruct", "explicit")),
        ("qwen-thinking", ("thinking", "explicit")),
    ],
)
def test_model_names(client: openai.OpenAI, model: str, expected: tuple[str, str]) -> None:
    assert _route(client, model) == expected


def test_model_name_maps_to_served_upstream_model(shared: Any, client: openai.OpenAI) -> None:
    client.chat.completions.create(model="thinking", messages=USER)
    assert shared.thk.requests[-1]["model"] == "qwen-thinking"
    client.chat.completions.create(model="auto", messages=USER)
    assert shared.ins.requests[-1]["model"] == "qwen-instruct"


def test_header_mode_beats_model(client: openai.OpenAI) -> None:
    got = _route(client, "thinking", extra_headers={"X-Vlgate-Mode": "instruct"})
    assert got == ("instruct", "explicit")


def test_header_mode_auto_overrides_model(client: openai.OpenAI) -> None:
    assert _route(client, "thinking", extra_headers={"X-Vlgate-Mode": "auto"}) == (
        "instruct",
        "default",
    )


def test_body_mode_beats_header_and_model(client: openai.OpenAI) -> None:
    got = _route(
        client,
        "instruct",
        extra_headers={"X-Vlgate-Mode": "instruct"},
        extra_body={"vlgate": {"mode": "thinking"}},
    )
    assert got == ("thinking", "explicit")


def test_unknown_model_is_404_even_with_an_explicit_mode(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(
            model="nope", messages=USER, extra_body={"vlgate": {"mode": "thinking"}}
        )
    assert err.value.body["param"] == "model"  # type: ignore[index]


def test_task_header_routes_to_thinking(shared: Any, client: openai.OpenAI) -> None:
    got = _route(client, extra_headers={"X-Vlgate-Task": "chart_reasoning"})
    assert got == ("thinking", "task:chart_reasoning")
    assert shared.metric("vlgate_requests_total", reason="task:chart_reasoning") >= 1


def test_task_in_body_routes(client: openai.OpenAI) -> None:
    assert _route(client, extra_body={"vlgate": {"task": "ocr"}}) == ("instruct", "task:ocr")
    assert _route(client, extra_body={"vlgate": {"task": "Math"}}) == ("thinking", "task:math")


def test_body_task_beats_header_task(client: openai.OpenAI) -> None:
    got = _route(
        client,
        extra_headers={"X-Vlgate-Task": "chart_reasoning"},
        extra_body={"vlgate": {"task": "ocr"}},
    )
    assert got == ("instruct", "task:ocr")


def test_explicit_mode_beats_task(client: openai.OpenAI) -> None:
    assert _route(client, "instruct", extra_headers={"X-Vlgate-Task": "math"}) == (
        "instruct",
        "explicit",
    )


def test_audience_reviewer_goes_to_thinking(client: openai.OpenAI) -> None:
    assert _route(client, extra_headers={"X-Vlgate-Audience": "reviewer"}) == (
        "thinking",
        "audience:reviewer",
    )
    assert _route(client, extra_body={"vlgate": {"audience": "interactive"}}) == (
        "instruct",
        "audience:interactive",
    )


def test_content_rule_step_by_step(client: openai.OpenAI) -> None:
    messages = [{"role": "user", "content": "Work out the total step by step."}]
    assert _route(client, messages=messages) == ("thinking", "content:reasoning_request")


def test_content_rule_reads_the_last_user_message_only(client: openai.OpenAI) -> None:
    messages = [
        {"role": "user", "content": "Explain step by step."},
        {"role": "assistant", "content": "Sure."},
        {"role": "user", "content": "Now just the colour."},
    ]
    assert _route(client, messages=messages) == ("instruct", "default")


def test_task_beats_content_rule(client: openai.OpenAI) -> None:
    messages = [{"role": "user", "content": "Read it step by step."}]
    got = _route(client, messages=messages, extra_headers={"X-Vlgate-Task": "ocr"})
    assert got == ("instruct", "task:ocr")


def test_latency_budget_is_reported(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="auto", messages=USER, extra_headers={"X-Vlgate-Latency-Budget-Ms": "2500"}
    )
    assert raw.parse().model_extra["vlgate"]["latency_budget_ms"] == 2500  # type: ignore[index]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Vlgate-Mode", "fast"),
        ("X-Vlgate-Audience", "everyone"),
        ("X-Vlgate-Latency-Budget-Ms", "soon"),
        ("X-Vlgate-Latency-Budget-Ms", "-5"),
        ("X-Vlgate-Latency-Budget-Ms", "0"),
        ("X-Vlgate-Latency-Budget-Ms", "nan"),
        ("X-Vlgate-Latency-Budget-Ms", "inf"),
    ],
)
def test_bad_header_values_are_400_naming_the_header(
    client: openai.OpenAI, header: str, value: str
) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="auto", messages=USER, extra_headers={header: value})
    assert err.value.status_code == 400
    assert err.value.body["param"] == header  # type: ignore[index]
    assert err.value.body["type"] == "invalid_request_error"  # type: ignore[index]


@pytest.mark.parametrize("where", ["header", "body"], ids=["X-Vlgate-Task", "vlgate.task"])
def test_unknown_task_is_400_naming_vlgate_task(client: openai.OpenAI, where: str) -> None:
    kwargs: dict[str, Any] = (
        {"extra_headers": {"X-Vlgate-Task": "astrology"}}
        if where == "header"
        else {"extra_body": {"vlgate": {"task": "astrology"}}}
    )
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="auto", messages=USER, **kwargs)
    assert err.value.body["param"] == "vlgate.task"  # type: ignore[index]
    assert err.value.body["code"] == "unknown_task"  # type: ignore[index]


def test_only_instruct_configured_answers_thinking_requests(make_stack: Any) -> None:
    stack = make_stack(thinking=[])
    mode, reason = _route(stack.client(), extra_headers={"X-Vlgate-Task": "math"})
    assert (mode, reason) == ("instruct", "fallback:thinking_unavailable")
