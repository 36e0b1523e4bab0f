"""Figures for docs/media.md, reproducible by anyone:

    python -m vlgate.media.bench tokens    # the token table
    python -m vlgate.media.bench intake    # intake timings on this machine

Inputs are generated here (seeded noise photos, an H.264 clip, a blank PDF), so
the numbers depend only on the machine and library versions.
"""

from __future__ import annotations

import asyncio
import base64
import io
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from fractions import Fraction

import httpx
from PIL import Image, ImageFilter

from vlgate.media.config import MediaSettings
from vlgate.media.loader import MediaLoader
from vlgate.media.tokens import MARKER_TOKENS, image_tokens, smart_resize, video_tokens

TOKEN_SIZES = [
    (1, 1), (224, 224), (256, 256), (640, 480), (800, 600), (1024, 768), (1280, 720),
    (1080, 1920), (1920, 1080), (2048, 1536), (2560, 1440), (3024, 4032), (3840, 2160),
    (4000, 3000), (7680, 4320), (10000, 100), (20000, 100),
]  # fmt: skip


def token_table(settings: MediaSettings) -> str:
    rows = [
        "| input (w x h) | resized to (w x h) | visual tokens | with markers |",
        "| --- | --- | ---: | ---: |",
    ]
    for w, h in TOKEN_SIZES:
        limits = {"min_pixels": settings.min_pixels, "max_pixels": settings.max_pixels}
        rh, rw = smart_resize(h, w, **limits)
        n = image_tokens(w, h, **limits)
        rows.append(f"| {w} x {h} | {rw} x {rh} | {n:,} | {n + MARKER_TOKENS:,} |")
    rows += ["", "| video (frames, w x h) | visual tokens |", "| --- | ---: |"]
    for frames, w, h in [(4, 640, 360), (60, 1280, 720), (120, 1920, 1080), (768, 1920, 1080)]:
        n = video_tokens(
            frames, w, h, min_pixels=settings.video_min_pixels, max_pixels=settings.video_max_pixels
        )
        rows.append(f"| {frames}, {w} x {h} | {n:,} |")
    return "\n".join(rows)


def photo(width: int, height: int, seed: int = 0) -> Image.Image:
    """Seeded photo-like noise (blurred Gaussian noise per channel)."""
    channels = [Image.effect_noise((width, height), 40 + 10 * (seed + i)) for i in range(3)]
    return Image.merge("RGB", channels).filter(ImageFilter.GaussianBlur(0.6))


def encoded(im: Image.Image, fmt: str, **kwargs: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kwargs)
    return out.getvalue()


def clip(seconds: int = 10, fps: int = 30, size: tuple[int, int] = (1280, 720)) -> bytes:
    import av

    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        base = photo(size[0] + seconds * fps, size[1]).filter(ImageFilter.GaussianBlur(4))
        for k in range(seconds * fps):  # a slow pan across a blurred photo
            frame = av.VideoFrame.from_image(base.crop((k, 0, k + size[0], size[1])))
            frame.pts, frame.time_base = k, Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def blank_pdf(pages: int) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(612, 792)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


async def _median_ms(work: Callable[[], Awaitable[object]], runs: int) -> float:
    await work()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _sync_ms(work: Callable[[], object], runs: int) -> float:
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _jpeg_parts(jpeg: bytes, url: str) -> list[tuple[str, float]]:
    """Where the forwarded JPEG's time goes."""
    from vlgate.media.urls import parse_data_url

    def verify(scale: int) -> None:
        with Image.open(io.BytesIO(jpeg)) as im:
            if scale > 1:
                im.draft(im.mode, (im.width // scale, im.height // scale))
            im.load()

    return [
        ("  of which: base64 decode of the data URL",
         _sync_ms(lambda: parse_data_url(url, max_bytes=len(jpeg), param="bench"), 30)),
        ("  of which: 1/8-scale verification decode", _sync_ms(lambda: verify(8), 30)),
        ("  (for comparison: full-size decode)", _sync_ms(lambda: verify(1), 30)),
    ]  # fmt: skip


async def intake_figures() -> list[tuple[str, float]]:
    settings = MediaSettings()
    async with httpx.AsyncClient() as client:
        loader = MediaLoader(settings, client)
        jpeg = encoded(photo(1280, 960), "JPEG", quality=92)
        jpeg_url = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()
        exif = Image.Exif()
        exif[0x0112] = 6
        rotated = encoded(photo(1280, 960), "JPEG", quality=92, exif=exif.tobytes())
        png = encoded(photo(640, 480), "PNG")
        tiny = encoded(photo(32, 32), "PNG")
        small = encoded(photo(200, 150), "JPEG", quality=92)
        inline = MediaLoader(settings.model_copy(update={"inline_decode_bytes": 10**9}), client)
        threaded = MediaLoader(settings.model_copy(update={"inline_decode_bytes": 0}), client)
        video = clip()
        pdf = blank_pdf(4)
        p = "bench"
        return [
            (f"JPEG {len(jpeg) / 1e6:.2f} MB as base64 data URL (forwarded, not re-encoded)",
             await _median_ms(lambda: loader.image(jpeg_url, param=p), 30)),
            *_jpeg_parts(jpeg, jpeg_url),
            (f"JPEG {len(rotated) / 1e6:.2f} MB with EXIF rotation (decoded, re-encoded)",
             await _median_ms(lambda: loader.image_bytes(rotated, param=p), 10)),
            (f"PNG {len(png) / 1e6:.2f} MB, 640x480 (full decode to verify)",
             await _median_ms(lambda: loader.image_bytes(png, param=p), 20)),
            (f"PNG {len(tiny)} B 32x32, inline", await _median_ms(lambda: inline.image_bytes(tiny, param=p), 200)),
            (f"PNG {len(tiny)} B 32x32, via asyncio.to_thread",
             await _median_ms(lambda: threaded.image_bytes(tiny, param=p), 200)),
            (f"JPEG {len(small) / 1e3:.0f} kB 200x150, inline",
             await _median_ms(lambda: inline.image_bytes(small, param=p), 100)),
            (f"video 10 s 1280x720 30 fps H.264 ({len(video) / 1e6:.1f} MB) -> 10 frames",
             await _median_ms(lambda: loader.video_bytes(video, param=p), 3)),
            ("PDF 4 pages, US letter, 144 dpi -> 4 PNG",
             await _median_ms(lambda: loader.pdf(pdf, param=p), 5)),
        ]  # fmt: skip


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "tokens"
    if what == "tokens":
        print(token_table(MediaSettings()))
    elif what == "intake":
        print("| input | median ms |\n| --- | ---: |")
        for label, ms in asyncio.run(intake_figures()):
            print(f"| {label} | {ms:.2f} |")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
