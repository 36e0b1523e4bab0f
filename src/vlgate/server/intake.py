"""Wire messages -> internal messages, with every media part loaded and measured.

All media of a request load concurrently; errors name the exact field
(``messages[2].content[1].image_url.url``). PDF pages become images preceded by a
``Page N:`` text so answers can cite pages.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from vlgate.errors import ContextTooLong, InvalidRequest
from vlgate.media.loader import MediaLoader
from vlgate.protocol import (
    ChatCompletionRequest,
    FileContent,
    ImageContent,
    Message,
    TextContent,
    VideoContent,
)
from vlgate.types import ChatMessage, ImagePart, Part, TextPart, VideoPart

# Per-message overhead of the chat format: <|im_start|>role\n ... <|im_end|>\n
_MESSAGE_OVERHEAD = 5
_VISION_MARKERS = 2  # <|vision_start|> ... <|vision_end|>


@dataclass(slots=True)
class Intake:
    messages: list[ChatMessage]
    n_images: int  # images plus PDF pages
    n_videos: int
    visual_tokens: int
    text_chars: int
    last_user_text: str

    @property
    def text_only(self) -> bool:
        return self.n_images == 0 and self.n_videos == 0

    def estimated_prompt_tokens(self) -> int:
        """Text tokens estimated at ~3.5 UTF-8 chars/token (Qwen BPE on prose is ~4;
        we err high), plus the exact visual-token count."""
        text = int(self.text_chars / 3.5) + _MESSAGE_OVERHEAD * len(self.messages)
        return text + self.visual_tokens


def _pdf_source(file: FileContent, param: str) -> str | bytes:
    data = file.file.file_data
    if not data:
        raise InvalidRequest(
            "file parts need file_data (a data: URL or base64 of a PDF); file_id is not supported",
            param=f"{param}.file.file_data",
        )
    if data.startswith(("data:", "http://", "https://")):
        return data
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest(
            "file_data is neither a data: URL nor valid base64", param=f"{param}.file.file_data"
        ) from None


async def _pdf_parts(loader: MediaLoader, file: FileContent, param: str) -> list[Part]:
    pages = await loader.pdf(_pdf_source(file, param), param=f"{param}.file.file_data")
    parts: list[Part] = []
    for n, page in enumerate(pages, 1):
        parts.append(TextPart(f"Page {n}:"))
        parts.append(ImagePart(page))
    return parts


async def _image_parts(loader: MediaLoader, url: str, param: str) -> list[Part]:
    return [ImagePart(await loader.image(url, param=param))]


async def _video_parts(loader: MediaLoader, url: str, param: str) -> list[Part]:
    return [VideoPart(await loader.video(url, param=param))]


def _role(message: Message) -> str:
    return "system" if message.role == "developer" else message.role


_Load = Callable[[], Awaitable[list[Part]]]


async def build_intake(req: ChatCompletionRequest, loader: MediaLoader) -> Intake:
    # First pass: text now, media as loaders to run together (called only once the
    # whole request is checked, so a rejection leaves no coroutine un-awaited).
    slots: list[list[Part | _Load]] = []
    n_images = n_videos = 0
    text_chars = 0
    for i, message in enumerate(req.messages):
        content = message.content
        parts: list[Part | _Load] = []
        if isinstance(content, str):
            parts.append(TextPart(content))
            text_chars += len(content)
        elif content is not None:
            for j, part in enumerate(content):
                param = f"messages[{i}].content[{j}]"
                if isinstance(part, TextContent):
                    parts.append(TextPart(part.text))
                    text_chars += len(part.text)
                elif isinstance(part, ImageContent):
                    n_images += 1
                    url_param = f"{param}.image_url.url"
                    parts.append(partial(_image_parts, loader, part.image_url.url, url_param))
                elif isinstance(part, VideoContent):
                    n_videos += 1
                    video_param = f"{param}.video_url.url"
                    parts.append(partial(_video_parts, loader, part.video_url.url, video_param))
                elif isinstance(part, FileContent):
                    parts.append(partial(_pdf_parts, loader, part, param))
        if message.role not in ("assistant", "tool") and not parts:
            raise InvalidRequest(f"messages[{i}] has no content", param=f"messages[{i}].content")
        slots.append(parts)
    loader.check_count(n_images, n_videos=n_videos)

    pending = [
        p for parts in slots for p in parts if not isinstance(p, TextPart | ImagePart | VideoPart)
    ]
    loaded = iter(await asyncio.gather(*(load() for load in pending))) if pending else iter(())

    messages: list[ChatMessage] = []
    visual = 0
    n_pages_and_images = 0
    last_user_text = ""
    for message, parts in zip(req.messages, slots, strict=True):
        flat: list[Part] = []
        for p in parts:
            if isinstance(p, TextPart | ImagePart | VideoPart):
                flat.append(p)
            else:
                flat.extend(next(loaded))
        for p in flat:
            if isinstance(p, ImagePart):
                n_pages_and_images += 1
                visual += p.image.tokens + _VISION_MARKERS
            elif isinstance(p, VideoPart):
                visual += p.video.tokens + _VISION_MARKERS * max(1, len(p.video.frames) // 2)
        chat = ChatMessage(
            _role(message),
            flat,
            reasoning=message.reasoning_content,
            name=message.name,
            tool_calls=[c.wire() for c in message.tool_calls] if message.tool_calls else None,
            tool_call_id=message.tool_call_id,
        )
        if chat.role == "user":
            last_user_text = chat.text()
        messages.append(chat)
    return Intake(messages, n_pages_and_images, n_videos, visual, text_chars, last_user_text)


def check_context(intake: Intake, max_tokens: int | None, context_window: int) -> None:
    """Reject before generating when prompt + output budget cannot fit the window."""
    prompt = intake.estimated_prompt_tokens()
    if prompt > context_window:
        raise ContextTooLong(
            f"the prompt needs about {prompt} tokens ({intake.visual_tokens} visual), "
            f"{prompt - context_window} over the context window of {context_window}; "
            "send fewer or smaller images, fewer pages or frames, or less text"
        )
    if max_tokens is not None and prompt + max_tokens > context_window:
        raise ContextTooLong(
            f"the prompt (about {prompt} tokens) plus max_tokens={max_tokens} is "
            f"{prompt + max_tokens - context_window} over the context window of "
            f"{context_window}; lower max_tokens or send less input",
            param="max_tokens",
        )
