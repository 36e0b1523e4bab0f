"""One request inside the engine: its inputs, its per-step state, its event sink.

A :class:`Job` is created by the caller's thread and then touched only by the
engine thread, except ``cancel()`` (a plain flag the engine reads each step).
``step(token)`` is the sans-I/O heart of streaming: a sampled token id in,
events out (text deltas, then one ``Finish``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vlgate.backends.embedded.prompt import Prompt
from vlgate.backends.embedded.textstream import IncrementalDecoder, StopMatcher
from vlgate.types import BackendEvent, Finish, GenerationRequest, TextDelta, Usage

Sink = Callable[[BackendEvent | BaseException], None]


@dataclass(slots=True)
class GenState:
    """What a running request has produced so far."""

    decoder: IncrementalDecoder
    stopper: StopMatcher
    max_tokens: int
    eos_ids: frozenset[int]
    end_think_id: int | None  # counts reasoning tokens (Thinking) until it is generated
    tokens: list[int] = field(default_factory=list)
    reasoning_tokens: int = 0
    in_reasoning: bool = True
    finish_reason: str | None = None


@dataclass(slots=True, eq=False)
class Job:
    request: GenerationRequest
    variant: str
    sink: Sink
    enqueued_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    cancelled: bool = False
    prompt: Prompt | None = None
    sampler: Any = None  # RowSampler, set when the batch starts
    state: GenState | None = None

    def cancel(self) -> None:
        self.cancelled = True

    @property
    def done(self) -> bool:
        return self.cancelled or (self.state is not None and self.state.finish_reason is not None)

    def step(self, token: int) -> list[BackendEvent]:
        """Account one generated token; return the events it releases."""
        st = self.state
        assert st is not None and self.prompt is not None
        st.tokens.append(token)
        if st.end_think_id is not None and st.in_reasoning:
            st.reasoning_tokens += 1
            st.in_reasoning = token != st.end_think_id
        events: list[BackendEvent] = []
        if token in st.eos_ids:
            return self._finish("stop", events, flush=True)
        text = st.stopper.feed(st.decoder.feed(token))
        if text:
            events.append(TextDelta(text))
        if st.stopper.stopped:
            return self._finish("stop", events, flush=False)
        if len(st.tokens) >= st.max_tokens:
            return self._finish("length", events, flush=True)
        return events

    def _finish(
        self, reason: str, events: list[BackendEvent], *, flush: bool
    ) -> list[BackendEvent]:
        st = self.state
        assert st is not None and self.prompt is not None
        if flush:
            tail = st.stopper.feed(st.decoder.flush())
            tail += "" if st.stopper.stopped else st.stopper.flush()
            if tail:
                events.append(TextDelta(tail))
            if st.stopper.stopped:
                reason = "stop"
        st.finish_reason = reason
        events.append(Finish(reason, self.usage()))
        return events

    def usage(self) -> Usage:
        st, prompt = self.state, self.prompt
        assert st is not None and prompt is not None
        return Usage(
            prompt_tokens=len(prompt.input_ids),
            completion_tokens=len(st.tokens),
            reasoning_tokens=st.reasoning_tokens if st.end_think_id is not None else None,
            visual_tokens=prompt.visual_tokens,
        )
