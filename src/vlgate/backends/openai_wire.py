"""Decode what an OpenAI-compatible engine sends back: pure, no I/O.

Engines differ only in data: where the separated trace goes
(``REASONING_FIELDS``) and which statuses are worth a retry.
"""

from __future__ import annotations

from typing import Any

import orjson

from vlgate.errors import InvalidRequest, UpstreamError
from vlgate.types import BackendEvent, Finish, ReasoningDelta, TextDelta, ToolCallDelta, Usage

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
# Engines name the separated trace differently (FACTS.md); first match wins.
REASONING_FIELDS = ("reasoning_content", "reasoning")


def status_error(status: int, raw: bytes, name: str) -> Exception:
    """A non-200 answer -> the error to raise: the engine's own message, a 4xx that
    is the client's fault as InvalidRequest, the rest as (maybe retryable) upstream errors."""
    message = raw[:500].decode("utf-8", "replace")
    try:
        err = orjson.loads(raw).get("error")
        if isinstance(err, dict) and err.get("message"):
            message = str(err["message"])
        elif isinstance(err, str):
            message = err
    except (orjson.JSONDecodeError, AttributeError):
        pass
    if 400 <= status < 500 and status not in RETRYABLE_STATUS:
        return InvalidRequest(
            f"the engine rejected the request: {message}", code="upstream_rejected"
        )
    return UpstreamError(
        f"{name} answered {status}: {message}",
        retryable=status in RETRYABLE_STATUS,
        upstream_status=status,
        code=f"upstream_{status}",
    )


def chunk_events(data: bytes, name: str, sent: bool) -> list[BackendEvent]:
    """One SSE data payload -> events. A usage-only chunk (vLLM sends it after the
    finish chunk) gives a ``Finish`` with an empty reason; ``merge_finish`` keeps
    the real one."""
    if data == b"[DONE]":
        return []
    try:
        obj: dict[str, Any] = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise UpstreamError(
            f"{name} sent a chunk that is not JSON", retryable=not sent, sent_output=sent
        ) from None
    if "error" in obj:
        err = obj["error"]
        msg = err.get("message") if isinstance(err, dict) else str(err)
        raise UpstreamError(
            f"{name} failed mid-stream: {msg}", retryable=not sent, sent_output=sent
        )
    events: list[BackendEvent] = []
    finish: str | None = None
    for choice in obj.get("choices") or ():
        _text_events(choice.get("delta") or {}, events)
        finish = choice.get("finish_reason") or finish
    usage = obj.get("usage")
    if finish is not None or usage:
        events.append(Finish(finish or "", parse_usage(usage) if usage else None))
    return events


def whole_events(raw: bytes, name: str) -> list[BackendEvent]:
    """A non-streamed ``chat.completion`` body -> the same events a stream gives."""
    try:
        obj: dict[str, Any] = orjson.loads(raw)
        choice = obj["choices"][0]
    except (orjson.JSONDecodeError, KeyError, IndexError, TypeError):
        raise UpstreamError(f"{name} sent a response that is not a chat completion") from None
    events: list[BackendEvent] = []
    _text_events(choice.get("message") or {}, events)
    usage = obj.get("usage")
    events.append(
        Finish(choice.get("finish_reason") or "stop", parse_usage(usage) if usage else None)
    )
    return events


def _text_events(delta: dict[str, Any], events: list[BackendEvent]) -> None:
    for field in REASONING_FIELDS:
        text = delta.get(field)
        if text:
            events.append(ReasoningDelta(text))
            break
    content = delta.get("content")
    if content:
        events.append(TextDelta(content))
    for position, call in enumerate(delta.get("tool_calls") or ()):
        if not isinstance(call, dict):
            continue
        fn = call.get("function") or {}
        args = fn.get("arguments")
        if args is not None and not isinstance(args, str):
            args = orjson.dumps(args).decode()
        index = call.get("index")
        events.append(
            ToolCallDelta(
                index=index if isinstance(index, int) else position,
                arguments=args or "",
                id=call.get("id") or None,
                name=fn.get("name") or None,
            )
        )


def merge_finish(old: Finish | None, new: Finish) -> Finish:
    if old is None:
        return new
    return Finish(new.finish_reason or old.finish_reason, new.usage or old.usage)


def parse_usage(u: dict[str, Any]) -> Usage:
    details = u.get("completion_tokens_details") or {}
    return Usage(
        prompt_tokens=int(u.get("prompt_tokens") or 0),
        completion_tokens=int(u.get("completion_tokens") or 0),
        reasoning_tokens=details.get("reasoning_tokens"),
    )
