"""The OCR seam: the engine protocol, the model-resolution resize, and the two
engines that need no OCR library (a transcriber passed in code, and none)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol, runtime_checkable

from PIL import Image

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
