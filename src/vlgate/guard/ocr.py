"""Text in images, read at the resolution the model will see.

``OcrEngine`` is the seam; ``tesseract`` (Debian ``tesseract-ocr`` + PyPI
``pytesseract``) is the built-in, ``model`` adapts any callable (for example one
that asks the Instruct model to transcribe). An engine that cannot run says so
through ``available()``; the screen then reports ``ocr_unavailable``, never a pass.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PIL import Image

FACTOR = 32  # patch 16 x spatial merge 2


def smart_resize(
    height: int, width: int, *, min_pixels: int = 65_536, max_pixels: int = 16_777_216
) -> tuple[int, int]:
    """Qwen3-VL's processor arithmetic (FACTS.md): sides to multiples of 32, area in range."""
    h = max(FACTOR, round(height / FACTOR) * FACTOR)
    w = max(FACTOR, round(width / FACTOR) * FACTOR)
    if h * w > max_pixels:
        beta = math.sqrt(height * width / max_pixels)
        h = max(FACTOR, math.floor(height / beta / FACTOR) * FACTOR)
        w = max(FACTOR, math.floor(width / beta / FACTOR) * FACTOR)
    elif h * w < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h = math.ceil(height * beta / FACTOR) * FACTOR
        w = math.ceil(width * beta / FACTOR) * FACTOR
    return h, w


@runtime_checkable
class OcrEngine(Protocol):
    name: str

    def available(self) -> bool: ...

    def extract(self, image: Image.Image) -> str:
        """All text found in ``image`` (already at model resolution)."""
        ...


class OcrUnavailable(RuntimeError):
    pass


class TesseractOcr:
    """Tesseract through pytesseract, with contrast stretching and upscaling of small text."""

    name = "tesseract"

    def __init__(
        self, languages: str = "eng", upscale_below: int = 1600, timeout_s: float = 20.0, **_: Any
    ) -> None:
        self.languages, self.upscale_below, self.timeout_s = languages, upscale_below, timeout_s

    def available(self) -> bool:
        try:
            import pytesseract  # noqa: F401
        except ImportError:
            return False
        return shutil.which("tesseract") is not None

    def extract(self, image: Image.Image) -> str:
        import pytesseract
        from PIL import ImageChops, ImageFilter, ImageOps

        if not self.available():
            raise OcrUnavailable("tesseract is not installed")
        gray = ImageOps.autocontrast(image.convert("L"), cutoff=1)
        if max(gray.size) < self.upscale_below:
            gray = gray.resize((gray.width * 2, gray.height * 2))
        texts = [self._run(pytesseract, gray, "--psm 3")]
        if len(texts[0].strip()) < 12:  # low contrast on an uneven background: flatten it
            flat = ImageChops.difference(gray, gray.filter(ImageFilter.GaussianBlur(12)))
            flat = ImageOps.invert(ImageOps.autocontrast(flat, cutoff=1))
            texts.append(self._run(pytesseract, flat, "--psm 3"))
        return "\n".join(t for t in texts if t.strip())

    def _run(self, pytesseract: Any, image: Image.Image, config: str) -> str:
        try:
            return str(
                pytesseract.image_to_string(
                    image, lang=self.languages, config=config, timeout=self.timeout_s
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
