"""Chat messages -> model inputs: the chat template, image and video patches.

The text goes through the checkpoint's own chat template; each image placeholder is
expanded to ``grid_h * grid_w / merge**2`` ``<|image_pad|>`` tokens (the checkpoint's
image processor makes the patches), and each video placeholder to one
``<{t:.1f} seconds><|vision_start|>…<|vision_end|>`` group per temporal patch, with
the key frames' own timestamps, as Qwen3-VL's processor writes it.

Videos are patchified here (numpy + Pillow) instead of through transformers'
``Qwen3VLVideoProcessor``, which needs torchvision; the layout is the same. The frame
size comes from :mod:`vlgate.media.tokens` (the video processor's ``smart_resize``),
the same arithmetic media intake uses to count a clip's tokens before the request is
sent, so the gateway's ``visual_tokens`` and the engine's prompt always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vlgate.errors import InvalidRequest
from vlgate.media.tokens import AspectRatioError, video_frame_limit, video_smart_resize
from vlgate.types import ChatMessage, ImagePart, MediaImage, MediaVideo, TextPart, VideoPart

IMAGE_PAD, VIDEO_PAD = "<|image_pad|>", "<|video_pad|>"
VISION_START, VISION_END = "<|vision_start|>", "<|vision_end|>"
VIDEO_PLACEHOLDER = VISION_START + VIDEO_PAD + VISION_END


@dataclass(slots=True)
class VisionSpec:
    """The processor numbers the video path needs (from the checkpoint's configs)."""

    patch_size: int = 16
    merge_size: int = 2
    temporal_patch_size: int = 2
    video_min_pixels: int = 4_096
    video_max_pixels: int = 25_165_824
    cap_pixels_per_frame: bool = False  # qwen-vl-utils' per-frame cap; off in transformers
    max_tokens_per_frame: int = 768
    mean: tuple[float, float, float] = (0.5, 0.5, 0.5)
    std: tuple[float, float, float] = (0.5, 0.5, 0.5)


@dataclass(slots=True)
class Prompt:
    """One request's model inputs (unbatched)."""

    input_ids: list[int]
    mm_token_type_ids: list[int]
    pixel_values: Any = None  # torch.Tensor (patches, dim) or None
    image_grid_thw: Any = None  # torch.Tensor (images, 3)
    pixel_values_videos: Any = None
    video_grid_thw: Any = None
    visual_tokens: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def template_messages(messages: list[ChatMessage]) -> list[dict[str, Any]]:
    """Our messages in the chat template's shape (content parts, reasoning_content)."""
    out: list[dict[str, Any]] = []
    for msg in messages:
        parts: list[dict[str, Any]] = []
        for part in msg.parts:
            if isinstance(part, TextPart):
                parts.append({"type": "text", "text": part.text})
            elif isinstance(part, ImagePart):
                parts.append({"type": "image"})
            elif isinstance(part, VideoPart):
                parts.append({"type": "video"})
        item: dict[str, Any] = {"role": msg.role, "content": parts}
        if msg.reasoning:
            item["reasoning_content"] = msg.reasoning
        if msg.tool_calls:
            item["tool_calls"] = msg.tool_calls
        if msg.tool_call_id is not None:
            item["tool_call_id"] = msg.tool_call_id
        out.append(item)
    return out


def video_frame_size(frames: int, height: int, width: int, spec: VisionSpec) -> tuple[int, int]:
    """(height, width) each of ``frames`` key frames is resized to: the video
    processor's arithmetic, shared with media intake's token count."""
    factor, tps = spec.patch_size * spec.merge_size, spec.temporal_patch_size
    frames = max(frames, tps)  # a one-frame clip is padded to a temporal patch
    budget = video_frame_limit(
        frames,
        min_pixels=spec.video_min_pixels,
        max_pixels=spec.video_max_pixels,
        factor=factor,
        cap_pixels_per_frame=spec.cap_pixels_per_frame,
        max_tokens_per_frame=spec.max_tokens_per_frame,
    )
    try:
        return video_smart_resize(
            frames,
            height,
            width,
            min_pixels=spec.video_min_pixels,
            max_pixels=budget,
            factor=factor,
            temporal_factor=tps,
        )
    except AspectRatioError as exc:
        raise InvalidRequest(f"video frame {width}x{height}: {exc}", param="messages") from None


def video_patches(video: MediaVideo, spec: VisionSpec) -> tuple[np.ndarray, tuple[int, int, int]]:
    """Patchify key frames the way Qwen3-VL's video processor does: (patches, (t, h, w))."""
    from PIL import Image

    frames = [f.pil() for f in video.frames]
    if not frames:
        raise InvalidRequest("a video needs at least one frame", param="messages")
    tps, p, m = spec.temporal_patch_size, spec.patch_size, spec.merge_size
    width, height = frames[0].size
    h, w = video_frame_size(len(frames), height, width, spec)
    frames += [frames[-1]] * (-len(frames) % tps)
    arr = np.stack(
        [np.asarray(f.resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32) for f in frames]
    )  # (T, H, W, C)
    mean, std = np.array(spec.mean, np.float32), np.array(spec.std, np.float32)
    arr = ((arr / np.float32(255.0) - mean) / std).astype(np.float32)
    arr = arr.transpose(0, 3, 1, 2)  # (T, C, H, W)
    gt, gh, gw = len(frames) // tps, h // p, w // p
    c = arr.shape[1]
    arr = arr.reshape(gt, tps, c, gh // m, m, p, gw // m, m, p)
    arr = arr.transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
    return np.ascontiguousarray(arr.reshape(gt * gh * gw, c * tps * p * p)), (gt, gh, gw)


def frame_timestamps(video: MediaVideo, temporal_patch_size: int) -> list[float]:
    """One timestamp per temporal patch: the mean of its first and last frame."""
    stamps = list(video.timestamps)
    stamps += [stamps[-1]] * (-len(stamps) % temporal_patch_size)
    return [
        (stamps[i] + stamps[i + temporal_patch_size - 1]) / 2
        for i in range(0, len(stamps), temporal_patch_size)
    ]


class PromptBuilder:
    """Renders requests for one checkpoint (its tokenizer, template, image processor)."""

    def __init__(self, tokenizer: Any, image_processor: Any, spec: VisionSpec) -> None:
        self.tokenizer = tokenizer
        self.image_processor = image_processor
        self.spec = spec
        self.image_pad_id = int(tokenizer.convert_tokens_to_ids(IMAGE_PAD))
        self.video_pad_id = int(tokenizer.convert_tokens_to_ids(VIDEO_PAD))

    def render(self, messages: list[ChatMessage], tools: list[Any] | None = None) -> str:
        """The chat template's text, with the generation prompt, placeholders unexpanded."""
        text = self.tokenizer.apply_chat_template(
            template_messages(messages),
            tools=tools or None,
            tokenize=False,
            add_generation_prompt=True,
        )
        return str(text)

    def build(self, messages: list[ChatMessage], tools: list[Any] | None = None) -> Prompt:
        import torch

        text = self.render(messages, tools)
        images = [p.image for m in messages for p in m.parts if isinstance(p, ImagePart)]
        videos = [p.video for m in messages for p in m.parts if isinstance(p, VideoPart)]
        prompt = Prompt(input_ids=[], mm_token_type_ids=[])
        if images:
            text = self._add_images(text, images, prompt)
        if videos:
            text = self._add_videos(text, videos, prompt, torch)
        ids = [int(i) for i in self.tokenizer(text, add_special_tokens=False)["input_ids"]]
        prompt.input_ids = ids
        kinds = {self.image_pad_id: 1, self.video_pad_id: 2}
        prompt.mm_token_type_ids = [kinds.get(i, 0) for i in ids]
        prompt.visual_tokens = sum(1 for k in prompt.mm_token_type_ids if k)
        return prompt

    def _add_images(self, text: str, images: list[MediaImage], prompt: Prompt) -> str:
        out = self.image_processor(images=[im.pil() for im in images], return_tensors="pt")
        prompt.pixel_values, prompt.image_grid_thw = out["pixel_values"], out["image_grid_thw"]
        merge = self.spec.merge_size**2
        pieces = text.split(IMAGE_PAD)
        if len(pieces) != len(images) + 1:
            raise InvalidRequest("image placeholders do not match the images", param="messages")
        counts = [int(g.prod()) // merge for g in prompt.image_grid_thw]
        return pieces[0] + "".join(
            IMAGE_PAD * n + rest for n, rest in zip(counts, pieces[1:], strict=True)
        )

    def _add_videos(self, text: str, videos: list[MediaVideo], prompt: Prompt, torch: Any) -> str:
        pieces = text.split(VIDEO_PLACEHOLDER)
        if len(pieces) != len(videos) + 1:
            raise InvalidRequest("video placeholders do not match the videos", param="messages")
        patches, grids, expanded = [], [], []
        for video in videos:
            arr, (gt, gh, gw) = video_patches(video, self.spec)
            patches.append(torch.from_numpy(arr))
            grids.append([gt, gh, gw])
            per_frame = gh * gw // self.spec.merge_size**2
            stamps = frame_timestamps(video, self.spec.temporal_patch_size)
            expanded.append(
                "".join(
                    f"<{t:.1f} seconds>{VISION_START}{VIDEO_PAD * per_frame}{VISION_END}"
                    for t in stamps
                )
            )
        prompt.pixel_values_videos = torch.cat(patches)
        prompt.video_grid_thw = torch.tensor(grids, dtype=torch.long)
        return pieces[0] + "".join(e + rest for e, rest in zip(expanded, pieces[1:], strict=True))
