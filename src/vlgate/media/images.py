"""Image intake: bytes -> a validated, measured ``MediaImage``.

Synchronous and CPU-bound (the loader decides whether to run it in a thread).
Every input is really decoded before it is accepted; inputs that need no
normalisation are forwarded byte for byte (a JPEG is verified by a reduced-size
DCT decode, which walks the whole entropy-coded stream at a fraction of the
cost). Normalisation means: EXIF orientation applied, first frame of an
animation, alpha composited onto white (what the Qwen processor's
``convert_rgb`` does), any other mode converted to RGB; then re-encoded as PNG
(lossless sources) or high-quality JPEG.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageOps, UnidentifiedImageError

from vlgate.errors import InvalidRequest
from vlgate.media.config import MediaSettings
from vlgate.media.tokens import AspectRatioError, image_tokens
from vlgate.types import MediaImage

# formats forwarded as they came when nothing else needs fixing, with their MIME type
FORWARDABLE = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_PLAIN_MODES = ("RGB", "L")
_ORIENTATION = 0x0112
_NOT_IMAGE_TYPES = ("text/", "application/json", "application/pdf", "video/", "audio/")


def check_declared_type(content_type: str, *, param: str) -> None:
    """Reject an input whose declared type says it is something else entirely.

    A wrong image subtype (``image/png`` on JPEG bytes) is tolerated: the bytes
    are sniffed and the real type reported.
    """
    if content_type and content_type.startswith(_NOT_IMAGE_TYPES):
        raise InvalidRequest(
            f"content type {content_type!r} is not an image",
            param=param,
            code="unsupported_media_type",
        )


@contextmanager
def _decoding(param: str) -> Iterator[None]:
    """Map Pillow's many failure types onto one InvalidRequest."""
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidRequest(
            f"image is too large to decode safely: {exc}", param=param, code="image_too_large"
        ) from None
    except UnidentifiedImageError:
        raise InvalidRequest(
            "not a recognised image (accepted: JPEG, PNG, WEBP, GIF, BMP, TIFF)",
            param=param,
            code="invalid_image",
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError) as exc:
        raise InvalidRequest(
            f"image could not be decoded: {exc}", param=param, code="invalid_image"
        ) from None


def decode_image(
    data: bytes,
    *,
    settings: MediaSettings,
    param: str,
    content_type: str = "",
    timestamp: float | None = None,
) -> MediaImage:
    """Validate ``data`` as an image and measure it; InvalidRequest naming ``param``."""
    check_declared_type(content_type, param=param)
    if len(data) > settings.max_image_bytes:
        raise InvalidRequest(
            f"image is {len(data):,} bytes, over the {settings.max_image_bytes:,}-byte limit",
            param=param,
            code="too_large",
        )
    if not data:
        raise InvalidRequest("image is empty", param=param, code="invalid_image")
    with _decoding(param), Image.open(io.BytesIO(data), formats=settings.image_formats) as im:
        width, height = im.size
        _check_pixels(width, height, settings, param)
        if _needs_normalising(im):
            return _normalised(im, settings=settings, param=param, timestamp=timestamp)
        _verify(im)
        mime = FORWARDABLE[str(im.format)]
    return MediaImage(
        data=data,
        mime=mime,
        width=width,
        height=height,
        tokens=measure(width, height, settings, param),
        timestamp=timestamp,
    )


def measure(width: int, height: int, settings: MediaSettings, param: str) -> int:
    """Visual tokens of a ``width`` x ``height`` image under ``settings``."""
    try:
        return image_tokens(
            width,
            height,
            min_pixels=settings.min_pixels,
            max_pixels=settings.max_pixels,
            factor=settings.factor,
        )
    except AspectRatioError as exc:
        raise InvalidRequest(
            f"image {width}x{height}: {exc}", param=param, code="invalid_image"
        ) from None


def encode_image(
    im: Image.Image,
    *,
    lossless: bool,
    settings: MediaSettings,
    param: str,
    timestamp: float | None = None,
    quality: int | None = None,
) -> MediaImage:
    """Encode an RGB (or L) Pillow image as PNG or JPEG and measure it."""
    out = io.BytesIO()
    if lossless:
        im.save(out, "PNG", compress_level=1)
        mime = "image/png"
    else:
        im.save(out, "JPEG", quality=quality or settings.reencode_jpeg_quality)
        mime = "image/jpeg"
    return MediaImage(
        data=out.getvalue(),
        mime=mime,
        width=im.width,
        height=im.height,
        tokens=measure(im.width, im.height, settings, param),
        timestamp=timestamp,
    )


def _check_pixels(width: int, height: int, settings: MediaSettings, param: str) -> None:
    if width <= 0 or height <= 0:
        raise InvalidRequest("image has no pixels", param=param, code="invalid_image")
    if width * height > settings.max_image_pixels:
        raise InvalidRequest(
            f"image is {width}x{height} = {width * height:,} pixels, over the "
            f"{settings.max_image_pixels:,}-pixel limit",
            param=param,
            code="image_too_large",
        )
    measure(width, height, settings, param)  # aspect ratio, before any decoding


def _needs_normalising(im: Image.Image) -> bool:
    if im.format not in FORWARDABLE or im.mode not in _PLAIN_MODES:
        return True
    if im.format != "MPO" and getattr(im, "is_animated", False):
        return True
    return int(im.getexif().get(_ORIENTATION, 1)) != 1


def _verify(im: Image.Image) -> None:
    """Decode the whole image (JPEG at 1/8 scale: same stream, far less work)."""
    if im.format in ("JPEG", "MPO"):
        im.draft(im.mode, (max(1, im.width // 8), max(1, im.height // 8)))
    im.load()


def _normalised(
    im: Image.Image, *, settings: MediaSettings, param: str, timestamp: float | None
) -> MediaImage:
    lossless = im.format not in ("JPEG", "MPO")
    im.seek(0)
    im.load()
    upright = ImageOps.exif_transpose(im)
    rgb = _to_rgb(upright)
    return encode_image(rgb, lossless=lossless, settings=settings, param=param, timestamp=timestamp)


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        return im
    if im.mode.startswith("I"):  # 16/32-bit grey: scale to 8 bits rather than clip
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    if not has_alpha:
        return im.convert("RGB")
    rgba = im.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")
