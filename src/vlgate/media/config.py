"""Settings of media intake: limits, processor parameters, fetch policy.

Defaults follow Qwen3-VL's own processor files (FACTS.md, "Visual tokens"); the
video processor's pixel range is the one in Qwen3-VL's
``video_preprocessor_config.json`` (shortest_edge 4,096, longest_edge 25,165,824,
summed over all frames of a clip).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MiB = 1024 * 1024


class MediaSettings(BaseModel):
    """Everything media intake needs to know; one instance per gateway."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- per request ---------------------------------------------------------------
    max_images: int = Field(
        16, ge=0, description="image parts per request (PDF pages have their own limit)"
    )
    max_videos: int = Field(2, ge=0, description="video parts per request")

    # --- images --------------------------------------------------------------------
    max_image_bytes: int = Field(20 * MiB, gt=0)
    max_image_pixels: int = Field(
        64_000_000, gt=0, description="width*height above this is rejected (decompression bombs)"
    )
    image_formats: tuple[str, ...] = Field(
        ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"), description="Pillow format names accepted"
    )
    reencode_jpeg_quality: int = Field(95, ge=50, le=100)
    inline_decode_bytes: int = Field(
        16 * 1024,
        ge=0,
        description="inputs up to this size decode on the event loop, larger in a thread",
    )

    # --- processor (Qwen3-VL) ------------------------------------------------------
    min_pixels: int = Field(65_536, gt=0)
    max_pixels: int = Field(16_777_216, gt=0)
    patch_size: int = Field(16, gt=0)
    merge_size: int = Field(2, gt=0)
    temporal_patch_size: int = Field(2, gt=0)
    video_min_pixels: int = Field(4_096, gt=0, description="video processor size.shortest_edge")
    video_max_pixels: int = Field(
        25_165_824, gt=0, description="video processor size.longest_edge (all frames together)"
    )
    video_cap_pixels_per_frame: bool = Field(
        False, description="qwen-vl-utils' per-frame cap (transformers' cap_pixels_per_frame)"
    )
    video_max_tokens_per_frame: int = Field(768, gt=0)

    # --- fetching --------------------------------------------------------------------
    allowed_schemes: tuple[str, ...] = ("data", "http", "https")
    allow_private_networks: bool = Field(
        False, description="allow loopback/private/link-local fetch targets (never file://)"
    )
    fetch_timeout_s: float = Field(10.0, gt=0, description="whole fetch, redirects included")
    max_fetch_bytes: int = Field(64 * MiB, gt=0, description="any fetched body, before type limits")
    max_redirects: int = Field(5, ge=0)

    # --- video -------------------------------------------------------------------------
    video_fps: float = Field(1.0, gt=0, description="key frames sampled per second")
    video_min_frames: int = Field(4, ge=1)
    video_max_frames: int = Field(768, ge=1)
    max_video_bytes: int = Field(256 * MiB, gt=0)
    max_video_duration_s: float = Field(3600.0, gt=0)
    video_frame_jpeg_quality: int = Field(90, ge=50, le=100)

    # --- pdf ---------------------------------------------------------------------------
    pdf_dpi: float = Field(144.0, gt=0, le=600)
    max_pdf_pages: int = Field(32, ge=1)
    max_pdf_bytes: int = Field(50 * MiB, gt=0)
    pdf_page_format: Literal["PNG", "JPEG"] = "PNG"

    @model_validator(mode="after")
    def _ranges(self) -> MediaSettings:
        if self.min_pixels > self.max_pixels:
            raise ValueError("min_pixels must not exceed max_pixels")
        if self.video_min_pixels > self.video_max_pixels:
            raise ValueError("video_min_pixels must not exceed video_max_pixels")
        if self.video_min_frames > self.video_max_frames:
            raise ValueError("video_min_frames must not exceed video_max_frames")
        bad = set(self.allowed_schemes) - {"data", "http", "https"}
        if bad:
            raise ValueError(f"unsupported URL schemes {sorted(bad)}: only data, http, https")
        return self

    @property
    def factor(self) -> int:
        """Side lengths are rounded to multiples of this (patch * merge = 32)."""
        return self.patch_size * self.merge_size
