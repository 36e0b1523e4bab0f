"""``MediaLoader``: the one object the gateway core calls for every media part.

It turns a URL (data / http / https) or raw bytes into validated ``MediaImage`` /
``MediaVideo`` objects, naming the request field (``param``) in every error.
Fetching goes through ``fetch.Fetcher`` (SSRF policy, limits); decoding is
synchronous and CPU-bound, so anything bigger than ``inline_decode_bytes`` runs
in a worker thread and the event loop stays free; tiny images decode inline,
where a thread hop would cost more than the decode (docs/media.md has figures).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx

from vlgate.errors import InvalidRequest
from vlgate.media.config import MediaSettings
from vlgate.media.fetch import ContentCheck, Fetcher, Resolver, accepts, system_resolver
from vlgate.media.images import decode_image
from vlgate.media.pdf import render_pdf
from vlgate.media.urls import check_scheme, parse_data_url, scheme_of
from vlgate.media.video import ProgressCallback, decode_video
from vlgate.types import MediaImage, MediaVideo

T = TypeVar("T")

_IMAGE_TYPES = accepts("image/")
_VIDEO_TYPES = accepts("video/", "application/mp4", "image/gif")
_PDF_TYPES = accepts("application/pdf", "application/x-pdf")


@dataclass(frozen=True, slots=True)
class _Raw:
    data: bytes
    content_type: str
    url: str | None  # where it came from, for http(s) sources


class MediaLoader:
    """Holds the settings and an injected ``httpx.AsyncClient`` (its owner closes it)."""

    def __init__(
        self,
        settings: MediaSettings,
        client: httpx.AsyncClient,
        *,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.settings = settings
        self._fetcher = Fetcher(client, settings, resolver=resolver)

    def check_count(self, n_images: int, param: str = "messages", *, n_videos: int = 0) -> None:
        """Reject a request with more media parts than allowed, before loading any."""
        if n_images > self.settings.max_images:
            raise InvalidRequest(
                f"request has {n_images} images, over the limit of {self.settings.max_images}",
                param=param,
                code="too_many_images",
            )
        if n_videos > self.settings.max_videos:
            raise InvalidRequest(
                f"request has {n_videos} videos, over the limit of {self.settings.max_videos}",
                param=param,
                code="too_many_videos",
            )

    async def image(self, url: str, *, param: str) -> MediaImage:
        """An ``image_url`` part: a data URL or an http(s) URL."""
        if scheme_of(url) == "data" and len(url) > self.settings.inline_decode_bytes:
            return await asyncio.to_thread(self._image_from_data_url, url, param)
        raw = await self._bytes(url, self.settings.max_image_bytes, _IMAGE_TYPES, "image", param)
        return await self.image_bytes(raw.data, param=param, content_type=raw.content_type)

    def _image_from_data_url(self, url: str, param: str) -> MediaImage:
        """Base64 and image decode in one worker-thread hop (both cost ~ms per MB)."""
        parsed = parse_data_url(url, max_bytes=self.settings.max_image_bytes, param=param)
        return decode_image(
            parsed.data, settings=self.settings, param=param, content_type=parsed.mime
        )

    async def image_bytes(self, data: bytes, *, param: str, content_type: str = "") -> MediaImage:
        """An uploaded image."""
        return await _run(
            len(data) > self.settings.inline_decode_bytes,
            lambda: decode_image(
                data, settings=self.settings, param=param, content_type=content_type
            ),
        )

    async def video(
        self, url: str, *, param: str, on_progress: ProgressCallback | None = None
    ) -> MediaVideo:
        """A ``video_url`` part: key frames with timestamps (see ``video``)."""
        raw = await self._bytes(url, self.settings.max_video_bytes, _VIDEO_TYPES, "video", param)
        return await self.video_bytes(
            raw.data,
            param=param,
            on_progress=on_progress,
            content_type=raw.content_type,
            source_url=raw.url,
        )

    async def video_bytes(
        self,
        data: bytes,
        *,
        param: str,
        on_progress: ProgressCallback | None = None,
        content_type: str = "",
        source_url: str | None = None,
    ) -> MediaVideo:
        """An uploaded video. ``on_progress`` is called from the decoding thread."""
        return await _run(
            True,
            lambda: decode_video(
                data,
                settings=self.settings,
                param=param,
                on_progress=on_progress,
                content_type=content_type,
                source_url=source_url,
            ),
        )

    async def pdf(self, data_or_url: str | bytes, *, param: str) -> list[MediaImage]:
        """A PDF (``file`` part): raw bytes, a data URL or an http(s) URL -> page images."""
        if isinstance(data_or_url, bytes):
            raw = _Raw(data_or_url, "", None)
        else:
            raw = await self._bytes(
                data_or_url, self.settings.max_pdf_bytes, _PDF_TYPES, "PDF", param
            )
        return await _run(
            True,
            lambda: render_pdf(
                raw.data, settings=self.settings, param=param, content_type=raw.content_type
            ),
        )

    async def _bytes(
        self, url: str, max_bytes: int, accept: ContentCheck, what: str, param: str
    ) -> _Raw:
        scheme = check_scheme(url, self.settings.allowed_schemes, param=param)
        if scheme == "data":
            parsed = await _run(
                len(url) > self.settings.inline_decode_bytes,
                lambda: parse_data_url(url, max_bytes=max_bytes, param=param),
            )
            return _Raw(parsed.data, parsed.mime, None)
        fetched = await self._fetcher.fetch(
            url, max_bytes=max_bytes, accept=accept, what=what, param=param
        )
        return _Raw(fetched.data, fetched.content_type, fetched.url)


async def _run(in_thread: bool, work: Callable[[], T]) -> T:
    """``work()`` in a worker thread when ``in_thread`` (keeps the loop free), else inline."""
    if in_thread:
        return await asyncio.to_thread(work)
    return work()
