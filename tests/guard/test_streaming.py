from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vlgate.guard import Guards

PIECES = [
    "Hello, ", "the customer ", "John Smith ", "paid with ", "4111 1111 1111 1111", " and ",
    "IBAN DE89 3704 0044 0532 0130 00", ". Write to ", "jane@example.com", " or call ",
    "+44 20 7946 0958", ".\n", "Passport No: X1234567", ", born on 12 March 1990", " at ",
    "221B Baker Street, London NW1 6XE", " via ", "10.0.0.1", " — ", "SSN 123-45-6789", " ",
    "Nombre: María García López", "\n\n", "x" * 40, "word " * 30,
]  # fmt: skip


def chunked(guards: Guards, text: str, cuts: list[int], channel: str = "answer") -> str:
    stream = guards.redactor(channel).stream()
    out, pos = [], 0
    for cut in sorted(set(c % (len(text) + 1) for c in cuts)):
        out.append(stream.feed(text[pos:cut]))
        pos = cut
    out.append(stream.feed(text[pos:]))
    out.append(stream.flush())
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=14),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=40),
)
def test_any_chunking_equals_whole(guards: Guards, pieces: list[str], cuts: list[int]) -> None:
    text = "".join(pieces)
    assert chunked(guards, text, cuts) == guards.redactor("answer").redact(text)


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab 1-.@\nXZ+")), max_size=300),
    cuts=st.lists(st.integers(0, 400), max_size=30),
)
def test_any_chunking_equals_whole_on_noise(guards: Guards, text: str, cuts: list[int]) -> None:
    assert chunked(guards, text, cuts) == guards.redactor("answer").redact(text)


def test_entity_split_across_chunks_is_caught(guards: Guards) -> None:
    text = "my card is 4111 1111 1111 1111 thanks"
    out = chunked(guards, text, [16, 17, 22])
    assert "4111" not in out and "[CARD" in out


def test_holds_back_only_the_current_words(guards: Guards) -> None:
    stream = guards.redactor("answer").stream()
    emitted = stream.feed("the receipt shows that the total was paid in cash and ")
    assert emitted and stream.held <= 5
    emitted = stream.feed("the cashier was John")
    assert "John" not in emitted  # might be the start of a name
    rest = stream.feed(" Smith today and ") + stream.flush()
    assert "[PERSON]" in rest


def test_hard_limit_bounds_the_hold_back(guards: Guards) -> None:
    stream = guards.redactor("answer").stream()
    stream.feed("X" * 5000)
    assert stream.held < 1024
