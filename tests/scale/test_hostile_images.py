"""Malformed and hostile images through the real gateway with the openai client:
each is a clean 400 that names the offending content part, never a 500, and the
engine never sees the request."""

from __future__ import annotations

import base64
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

import openai
import pytest
from PIL import Image

from vlgate.config import load_settings
from vlgate.server.app import create_app
from vlgate.testing.fake_engine import FakeEngine
from vlgate.testing.servers import ThreadedServer


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def _jpeg(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 200, 30)).save(buf, "JPEG")
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bomb_png(side: int = 30_000) -> bytes:
    """A grey PNG of side x side pixels (900 MP) whose file is a few hundred KiB:
    rows of zeros compress about 1000:1."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    raw = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    body = b"".join(raw.compress(row) for _ in range(side)) + raw.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )


def _header_only_png(width: int, height: int) -> bytes:
    """A valid PNG signature and header claiming huge dimensions, no pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IEND", b"")


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("image.png", _png(64, 64))
    return buf.getvalue()


SVG = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<image href="file:///etc/passwd"/><text>&x;</text></svg>'
)


def data_url(mime: str, raw: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(raw).decode()}"


CASES: dict[str, str] = {
    "decompression_bomb_png": data_url("image/png", _bomb_png()),
    "huge_dimensions_header_only": data_url("image/png", _header_only_png(100_000, 100_000)),
    "extreme_aspect_ratio": data_url("image/png", _png(12_000, 8)),
    "truncated_png": data_url("image/png", _png(256, 256)[:300]),
    "truncated_jpeg": data_url("image/jpeg", _jpeg(256, 256)[:200]),
    "jpeg_labelled_png_then_cut": data_url("image/png", _jpeg(256, 256)[:-400]),
    "zip_pretending_png": data_url("image/png", _zip()),
    "svg": data_url("image/svg+xml", SVG),
    "svg_labelled_png": data_url("image/png", SVG),
    "html_content_type": data_url("text/html", b"<html><body>hi</body></html>"),
    "octet_stream_garbage": data_url("application/octet-stream", b"\x00\x01\x02" * 100),
    "zero_bytes": "data:image/png;base64,",
    "not_base64": "data:image/png;base64,@@@not*base64@@@",
    "file_scheme": "file:///etc/passwd",
}


@pytest.fixture(scope="module")
def gateway() -> Iterator[tuple[str, FakeEngine]]:
    engine = FakeEngine(model="qwen-instruct").start()
    settings = load_settings(
        overrides={"instruct": [{"url": engine.url}], "audit": {"enabled": False}}, environ={}
    )
    server = ThreadedServer(create_app(settings)).start()
    try:
        yield server.url, engine
    finally:
        server.stop()
        engine.stop()


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_image_is_a_clean_400(case: str, gateway: tuple[str, FakeEngine]) -> None:
    url, engine = gateway
    client = openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0, timeout=30)
    seen = len(engine.requests)
    content = [
        {"type": "text", "text": "What is in this image?"},
        {"type": "image_url", "image_url": {"url": CASES[case]}},
    ]
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model="instruct", messages=[{"role": "user", "content": content}]
        )
    err = info.value
    assert err.status_code == 400
    body = err.body
    assert isinstance(body, dict), body
    assert body.get("type") == "invalid_request_error", body
    assert body.get("param", "").startswith("messages[0].content[1]"), body
    assert body.get("message"), body
    assert len(engine.requests) == seen, "the engine saw a request with a bad image"
    client.close()


def test_a_good_image_still_passes(gateway: tuple[str, FakeEngine]) -> None:
    url, engine = gateway
    seen = len(engine.requests)
    client = openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0, timeout=30)
    content = [
        {"type": "text", "text": "What is in this image?"},
        {"type": "image_url", "image_url": {"url": data_url("image/png", _png(320, 240))}},
    ]
    out = client.chat.completions.create(
        model="instruct", messages=[{"role": "user", "content": content}]
    )
    assert out.choices[0].message.content
    assert len(engine.requests) == seen + 1
    client.close()
