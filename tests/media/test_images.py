"""Image intake: fast path, normalisation, and every rejection naming its param."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image

from vlgate.errors import InvalidRequest
from vlgate.media.config import MediaSettings
from vlgate.media.images import decode_image

S = MediaSettings()
P = "messages[0].content[1].image_url"


def _decode(data: bytes, settings: MediaSettings = S, **kw: str) -> object:
    return decode_image(data, settings=settings, param=P, **kw)


def _rejects(data: bytes, match: str, settings: MediaSettings = S, **kw: str) -> InvalidRequest:
    with pytest.raises(InvalidRequest, match=match) as info:
        decode_image(data, settings=settings, param=P, **kw)
    assert info.value.param == P
    return info.value


def test_jpeg_is_forwarded_byte_for_byte(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(640, 480), "JPEG", quality=90)
    image = decode_image(data, settings=S, param=P)
    assert image.data is data
    assert (image.mime, image.width, image.height, image.tokens) == ("image/jpeg", 640, 480, 300)


@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_plain_png_and_webp_are_forwarded(mk, fmt: str, mime: str) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(100, 50), fmt)
    image = decode_image(data, settings=S, param=P)
    assert image.data is data and image.mime == mime


def test_wrong_image_subtype_reports_real_type(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(), "JPEG")
    assert decode_image(data, settings=S, param=P, content_type="image/png").mime == "image/jpeg"


def test_exif_orientation_is_applied(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.exif_jpeg(64, 48, orientation=6)  # "rotate 90 CW to display"
    image = decode_image(data, settings=S, param=P)
    assert image.data != data and image.mime == "image/jpeg"
    assert (image.width, image.height) == (48, 64)
    upright = image.pil()
    # the source is dark on the left; after a 90° clockwise turn the dark side is on top
    top = upright.getpixel((24, 2))
    bottom = upright.getpixel((24, 61))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] < 60 < 200 < bottom[0]
    with Image.open(io.BytesIO(image.data)) as im:
        assert im.getexif().get(0x0112, 1) == 1


def test_rgba_png_is_composited_on_white(mk) -> None:  # type: ignore[no-untyped-def]
    im = Image.new("RGBA", (40, 40), (255, 0, 0, 0))  # fully transparent red
    image = decode_image(mk.encode(im, "PNG"), settings=S, param=P)
    assert image.mime == "image/png"
    assert image.pil().getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [
        ("CMYK", "JPEG"),
        ("P", "PNG"),
        ("I;16", "PNG"),
        ("1", "PNG"),
        ("RGB", "BMP"),
        ("RGB", "TIFF"),
        ("P", "GIF"),
    ],
)
def test_other_modes_and_formats_become_rgb(mk, mode: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(30, 20, mode), fmt)
    image = decode_image(data, settings=S, param=P)
    assert image.mime in ("image/png", "image/jpeg")
    assert image.pil().mode == "RGB" and (image.width, image.height) == (30, 20)
    with Image.open(io.BytesIO(image.data)) as im:
        assert im.mode in ("RGB", "L")


def test_animated_gif_keeps_first_frame(mk) -> None:  # type: ignore[no-untyped-def]
    frames = [Image.new("RGB", (20, 20), c) for c in ((250, 0, 0), (0, 0, 250))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    image = decode_image(out.getvalue(), settings=S, param=P)
    red = image.pil().getpixel((10, 10))
    assert isinstance(red, tuple) and red[0] > 200 and red[2] < 50


def test_truncated_jpeg_is_rejected(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(800, 600), "JPEG", quality=95)
    err = _rejects(data[: len(data) // 2], "could not be decoded")
    assert err.code == "invalid_image"


def test_truncated_png_is_rejected(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(300, 200), "PNG")
    _rejects(data[: len(data) - 200], "could not be decoded")


def test_corrupt_png_data_is_rejected(mk) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(mk.encode(mk.image(300, 200), "PNG"))
    start = data.index(b"IDAT") + 40
    data[start : start + 40] = b"\x00" * 40
    _rejects(bytes(data), "could not be decoded")


def test_not_an_image_is_rejected() -> None:
    _rejects(b"hello, this is text" * 10, "not a recognised image")


def test_svg_is_not_an_image_we_accept() -> None:
    _rejects(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "not a recognised image")


def test_declared_non_image_type_is_rejected(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(), "PNG")
    err = _rejects(data, "not an image", content_type="text/html")
    assert err.code == "unsupported_media_type"


def test_empty_is_rejected() -> None:
    _rejects(b"", "empty")


def test_too_many_bytes_is_rejected(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(200, 200), "PNG")
    err = _rejects(data, "byte limit", MediaSettings(max_image_bytes=len(data) - 1))
    assert err.code == "too_large"


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions (a decompression-bomb shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    idat = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_huge_dimensions_are_rejected_before_decoding() -> None:
    err = _rejects(_png_header_only(9_000, 9_000), "pixel limit")
    assert err.code == "image_too_large"


def test_pillow_bomb_limit_is_mapped() -> None:
    # beyond Pillow's own hard limit (2 x 89 Mpx): its error becomes ours
    err = _rejects(_png_header_only(30_000, 30_000), "too large|pixel limit")
    assert err.code == "image_too_large"


def test_pixel_limit_is_configurable(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(100, 100), "PNG")
    _rejects(data, "pixel limit", MediaSettings(max_image_pixels=9_999))


def test_extreme_aspect_ratio_is_rejected(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(402, 2), "PNG")
    _rejects(data, "aspect ratio")


def test_tiny_image_costs_min_tokens(mk) -> None:  # type: ignore[no-untyped-def]
    image = decode_image(mk.encode(mk.image(1, 1), "PNG"), settings=S, param=P)
    assert image.tokens == 64


def test_format_allow_list(mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(), "BMP")
    _rejects(data, "not a recognised image", MediaSettings(image_formats=("JPEG", "PNG")))
