"""URL policy and fetching: data URLs, the SSRF rule on every hop, limits."""

from __future__ import annotations

import base64

import httpx
import pytest

from vlgate.errors import InvalidRequest
from vlgate.media.config import MediaSettings
from vlgate.media.fetch import Fetcher, accepts, system_resolver
from vlgate.media.loader import MediaLoader
from vlgate.media.urls import is_public_address, parse_data_url

P = "messages[0].content[0].image_url"


# --- data URLs --------------------------------------------------------------------------


def test_data_url_decodes() -> None:
    parsed = parse_data_url(
        "data:image/PNG;base64," + base64.b64encode(b"abc").decode(), max_bytes=10, param=P
    )
    assert (parsed.mime, parsed.data) == ("image/png", b"abc")


def test_data_url_tolerates_wrapped_lines() -> None:
    payload = base64.encodebytes(b"x" * 200).decode()  # has newlines every 76 chars
    assert (
        parse_data_url("data:image/png;base64," + payload, max_bytes=1000, param=P).data
        == b"x" * 200
    )


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("data:image/png;base64,@@@@", "not valid base64"),
        ("data:image/png;base64,abc", "not valid base64"),  # bad padding
        ("data:image/png,rawbytes", "base64-encoded"),
        ("data:image/png;base64", "malformed data URL"),
        ("data:image/png;base64,", "empty"),
    ],
)
def test_bad_data_urls_name_the_param(url: str, match: str) -> None:
    with pytest.raises(InvalidRequest, match=match) as info:
        parse_data_url(url, max_bytes=1000, param=P)
    assert info.value.param == P


def test_oversized_data_url_is_rejected_before_decoding() -> None:
    url = "data:image/png;base64," + "!" * 10_000  # not even base64: size is checked first
    with pytest.raises(InvalidRequest, match="byte limit") as info:
        parse_data_url(url, max_bytes=1000, param=P)
    assert info.value.code == "too_large"


# --- address policy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.9.9.9", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "255.255.255.255", "224.0.0.1", "::1", "::", "fe80::1",
        "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
        "ff02::1", "not-an-ip",
    ],
)  # fmt: skip
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.216.34", "2606:4700::1111", "64:ff9b::808:808"]
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(address)


# --- the fetcher with a scripted transport ----------------------------------------------

PNG_1x1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


class Recorder:
    def __init__(self, handler=None) -> None:  # type: ignore[no-untyped-def]
        self.requests: list[httpx.Request] = []
        self._handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self._handler is not None:
            return self._handler(request)  # type: ignore[no-any-return]
        return httpx.Response(200, headers={"content-type": "image/png"}, content=PNG_1x1)


def _resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> list[str]:
        return table[host]

    return resolve


def _loader(
    recorder: Recorder, table: dict[str, list[str]] | None = None, **settings: object
) -> MediaLoader:
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    return MediaLoader(MediaSettings(**settings), client, resolver=_resolver(table or {}))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.png",
        "http://10.1.2.3/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "https://[::1]:8443/x.png",
        "http://[::ffff:127.0.0.1]/x.png",
    ],
)
async def test_default_rejects_private_literals_without_connecting(url: str) -> None:
    recorder = Recorder()
    with pytest.raises(InvalidRequest, match="non-public address") as info:
        await _loader(recorder).image(url, param=P)
    assert info.value.param == P and info.value.code == "url_not_allowed"
    assert recorder.requests == []


@pytest.mark.parametrize("addresses", [["10.0.0.7"], ["93.184.216.34", "192.168.0.9"], ["fe80::1"]])
async def test_default_rejects_names_resolving_privately(addresses: list[str]) -> None:
    recorder = Recorder()
    with pytest.raises(InvalidRequest, match="non-public address"):
        await _loader(recorder, {"evil.example": addresses}).image(
            "http://evil.example/a.png", param=P
        )
    assert recorder.requests == []


async def test_localhost_by_name_is_rejected_with_the_system_resolver() -> None:
    recorder = Recorder()
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    loader = MediaLoader(MediaSettings(), client, resolver=system_resolver)
    with pytest.raises(InvalidRequest, match="non-public address"):
        await loader.image("http://localhost:9/x.png", param=P)
    assert recorder.requests == []


async def test_public_fetch_is_pinned_to_the_checked_address() -> None:
    recorder = Recorder()
    loader = _loader(recorder, {"images.example": ["93.184.216.34"]})
    image = await loader.image("https://images.example:8443/cat.png?size=1", param=P)
    assert (image.width, image.height, image.mime) == (1, 1, "image/png")
    [request] = recorder.requests
    assert request.url.host == "93.184.216.34" and request.url.port == 8443
    assert request.url.raw_path == b"/cat.png?size=1"
    assert request.headers["host"] == "images.example:8443"
    assert request.extensions["sni_hostname"] == "images.example"


async def test_redirect_to_private_address_is_rechecked() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://169.254.169.254/latest/"})

    recorder = Recorder(handler)
    with pytest.raises(InvalidRequest, match="non-public address"):
        await _loader(recorder, {"cdn.example": ["93.184.216.34"]}).image(
            "http://cdn.example/a", param=P
        )
    assert len(recorder.requests) == 1


async def test_redirect_to_other_scheme_is_rejected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "file:///etc/passwd"})

    recorder = Recorder(handler)
    with pytest.raises(InvalidRequest, match="malformed URL"):
        await _loader(recorder, {"cdn.example": ["93.184.216.34"]}).image(
            "http://cdn.example/a", param=P
        )


