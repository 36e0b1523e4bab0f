"""Internal request -> the JSON body an OpenAI-compatible engine expects."""

from __future__ import annotations

import base64
from typing import Any

from vlgate.types import (
    ChatMessage,
    GenerationRequest,
    ImagePart,
    MediaVideo,
    TextPart,
    VideoPart,
)


def _video_url(video: MediaVideo) -> str:
    if video.source is not None:
        return f"data:{video.mime};base64," + base64.b64encode(video.source).decode()
    if video.source_url is not None:
        return video.source_url
    raise ValueError("a video part carries neither its bytes nor its URL")


def _content(message: ChatMessage) -> str | list[dict[str, Any]]:
    parts = message.parts
    if all(isinstance(p, TextPart) for p in parts):
        return message.text()
    out: list[dict[str, Any]] = []
    for part in parts:
        if isinstance(part, TextPart):
            out.append({"type": "text", "text": part.text})
        elif isinstance(part, ImagePart):
            out.append({"type": "image_url", "image_url": {"url": part.image.data_url()}})
        elif isinstance(part, VideoPart):
            out.append({"type": "video_url", "video_url": {"url": _video_url(part.video)}})
    return out


def _message(m: ChatMessage) -> dict[str, Any]:
    out: dict[str, Any] = {"role": m.role, "content": _content(m)}
    if m.name:
        out["name"] = m.name
    if m.tool_calls:
        out["tool_calls"] = m.tool_calls
        if not m.parts:
            out["content"] = None
    if m.tool_call_id is not None:
        out["tool_call_id"] = m.tool_call_id
    return out


def build_payload(
    request: GenerationRequest, model: str, *, send_top_k: bool = True
) -> dict[str, Any]:
    s = request.sampling
    body: dict[str, Any] = {
        "model": model,
        "messages": [_message(m) for m in request.messages],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    for key, value in (
        ("temperature", s.temperature),
        ("top_p", s.top_p),
        ("top_k", s.top_k if send_top_k else None),
        ("presence_penalty", s.presence_penalty),
        ("frequency_penalty", s.frequency_penalty),
        ("repetition_penalty", s.repetition_penalty),
        ("max_tokens", s.max_tokens),
        ("seed", s.seed),
    ):
        if value is not None:
            body[key] = value
    if s.stop:
        body["stop"] = s.stop
    if request.response_format is not None:
        body["response_format"] = request.response_format
    body.update(request.extra)
    return body
