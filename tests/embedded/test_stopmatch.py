"""Stop strings that overlap: the match that starts first wins, however the text is split."""

from __future__ import annotations

from vlgate.backends.embedded.textstream import StopMatcher


def _run(stops: list[str], chunks: list[str]) -> tuple[str, bool]:
    m = StopMatcher(stops)
    out = "".join(m.feed(c) for c in chunks) + m.flush()
    return out, m.stopped


def test_an_earlier_partial_stop_is_not_cut_short_by_a_later_complete_one() -> None:
    # "DED" starts at 1, before the "E" at 2; after "DDE" only "E" has completed
    assert _run(["E", "DED"], ["DDED"]) == ("D", True)
    assert _run(["E", "DED"], ["DDE", "D"]) == ("D", True)
    assert _run(["E", "DED"], ["D", "D", "E", "D"]) == ("D", True)


def test_a_held_back_complete_stop_still_cuts_at_the_end() -> None:
    # the stream ends before "DED" can complete: the "E" match stands
    assert _run(["E", "DED"], ["DDE"]) == ("DD", True)
    assert _run(["E", "DED"], ["DD", "Ex"]) == ("DD", True)
