"""Video intake: sampling, timestamps, seeking, caps, rejections."""

from __future__ import annotations

import pytest

from vlgate.errors import InvalidRequest
from vlgate.media.config import MediaSettings
from vlgate.media.tokens import video_tokens
from vlgate.media.video import decode_video

P = "messages[0].content[2].video_url"


def _grey(frame) -> int:  # type: ignore[no-untyped-def]
    pixel = frame.pil().getpixel((5, 5))
    return int(pixel[0])


def _rejects(
    data: bytes, match: str, settings: MediaSettings | None = None, **kw: str
) -> InvalidRequest:
    with pytest.raises(InvalidRequest, match=match) as info:
        decode_video(data, settings=settings or MediaSettings(), param=P, **kw)
    assert info.value.param == P
    return info.value


@pytest.fixture(scope="module")
def clip(mk) -> bytes:  # type: ignore[no-untyped-def]
    return mk.mp4(seconds=3.0, fps=10)  # frame k is grey level 8k


def test_samples_frames_with_timestamps(clip: bytes) -> None:
    progress: list[tuple[int, int]] = []
    video = decode_video(
        clip, settings=MediaSettings(), param=P, on_progress=lambda d, t: progress.append((d, t))
    )
    # 30 frames at 1 fps -> 3 wanted, raised to the minimum of 4: indices 0, 10, 19, 29
    assert [f.timestamp for f in video.frames] == pytest.approx([0.0, 1.0, 1.9, 2.9])
    assert [_grey(f) for f in video.frames] == pytest.approx([0, 80, 152, 232], abs=4)
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert video.duration_s == pytest.approx(3.0)
    assert video.mime == "video/mp4" and video.source is clip
    assert all(f.mime == "image/jpeg" and (f.width, f.height) == (64, 48) for f in video.frames)
    expected = video_tokens(4, 64, 48, min_pixels=4096, max_pixels=25_165_824)
    assert video.tokens == expected == 8


def test_webm_without_frame_count(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.mp4(seconds=2.0, fps=10, fmt="webm", codec="libvpx")
    video = decode_video(data, settings=MediaSettings(), param=P)
    assert video.mime == "video/webm" and video.duration_s == pytest.approx(2.0)
    assert [f.timestamp for f in video.frames] == pytest.approx([0.0, 0.6, 1.3, 1.9])


def test_fps_setting_controls_sampling(clip: bytes) -> None:
    video = decode_video(clip, settings=MediaSettings(video_fps=5.0), param=P)
    assert len(video.frames) == 15
    assert video.fps == pytest.approx(5.0)


def test_frame_cap_spreads_evenly(clip: bytes) -> None:
    video = decode_video(
        clip,
        settings=MediaSettings(video_fps=10.0, video_max_frames=5, video_min_frames=2),
        param=P,
    )
    assert [round(f.timestamp or 0, 1) for f in video.frames] == [0.0, 0.7, 1.4, 2.2, 2.9]


def test_long_video_seeks_to_the_right_frames(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.mp4(seconds=30.0, fps=10, gop=10)
    video = decode_video(data, settings=MediaSettings(video_fps=0.2), param=P)
    # 300 frames -> indices 0, 60, 120, 179, 239, 299 (gaps of ~6 s: reached by seeking)
    assert [f.timestamp for f in video.frames] == pytest.approx([0.0, 6.0, 12.0, 17.9, 23.9, 29.9])
    assert [_grey(f) for f in video.frames] == pytest.approx([0, 224, 192, 152, 120, 88], abs=4)


def test_frames_are_scaled_to_the_processor_size(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.mp4(seconds=1.0, fps=4, size=(640, 360))
    settings = MediaSettings(video_max_pixels=4 * 128 * 96)
    video = decode_video(data, settings=settings, param=P)
    assert {(f.width, f.height) for f in video.frames} == {(128, 64)}
    assert video.tokens == 2 * (128 // 32) * (64 // 32)


def test_too_long_is_rejected(clip: bytes) -> None:
    err = _rejects(clip, "over the 2-s limit", MediaSettings(max_video_duration_s=2))
    assert err.code == "video_too_long"


def test_too_big_is_rejected(clip: bytes) -> None:
    err = _rejects(clip, "byte limit", MediaSettings(max_video_bytes=100))
    assert err.code == "too_large"


@pytest.mark.parametrize(
    ("data", "match"),
    [(b"", "empty"), (b"\x00\x01garbage" * 100, "could not be decoded")],
)
def test_undecodable_is_rejected(data: bytes, match: str) -> None:
    assert _rejects(data, match).code == "invalid_video"


def test_truncated_mp4_is_rejected(clip: bytes) -> None:
    _rejects(clip[: len(clip) // 3], "could not be decoded|no frames|no decodable")


def test_declared_non_video_is_rejected(clip: bytes) -> None:
    assert _rejects(clip, "not a video", content_type="text/html").code == "unsupported_media_type"


def test_audio_only_file_is_rejected() -> None:
    import io

    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("aac", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1024), dtype=np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    assert _rejects(out.getvalue(), "no video stream").code == "invalid_video"
