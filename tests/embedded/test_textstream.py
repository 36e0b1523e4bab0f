from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer

from vlgate.backends.embedded.textstream import IncrementalDecoder, StopMatcher


@pytest.fixture(scope="module")
def tok(demo_dirs: dict[str, Path]) -> Tokenizer:
    return Tokenizer.from_file(str(demo_dirs["instruct"] / "tokenizer.json"))


@pytest.mark.parametrize(
    "text", ["héllo wörld", "🫠𓀀🦩 emoji", "你好世界，再见", "mixed 🙂 and 中文 text"]
)
def test_deltas_join_to_the_whole_decode(tok: Tokenizer, text: str) -> None:
    ids = tok.encode(text).ids
    dec = IncrementalDecoder(lambda xs: tok.decode(list(xs)))
    deltas = [dec.feed(i) for i in ids] + [dec.flush()]
    assert "".join(deltas) == text
    assert all("\ufffd" not in d for d in deltas)


def test_multibyte_character_waits_for_its_last_byte(tok: Tokenizer) -> None:
    ids = tok.encode("𓀀").ids
    assert len(ids) > 1  # the emoji spans several byte-level tokens
    dec = IncrementalDecoder(lambda xs: tok.decode(list(xs)))
    assert [dec.feed(i) for i in ids[:-1]] == [""] * (len(ids) - 1)
    assert dec.feed(ids[-1]) == "𓀀"


def _run(stops: list[str], chunks: list[str]) -> tuple[str, bool]:
    m = StopMatcher(stops)
    out = "".join(m.feed(c) for c in chunks) + m.flush()
    return out, m.stopped


def test_stop_cuts_before_the_stop_string() -> None:
    assert _run(["END"], ["abc E", "N", "Dxyz"]) == ("abc ", True)
    assert _run(["END"], ["abc EN"]) == ("abc EN", False)
    assert _run(["x", "bc"], ["abcx"]) == ("a", True)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="abcEND \n", max_size=30),
    stops=st.lists(st.text(alphabet="abcEND", min_size=1, max_size=4), max_size=3),
    cuts=st.lists(st.integers(min_value=0, max_value=30), max_size=6),
)
def test_any_split_equals_the_whole(text: str, stops: list[str], cuts: list[int]) -> None:
    points = sorted({min(c, len(text)) for c in cuts})
    chunks = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    whole = _run(stops, [text])
    assert _run(stops, chunks) == whole
    hits = [i for i in (text.find(s) for s in stops) if i >= 0]
    assert whole == ((text[: min(hits)], True) if hits else (text, False))
