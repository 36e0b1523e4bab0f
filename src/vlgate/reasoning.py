"""Split a Thinking model's output into its reasoning trace and its answer.

A sans-I/O state machine: ``feed(text) -> events`` for each generated chunk and
``close(finish_reason) -> events`` at the end; the same object serves whole
responses (one ``feed``) and streams (many). Cases it handles:

- ``<think>R</think>A``: reasoning R, answer A.
- ``R</think>A``: the Thinking chat template already opened the tag.
- tags split across chunks at any character: a chunk's tail that could begin a
  tag is held back until the next chunk decides.
- ``<think>R`` closed by ``finish_reason="length"``: all reasoning, empty answer,
  ``truncated``.
- no tags at all and ``finish_reason="stop"``: the model answered directly. The
  untagged text was streamed as (presumed) reasoning, so ``close`` emits one
  ``Reclassified`` event moving it to the answer.
- whitespace around the tags (``<think>\\n``, ``\\n</think>\\n\\n``) is trimmed.

Engines that split the trace themselves (vLLM ``reasoning``, SGLang and llama.cpp
``reasoning_content``) bypass this: their content is the answer as is.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"


@dataclass(slots=True, frozen=True)
class Reasoning:
    text: str


@dataclass(slots=True, frozen=True)
class Answer:
    text: str


@dataclass(slots=True, frozen=True)
class Reclassified:
    """Everything emitted as reasoning was the answer after all; ``text`` is it."""

    text: str


SplitEvent = Reasoning | Answer | Reclassified


def _partial_tag_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for n in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:n]):
            return n
    return 0


# States of the machine.
_START = 0  # nothing but whitespace seen yet
_REASONING = 1  # inside the trace
_ANSWER_LEAD = 2  # just after </think>: whitespace here is dropped
_ANSWER = 3  # the answer


class ThinkSplitter:
    """Streaming splitter for one response. Not thread-safe; one per request."""

    __slots__ = ("_buf", "_explicit_open", "_pending_ws", "_reasoning", "_state", "truncated")

    def __init__(self) -> None:
        self._state = _START
        self._buf = ""  # held-back text that may be the start of a tag
        self._pending_ws = ""  # trace whitespace that may turn out to precede </think>
        self._explicit_open = False
        self._reasoning: list[str] = []  # emitted trace, kept for a reclassification
        self.truncated = False

    def feed(self, text: str) -> list[SplitEvent]:
        events: list[SplitEvent] = []
        data = self._buf + text
        self._buf = ""
        while data:
            data = self._step(data, events)
        return events

    def close(self, finish_reason: str | None = "stop") -> list[SplitEvent]:
        """End of output. ``finish_reason`` decides the untagged and unclosed cases."""
        events: list[SplitEvent] = []
        tail, self._buf = self._buf, ""
        if tail:
            if self._state == _START:  # a lone partial tag such as "<thi": it was text
                self._state = _REASONING
            if self._state == _REASONING:
                self._emit_reasoning(tail, events)
            else:
                events.append(Answer(tail))
        self._pending_ws = ""  # trailing whitespace of an unclosed trace is dropped
        if self._state == _REASONING:
            if finish_reason == "length":
                self.truncated = True
            elif not self._explicit_open and self._reasoning:
                # No tags at all and a normal stop: the model answered directly.
                events.append(Reclassified("".join(self._reasoning)))
                self._reasoning.clear()
                self._state = _ANSWER
        return events

    # -- the machine ------------------------------------------------------------

    def _step(self, data: str, events: list[SplitEvent]) -> str:
        """Consume a prefix of ``data`` and return what is left for the next state."""
        state = self._state
        if state == _REASONING:
            return self._step_reasoning(data, events)
        if state == _ANSWER:
            events.append(Answer(data))
            return ""
        data = data.lstrip()
        if not data:
            return ""
        if state == _ANSWER_LEAD:
            self._state = _ANSWER
            return data
        # _START
        if data.startswith(OPEN_TAG):
            self._explicit_open = True
            self._state = _REASONING
            return data[len(OPEN_TAG) :]
        if OPEN_TAG.startswith(data):  # may still become <think>
            self._buf = data
            return ""
        self._state = _REASONING  # the template opened the tag for us
        return data

    def _step_reasoning(self, data: str, events: list[SplitEvent]) -> str:
        if not self._reasoning and not self._pending_ws:
            data = data.lstrip()  # whitespace right after <think>
            if not data:
                return ""
        idx = data.find(CLOSE_TAG)
        if idx >= 0:
            head = data[:idx].rstrip()
            if head:
                self._emit_reasoning(head, events)
            self._pending_ws = ""
            self._state = _ANSWER_LEAD
            return data[idx + len(CLOSE_TAG) :]
        keep = _partial_tag_suffix(data, CLOSE_TAG)
        if keep:
            self._buf = data[-keep:]
            data = data[:-keep]
        self._emit_reasoning(data, events)
        return ""

    def _emit_reasoning(self, text: str, events: list[SplitEvent]) -> None:
        """Emit trace text, holding trailing whitespace back until more text follows."""
        body = text.rstrip()
        if not body:
            self._pending_ws += text
            return
        out = self._pending_ws + body
        self._pending_ws = text[len(body) :]
        self._reasoning.append(out)
        events.append(Reasoning(out))


@dataclass(slots=True)
class SplitResult:
    """The whole of a response, accumulated from events."""

    reasoning: str = ""
    answer: str = ""
    truncated: bool = False

    def apply(self, event: SplitEvent) -> None:
        if isinstance(event, Reasoning):
            self.reasoning += event.text
        elif isinstance(event, Answer):
            self.answer += event.text
        else:  # Reclassified: all of the "trace" so far was the answer
            self.reasoning = ""
            self.answer = event.text + self.answer


def split_text(text: str, finish_reason: str | None = "stop") -> SplitResult:
    """Split a whole response (the same machine as streaming, fed once)."""
    splitter = ThinkSplitter()
    result = SplitResult()
    for event in [*splitter.feed(text), *splitter.close(finish_reason)]:
        result.apply(event)
    result.truncated = splitter.truncated
    return result
