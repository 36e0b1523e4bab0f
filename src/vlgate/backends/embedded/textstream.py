"""Sans-I/O text pieces of generation: incremental detokenising and stop strings.

``IncrementalDecoder.feed(token_id) -> str`` returns the new text once it is whole:
a token that ends inside a multi-byte UTF-8 character yields nothing until the
character completes. ``StopMatcher.feed(text) -> (emit, stopped)`` holds back any
tail that could still become a stop string and cuts the text at the first match.
Both own their state and do no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

REPLACEMENT = "\ufffd"


class IncrementalDecoder:
    """Token ids -> text deltas, decoding a short window around the new tokens."""

    def __init__(self, decode: Callable[[Sequence[int]], str]) -> None:
        self._decode = decode
        self._ids: list[int] = []
        self._prefix = 0  # start of the window decoded for context
        self._read = 0  # ids up to here were already emitted

    def feed(self, token_id: int) -> str:
        self._ids.append(token_id)
        before = self._decode(self._ids[self._prefix : self._read])
        after = self._decode(self._ids[self._prefix :])
        if len(after) > len(before) and not after.endswith(REPLACEMENT):
            self._prefix, self._read = self._read, len(self._ids)
            return after[len(before) :]
        return ""

    def flush(self) -> str:
        """Whatever is still held back (an incomplete character decodes as U+FFFD)."""
        before = self._decode(self._ids[self._prefix : self._read])
        after = self._decode(self._ids[self._prefix :])
        self._prefix = self._read = len(self._ids)
        return after[len(before) :]


class StopMatcher:
    """Cuts generated text at the first stop string; never emits part of a stop."""

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = [s for s in stops if s]
        self._held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        if self.stopped:
            return ""
        buf = self._held + text
        cut = self._first_match(buf)
        hold_from = len(buf) - self._tail_to_hold(buf)
        if cut >= 0 and cut <= hold_from:
            self.stopped = True
            self._held = ""
            return buf[:cut]
        # no match yet, or one that a stop starting earlier could still pre-empt
        # ("DDE" with stops "E" and "DED": "DED" may start at 1, before the "E" at 2)
        self._held = buf[hold_from:]
        return buf[:hold_from]

    def flush(self) -> str:
        """The text held back at the end of the stream, cut at a stop it contains."""
        out, self._held = self._held, ""
        if self.stopped:
            return ""
        cut = self._first_match(out)
        if cut >= 0:
            self.stopped = True
            return out[:cut]
        return out

    def _first_match(self, buf: str) -> int:
        return min((i for i in (buf.find(s) for s in self._stops) if i >= 0), default=-1)

    def _tail_to_hold(self, buf: str) -> int:
        """Length of the longest suffix of ``buf`` that is a proper prefix of a stop."""
        best = 0
        for stop in self._stops:
            for n in range(min(len(stop) - 1, len(buf)), best, -1):
                if buf.endswith(stop[:n]):
                    best = n
                    break
        return best
