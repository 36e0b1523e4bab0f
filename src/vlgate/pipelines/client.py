"""The one seam between pipelines and vlgate: the public OpenAI-compatible API.

``Gateway`` wraps the official ``openai`` client: every call names its mode and
task class (``extra_body={"vlgate": {...}}``), asks for the reasoning trace, and
returns a ``Reply`` with the answer, the trace and vlgate's own ``vlgate`` info.
Every reply is appended to a ``TraceLog`` (kept in memory, optionally written as
JSONL) so a pipeline's output can always be traced back to the gateway's audit
records by ``request_id``.

``Caller`` is the Protocol pipelines depend on; tests may pass any object that
has ``call``.
"""

from __future__ import annotations

import base64
import mimetypes
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import orjson

ModeName = Literal["instruct", "thinking"]
Content = list[dict[str, Any]]
DEFAULT_URL = "http://127.0.0.1:8000/v1"


@dataclass(slots=True)
class Reply:
    """One chat completion, as a pipeline needs it."""

    answer: str
    reasoning: str
    finish_reason: str
    request_id: str
    mode: str
    route_reason: str
    task: str | None
    label: str | None
    cost_usd: float | None
    reasoning_truncated: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        """The output stopped on the token budget (answer or trace incomplete)."""
        return self.finish_reason == "length" or self.reasoning_truncated


@dataclass(slots=True)
class TraceLog:
    """Every reply a pipeline got, in order; appended to ``path`` as JSONL if set."""

    path: Path | None = None
    replies: list[Reply] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, reply: Reply) -> None:
        with self._lock:
            self.replies.append(reply)
            if self.path is not None:
                with self.path.open("ab") as fh:
                    fh.write(orjson.dumps(asdict(reply)) + b"\n")

    @property
    def cost_usd(self) -> float:
        return sum(r.cost_usd or 0.0 for r in self.replies)

    def request_ids(self) -> list[str]:
        return [r.request_id for r in self.replies]


class Caller(Protocol):
    """What a pipeline needs from the gateway."""

    traces: TraceLog

    def call(
        self,
        content: Content,
        *,
        mode: ModeName,
        task: str,
        system: str | None = None,
        response_format: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        label: str | None = None,
    ) -> Reply: ...


class Gateway:
    """``Caller`` over the official ``openai`` client against a vlgate URL."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        api_key: str = "none",
        *,
        timeout_s: float = 600.0,
        traces: TraceLog | None = None,
        label: str | None = None,
        client: Any = None,
    ) -> None:
        if client is None:
            import openai

            client = openai.OpenAI(base_url=url, api_key=api_key, timeout=timeout_s)
        self._client = client
        self.traces = traces if traces is not None else TraceLog()
        self.label = label

    def call(
        self,
        content: Content,
        *,
        mode: ModeName,
        task: str,
        system: str | None = None,
        response_format: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        label: str | None = None,
    ) -> Reply:
        messages: list[dict[str, Any]] = []
        if system:
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": content})
        options: dict[str, Any] = {"mode": mode, "task": task, "include_reasoning": True}
        if label or self.label:
            options["label"] = label or self.label
        kwargs: dict[str, Any] = {}
        if response_format is not None:
            kwargs["response_format"] = response_format
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        completion = self._client.chat.completions.create(
            model=mode, messages=messages, extra_body={"vlgate": options}, **kwargs
        )
        reply = reply_of(completion, task=task, label=options.get("label"))
        self.traces.record(reply)
        return reply

    def close(self) -> None:
        self._client.close()


def reply_of(completion: Any, *, task: str | None, label: str | None) -> Reply:
    """An ``openai`` ChatCompletion -> ``Reply`` (reads vlgate's extra fields)."""
    choice = completion.choices[0]
    extra_msg = choice.message.model_extra or {}
    info = (completion.model_extra or {}).get("vlgate") or {}
    return Reply(
        answer=choice.message.content or "",
        reasoning=extra_msg.get("reasoning_content") or extra_msg.get("reasoning") or "",
        finish_reason=choice.finish_reason or "stop",
        request_id=str(info.get("request_id") or completion.id),
        mode=str(info.get("mode") or ""),
        route_reason=str(info.get("route_reason") or ""),
        task=task,
        label=label,
        cost_usd=info.get("cost_usd"),
        reasoning_truncated=bool(info.get("reasoning_truncated")),
        warnings=list(info.get("warnings") or []),
    )


# --- content parts ------------------------------------------------------------------


def data_url(data: bytes, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def _mime(path: Path, default: str) -> str:
    return mimetypes.guess_type(path.name)[0] or default


def text_part(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def image_part(source: Path | bytes, mime: str = "image/png") -> dict[str, Any]:
    """An image from a file (MIME from its name) or encoded bytes."""
    if isinstance(source, Path):
        mime, source = _mime(source, mime), source.read_bytes()
    return {"type": "image_url", "image_url": {"url": data_url(source, mime)}}


def pdf_part(source: Path | bytes, filename: str = "document.pdf") -> dict[str, Any]:
    """A PDF; the gateway renders its pages and prefixes each with ``Page N:``."""
    if isinstance(source, Path):
        filename, source = source.name, source.read_bytes()
    return {
        "type": "file",
        "file": {"file_data": data_url(source, "application/pdf"), "filename": filename},
    }
