"""Text in images, read at the resolution the model will see.

``OcrEngine`` is the seam; ``tesseract`` (Debian ``tesseract-ocr`` + PyPI
``pytesseract``) is the built-in, ``model`` adapts any callable (for example one
that asks the Instruct model to transcribe). An engine that cannot run says so
through ``available()``; the screen then reports ``ocr_unavailable``, never a pass.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

from PIL import Image
from PIL.Image import Resampling

from vlgate.media.tokens import smart_resize as media_smart_resize


def smart_resize(
    height: int, width: int, *, min_pixels: int = 65_536, max_pixels: int = 16_777_216
) -> tuple[int, int]:
    """The size the model sees an image at: media intake's processor arithmetic
    with Qwen3-VL's default limits (FACTS.md)."""
    return media_smart_resize(height, width, min_pixels=min_pixels, max_pixels=max_pixels)


@runtime_checkable
class OcrEngine(Protocol):
    name: str

    def available(self) -> bool: ...

    def extract(self, image: Image.Image) -> str:
        """All text found in ``image`` (already at model resolution)."""
        ...


@runtime_checkable
class PassOcr(Protocol):
    """An engine that reads in passes, so the screen can stop at the first confident hit."""

    def passes(self, image: Image.Image) -> Iterator[str]: ...


class OcrUnavailable(RuntimeError):
    pass


def _gray(image: Image.Image, scale: int) -> Image.Image:
    from PIL import ImageOps

    gray = ImageOps.autocontrast(image.convert("L"), cutoff=1)
    if scale > 1:
        gray = gray.resize((gray.width * scale, gray.height * scale), Resampling.BICUBIC)
    return gray


def _flatten(gray: Image.Image) -> Image.Image:
    """Text as dark on white whatever its polarity: distance from the local background."""
    from PIL import ImageChops, ImageFilter, ImageOps

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


def _scale(image: Image.Image) -> int:
    return 2 if max(image.size) < 1600 else 1


DEFAULT_PASSES: tuple[OcrPass, ...] = (
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
        return "\n".join(self.passes(image))

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


class CallableOcr:
    """Adapts ``fn(image) -> text`` (e.g. an Instruct-model transcription) to ``OcrEngine``."""

    name = "model"

    def __init__(self, fn: Callable[[Image.Image], str] | None = None, **_: Any) -> None:
        self._fn = fn

    def available(self) -> bool:
        return self._fn is not None

    def extract(self, image: Image.Image) -> str:
        if self._fn is None:
            raise OcrUnavailable("no transcription function configured")
        return self._fn(image)


class NoOcr:
    name = "none"

    def __init__(self, **_: Any) -> None:
        pass

    def available(self) -> bool:
        return False

    def extract(self, image: Image.Image) -> str:
        raise OcrUnavailable("OCR is disabled")


OCR_ENGINES: Mapping[str, Callable[..., OcrEngine]] = MappingProxyType(
    {"tesseract": TesseractOcr, "model": CallableOcr, "none": NoOcr}
)
