from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from vlgate.backends.embedded.prompt import PromptBuilder, VisionSpec, frame_timestamps
from vlgate.types import ChatMessage, ImagePart, MediaImage, MediaVideo, TextPart, VideoPart


def _image(w: int, h: int, ts: float | None = None, color: int = 90) -> MediaImage:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (color, 20, 200)).save(buf, format="PNG")
    return MediaImage(
        data=buf.getvalue(), mime="image/png", width=w, height=h, tokens=0, timestamp=ts
    )


@pytest.fixture(scope="module")
def builders(demo_dirs: dict[str, Path]) -> dict[str, PromptBuilder]:
    from transformers import AutoImageProcessor, AutoTokenizer

    out = {}
    for variant, folder in demo_dirs.items():
        tok = AutoTokenizer.from_pretrained(folder)
        out[variant] = PromptBuilder(tok, AutoImageProcessor.from_pretrained(folder), VisionSpec())
    return out


def user(*parts: object) -> ChatMessage:
    return ChatMessage("user", [p if not isinstance(p, str) else TextPart(p) for p in parts])  # type: ignore[misc]


def test_instruct_generation_prompt(builders: dict[str, PromptBuilder]) -> None:
    text = builders["instruct"].render([ChatMessage("system", [TextPart("Be brief.")]), user("Hi")])
    assert text == (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    )


def test_thinking_opens_think_and_drops_old_reasoning(builders: dict[str, PromptBuilder]) -> None:
    msgs = [
        user("q1"),
        ChatMessage("assistant", [TextPart("a1")], reasoning="old trace"),
        user("q2"),
    ]
    text = builders["thinking"].render(msgs)
    assert text.endswith("<|im_start|>assistant\n<think>\n")
    assert "old trace" not in text
    assert "<|im_start|>assistant\na1<|im_end|>\n" in text
    inline = [
        user("q1"),
        ChatMessage("assistant", [TextPart("<think>\nold\n</think>\n\na1")]),
        user("q2"),
    ]
    assert "old" not in builders["thinking"].render(inline)


def test_thinking_keeps_reasoning_after_the_last_user_turn(
    builders: dict[str, PromptBuilder],
) -> None:
    msgs = [user("q1"), ChatMessage("assistant", [TextPart("a1")], reasoning="fresh trace")]
    text = builders["thinking"].render(msgs)
    assert "<|im_start|>assistant\n<think>\nfresh trace\n</think>\n\na1<|im_end|>" in text


def test_image_becomes_its_visual_tokens(builders: dict[str, PromptBuilder]) -> None:
    b = builders["instruct"]
    plain = b.build([user("What is this?")])
    prompt = b.build([user(ImagePart(_image(640, 480)), "What is this?")])
    # FACTS.md: 640x480 -> 300 visual tokens, between <|vision_start|> and <|vision_end|>.
    assert prompt.visual_tokens == 300
    assert prompt.input_ids.count(151655) == 300
    assert len(prompt.input_ids) == len(plain.input_ids) + 2 + 300
    start = prompt.input_ids.index(151652)
    assert prompt.input_ids[start + 301] == 151653
    assert prompt.mm_token_type_ids.count(1) == 300
    assert tuple(prompt.image_grid_thw[0].tolist()) == (1, 30, 40)


def test_video_frames_render_with_their_timestamps(builders: dict[str, PromptBuilder]) -> None:
    b = builders["instruct"]
    frames = [_image(128, 96, ts=t, color=40 * i) for i, t in enumerate([0.0, 1.0, 2.0, 3.0])]
    video = MediaVideo(frames=frames, fps=1.0, duration_s=4.0, tokens=0)
    prompt = b.build([user(VideoPart(video), "Describe.")])
    text = b.tokenizer.decode(prompt.input_ids).replace("<|video_pad|>", "")
    assert (
        "<0.5 seconds><|vision_start|><|vision_end|><2.5 seconds><|vision_start|><|vision_end|>"
        in text
    )
    t, h, w = prompt.video_grid_thw[0].tolist()
    assert t == 2
    assert prompt.input_ids.count(151656) == t * h * w // 4
    assert prompt.pixel_values_videos.shape == (t * h * w, 3 * 2 * 16 * 16)


def test_timestamps_pair_frames() -> None:
    frames = [_image(32, 32, ts=t) for t in (0.0, 0.5, 1.0)]
    video = MediaVideo(frames=frames, fps=2.0, duration_s=1.5, tokens=0)
    assert frame_timestamps(video, 2) == [0.25, 1.0]
