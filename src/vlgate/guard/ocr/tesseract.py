"""Tesseract (Debian ``tesseract-ocr`` + PyPI ``pytesseract``) with its image
preprocessing: polarity-aware flattening, adaptive threshold, deskew, and a scale to
a ~36 px text line."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from typing import Any

from PIL import Image, ImageOps
from PIL.Image import Resampling

from vlgate.guard.ocr.base import OcrUnavailable


def _gray(image: Image.Image, scale: int) -> Image.Image:

    gray = ImageOps.autocontrast(image.convert("L"), cutoff=1)
    if scale > 1:
        gray = gray.resize((gray.width * scale, gray.height * scale), Resampling.BICUBIC)
    return gray


def _flatten(gray: Image.Image) -> Image.Image:
    """Text as dark on white whatever its polarity: distance from the local background."""
    from PIL import ImageChops, ImageFilter

    flat = ImageChops.difference(gray, gray.filter(ImageFilter.GaussianBlur(12)))
    return ImageOps.invert(ImageOps.autocontrast(flat, cutoff=1))


def _binarise(gray: Image.Image) -> Image.Image:
    """Adaptive threshold, dark ink on white: ink differs from its neighbourhood's mean
    in the image's text polarity (the side most far-off pixels fall on)."""
    import numpy as np
    from PIL import ImageFilter

    a = np.asarray(gray, dtype=np.int16)
    local = np.asarray(gray.filter(ImageFilter.BoxBlur(15)), dtype=np.int16)
    diff = local - a  # > 0: darker than the surroundings
    spread = max(8.0, float(np.abs(diff).std()))
    darker, lighter = int((diff > 2 * spread).sum()), int((diff < -2 * spread).sum())
    ink = diff > spread if darker >= lighter else diff < -spread
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8))


def skew_angle(binary: Image.Image, limit: float = 12.0, step: float = 1.0) -> float:
    """Rotation (degrees) that makes text lines horizontal: the sharpest row profile."""
    import numpy as np

    small = binary.copy()
    small.thumbnail((600, 600))
    best, best_angle = -1.0, 0.0
    for k in range(-int(limit / step), int(limit / step) + 1):
        angle = k * step
        rotated = small.rotate(angle, expand=True, fillcolor=255)
        rows = (np.asarray(rotated) < 128).sum(axis=1).astype(np.float64)
        sharp = float(np.square(np.diff(rows)).sum())
        if sharp > best:
            best, best_angle = sharp, angle
    return best_angle


def _deskewed(gray: Image.Image) -> Image.Image | None:
    binary = _binarise(gray)
    angle = skew_angle(binary)
    return binary.rotate(angle, expand=True, fillcolor=255) if abs(angle) >= 2 else None


OcrPass = tuple[str, Callable[[Image.Image], Image.Image | None], str]
"""(name, preprocessing of the model-resolution image (None: skip), tesseract config)."""


def _ink(gray: Image.Image, radius: float = 10.0, floor: float = 0.2) -> Any:
    """How much each pixel stands out from its local background, in the image's text
    polarity: 0 background .. 255 ink; deviations under ``floor`` of the strongest
    are background (stripe edges, noise). Flattens stripes, vignettes, blobs and gradients; light-on-dark becomes the
    same as dark-on-light."""
    import numpy as np
    from PIL import ImageFilter

    a = np.asarray(gray, dtype=np.float32)
    diff = np.asarray(gray.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) - a
    # Thin strokes deviate far from the blurred mean; the halo around them only a
    # little the other way: the far tail tells the polarity.
    darker, lighter = np.percentile(diff, 99.7), -np.percentile(diff, 0.3)
    if lighter > darker:
        diff = -diff  # light text on a dark ground
    top = max(8.0, float(max(darker, lighter)))
    ink = (diff - floor * top) * (255.0 / ((1 - floor) * top))
    return np.clip(ink, 0, 255).astype(np.uint8)


def _runs(on: Any) -> tuple[Any, Any]:
    """Starts and ends of the runs of True in a 1-D boolean array."""
    import numpy as np

    edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(np.int8), [0]))))
    return edges[::2], edges[1::2]


def line_height(ink: Any, threshold: int = 96) -> float | None:
    """Median height (px) of the bands of rows that carry text: about the font size
    of horizontal text. A band counts as text when its ink breaks into several
    pieces along the row (letters and words) and it carries at least a quarter of
    the heaviest band's ink (a ruled line or an image border is light). None where
    no band is found."""
    import numpy as np

    dark = ink >= threshold
    starts, ends = _runs(dark.sum(axis=1) > max(2, 0.02 * ink.shape[1]))
    bands = [
        (int(e - s), int(dark[s:e].sum()))
        for s, e in zip(starts, ends, strict=True)
        if e - s >= 4 and len(_runs(dark[s:e].any(axis=0))[0]) >= 4
    ]
    if not bands:
        return None
    heaviest = max(mass for _, mass in bands)
    return float(np.median([h for h, mass in bands if mass >= heaviest / 4]))


