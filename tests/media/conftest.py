"""Media fixtures, all made in code: images, an mp4, a PDF, a loopback HTTP server."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image


def make_image(width: int = 64, height: int = 48, mode: str = "RGB") -> Image.Image:
    """A left-dark / right-bright gradient, so orientation is visible in the pixels."""
    ramp = np.tile(np.linspace(0, 255, width, dtype=np.uint8), (height, 1))
    rgb = np.stack([ramp, np.full_like(ramp, 80), 255 - ramp], axis=-1)
    return Image.fromarray(rgb, "RGB").convert(mode)


def encode(im: Image.Image, fmt: str, **kwargs: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kwargs)
    return out.getvalue()


def exif_rotated_jpeg(width: int = 64, height: int = 48, orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(make_image(width, height), "JPEG", quality=90, exif=exif.tobytes())


def make_mp4(
    seconds: float = 3.0,
    fps: int = 10,
    size: tuple[int, int] = (64, 48),
    gop: int = 10,
    fmt: str = "mp4",
    codec: str = "libx264",
) -> bytes:
    """A short clip (H.264 in mp4 by default) whose frame k is grey level 8k mod 256."""
    out = io.BytesIO()
    with av.open(out, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = gop
        stream.codec_context.time_base = Fraction(1, fps)
        for k in range(round(seconds * fps)):
            arr = np.full((size[1], size[0], 3), (k * 8) % 256, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(arr, format="rgb24")
            frame.pts = k
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def make_pdf(pages: int = 2, size_pt: tuple[float, float] = (612, 792)) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(*size_pt)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


# --- a tiny HTTP/1.1 server on 127.0.0.1, port 0 --------------------------------------


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    stall: bool = False  # send headers, then never finish the body


@dataclass
class LocalServer:
    port: int
    routes: dict[str, Route]
    hits: list[str]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, body: bytes = b"", status: int = 200, **headers: str) -> str:
        """Serve ``body`` at ``path`` (header names use _ for -); returns the URL."""
        named = {k.replace("_", "-"): v for k, v in headers.items() if k != "stall"}
        self.routes[path] = Route(status, named, body, stall=bool(headers.get("stall")))
        return self.url(path)


@pytest.fixture
async def http_server() -> AsyncIterator[LocalServer]:
    routes: dict[str, Route] = {}
    hits: list[str] = []
    stalled = asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode()
            hits.append(path)
            route = routes.get(path, Route(404, body=b"not found"))
            headers = {"content-length": str(len(route.body)), **route.headers}
            headers = {k: v for k, v in headers.items() if v}  # "" removes a header
            if route.stall:
                headers["content-length"] = str(len(route.body) + 1_000_000)
            lines = [f"HTTP/1.1 {route.status} X", *(f"{k}: {v}" for k, v in headers.items())]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + route.body)
            await writer.drain()
            if route.stall:
                await stalled.wait()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield LocalServer(port=port, routes=routes, hits=hits)
    finally:
        stalled.set()
        server.close()
        await server.wait_closed()


@dataclass(frozen=True)
class Makers:
    """The builders above, handed to tests as a fixture (importlib mode: no conftest imports)."""

    image: Callable[..., Image.Image] = make_image
    encode: Callable[..., bytes] = encode
    exif_jpeg: Callable[..., bytes] = exif_rotated_jpeg
    mp4: Callable[..., bytes] = make_mp4
    pdf: Callable[..., bytes] = make_pdf


@pytest.fixture(scope="session")
def mk() -> Makers:
    return Makers()
