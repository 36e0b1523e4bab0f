"""The <think> splitter: every tag case, whole and streamed, and any chunking."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vlgate.reasoning import Answer, Reasoning, Reclassified, SplitResult, ThinkSplitter, split_text

CASES = [
    # (text, finish_reason, reasoning, answer, truncated)
    ("<think>R</think>A", "stop", "R", "A", False),
    (
        "<think>\nStep 1. Step 2.\n</think>\n\nThe answer.",
        "stop",
        "Step 1. Step 2.",
        "The answer.",
        False,
    ),
    ("R</think>A", "stop", "R", "A", False),
    ("let me see...\n</think>\n\n42", "stop", "let me see...", "42", False),
    ("<think>cut off mid-", "length", "cut off mid-", "", True),
    ("never tagged and cut", "length", "never tagged and cut", "", True),
    ("Paris.", "stop", "", "Paris.", False),
    ("  \n<think> x </think>  y", "stop", "x", "y", False),
    ("<think></think>\n\nA", "stop", "", "A", False),
    ("<thi", "stop", "", "<thi", False),
    (
        "<think>a < b and </thin is not a tag</think>ok",
        "stop",
        "a < b and </thin is not a tag",
        "ok",
        False,
    ),
    (
        "<think>R</think>A with </think> and <think> kept",
        "stop",
        "R",
        "A with </think> and <think> kept",
        False,
    ),
    ("text then <think>x</think>y", "stop", "text then <think>x", "y", False),
    ("<think>R", "stop", "R", "", False),
    ("", "stop", "", "", False),
    ("<think>\n\n</think>\n\n", "stop", "", "", False),
]


def run(chunks: list[str], finish: str) -> tuple[SplitResult, bool]:
    splitter = ThinkSplitter()
    result = SplitResult()
    for chunk in chunks:
        for event in splitter.feed(chunk):
            result.apply(event)
    for event in splitter.close(finish):
        result.apply(event)
    return result, splitter.truncated


@pytest.mark.parametrize(("text", "finish", "reasoning", "answer", "truncated"), CASES)
def test_whole(text: str, finish: str, reasoning: str, answer: str, truncated: bool) -> None:
    result = split_text(text, finish)
    assert (result.reasoning, result.answer, result.truncated) == (reasoning, answer, truncated)


@pytest.mark.parametrize(("text", "finish", "reasoning", "answer", "truncated"), CASES)
def test_one_character_at_a_time(
    text: str, finish: str, reasoning: str, answer: str, truncated: bool
) -> None:
    result, was_truncated = run(list(text), finish)
    assert (result.reasoning, result.answer, was_truncated) == (reasoning, answer, truncated)


@st.composite
def chunkings(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    text, finish = draw(
        st.sampled_from([(c[0], c[1]) for c in CASES])
        | st.tuples(
            st.lists(
                st.sampled_from(
                    ["<think>", "</think>", "<", "/", "think", ">", "\n", " ", "a", "bc"]
                ),
                max_size=12,
            ).map("".join),
            st.sampled_from(["stop", "length"]),
        )
    )
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    bounds = [0, *cuts, len(text)]
    return text, finish, [text[a:b] for a, b in itertools.pairwise(bounds)]


@given(chunkings())
@settings(max_examples=400, deadline=None)
def test_any_split_equals_whole(case: tuple[str, str, list[str]]) -> None:
    text, finish, chunks = case
    whole = split_text(text, finish)
    streamed, truncated = run(chunks, finish)
    assert (streamed.reasoning, streamed.answer, truncated) == (
        whole.reasoning,
        whole.answer,
        whole.truncated,
    )
    assert "</think>" not in whole.answer or "</think>" in text.split("</think>", 1)[1]


def test_tag_split_across_chunks_emits_no_tag_text() -> None:
    splitter = ThinkSplitter()
    events = [*splitter.feed("<thi"), *splitter.feed("nk>reason</th"), *splitter.feed("ink>answer")]
    events += splitter.close("stop")
    assert all("<" not in e.text for e in events)
    assert [type(e) for e in events] == [Reasoning, Answer]


def test_reasoning_streams_before_the_close_tag_arrives() -> None:
    splitter = ThinkSplitter()
    assert splitter.feed("<think>first thoughts") == [Reasoning("first thoughts")]
    assert splitter.feed(" more") == [Reasoning(" more")]


def test_untagged_stop_reclassifies_streamed_reasoning_as_answer() -> None:
    splitter = ThinkSplitter()
    streamed = splitter.feed("Just the answer")
    assert streamed == [Reasoning("Just the answer")]
    assert splitter.close("stop") == [Reclassified("Just the answer")]


def test_trailing_whitespace_before_close_tag_is_held_back() -> None:
    splitter = ThinkSplitter()
    events = splitter.feed("<think>abc  \n")
    assert events == [Reasoning("abc")]
    assert splitter.feed("def") == [Reasoning("  \ndef")]
