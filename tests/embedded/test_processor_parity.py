"""The engine's inputs against transformers' own ``AutoProcessor`` (needs torchvision).

The engine builds its inputs without ``AutoProcessor`` because transformers'
Qwen3-VL video processor needs torchvision, which the CPU-only install lacks. Where
torchvision is installed, these tests prove the two agree: the same token ids
(placeholders expanded, video timestamps included), the same grids, and pixel
values equal for images and equal up to resampling differences for video frames
(Pillow's bicubic vs torchvision's). Run with, for example::

    pip install torch==2.14.1 torchvision==0.29.1 && pip install -e ".[engine,dev]"
    python -m pytest tests/embedded/test_processor_parity.py
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

pytest.importorskip("torchvision")

from vlgate.backends.embedded.prompt import PromptBuilder, template_messages
from vlgate.backends.embedded.runtime import _vision_spec
from vlgate.types import (
    ChatMessage,
    ImagePart,
    MediaImage,
    MediaVideo,
    TextPart,
    VideoPart,
)

VISION_START, VISION_END, VIDEO_PAD = 151652, 151653, 151656


def _v5_layout(ids: list[int]) -> list[int]:
    """Our video layout as transformers 5.x writes it.

    Qwen's processor (and transformers 4.57, which vLLM follows) replaces the
    template's whole ``<|vision_start|><|video_pad|><|vision_end|>`` with the
    timestamped groups; transformers 5.x replaces only ``<|video_pad|>`` and keeps
    the template's markers around them (one more start before the first timestamp,
    one more end after the last group). The engine keeps Qwen's layout."""
    # the video opens the user turn in these tests: walk back from the first group to
    # the newline after "user"
    first_ts = next(i for i, t in enumerate(ids) if t == VISION_START) - 1
    while first_ts > 0 and ids[first_ts - 1] != 198:  # back to the "<" of "<0.5 seconds>"
        first_ts -= 1
    last_end = max(i for i, t in enumerate(ids) if t == VISION_END)
    return [
        *ids[:first_ts],
        VISION_START,
        *ids[first_ts : last_end + 1],
        VISION_END,
        *ids[last_end + 1 :],
    ]


def _picture(w: int, h: int, seed: int, ts: float | None = None) -> MediaImage:
    import numpy as np

    rng = np.random.default_rng(seed)
    arr = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return MediaImage(buf.getvalue(), "image/png", w, h, 0, timestamp=ts)


@pytest.fixture(scope="module")
def pair(demo_dirs: dict[str, Path]) -> tuple[Any, PromptBuilder]:
    from transformers import AutoImageProcessor, AutoProcessor, AutoTokenizer

    folder = demo_dirs["instruct"]
    processor = AutoProcessor.from_pretrained(folder)
    builder = PromptBuilder(
        AutoTokenizer.from_pretrained(folder),
        AutoImageProcessor.from_pretrained(folder),
        _vision_spec(folder),
    )
    return processor, builder


def _text(processor: Any, messages: list[ChatMessage]) -> str:
    return str(
        processor.apply_chat_template(
            template_messages(messages), tokenize=False, add_generation_prompt=True
        )
    )


@pytest.mark.parametrize(("w", "h"), [(640, 480), (1280, 720), (100, 300), (33, 47)])
def test_image_inputs_equal_the_processors(pair: tuple[Any, PromptBuilder], w: int, h: int) -> None:
    processor, builder = pair
    image = _picture(w, h, seed=w)
    messages = [ChatMessage("user", [ImagePart(image), TextPart("What is this?")])]
    ours = builder.build(messages)
    theirs = processor(text=[_text(processor, messages)], images=[image.pil()], return_tensors="pt")
    assert ours.input_ids == theirs["input_ids"][0].tolist()
    assert ours.image_grid_thw.tolist() == theirs["image_grid_thw"].tolist()
    assert (ours.pixel_values - theirs["pixel_values"]).abs().max().item() < 1e-5


@pytest.mark.parametrize(("frames", "w", "h"), [(4, 320, 240), (3, 200, 120), (6, 64, 64)])
def test_video_inputs_equal_the_processors(
    pair: tuple[Any, PromptBuilder], frames: int, w: int, h: int
) -> None:
    import numpy as np
    from transformers.video_utils import VideoMetadata

    processor, builder = pair
    clip = [_picture(w, h, seed=i, ts=float(i)) for i in range(frames)]
    video = MediaVideo(frames=clip, fps=1.0, duration_s=float(frames), tokens=0)
    messages = [ChatMessage("user", [VideoPart(video), TextPart("Describe.")])]
    ours = builder.build(messages)
    array = np.stack([np.asarray(f.pil()) for f in clip])
    meta = VideoMetadata(
        total_num_frames=frames, fps=1.0, width=w, height=h, frames_indices=list(range(frames))
    )
    theirs = processor(
        text=[_text(processor, messages)],
        videos=[array],
        video_metadata=[meta],
        do_sample_frames=False,
        return_tensors="pt",
    )
    assert _v5_layout(ours.input_ids) == theirs["input_ids"][0].tolist()
    assert ours.video_grid_thw.tolist() == theirs["video_grid_thw"].tolist()
    diff = (ours.pixel_values_videos - theirs["pixel_values_videos"]).abs()
    assert diff.mean().item() < 0.05  # resampling differs (Pillow vs torchvision bicubic)
