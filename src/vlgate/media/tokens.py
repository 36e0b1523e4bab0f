"""Visual-token arithmetic of Qwen3-VL, pure and exact.

Mirrors the processor's ``smart_resize`` (transformers ``Qwen2VLImageProcessor``
with patch 16 / merge 2, and ``Qwen3VLVideoProcessor``): each side is rounded to a
multiple of ``factor`` (32); above ``max_pixels`` both sides shrink by
sqrt(area / max) rounded down, below ``min_pixels`` they grow rounded up. One
visual token covers factor x factor pixels; the ``<|vision_start|>`` /
``<|vision_end|>`` markers (2 tokens) are not included and are reported by
``MARKER_TOKENS``.

Rounding uses Python's ``round`` (half to even) exactly as the processor does, so
the counts agree on every size, not just typical ones (tests compare with the real
classes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MARKER_TOKENS = 2  # <|vision_start|> and <|vision_end|> around each image / temporal patch
MAX_ASPECT_RATIO = 200


class AspectRatioError(ValueError):
    """The image is more than ``MAX_ASPECT_RATIO`` times wider than tall (or taller)."""


def _check_aspect(height: int, width: int) -> None:
    if height <= 0 or width <= 0:
        raise ValueError(f"image sides must be positive, got {width}x{height}")
    if max(height, width) / min(height, width) > MAX_ASPECT_RATIO:
        raise AspectRatioError(
            f"aspect ratio {max(height, width) / min(height, width):.1f} exceeds {MAX_ASPECT_RATIO}"
        )


def smart_resize(
    height: int, width: int, *, min_pixels: int, max_pixels: int, factor: int = 32
) -> tuple[int, int]:
    """The (height, width) the image processor resizes an image to."""
    _check_aspect(height, width)
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def image_tokens(
    width: int, height: int, *, min_pixels: int, max_pixels: int, factor: int = 32
) -> int:
    """Visual tokens of one image (markers excluded). Note the argument order:
    width first, as images are usually described (1920x1080)."""
    h, w = smart_resize(height, width, min_pixels=min_pixels, max_pixels=max_pixels, factor=factor)
    return (h // factor) * (w // factor)


# --- video -----------------------------------------------------------------------------


def video_smart_resize(
    num_frames: int,
    height: int,
    width: int,
    *,
    min_pixels: int,
    max_pixels: int,
    factor: int = 32,
    temporal_factor: int = 2,
) -> tuple[int, int]:
    """The per-frame (height, width) the video processor resizes a clip to; the
    pixel limits apply to all frames together."""
    if num_frames < temporal_factor:
        raise ValueError(f"a clip needs at least {temporal_factor} frames, got {num_frames}")
    if height < factor or width < factor:
        scale = max(factor / height, factor / width)
        height, width = int(height * scale), int(width * scale)
    _check_aspect(height, width)
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    t_bar = round(num_frames / temporal_factor) * temporal_factor
    if t_bar * h_bar * w_bar > max_pixels:
        beta = math.sqrt((num_frames * height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif t_bar * h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (num_frames * height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def video_frame_limit(
    num_frames: int,
    *,
    min_pixels: int,
    max_pixels: int,
    factor: int = 32,
    cap_pixels_per_frame: bool = False,
    max_tokens_per_frame: int = 768,
) -> int:
    """The all-frames pixel budget, with qwen-vl-utils' optional per-frame cap."""
    if not cap_pixels_per_frame:
        return max_pixels
    frame_cap = max_tokens_per_frame * factor * factor
    per_frame = max(min(frame_cap, max_pixels // num_frames), int(min_pixels * 1.05))
    return per_frame * num_frames


def temporal_patches(num_frames: int, temporal_factor: int = 2) -> int:
    """Frames are grouped ``temporal_factor`` per patch; a short last group is padded."""
    return -(-num_frames // temporal_factor)


def video_tokens(
    num_frames: int,
    width: int,
    height: int,
    *,
    min_pixels: int,
    max_pixels: int,
    factor: int = 32,
    temporal_factor: int = 2,
    cap_pixels_per_frame: bool = False,
    max_tokens_per_frame: int = 768,
) -> int:
    """Visual tokens of a clip of ``num_frames`` sampled frames (markers and
    timestamp text excluded)."""
    budget = video_frame_limit(
        num_frames,
        min_pixels=min_pixels,
        max_pixels=max_pixels,
        factor=factor,
        cap_pixels_per_frame=cap_pixels_per_frame,
        max_tokens_per_frame=max_tokens_per_frame,
    )
    h, w = video_smart_resize(
        num_frames,
        height,
        width,
        min_pixels=min_pixels,
        max_pixels=budget,
        factor=factor,
        temporal_factor=temporal_factor,
    )
    return temporal_patches(num_frames, temporal_factor) * (h // factor) * (w // factor)


def sample_frame_indices(
    total_frames: int, video_fps: float, *, fps: float, min_frames: int, max_frames: int
) -> list[int]:
    """Indices of the frames to keep: ``fps`` per second, clamped to
    [min_frames, max_frames] and to the frames there are, evenly spaced from the
    first frame to the last (the video processor's ``sample_frames``)."""
    if total_frames <= 0:
        return []
    wanted = int(total_frames / video_fps * fps) if video_fps > 0 else total_frames
    n = min(max(wanted, min_frames), max_frames, total_frames)
    if n == 1:
        return [0]
    step = (total_frames - 1) / (n - 1)
    # numpy's linspace(...).round() rounds half to even, as Python's round does
    return [round(i * step) for i in range(n)]


def patch_timestamps(frame_times: Sequence[float], temporal_factor: int = 2) -> list[float]:
    """One timestamp per temporal patch: the mean of its first and last frame
    times (a short last group repeats its last frame)."""
    times = list(frame_times)
    if times and len(times) % temporal_factor:
        times.extend([times[-1]] * (temporal_factor - len(times) % temporal_factor))
    return [
        (times[i] + times[i + temporal_factor - 1]) / 2
        for i in range(0, len(times), temporal_factor)
    ]


def timestamp_text(seconds: float) -> str:
    """The text that precedes each temporal patch in the prompt."""
    return f"<{seconds:.1f} seconds>"
