"""Video intake with PyAV: bytes -> key frames with timestamps -> ``MediaVideo``.

Frames are sampled as the Qwen3-VL video processor samples them
(``tokens.sample_frame_indices``: ``video_fps`` per second, clamped to
[video_min_frames, video_max_frames], evenly spaced when capped). Decoding walks
the stream forward and seeks ahead to the next key frame when the next wanted
frame is far away, so a long file costs about one GOP per sampled frame rather
than a decode of every frame. Each kept frame is scaled down to the size the
video processor would use (never up) and JPEG-encoded as a ``MediaImage`` with
its timestamp (seconds from the start of the stream).

Known limit: rotation metadata (phone videos' display matrix) is not applied.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import av
import av.container
import av.stream
import av.video.frame

from vlgate.errors import InvalidRequest
from vlgate.media.config import MediaSettings
from vlgate.media.images import encode_image
from vlgate.media.tokens import (
    AspectRatioError,
    sample_frame_indices,
    video_frame_limit,
    video_smart_resize,
    video_tokens,
)
from vlgate.types import MediaImage, MediaVideo

ProgressCallback = Callable[[int, int], None]
"""on_progress(done, total): called after each kept frame, from the decoding thread."""

SEEK_GAP_S = 2.0  # seek instead of decoding on when the next wanted frame is this far ahead

_MIME_BY_FORMAT = {"mov": "video/mp4", "mp4": "video/mp4", "matroska": "video/x-matroska",
                   "webm": "video/webm", "avi": "video/x-msvideo", "gif": "image/gif",
                   "mpegts": "video/mp2t", "ogg": "video/ogg"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Probe:
    rate: float  # frames per second
    duration_s: float
    total_frames: int
    start_s: float
    time_base: float


@contextmanager
def _decoding(param: str) -> Iterator[None]:
    try:
        yield
    except (av.FFmpegError, OSError, EOFError) as exc:
        raise InvalidRequest(
            f"video could not be decoded: {exc}", param=param, code="invalid_video"
        ) from None


def decode_video(
    data: bytes,
    *,
    settings: MediaSettings,
    param: str,
    on_progress: ProgressCallback | None = None,
    content_type: str = "",
    source_url: str | None = None,
) -> MediaVideo:
    """Sample ``data``'s key frames; InvalidRequest naming ``param`` on bad input."""
    if content_type.startswith(("text/", "image/", "application/json", "application/pdf")):
        raise InvalidRequest(
            f"content type {content_type!r} is not a video",
            param=param,
            code="unsupported_media_type",
        )
    if len(data) > settings.max_video_bytes:
        raise InvalidRequest(
            f"video is {len(data):,} bytes, over the {settings.max_video_bytes:,}-byte limit",
            param=param,
            code="too_large",
        )
    if not data:
        raise InvalidRequest("video is empty", param=param, code="invalid_video")
    with _decoding(param), av.open(io.BytesIO(data), mode="r") as container:
        stream = _video_stream(container, param)
        probe = _probe(container, stream, settings, param)
        indices = sample_frame_indices(
            probe.total_frames,
            probe.rate,
            fps=settings.video_fps,
            min_frames=settings.video_min_frames,
            max_frames=settings.video_max_frames,
        )
        targets = [i / probe.rate for i in indices]
        frames = _grab(container, stream, probe, targets, settings, param, on_progress)
        mime = _mime(content_type, container.format.name, stream.codec_context.name)
        native = _native_size(stream)
    if not frames:
        raise InvalidRequest("video has no decodable frames", param=param, code="invalid_video")
    width, height = native or (frames[0].width, frames[0].height)
    return MediaVideo(
        frames=frames,
        fps=len(frames) / probe.duration_s if probe.duration_s > 0 else settings.video_fps,
        duration_s=probe.duration_s,
        tokens=_tokens(len(frames), width, height, settings, param),
        source=data,
        mime=mime,
        source_url=source_url,
    )


def _mime(declared: str, container_format: str, codec: str) -> str:
    if declared.startswith("video/"):
        return declared
    if codec in ("vp8", "vp9", "av1") and "webm" in container_format:
        return "video/webm"
    return _MIME_BY_FORMAT.get(container_format.split(",")[0], "video/mp4")


def _video_stream(
    container: av.container.InputContainer, param: str
) -> av.video.stream.VideoStream:
    if not container.streams.video:
        raise InvalidRequest("the file has no video stream", param=param, code="invalid_video")
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    return stream


def _native_size(stream: av.video.stream.VideoStream) -> tuple[int, int] | None:
    width, height = stream.codec_context.width, stream.codec_context.height
    return (width, height) if width > 0 and height > 0 else None


