"""Token arithmetic against the real transformers Qwen3-VL processor classes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from vlgate.media.config import MediaSettings
from vlgate.media.tokens import (
    MARKER_TOKENS,
    AspectRatioError,
    image_tokens,
    patch_timestamps,
    sample_frame_indices,
    smart_resize,
    timestamp_text,
    video_tokens,
)

pil_proc = pytest.importorskip("transformers.models.qwen2_vl.image_processing_pil_qwen2_vl")
video_proc = pytest.importorskip("transformers.models.qwen3_vl.video_processing_qwen3_vl")
qwen3_processing = pytest.importorskip("transformers.models.qwen3_vl.processing_qwen3_vl")
video_utils = pytest.importorskip("transformers.video_utils")

S = MediaSettings()
IMAGE_SIZE = {"shortest_edge": S.min_pixels, "longest_edge": S.max_pixels}
VIDEO_SIZE = {"shortest_edge": S.video_min_pixels, "longest_edge": S.video_max_pixels}


@pytest.fixture(scope="module")
def image_processor():  # type: ignore[no-untyped-def]
    return pil_proc.Qwen2VLImageProcessorPil(
        patch_size=16,
        merge_size=2,
        temporal_patch_size=2,
        size=IMAGE_SIZE,
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
    )


def _video_processor(cap: bool):  # type: ignore[no-untyped-def]
    return video_proc.Qwen3VLVideoProcessor(
        patch_size=16,
        merge_size=2,
        temporal_patch_size=2,
        size=VIDEO_SIZE,
        cap_pixels_per_frame=cap,
        min_frames=S.video_min_frames,
        max_frames=S.video_max_frames,
    )


def _ours(width: int, height: int) -> int:
    return image_tokens(width, height, min_pixels=S.min_pixels, max_pixels=S.max_pixels)


def _theirs(proc, width: int, height: int) -> int:  # type: ignore[no-untyped-def]
    return int(proc.get_number_of_image_patches(height, width, {}) // 4)


@pytest.mark.parametrize(
    ("width", "height", "tokens"),
    [(640, 480, 300), (1280, 720, 880), (1920, 1080, 2040)],
)
def test_facts_examples(width: int, height: int, tokens: int) -> None:
    assert _ours(width, height) == tokens
    assert MARKER_TOKENS == 2


SIZES = [
    (1, 1), (2, 3), (31, 31), (32, 32), (48, 48), (255, 256), (256, 256), (100, 20000),
    (20000, 100), (4, 800), (800, 4), (3000, 15), (4000, 3000), (8192, 8192), (12000, 9000),
    (4095, 4097), (1000, 5), (16, 3200), (3199, 16), (7680, 4320), (1080, 1920),
]  # fmt: skip


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_matches_processor_patch_count(image_processor, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    assert _ours(width, height) == _theirs(image_processor, width, height)


@pytest.mark.parametrize(("width", "height"), [(640, 480), (1, 1), (20000, 120), (33, 999)])
def test_matches_processor_on_real_pixels(image_processor, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    out = image_processor(images=[Image.new("RGB", (width, height))], return_tensors="np")
    t, h, w = (int(v) for v in out["image_grid_thw"][0])
    assert (t, h * 16, w * 16) == (
        1,
        *smart_resize(height, width, min_pixels=S.min_pixels, max_pixels=S.max_pixels),
    )
    assert t * h * w // 4 == _ours(width, height)


@settings(max_examples=400, deadline=None)
@given(width=st.integers(1, 30000), height=st.integers(1, 30000))
def test_property_equals_processor(image_processor, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    if max(width, height) / min(width, height) > 200:
        with pytest.raises(AspectRatioError):
            _ours(width, height)
        with pytest.raises(ValueError):
            _theirs(image_processor, width, height)
    else:
        assert _ours(width, height) == _theirs(image_processor, width, height)


@settings(max_examples=200, deadline=None)
@given(
    width=st.integers(1, 5000),
    height=st.integers(1, 5000),
    lo=st.integers(1, 2_000_000),
    span=st.integers(0, 20_000_000),
)
def test_property_other_limits(
    image_processor, width: int, height: int, lo: int, span: int
) -> None:  # type: ignore[no-untyped-def]
    if max(width, height) / min(width, height) > 200:
        return
    kwargs = {"min_pixels": lo, "max_pixels": lo + span}
    theirs = image_processor.get_number_of_image_patches(height, width, kwargs) // 4
    assert image_tokens(width, height, **kwargs) == theirs


def test_aspect_ratio_limit() -> None:
    assert _ours(200, 1) > 0
    with pytest.raises(AspectRatioError):
        _ours(201, 1)


@pytest.mark.parametrize("cap", [False, True])
@settings(max_examples=150, deadline=None)
@given(
    frames=st.integers(2, 800),
    width=st.integers(1, 4000),
    height=st.integers(1, 4000),
)
def test_video_tokens_equal_processor(cap: bool, frames: int, width: int, height: int) -> None:
    if max(width, height) / min(width, height) > 100:
        return
    proc = _video_processor(cap)
    theirs = (
        proc.get_num_of_video_patches(frames, height, width, {"cap_pixels_per_frame": cap}) // 4
    )
    ours = video_tokens(
        frames,
        width,
        height,
        min_pixels=S.video_min_pixels,
        max_pixels=S.video_max_pixels,
        cap_pixels_per_frame=cap,
    )
    assert ours == theirs


@settings(max_examples=300, deadline=None)
@given(
    total=st.integers(1, 20000),
    video_fps=st.sampled_from([1.0, 10.0, 23.976, 24.0, 25.0, 29.97, 30.0, 60.0]),
    fps=st.sampled_from([0.1, 0.5, 1.0, 2.0, 4.0]),
)
def test_frame_sampling_equals_processor(total: int, video_fps: float, fps: float) -> None:
    proc = _video_processor(False)
    meta = video_utils.VideoMetadata(total_num_frames=total, fps=video_fps)
    theirs = [int(i) for i in proc.sample_frames(meta, fps=fps)]
    ours = sample_frame_indices(total, video_fps, fps=fps, min_frames=4, max_frames=768)
    assert ours == theirs


def test_frame_sampling_caps_evenly() -> None:
    # one hour at 30 fps sampled at 1 fps wants 3600 frames: capped at 768, evenly spread
    idx = sample_frame_indices(108_000, 30.0, fps=1.0, min_frames=4, max_frames=768)
    assert len(idx) == 768
    assert idx[0] == 0 and idx[-1] == 107_999
    gaps = {b - a for a, b in itertools.pairwise(idx)}
    assert max(gaps) - min(gaps) <= 1


@pytest.mark.parametrize("indices", [[0, 30, 60, 90], [0, 30, 60], [5], [0, 1, 2, 3, 4, 5, 6]])
def test_patch_timestamps_equal_processor(indices: list[int]) -> None:
    theirs = qwen3_processing.Qwen3VLProcessor._calculate_timestamps(None, list(indices), 30.0, 2)
    assert patch_timestamps([i / 30.0 for i in indices]) == pytest.approx(theirs)
    assert timestamp_text(theirs[0]) == f"<{theirs[0]:.1f} seconds>"


def test_docs_token_table_command(capsys: pytest.CaptureFixture[str]) -> None:
    from vlgate.media import bench

    assert bench.main(["tokens"]) == 0
    out = capsys.readouterr().out
    for row in ("| 640 x 480 | 640 x 480 | 300 | 302 |", "| 1280 x 720 | 1280 x 704 | 880 | 882 |",
                "| 1920 x 1080 | 1920 x 1088 | 2,040 | 2,042 |"):  # fmt: skip
        assert row in out
