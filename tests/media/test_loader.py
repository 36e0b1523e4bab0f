"""MediaLoader: the core's entry point, end to end (data URLs, loopback http, bytes)."""

from __future__ import annotations

import base64
import threading

import httpx
import pytest

from vlgate.errors import InvalidRequest
from vlgate.media import loader as loader_module
from vlgate.media.config import MediaSettings
from vlgate.media.loader import MediaLoader

P = "messages[0].content[1].image_url"


def _data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


@pytest.fixture
async def client():  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient() as c:
        yield c


def test_check_count(client: httpx.AsyncClient) -> None:
    loader = MediaLoader(MediaSettings(max_images=2, max_videos=1), client)
    loader.check_count(2, "messages")
    with pytest.raises(InvalidRequest, match="3 images, over the limit of 2") as info:
        loader.check_count(3, "messages")
    assert info.value.param == "messages" and info.value.code == "too_many_images"
    with pytest.raises(InvalidRequest, match="2 videos"):
        loader.check_count(0, "messages", n_videos=2)


async def test_image_data_url_fast_path(client: httpx.AsyncClient, mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(1280, 720), "JPEG", quality=95)
    image = await MediaLoader(MediaSettings(), client).image(_data_url("image/jpeg", data), param=P)
    assert image.data == data and image.tokens == 880 and image.mime == "image/jpeg"
    assert image.data_url() == _data_url("image/jpeg", data)


async def test_image_data_url_errors_name_the_param(client: httpx.AsyncClient) -> None:
    loader = MediaLoader(MediaSettings(), client)
    with pytest.raises(InvalidRequest, match="not a recognised image") as info:
        await loader.image(_data_url("image/png", b"not an image at all"), param=P)
    assert info.value.param == P
    with pytest.raises(InvalidRequest, match="not an image"):
        await loader.image(_data_url("text/plain", b"hello"), param=P)


async def test_large_decodes_run_in_a_thread_small_ones_inline(
    client: httpx.AsyncClient, mk, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    seen: list[bool] = []
    real = loader_module.decode_image

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(loader_module, "decode_image", spy)
    loader = MediaLoader(MediaSettings(inline_decode_bytes=1_000), client)
    small = mk.encode(mk.image(8, 8), "PNG")
    large = mk.encode(mk.image(400, 400), "PNG")
    assert len(small) < 1_000 < len(large)
    await loader.image_bytes(small, param=P)
    await loader.image_bytes(large, param=P)
    await loader.image(_data_url("image/png", small), param=P)
    await loader.image(_data_url("image/png", large), param=P)  # base64 + decode in one hop
    assert seen == [True, False, True, False]


async def test_video_from_data_url_and_loopback(client: httpx.AsyncClient, mk, http_server) -> None:  # type: ignore[no-untyped-def]
    clip = mk.mp4(seconds=2.0, fps=10)
    loader = MediaLoader(MediaSettings(allow_private_networks=True), client)
    calls: list[tuple[int, int]] = []
    video = await loader.video(
        _data_url("video/mp4", clip), param="v", on_progress=lambda d, t: calls.append((d, t))
    )
    assert len(video.frames) == 4 and calls[-1] == (4, 4) and video.source_url is None
    url = http_server.serve("/clip.mp4", clip, content_type="video/mp4")
    fetched = await loader.video(url, param="v")
    assert fetched.source_url == url and fetched.timestamps == video.timestamps


async def test_video_url_with_image_type_is_refused(
    client: httpx.AsyncClient, mk, http_server
) -> None:  # type: ignore[no-untyped-def]
    url = http_server.serve("/x", b"<html>", content_type="text/html")
    loader = MediaLoader(MediaSettings(allow_private_networks=True), client)
    with pytest.raises(InvalidRequest, match="not a video") as info:
        await loader.video(url, param="messages[0].content[0].video_url")
    assert info.value.param == "messages[0].content[0].video_url"


async def test_pdf_from_bytes_data_url_and_http(client: httpx.AsyncClient, mk, http_server) -> None:  # type: ignore[no-untyped-def]
    pdf = mk.pdf(pages=2)
    loader = MediaLoader(MediaSettings(allow_private_networks=True, pdf_dpi=36), client)
    from_bytes = await loader.pdf(pdf, param="f")
    from_data = await loader.pdf(_data_url("application/pdf", pdf), param="f")
    from_http = await loader.pdf(
        http_server.serve("/a.pdf", pdf, content_type="application/pdf"), param="f"
    )
    assert [len(from_bytes), len(from_data), len(from_http)] == [2, 2, 2]
    assert from_bytes[0].data == from_data[0].data == from_http[0].data
    assert (from_bytes[0].width, from_bytes[0].height) == (306, 396)


async def test_pdf_page_limit_through_the_loader(client: httpx.AsyncClient, mk) -> None:  # type: ignore[no-untyped-def]
    loader = MediaLoader(MediaSettings(max_pdf_pages=1), client)
    with pytest.raises(InvalidRequest, match="2 pages, over the limit of 1") as info:
        await loader.pdf(mk.pdf(pages=2), param="messages[0].content[0].file")
    assert info.value.param == "messages[0].content[0].file"