def _probe(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    settings: MediaSettings,
    param: str,
) -> _Probe:
    tb = float(stream.time_base) if stream.time_base else 0.0
    start = stream.start_time * tb if stream.start_time is not None else 0.0
    rate = float(stream.average_rate or stream.guessed_rate or 0)
    duration = 0.0
    if stream.duration and tb:
        duration = stream.duration * tb
    elif container.duration:
        duration = container.duration / av.time_base
    total = stream.frames or (round(duration * rate) if duration and rate else 0)
    if not (rate and duration and total):
        total, duration = _count_packets(container, stream, tb, start)
        rate = total / duration if duration > 0 else 0.0
        container.seek(0)
    if duration > settings.max_video_duration_s:
        raise InvalidRequest(
            f"video is {duration:.1f} s long, over the {settings.max_video_duration_s:g}-s limit",
            param=param,
            code="video_too_long",
        )
    if not (rate and total and tb):
        raise InvalidRequest("video has no frames", param=param, code="invalid_video")
    return _Probe(rate=rate, duration_s=duration, total_frames=total, start_s=start, time_base=tb)


def _count_packets(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    tb: float,
    start: float,
) -> tuple[int, float]:
    """Frame count and duration from the packets alone (no decoding)."""
    count, end = 0, start
    for packet in container.demux(stream):
        if packet.pts is None or packet.size == 0:
            continue
        count += 1
        end = max(end, (packet.pts + (packet.duration or 0)) * tb)
    return count, end - start


def _grab(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    probe: _Probe,
    targets: list[float],
    settings: MediaSettings,
    param: str,
    on_progress: ProgressCallback | None,
) -> list[MediaImage]:
    frames: list[MediaImage] = []
    tolerance = 0.5 / probe.rate
    size: tuple[int, int] | None = None
    while len(frames) < len(targets):
        seeked = False
        last_t = -1.0
        for frame in container.decode(stream):
            t = frame.time - probe.start_s if frame.time is not None else last_t + 1 / probe.rate
            last_t = t
            if t > settings.max_video_duration_s:
                raise InvalidRequest(
                    f"video runs past the {settings.max_video_duration_s:g}-s limit",
                    param=param,
                    code="video_too_long",
                )
            if t < targets[len(frames)] - tolerance:
                continue
            size = size or _frame_size(len(targets), frame.width, frame.height, settings, param)
            frames.append(_to_image(frame, size, max(t, 0.0), settings, param))
            if on_progress is not None:
                on_progress(len(frames), len(targets))
            if len(frames) == len(targets):
                break
            if targets[len(frames)] - t > SEEK_GAP_S:
                offset = round((targets[len(frames)] + probe.start_s) / probe.time_base)
                container.seek(offset, stream=stream)
                seeked = True
                break
        if not seeked:
            break
    return frames


def _frame_size(
    num_frames: int, width: int, height: int, settings: MediaSettings, param: str
) -> tuple[int, int]:
    """(width, height) to keep a frame at: the processor's size, never above native."""
    try:
        h, w = video_smart_resize(
            max(num_frames, settings.temporal_patch_size),
            height,
            width,
            min_pixels=settings.video_min_pixels,
            max_pixels=_budget(num_frames, settings),
            factor=settings.factor,
            temporal_factor=settings.temporal_patch_size,
        )
    except AspectRatioError as exc:
        raise InvalidRequest(
            f"video {width}x{height}: {exc}", param=param, code="invalid_video"
        ) from None
    return (w, h) if w * h < width * height else (width, height)


def _budget(num_frames: int, settings: MediaSettings) -> int:
    return video_frame_limit(
        max(num_frames, settings.temporal_patch_size),
        min_pixels=settings.video_min_pixels,
        max_pixels=settings.video_max_pixels,
        factor=settings.factor,
        cap_pixels_per_frame=settings.video_cap_pixels_per_frame,
        max_tokens_per_frame=settings.video_max_tokens_per_frame,
    )


def _to_image(
    frame: av.video.frame.VideoFrame,
    size: tuple[int, int],
    t: float,
    settings: MediaSettings,
    param: str,
) -> MediaImage:
    width, height = size
    picture = frame.to_image(width=width, height=height)
    return encode_image(
        picture,
        lossless=False,
        settings=settings,
        param=param,
        timestamp=t,
        quality=settings.video_frame_jpeg_quality,
    )


def _tokens(num_frames: int, width: int, height: int, settings: MediaSettings, param: str) -> int:
    """The video processor's count; a one-frame clip counts as padded to a patch."""
    try:
        return video_tokens(
            max(num_frames, settings.temporal_patch_size),
            width,
            height,
            min_pixels=settings.video_min_pixels,
            max_pixels=settings.video_max_pixels,
            factor=settings.factor,
            temporal_factor=settings.temporal_patch_size,
            cap_pixels_per_frame=settings.video_cap_pixels_per_frame,
            max_tokens_per_frame=settings.video_max_tokens_per_frame,
        )
    except AspectRatioError as exc:
        raise InvalidRequest(
            f"video {width}x{height}: {exc}", param=param, code="invalid_video"
        ) from None
