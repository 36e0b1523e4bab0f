"""Tool calls: Qwen's ``<tool_call>`` text -> OpenAI ``tool_calls``, pure.

Qwen3-VL writes a call as a JSON object between tags in its answer::

    <tool_call>
    {"name": "get_weather", "arguments": {"city": "Paris"}}
    </tool_call>

Engines with a tool parser (vLLM ``--tool-call-parser hermes``, SGLang ``qwen25``)
send these as ``tool_calls`` already; the embedded engine, llama.cpp without
``--jinja`` and a vLLM started without a parser send the text. :class:`ToolCallParser`
turns that text into :class:`~vlgate.types.ToolCallDelta` events while streaming, the
same for any chunking: plain text is released as soon as it cannot be the start of
a tag, a call is released whole when its closing tag arrives (or at the end, if
the model stopped inside it). A block whose JSON does not parse as a call is kept
as text, so nothing the model wrote is lost.

:class:`ToolCallAccumulator` merges streamed pieces (ours or an engine's) into the
``tool_calls`` list of a non-streamed response.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import orjson

from vlgate.types import ToolCallDelta

OPEN, CLOSE = "<tool_call>", "</tool_call>"


def new_call_id() -> str:
    return "call_" + secrets.token_hex(12)


def parse_call(body: str) -> tuple[str, str] | None:
    """``{"name": ..., "arguments": {...}}`` -> (name, arguments as JSON text), or
    None when the block is not a call."""
    try:
        obj = orjson.loads(body.strip())
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict):
        return None
    name = obj.get("name")
    if not isinstance(name, str) or not name:
        return None
    args = obj.get("arguments", obj.get("parameters", {}))
    if isinstance(args, str):
        try:
            orjson.loads(args)
        except orjson.JSONDecodeError:
            return None
        return name, args
    return name, orjson.dumps(args).decode()


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that is a proper prefix of ``tag``."""
    for n in range(min(len(text), len(tag) - 1), 0, -1):
        if tag.startswith(text[-n:]):
            return n
    return 0


@dataclass(slots=True)
class ToolCallParser:
    """Sans-I/O: ``feed(text)`` / ``close()`` -> ordered ``str`` | ``ToolCallDelta``.

    Whitespace that only separates calls (Qwen puts a newline between them and
    before the first) is dropped; text around the calls is kept.
    """

    first_index: int = 0
    calls: int = 0
    _buf: str = ""
    _inside: bool = False
    _held_space: str = ""  # whitespace that may only separate calls
    _after_call: bool = False

    def feed(self, text: str) -> list[str | ToolCallDelta]:
        self._buf += text
        out: list[str | ToolCallDelta] = []
        while self._buf:
            if self._inside:
                end = self._buf.find(CLOSE)
                if end < 0:
                    break
                self._emit_call(self._buf[:end], out)
                self._buf = self._buf[end + len(CLOSE) :]
                self._inside = False
                continue
            start = self._buf.find(OPEN)
            if start >= 0:
                self._text(self._buf[:start], out, before_call=True)
                self._buf = self._buf[start + len(OPEN) :]
                self._inside = True
                continue
            keep = _partial_suffix(self._buf, OPEN)
            self._text(self._buf[: len(self._buf) - keep], out, before_call=False)
            self._buf = self._buf[len(self._buf) - keep :]
            break
        return out

    def close(self) -> list[str | ToolCallDelta]:
        out: list[str | ToolCallDelta] = []
        if self._inside:  # stopped inside a call: keep it if it is complete JSON
            self._inside = False
            self._emit_call(self._buf, out, closed=False)
        else:
            self._text(self._buf, out, before_call=False)
        self._buf = ""
        if self._held_space and not self.calls:
            out.append(self._held_space)
        self._held_space = ""
        return out

    def _text(self, text: str, out: list[str | ToolCallDelta], *, before_call: bool) -> None:
        if self._after_call:
            text = text.lstrip()
            self._after_call = not text
        if not text:
            return
        body = text.rstrip()
        if body:
            out.append(self._held_space + body)
            self._held_space = ""
        self._held_space += text[len(body) :]
        if before_call:
            self._held_space = ""  # it only separated the text from the call

    def _emit_call(self, body: str, out: list[str | ToolCallDelta], closed: bool = True) -> None:
        parsed = parse_call(body)
        if parsed is None:  # not a call after all: the model's text, unchanged
            out.append(OPEN + body + (CLOSE if closed else ""))
            self._after_call = False
            return
        name, arguments = parsed
        out.append(
            ToolCallDelta(
                index=self.first_index + self.calls,
                id=new_call_id(),
                name=name,
                arguments=arguments,
            )
        )
        self.calls += 1
        self._held_space = ""
        self._after_call = True


@dataclass(slots=True)
class ToolCallAccumulator:
    """Streamed pieces -> complete calls, in index order."""

    _calls: dict[int, dict[str, Any]] = field(default_factory=dict)

    def apply(self, delta: ToolCallDelta) -> None:
        call = self._calls.get(delta.index)
        if call is None:  # an id now, so the response and the audit name the call alike
            call = self._calls[delta.index] = {"id": new_call_id(), "name": "", "arguments": ""}
        if delta.id:
            call["id"] = delta.id
        if delta.name:
            call["name"] = call["name"] or delta.name
        call["arguments"] += delta.arguments

    def __bool__(self) -> bool:
        return bool(self._calls)

    def to_list(self) -> list[dict[str, Any]]:
        return [
            {
                "id": c["id"],
                "type": "function",
                "function": {"name": c["name"], "arguments": c["arguments"] or "{}"},
            }
            for _, c in sorted(self._calls.items())
        ]


def as_text(calls: list[dict[str, Any]]) -> str:
    """Calls in the model's own ``<tool_call>`` form (what the audit trail keeps, so
    the stored answer reads as the model wrote it and the answer posture covers it)."""
    blocks = []
    for call in calls:
        fn = call["function"]
        try:
            args: Any = orjson.loads(fn["arguments"])
        except orjson.JSONDecodeError:
            args = fn["arguments"]
        body = orjson.dumps({"name": fn["name"], "arguments": args}).decode()
        blocks.append(f"{OPEN}\n{body}\n{CLOSE}")
    return "\n".join(blocks)


def delta_dict(delta: ToolCallDelta) -> dict[str, Any]:
    """One piece in OpenAI's ``delta.tool_calls[]`` shape."""
    out: dict[str, Any] = {"index": delta.index}
    function: dict[str, Any] = {"arguments": delta.arguments}
    if delta.id:
        out["id"] = delta.id
        out["type"] = "function"
    if delta.name:
        function["name"] = delta.name
    out["function"] = function
    return out
