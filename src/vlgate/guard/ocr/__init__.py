"""Text in images, read at the resolution the model will see.

``OcrEngine`` is the seam (:mod:`.base`); ``rapidocr`` (:mod:`.rapid`, the ``ocr``
extra) is the default engine, ``tesseract`` (:mod:`.tesseract`, Debian
``tesseract-ocr`` + PyPI ``pytesseract``) the alternative, ``model`` adapts any
callable (for example one that asks the Instruct model to transcribe). An engine
that cannot run says so through ``available()``; the screen then reports
``ocr_unavailable``, never a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from vlgate.guard.ocr.base import (
    CallableOcr,
    NoOcr,
    OcrEngine,
    OcrUnavailable,
    PassOcr,
    smart_resize,
)
from vlgate.guard.ocr.rapid import RAPID_PASSES, RapidOcr
from vlgate.guard.ocr.tesseract import DEFAULT_PASSES, TesseractOcr

OCR_ENGINES: Mapping[str, Callable[..., OcrEngine]] = MappingProxyType(
    {"rapidocr": RapidOcr, "tesseract": TesseractOcr, "model": CallableOcr, "none": NoOcr}
)

__all__ = [
    "DEFAULT_PASSES",
    "OCR_ENGINES",
    "RAPID_PASSES",
    "CallableOcr",
    "NoOcr",
    "OcrEngine",
    "OcrUnavailable",
    "PassOcr",
    "RapidOcr",
    "TesseractOcr",
    "smart_resize",
]
