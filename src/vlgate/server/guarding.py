"""The guard layer on the request path.

Before routing: the injection screen over the user's text and images (OCR runs in
a worker thread), which may flag, wrap the messages as untrusted data, or block.
After the splitter: one ``OutputGuard`` per request filters and redacts the trace
and the answer alike, streaming, holding back only what may still be an entity.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

from vlgate.guard.config import GuardSettings
from vlgate.guard.output import Guards, OutputGuard
from vlgate.guard.screen import InjectionVerdict, wrap_untrusted
from vlgate.reasoning import Answer, Reasoning, Reclassified, SplitResult
from vlgate.server.exchange import ClientEvent, Outcome
from vlgate.types import ChatMessage, Finish, ImagePart, ToolCallDelta, VideoPart


class GuardTap:
    def __init__(self, settings: GuardSettings) -> None:
        self.settings = settings
        self.guards = Guards(settings)
        self.warm_up: threading.Thread | None = None
        if not (settings.enabled and settings.ocr.enabled):
            return
        warm = getattr(self.guards.input_screen().ocr, "warm_up", None)
        if warm is not None:
            # OCR models load in the background at start, not on the first image
            self.warm_up = threading.Thread(target=warm, name="vlgate-ocr-warm-up", daemon=True)
            self.warm_up.start()

    async def screen(
        self, messages: list[ChatMessage], task: str | None
    ) -> tuple[list[ChatMessage], InjectionVerdict]:
        """Screen the input; returns the messages to send (wrapped if the policy says)
        and the verdict. Raises ContentBlocked when the policy blocks."""
        screen = self.guards.input_screen(route=task)
        has_media = any(isinstance(p, ImagePart | VideoPart) for m in messages for p in m.parts)
        if has_media and self.settings.ocr.enabled:
            verdict = await asyncio.to_thread(screen.screen_messages, messages)
        else:
            verdict = screen.screen_messages(messages)
        verdict.raise_if_blocked()
        if verdict.action == "wrap":
            messages = wrap_untrusted(messages, self.settings.injection.roles)
        return messages, verdict

    def output_guard(self, task: str | None, tenant: str | None) -> OutputGuard:
        posture = self.settings.pii.posture_for(task, tenant)
        return self.guards.output_guard(task=task, tenant=tenant, posture=posture)


async def guarded(
    events: AsyncIterator[ClientEvent], guard: OutputGuard, outcome: Outcome
) -> AsyncIterator[ClientEvent]:
    """Pass the client events through the output guard. ``outcome.result`` keeps the
    raw text (for the audit trail, which applies its own posture); what is yielded
    is what the client may see. A blocking rule raises ContentBlocked mid-stream."""
    outcome.raw = SplitResult()
    trace_open = True
    async for event in events:
        if isinstance(event, Finish):
            closing = guard.close()
            for channel, out in closing.items():
                if out.blocked is not None:
                    raise out.blocked.error()
                if out.text:
                    yield Reasoning(out.text) if channel == "trace" else Answer(out.text)
            yield event
            return
        if isinstance(event, ToolCallDelta):
            # Arguments are JSON for a program: redacting inside them would break
            # the call, so they pass as the model wrote them (see docs/guards.md).
            yield event
            continue
        outcome.raw.apply(event)
        if isinstance(event, Reclassified):
            # The untagged "trace" was the answer: drop what the trace channel held
            # and guard the whole text as answer text.
            guard.flush("trace")
            out = guard.feed("answer", event.text)
            if out.blocked is not None:
                raise out.blocked.error()
            yield Reclassified(out.text)
            continue
        if isinstance(event, Answer) and trace_open:
            # The trace is over once the answer starts: release what it held back.
            trace_open = False
            tail = guard.flush("trace")
            if tail.blocked is not None:
                raise tail.blocked.error()
            if tail.text:
                yield Reasoning(tail.text)
        out = guard.feed("trace" if isinstance(event, Reasoning) else "answer", event.text)
        if out.blocked is not None:
            raise out.blocked.error()
        if out.text:
            yield type(event)(out.text)