async def test_redirect_loop_is_bounded() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "/again"})

    recorder = Recorder(handler)
    loader = _loader(recorder, {"cdn.example": ["93.184.216.34"]}, max_redirects=3)
    with pytest.raises(InvalidRequest, match="more than 3 redirects"):
        await loader.image("http://cdn.example/a", param=P)
    assert len(recorder.requests) == 4


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/a.png", "gopher://x", "/just/a/path"]
)
async def test_other_schemes_are_rejected(url: str) -> None:
    recorder = Recorder()
    with pytest.raises(InvalidRequest, match="unsupported URL scheme") as info:
        await _loader(recorder, allow_private_networks=True).image(url, param=P)
    assert info.value.param == P and recorder.requests == []


def test_settings_refuse_the_file_scheme() -> None:
    with pytest.raises(ValueError, match="unsupported URL schemes"):
        MediaSettings(allowed_schemes=("data", "file"))


def test_content_type_check() -> None:
    check = accepts("image/")
    assert check("image/png") and check("") and check("application/octet-stream")
    assert not check("text/html") and not check("application/json")


async def test_resolver_failure_is_invalid_request() -> None:
    async def broken(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    client = httpx.AsyncClient(transport=httpx.MockTransport(Recorder()))
    fetcher = Fetcher(client, MediaSettings(), resolver=broken)
    with pytest.raises(InvalidRequest, match="could not resolve") as info:
        await fetcher.fetch(
            "http://nowhere.invalid/", max_bytes=10, accept=accepts("image/"), what="image", param=P
        )
    assert info.value.param == P


# --- a real server on loopback (allow_private_networks=True) -----------------------------


def _real_loader(**settings: object) -> tuple[MediaLoader, httpx.AsyncClient]:
    client = httpx.AsyncClient()
    return MediaLoader(MediaSettings(allow_private_networks=True, **settings), client), client  # type: ignore[arg-type]


async def test_fetches_from_a_loopback_server_when_allowed(http_server, mk) -> None:  # type: ignore[no-untyped-def]
    data = mk.encode(mk.image(640, 480), "JPEG")
    url = http_server.serve("/photo.jpg", data, content_type="image/jpeg")
    loader, client = _real_loader()
    async with client:
        image = await loader.image(url, param=P)
    assert image.data == data and image.tokens == 300


async def test_loopback_server_is_rejected_by_default(http_server, mk) -> None:  # type: ignore[no-untyped-def]
    url = http_server.serve("/photo.png", mk.encode(mk.image(), "PNG"), content_type="image/png")
    async with httpx.AsyncClient() as client:
        with pytest.raises(InvalidRequest, match="non-public address"):
            await MediaLoader(MediaSettings(), client).image(url, param=P)
    assert http_server.hits == []


async def test_real_redirect_is_followed(http_server, mk) -> None:  # type: ignore[no-untyped-def]
    http_server.serve("/real.png", mk.encode(mk.image(), "PNG"), content_type="image/png")
    url = http_server.serve("/moved", status=302, location="/real.png")
    loader, client = _real_loader()
    async with client:
        image = await loader.image(url, param=P)
    assert image.mime == "image/png" and http_server.hits == ["/moved", "/real.png"]


@pytest.mark.parametrize(
    ("status", "headers", "match", "code"),
    [
        (404, {"content_type": "text/plain"}, "HTTP 404", "fetch_failed"),
        (200, {"content_type": "text/html"}, "content type 'text/html'", "unsupported_media_type"),
    ],
)
async def test_http_failures_name_the_param(http_server, status, headers, match, code) -> None:  # type: ignore[no-untyped-def]
    url = http_server.serve("/x", b"<html></html>", status=status, **headers)
    loader, client = _real_loader()
    async with client:
        with pytest.raises(InvalidRequest, match=match) as info:
            await loader.image(url, param=P)
    assert info.value.param == P and info.value.code == code


async def test_declared_length_over_limit_is_refused(http_server) -> None:  # type: ignore[no-untyped-def]
    url = http_server.serve("/big", b"x" * 5000, content_type="image/png")
    loader, client = _real_loader(max_image_bytes=1000)
    async with client:
        with pytest.raises(InvalidRequest, match="byte limit") as info:
            await loader.image(url, param=P)
    assert info.value.code == "too_large"


async def test_undeclared_length_is_cut_while_streaming(http_server) -> None:  # type: ignore[no-untyped-def]
    url = http_server.serve(
        "/big", b"x" * 50_000, content_type="image/png", content_length="", connection="close"
    )
    loader, client = _real_loader(max_fetch_bytes=10_000)
    async with client:
        with pytest.raises(InvalidRequest, match="10,000-byte limit"):
            await loader.image(url, param=P)


async def test_stalled_body_times_out(http_server) -> None:  # type: ignore[no-untyped-def]
    url = http_server.serve("/slow", b"partial", content_type="image/png", stall="1")
    loader, client = _real_loader(fetch_timeout_s=0.3)
    async with client:
        with pytest.raises(InvalidRequest, match="timed out") as info:
            await loader.image(url, param=P)
    assert info.value.param == P and info.value.code == "fetch_timeout"


async def test_connection_refused_is_invalid_request(http_server) -> None:  # type: ignore[no-untyped-def]
    loader, client = _real_loader()
    async with client:
        with pytest.raises(InvalidRequest, match="could not fetch") as info:
            await loader.image("http://127.0.0.1:1/x.png", param=P)
    assert info.value.code == "fetch_failed"