def _ink_box(ink: Any, margin: int = 24) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) around the ink, with a margin."""
    import numpy as np

    ys, xs = np.nonzero(ink >= 96)
    if len(xs) < 20:
        return None
    h, w = ink.shape
    return (
        max(0, int(xs.min()) - margin),
        max(0, int(ys.min()) - margin),
        min(w, int(xs.max()) + margin + 1),
        min(h, int(ys.max()) + margin + 1),
    )


def _normalised(image: Image.Image, target: float = 36.0, limit: float = 4.0) -> Image.Image:
    """Dark text on a flat white ground, deskewed, scaled so a text line is about
    ``target`` px high (tesseract reads best around a 20-30 px x-height). Angle and
    line height come from a first ink map; the gray image is then rotated and scaled
    smoothly and its ink map taken again at that size."""
    import numpy as np

    gray = image.convert("L")  # no contrast stretch: the ink map scales itself
    ink = _ink(gray)
    angle = skew_angle(Image.fromarray(np.where(ink >= 96, 0, 255).astype(np.uint8)))
    fill = int(np.median(np.asarray(gray)))
    if abs(angle) >= 1:
        ink = np.asarray(Image.fromarray(ink).rotate(angle, expand=True, fillcolor=0))
        gray = gray.rotate(angle, expand=True, fillcolor=fill, resample=Resampling.BICUBIC)
    box = _ink_box(ink)
    if box is not None:  # only the part with text: tesseract's time grows with the area
        ink, gray = ink[box[1] : box[3], box[0] : box[2]], gray.crop(box)
    height = line_height(ink)
    scale = min(limit, max(1.0, target / height)) if height else 2.0
    scale = min(scale, max(1.0, 4000 / max(gray.size)))
    if scale > 1.05:
        size = (round(gray.width * scale), round(gray.height * scale))
        gray = gray.resize(size, Resampling.BICUBIC)
    return Image.fromarray(255 - _ink(gray, radius=10.0 * scale))


def _scale(image: Image.Image) -> int:
    return 2 if max(image.size) < 1600 else 1


DEFAULT_PASSES: tuple[OcrPass, ...] = (
    ("normalised", _normalised, "--psm 6"),
    ("gray", lambda im: _gray(im, _scale(im)), "--psm 3"),
    ("deskew", lambda im: _deskewed(_gray(im, _scale(im))), "--psm 6"),
    ("flat-sparse", lambda im: _flatten(_gray(im, _scale(im))), "--psm 11"),
    ("binary-3x", lambda im: _binarise(_gray(im, 3)) if max(im.size) < 1100 else None, "--psm 6"),
)


class TesseractOcr:
    """Tesseract through pytesseract, several preprocessings, within a time budget.

    ``passes(image)`` yields the text of each preprocessing in turn (grayscale with
    contrast stretch, background-flattened sparse text, deskewed adaptive threshold,
    3x upscale for small text) so a caller can stop at the first confident hit; no
    new pass starts once ``budget_s`` is spent, and a running pass is cut at the
    budget's end (``timeout_s`` still bounds the first pass).
    """

    name = "tesseract"

    def __init__(
        self,
        languages: str = "eng",
        upscale_below: int = 1600,
        timeout_s: float = 20.0,
        budget_s: float = 4.0,
        pass_list: tuple[OcrPass, ...] = DEFAULT_PASSES,
        threads: int = 1,
        **_: Any,
    ) -> None:
        self.languages, self.upscale_below, self.timeout_s = languages, upscale_below, timeout_s
        self.budget_s, self.pass_list, self.threads = budget_s, pass_list, threads

    def available(self) -> bool:
        try:
            import pytesseract  # noqa: F401
        except ImportError:
            return False
        return shutil.which("tesseract") is not None

    def extract(self, image: Image.Image) -> str:
        return "\n\n".join(self.passes(image))

    def passes(self, image: Image.Image) -> Iterator[str]:
        import pytesseract

        if not self.available():
            raise OcrUnavailable("tesseract is not installed")
        # Tesseract's OpenMP threads slow it down on a few shared cores (measured
        # here: ~1.4 s -> ~0.4 s per image on 2 cores); a deployment can override.
        os.environ.setdefault("OMP_THREAD_LIMIT", str(self.threads))
        start = time.perf_counter()
        for i, (_name, prepare, config) in enumerate(self.pass_list):
            left = self.budget_s - (time.perf_counter() - start)
            if i > 0 and left <= 0.05:
                return
            prepared = prepare(image)
            if prepared is None:
                continue
            limit = self.timeout_s if i == 0 else left
            try:
                text = self._run(pytesseract, prepared, config, limit)
            except OcrUnavailable:
                if i == 0:
                    raise
                return  # a later pass ran out of budget: keep what was read
            if text.strip():
                yield text

    def _run(self, pytesseract: Any, image: Image.Image, config: str, timeout: float) -> str:
        try:
            return str(
                pytesseract.image_to_string(
                    image, lang=self.languages, config=config, timeout=max(0.1, timeout)
                )
            )
        except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
            raise OcrUnavailable(f"tesseract failed: {exc}") from exc
