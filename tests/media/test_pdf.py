"""PDF intake: pages to images at the configured dpi, limits, bad files."""

from __future__ import annotations

import pytest

from vlgate.errors import InvalidRequest
from vlgate.media.config import MediaSettings
from vlgate.media.pdf import render_pdf
from vlgate.media.tokens import image_tokens

P = "messages[0].content[0].file"


def hand_made_pdf() -> bytes:
    """One US-letter page with a black 100 x 100 pt square at its bottom-left corner."""
    content = b"0 0 0 rg 0 0 100 100 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_two_pages_at_144_dpi(mk) -> None:  # type: ignore[no-untyped-def]
    pages = render_pdf(mk.pdf(pages=2), settings=MediaSettings(), param=P)
    assert len(pages) == 2
    for page in pages:
        assert (page.width, page.height, page.mime) == (1224, 1584, "image/png")
        assert page.tokens == image_tokens(1224, 1584, min_pixels=65_536, max_pixels=16_777_216)
        assert page.pil().getpixel((600, 800)) == (255, 255, 255)


def test_content_is_rendered() -> None:
    [page] = render_pdf(hand_made_pdf(), settings=MediaSettings(pdf_dpi=72), param=P)
    assert (page.width, page.height) == (612, 792)
    assert page.pil().getpixel((50, 792 - 50)) == (0, 0, 0)  # inside the square
    assert page.pil().getpixel((300, 300)) == (255, 255, 255)


def test_jpeg_pages(mk) -> None:  # type: ignore[no-untyped-def]
    [page] = render_pdf(
        mk.pdf(pages=1), settings=MediaSettings(pdf_page_format="JPEG", pdf_dpi=72), param=P
    )
    assert page.mime == "image/jpeg" and page.data[:2] == b"\xff\xd8"


def test_page_limit_names_count_and_limit(mk) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidRequest, match="PDF has 3 pages, over the limit of 2") as info:
        render_pdf(mk.pdf(pages=3), settings=MediaSettings(max_pdf_pages=2), param=P)
    assert info.value.param == P and info.value.code == "too_many_pages"


def test_huge_page_is_scaled_within_the_pixel_limit(mk) -> None:  # type: ignore[no-untyped-def]
    settings = MediaSettings(max_image_pixels=4_000_000)
    [page] = render_pdf(mk.pdf(pages=1, size_pt=(7200, 7200)), settings=settings, param=P)
    assert page.width * page.height <= 4_000_000
    assert page.width == page.height > 1900


@pytest.mark.parametrize(
    ("data", "match", "kw"),
    [
        (b"just text", "not a PDF", {}),
        (b"%PDF-1.7\n garbage garbage", "could not be read", {}),
        (b"%PDF-1.4\n", "could not be read", {}),
    ],
)
def test_bad_pdfs_are_rejected(data: bytes, match: str, kw: dict[str, str]) -> None:
    with pytest.raises(InvalidRequest, match=match) as info:
        render_pdf(data, settings=MediaSettings(), param=P, **kw)
    assert info.value.param == P


def test_declared_type_and_size_limits(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.pdf(pages=1)
    with pytest.raises(InvalidRequest, match="not a PDF") as info:
        render_pdf(data, settings=MediaSettings(), param=P, content_type="text/html")
    assert info.value.code == "unsupported_media_type"
    with pytest.raises(InvalidRequest, match="byte limit"):
        render_pdf(data, settings=MediaSettings(max_pdf_bytes=100), param=P)


@pytest.mark.parametrize("cut", [60, 200])
def test_truncated_pdf_is_rejected(cut: int) -> None:
    data = hand_made_pdf()
    with pytest.raises(InvalidRequest, match="could not be read") as info:
        render_pdf(data[: len(data) - cut], settings=MediaSettings(pdf_dpi=36), param=P)
    assert info.value.param == P and info.value.code == "invalid_pdf"
