"""The <tool_call> parser and the tool-call accumulator (pure)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vlgate.tools import ToolCallAccumulator, ToolCallParser, delta_dict, parse_call
from vlgate.types import ToolCallDelta


def run(chunks: list[str]) -> tuple[str, list[tuple[int, str, dict[str, object]]]]:
    """Feed ``chunks``; returns (text, [(index, name, arguments), ...])."""
    parser = ToolCallParser()
    items = [item for c in chunks for item in parser.feed(c)] + parser.close()
    text = "".join(i for i in items if isinstance(i, str))
    calls = []
    for i in items:
        if isinstance(i, ToolCallDelta):
            assert i.id and i.id.startswith("call_") and i.name
            calls.append((i.index, i.name, json.loads(i.arguments)))
    return text, calls


QWEN = (
    "I'll look both up.\n<tool_call>\n"
    '{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n'
    "</tool_call>\n<tool_call>\n"
    '{"name": "get_time", "arguments": {"tz": "Europe/Paris"}}\n</tool_call>'
)


def test_two_calls_after_text() -> None:
    text, calls = run([QWEN])
    assert text == "I'll look both up."
    assert calls == [
        (0, "get_weather", {"city": "Paris", "unit": "celsius"}),
        (1, "get_time", {"tz": "Europe/Paris"}),
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(QWEN)), max_size=30))
def test_any_chunking_gives_the_same_result(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    chunks = [QWEN[a:b] for a, b in zip([0, *points], [*points, len(QWEN)], strict=True)]
    assert run(chunks) == run([QWEN])


def test_text_without_calls_is_untouched_even_with_angle_brackets() -> None:
    sample = "Use <b>bold</b> and a <tool_ prefix, then 2 < 3.  "
    text, calls = run(list(sample))
    assert (text, calls) == (sample, [])


def test_held_prefix_is_released_when_it_is_not_a_tag() -> None:
    parser = ToolCallParser()
    assert parser.feed("see <tool") == ["see"]
    assert parser.feed("box>") == [" <toolbox>"]


def test_block_that_is_not_a_call_stays_text() -> None:
    sample = "<tool_call>\nnot json at all\n</tool_call> done"
    assert run([sample]) == (sample, [])
    no_name = '<tool_call>{"arguments": {}}</tool_call>'
    assert run([no_name]) == (no_name, [])


def test_unterminated_call_at_the_end() -> None:
    text, calls = run(['<tool_call>\n{"name": "f", "arguments": {"x": 1}}\n'])
    assert (text, calls) == ("", [(0, "f", {"x": 1})])
    cut = '<tool_call>\n{"name": "f", "argu'
    assert run([cut]) == (cut, [])


def test_text_after_a_call_is_kept_without_the_separator() -> None:
    text, calls = run(['<tool_call>{"name": "f"}</tool_call>\n\nDone.'])
    assert text == "Done." and calls == [(0, "f", {})]


def test_arguments_as_json_text_and_parameters_alias() -> None:
    assert parse_call('{"name": "f", "arguments": "{\\"a\\": 1}"}') == ("f", '{"a": 1}')
    assert parse_call('{"name": "f", "parameters": {"a": 1}}') == ("f", '{"a":1}')
    assert parse_call('{"name": "f", "arguments": "not json"}') is None
    assert parse_call("[1, 2]") is None


def test_first_index_follows_engine_calls() -> None:
    parser = ToolCallParser(first_index=2)
    (call,) = parser.feed('<tool_call>{"name": "g", "arguments": {}}</tool_call>')
    assert isinstance(call, ToolCallDelta) and call.index == 2


def test_accumulator_merges_streamed_pieces_in_index_order() -> None:
    acc = ToolCallAccumulator()
    assert not acc
    acc.apply(ToolCallDelta(index=1, id="b", name="second"))
    acc.apply(ToolCallDelta(index=0, id="a", name="first", arguments='{"q"'))
    acc.apply(ToolCallDelta(index=0, arguments=': "x"}'))
    assert acc.to_list() == [
        {"id": "a", "type": "function", "function": {"name": "first", "arguments": '{"q": "x"}'}},
        {"id": "b", "type": "function", "function": {"name": "second", "arguments": "{}"}},
    ]


@pytest.mark.parametrize(
    ("delta", "wire"),
    [
        (
            ToolCallDelta(index=0, id="c1", name="f", arguments=""),
            {
                "index": 0,
                "id": "c1",
                "type": "function",
                "function": {"name": "f", "arguments": ""},
            },
        ),
        (ToolCallDelta(index=3, arguments='{"a"'), {"index": 3, "function": {"arguments": '{"a"'}}),
    ],
)
def test_delta_wire_shape(delta: ToolCallDelta, wire: dict[str, object]) -> None:
    assert delta_dict(delta) == wire


def test_a_call_without_an_id_gets_one_that_stays_the_same() -> None:
    acc = ToolCallAccumulator()
    acc.apply(ToolCallDelta(index=0, name="f", arguments="{}"))
    first, again = acc.to_list(), acc.to_list()
    assert first == again and first[0]["id"].startswith("call_")
