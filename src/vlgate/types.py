"""Internal request and event types: what flows between api, media, route, backend.

The OpenAI wire format is translated to these at the edge (``protocol``) and back;
nothing in the core passes raw request dicts around.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

    from vlgate.modes import Mode


# --- media ----------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class MediaImage:
    """One image, validated and measured, as every backend receives it.

    ``data`` holds encoded bytes ready to forward (the original upload where it
    needed no normalisation); ``tokens`` is the visual-token cost under the
    configured processor limits (FACTS.md smart-resize), start/end markers
    excluded.
    """

    data: bytes
    mime: str
    width: int
    height: int
    tokens: int
    timestamp: float | None = None  # seconds, for video key frames
    _sha256: str | None = field(default=None, repr=False)
    _data_url: str | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.data).hexdigest()
        return self._sha256

    def data_url(self) -> str:
        if self._data_url is None:
            self._data_url = f"data:{self.mime};base64," + base64.b64encode(self.data).decode()
        return self._data_url

    def pil(self) -> Image.Image:
        """Decode to an RGB Pillow image (EXIF orientation already applied by intake)."""
        import io

        from PIL import Image

        with Image.open(io.BytesIO(self.data)) as im:
            return im.convert("RGB")


@dataclass(slots=True, eq=False)
class MediaVideo:
    """A video reduced to key frames with their timestamps (seconds)."""

    frames: list[MediaImage]
    fps: float
    duration_s: float
    tokens: int  # visual tokens of all frames, timestamps text excluded
    source: bytes | None = None  # original encoded video, for upstreams that take video
    mime: str = "video/mp4"
    source_url: str | None = None

    @property
    def timestamps(self) -> list[float]:
        return [f.timestamp or 0.0 for f in self.frames]


# --- messages ---------------------------------------------------------------------


@dataclass(slots=True)
class TextPart:
    text: str


@dataclass(slots=True)
class ImagePart:
    image: MediaImage


@dataclass(slots=True)
class VideoPart:
    video: MediaVideo


Part = TextPart | ImagePart | VideoPart


@dataclass(slots=True)
class ChatMessage:
    role: str  # system | user | assistant | tool
    parts: list[Part]
    reasoning: str | None = None  # an earlier assistant turn's trace, if the client sent it
    name: str | None = None
    # OpenAI wire shape: [{"id", "type": "function", "function": {"name", "arguments"}}]
    tool_calls: list[dict[str, Any]] | None = None  # an assistant turn's calls
    tool_call_id: str | None = None  # a tool turn: the call it answers

    def text(self) -> str:
        return "".join(p.text for p in self.parts if isinstance(p, TextPart))


@dataclass(slots=True)
class SamplingParams:
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    repetition_penalty: float | None = None
    max_tokens: int | None = None
    stop: list[str] = field(default_factory=list)
    seed: int | None = None


@dataclass(slots=True)
class GenerationRequest:
    """What a backend is asked to do. Backends always stream events back."""

    request_id: str
    mode: Mode
    messages: list[ChatMessage]
    sampling: SamplingParams
    model: str | None = None  # the backend's own model name, if configured
    response_format: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # passthrough fields (tools, ...)
    deadline: float | None = None  # monotonic time by which it must finish
    replica: str | None = None  # set by the pool: the replica that served it
    stream: bool = True  # the client streams (an upstream may answer in one body otherwise)

    def has_media(self) -> bool:
        return any(not isinstance(p, TextPart) for m in self.messages for p in m.parts)


# --- backend events -------------------------------------------------------------


@dataclass(slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int | None = None
    visual_tokens: int | None = None

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class TextDelta:
    """Raw generated text (may contain ``<think>`` tags: the splitter sorts it)."""

    text: str


@dataclass(slots=True)
class ReasoningDelta:
    """Reasoning text an engine already separated (vLLM ``reasoning``, SGLang
    and llama.cpp ``reasoning_content``)."""

    text: str


@dataclass(slots=True)
class ToolCallDelta:
    """A piece of one tool call, OpenAI's streaming shape: the first piece of call
    ``index`` carries its ``id`` and ``name``; ``arguments`` fragments concatenate
    to the call's JSON arguments."""

    index: int
    arguments: str = ""
    id: str | None = None
    name: str | None = None


@dataclass(slots=True)
class Finish:
    finish_reason: str  # stop | length | tool_calls | content_filter | error
    usage: Usage | None = None


BackendEvent = TextDelta | ReasoningDelta | ToolCallDelta | Finish


@dataclass(slots=True, frozen=True)
class LoadSnapshot:
    """What a replica says of its queue, for the router's wait estimate."""

    waiting: int
    running: int
    service_time_s: float | None  # observed seconds per request (EWMA), None if unknown
    age_s: float  # how old the numbers are
    source: str  # "engine_metrics" | "inflight"
    healthy: bool = True
