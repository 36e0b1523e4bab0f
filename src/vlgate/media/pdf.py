"""PDF intake with pypdfium2: bytes -> one ``MediaImage`` per page.

Pages are rendered at ``pdf_dpi`` (scaled down when a page would exceed
``max_image_pixels``), then encoded as PNG (default: crisp text) or JPEG. PDFium
keeps process-wide state and is not thread-safe, so rendering is serialised by
one lock: the only module-level state here, and it guards a library, not data.
"""

from __future__ import annotations

import math
import threading

import pypdfium2 as pdfium

from vlgate.errors import InvalidRequest
from vlgate.media.config import MediaSettings
from vlgate.media.images import encode_image
from vlgate.types import MediaImage

_PDFIUM_LOCK = threading.Lock()
_POINTS_PER_INCH = 72.0
_NOT_PDF_TYPES = ("text/", "image/", "video/", "audio/", "application/json")


def render_pdf(
    data: bytes, *, settings: MediaSettings, param: str, content_type: str = ""
) -> list[MediaImage]:
    """Render every page of ``data``; InvalidRequest naming ``param`` on bad input."""
    if content_type.startswith(_NOT_PDF_TYPES):
        raise InvalidRequest(
            f"content type {content_type!r} is not a PDF",
            param=param,
            code="unsupported_media_type",
        )
    if len(data) > settings.max_pdf_bytes:
        raise InvalidRequest(
            f"PDF is {len(data):,} bytes, over the {settings.max_pdf_bytes:,}-byte limit",
            param=param,
            code="too_large",
        )
    if not data.lstrip()[:5] == b"%PDF-":
        raise InvalidRequest("not a PDF (no %PDF- header)", param=param, code="invalid_pdf")
    with _PDFIUM_LOCK:
        try:
            return _render_all(data, settings, param)
        except pdfium.PdfiumError as exc:
            raise InvalidRequest(
                f"PDF could not be read: {exc}", param=param, code="invalid_pdf"
            ) from None


def _render_all(data: bytes, settings: MediaSettings, param: str) -> list[MediaImage]:
    document = pdfium.PdfDocument(data)
    try:
        pages = len(document)
        if pages == 0:
            raise InvalidRequest("PDF has no pages", param=param, code="invalid_pdf")
        if pages > settings.max_pdf_pages:
            raise InvalidRequest(
                f"PDF has {pages} pages, over the limit of {settings.max_pdf_pages}",
                param=param,
                code="too_many_pages",
            )
        return [_render_page(document, i, settings, param) for i in range(pages)]
    finally:
        document.close()


def _render_page(
    document: pdfium.PdfDocument, index: int, settings: MediaSettings, param: str
) -> MediaImage:
    page = document[index]
    try:
        width_pt, height_pt = page.get_size()
        scale = page_scale(width_pt, height_pt, settings)
        bitmap = page.render(scale=scale)
        try:
            picture = bitmap.to_pil()
        finally:
            bitmap.close()
    finally:
        page.close()
    if picture.mode != "RGB":
        picture = picture.convert("RGB")
    return encode_image(
        picture, lossless=settings.pdf_page_format == "PNG", settings=settings, param=param
    )


def page_scale(width_pt: float, height_pt: float, settings: MediaSettings) -> float:
    """Render scale for a page: ``pdf_dpi``, lowered to keep within ``max_image_pixels``."""
    if width_pt <= 0 or height_pt <= 0:
        raise pdfium.PdfiumError("page has no area")
    scale = settings.pdf_dpi / _POINTS_PER_INCH
    pixels = width_pt * scale * height_pt * scale
    if pixels > settings.max_image_pixels:
        scale *= math.sqrt(settings.max_image_pixels / pixels) * 0.999
    return scale
