"""One request's exchange with a backend: raw engine events -> client events.

``client_events`` applies the reasoning splitter (Thinking only) and trims the
whitespace around the trace, for engines that send raw tags and for engines that
split the trace themselves; ``Outcome`` accumulates what was produced, for the
response, the audit record and the metrics.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from vlgate.errors import UpstreamError
from vlgate.modes import Mode
from vlgate.reasoning import Answer, Reasoning, Reclassified, SplitEvent, SplitResult, ThinkSplitter
from vlgate.tools import ToolCallAccumulator, ToolCallParser
from vlgate.types import BackendEvent, Finish, ReasoningDelta, TextDelta, ToolCallDelta, Usage

ClientEvent = SplitEvent | ToolCallDelta | Finish


@dataclass(slots=True)
class Outcome:
    """Everything one response produced."""

    started: float  # perf_counter at request receipt
    result: SplitResult = field(default_factory=SplitResult)  # what the client got
    raw: SplitResult | None = None  # the model's own text, when a guard changed it
    finish_reason: str | None = None
    usage: Usage | None = None
    first_token_at: float | None = None
    status: str = "open"  # completed | failed | cancelled | rejected
    error: str | None = None
    tool_calls: ToolCallAccumulator = field(default_factory=ToolCallAccumulator)

    def apply(self, event: ClientEvent) -> None:
        if isinstance(event, Finish):
            self.finish_reason = event.finish_reason
            self.usage = event.usage
            return
        if isinstance(event, ToolCallDelta):
            if self.first_token_at is None:
                self.first_token_at = time.perf_counter()
            self.tool_calls.apply(event)
            return
        if self.first_token_at is None and event.text:
            self.first_token_at = time.perf_counter()
        self.result.apply(event)

    @property
    def model_text(self) -> SplitResult:
        """What the model wrote (for the audit trail, which applies its own posture)."""
        return self.raw if self.raw is not None else self.result

    @property
    def ttft_s(self) -> float | None:
        return None if self.first_token_at is None else self.first_token_at - self.started


class _LeadTrim:
    """Drops leading whitespace of a channel (engines send ``\\n\\n`` after ``</think>``)."""

    __slots__ = ("started",)

    def __init__(self) -> None:
        self.started = False

    def __call__(self, text: str) -> str:
        if self.started:
            return text
        text = text.lstrip()
        self.started = bool(text)
        return text


class _EdgeTrim(_LeadTrim):
    """Also holds a channel's trailing whitespace back until more text follows, so a
    trace an engine split itself (``...answer.\n`` then ``</think>``) loses its tail
    like one split here."""

    __slots__ = ("held",)

    def __init__(self) -> None:
        super().__init__()
        self.held = ""

    def __call__(self, text: str) -> str:
        text = super().__call__(text)
        body = text.rstrip()
        if not body:
            self.held += text
            return ""
        out, self.held = self.held + body, text[len(body) :]
        return out


async def client_events(
    mode: Mode, first: BackendEvent, rest: AsyncIterator[BackendEvent]
) -> AsyncIterator[ClientEvent]:
    """Sort a backend's events into reasoning, answer and the finish.

    Instruct output is never parsed. Thinking output goes through the splitter
    unless the engine already separated the trace (``ReasoningDelta``): then its
    content is the answer as is.
    """
    splitter = ThinkSplitter() if mode is Mode.THINKING else None
    trim_answer, trim_reasoning = _LeadTrim(), _EdgeTrim()
    pre_split = False
    event: BackendEvent = first
    while True:
        if isinstance(event, TextDelta):
            if splitter is not None and not pre_split:
                for out in splitter.feed(event.text):
                    yield out
            elif text := trim_answer(event.text):
                yield Answer(text)
        elif isinstance(event, ReasoningDelta):
            pre_split = True
            if text := trim_reasoning(event.text):
                yield Reasoning(text)
        elif isinstance(event, ToolCallDelta):
            yield event
        else:
            if splitter is not None and not pre_split:
                for out in splitter.close(event.finish_reason):
                    yield out
            yield event
            return
        try:
            event = await anext(rest)
        except StopAsyncIteration:
            raise UpstreamError(
                "the engine ended the stream without finishing", sent_output=True
            ) from None


async def tool_call_events(events: AsyncIterator[ClientEvent]) -> AsyncIterator[ClientEvent]:
    """Lift ``<tool_call>`` blocks out of the answer into tool-call events (for
    engines that send the text); calls an engine parsed itself pass through, and
    the finish reason becomes ``tool_calls`` when the model called any."""
    parser: ToolCallParser | None = None
    engine_calls = 0  # calls the engine parsed itself: ours are numbered after them
    async for event in events:
        if isinstance(event, Answer):
            if parser is None:
                parser = ToolCallParser(first_index=engine_calls)
            for item in parser.feed(event.text):
                yield Answer(item) if isinstance(item, str) else item
            continue
        if isinstance(event, Reclassified):
            # a trace that never closed was the answer all along: its calls are calls
            if parser is None:
                parser = ToolCallParser(first_index=engine_calls)
            items = [*parser.feed(event.text), *parser.close()]  # it comes at the end
            yield Reclassified("".join(i for i in items if isinstance(i, str)))
            for item in items:
                if not isinstance(item, str):
                    yield item
            continue
        if isinstance(event, ToolCallDelta):
            engine_calls = max(engine_calls, event.index + 1)
        elif isinstance(event, Finish):
            for item in parser.close() if parser is not None else ():
                yield Answer(item) if isinstance(item, str) else item
            called = engine_calls > 0 or (parser is not None and parser.calls > 0)
            if called and event.finish_reason in ("stop", ""):
                event = Finish("tool_calls", event.usage)
        yield event


def is_truncated(outcome: Outcome, mode: Mode) -> bool:
    """The trace was cut off: Thinking stopped for length before any answer."""
    return mode is Mode.THINKING and outcome.finish_reason == "length" and not outcome.result.answer


__all__ = [
    "Answer",
    "ClientEvent",
    "Outcome",
    "Reasoning",
    "Reclassified",
    "client_events",
    "tool_call_events",
]
