from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from vlgate.backends.embedded.prompt import (
    PromptBuilder,
    VisionSpec,
    frame_timestamps,
    video_frame_size,
)
from vlgate.errors import InvalidRequest
from vlgate.media.tokens import video_tokens
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


def _intake_count(frames: int, w: int, h: int, spec: VisionSpec) -> int:
    """What media intake reports for the clip (vlgate.media.video's count)."""
    return video_tokens(
        max(frames, spec.temporal_patch_size),
        w,
        h,
        min_pixels=spec.video_min_pixels,
        max_pixels=spec.video_max_pixels,
        temporal_factor=spec.temporal_patch_size,
        cap_pixels_per_frame=spec.cap_pixels_per_frame,
        max_tokens_per_frame=spec.max_tokens_per_frame,
    )


@settings(max_examples=300, deadline=None)
@given(
    frames=st.integers(1, 64),
    w=st.integers(8, 4000),
    h=st.integers(8, 4000),
    cap=st.booleans(),
)
def test_engine_frame_size_is_intakes_arithmetic(frames: int, w: int, h: int, cap: bool) -> None:
    spec = VisionSpec(cap_pixels_per_frame=cap)
    if max(w, h) / min(w, h) > 200:
        with pytest.raises(InvalidRequest):
            video_frame_size(frames, h, w, spec)
        return
    fh, fw = video_frame_size(frames, h, w, spec)
    temporal = -(-max(frames, 2) // 2)
    assert temporal * (fh // 32) * (fw // 32) == _intake_count(frames, w, h, spec)


@pytest.mark.parametrize(("frames", "w", "h"), [(3, 1280, 720), (1, 200, 100), (4, 20, 20)])
def test_video_prompt_carries_the_tokens_intake_counted(
    builders: dict[str, PromptBuilder], frames: int, w: int, h: int
) -> None:
    b = builders["instruct"]
    clip = [_image(w, h, ts=float(t), color=30 * t) for t in range(frames)]
    video = MediaVideo(frames=clip, fps=1.0, duration_s=float(frames), tokens=0)
    prompt = b.build([user(VideoPart(video), "Describe.")])
    expected = _intake_count(frames, w, h, b.spec)
    # 1280x720 keeps 880 tokens a frame: the old per-frame cap (768) would not
    assert prompt.visual_tokens == prompt.input_ids.count(151656) == expected
    t, gh, gw = prompt.video_grid_thw[0].tolist()
    assert t * gh * gw // 4 == expected


def test_tool_turns_render_in_qwens_form(builders: dict[str, PromptBuilder]) -> None:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
    }
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {}}}]
    msgs = [
        user("Weather in Paris?"),
        ChatMessage("assistant", [], tool_calls=[call]),
        ChatMessage("tool", [TextPart('{"temp_c": 21}')], tool_call_id="call_1"),
    ]
    text = builders["instruct"].render(msgs, tools)
    assert '"name": "get_weather"' in text.split("<|im_end|>")[0]  # the tools, in the system turn
    assert (
        '<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}'
        "\n</tool_call><|im_end|>\n"
        '<|im_start|>user\n<tool_response>\n{"temp_c": 21}\n</tool_response><|im_end|>\n'
        "<|im_start|>assistant\n"
    ) in text
