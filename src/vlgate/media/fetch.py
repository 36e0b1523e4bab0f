"""Fetching media by http(s) URL, with the SSRF policy enforced on every hop.

Unless ``allow_private_networks`` is set, the host is resolved first, *every*
address it resolves to must be public (``urls.is_public_address``), and the
request is then sent to the checked address itself (Host header and TLS SNI keep
the name), so a second DNS answer cannot swap in a private target. Redirects are
followed by hand, one hop at a time, each hop checked the same way. The body is
read in a stream and abandoned as soon as it passes the byte limit; the whole
fetch, redirects included, has one deadline.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from vlgate.errors import InvalidRequest
from vlgate.media.config import MediaSettings
from vlgate.media.urls import ip_literal, is_public_address, split_http_url

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""(host, port) -> the IP addresses the host resolves to."""


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True, slots=True)
class Fetched:
    data: bytes
    content_type: str  # lower case, parameters dropped; "" when the server sent none
    url: str  # after redirects


ContentCheck = Callable[[str], bool]


class Fetcher:
    """GETs a URL through an injected ``httpx.AsyncClient`` (its owner closes it)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: MediaSettings,
        *,
        resolver: Resolver = system_resolver,
    ) -> None:
        self._client = client
        self._settings = settings
        self._resolve = resolver

    async def fetch(
        self, url: str, *, max_bytes: int, accept: ContentCheck, what: str, param: str
    ) -> Fetched:
        """The body of ``url``; InvalidRequest naming ``param`` on any failure."""
        limit = min(max_bytes, self._settings.max_fetch_bytes)
        try:
            async with asyncio.timeout(self._settings.fetch_timeout_s):
                return await self._follow(url, limit=limit, accept=accept, what=what, param=param)
        except TimeoutError:
            raise InvalidRequest(
                f"fetching the {what} timed out after {self._settings.fetch_timeout_s:g} s",
                param=param,
                code="fetch_timeout",
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise InvalidRequest(
                f"could not fetch the {what}: {type(exc).__name__}: {exc}",
                param=param,
                code="fetch_failed",
            ) from None

    async def _follow(
        self, url: str, *, limit: int, accept: ContentCheck, what: str, param: str
    ) -> Fetched:
        for _ in range(self._settings.max_redirects + 1):
            request = await self._request_for(url, param=param)
            response = await self._client.send(request, stream=True, follow_redirects=False)
            try:
                if response.is_redirect:
                    url = str(httpx.URL(url).join(response.headers["location"]))
                    continue
                return await self._body(
                    response, url, limit=limit, accept=accept, what=what, param=param
                )
            finally:
                await response.aclose()
        raise InvalidRequest(
            f"fetching the {what} took more than {self._settings.max_redirects} redirects",
            param=param,
            code="fetch_failed",
        )

    async def _request_for(self, url: str, *, param: str) -> httpx.Request:
        scheme, host, port = split_http_url(url, param=param)
        if scheme not in self._settings.allowed_schemes:
            raise InvalidRequest(f"URL scheme {scheme!r} is not allowed", param=param)
        if self._settings.allow_private_networks:
            return self._client.build_request("GET", url)
        address = await self._checked_address(host, port, param=param)
        target = httpx.URL(url)
        headers = {"Host": target.netloc.decode("ascii")}
        extensions = {"sni_hostname": host} if scheme == "https" else {}
        return self._client.build_request(
            "GET", target.copy_with(host=address), headers=headers, extensions=extensions
        )

    async def _checked_address(self, host: str, port: int, *, param: str) -> str:
        literal = ip_literal(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                addresses = await self._resolve(host, port)
            except OSError as exc:
                raise InvalidRequest(
                    f"could not resolve host {host!r}: {exc}", param=param, code="fetch_failed"
                ) from None
        if not addresses:
            raise InvalidRequest(f"host {host!r} has no address", param=param, code="fetch_failed")
        blocked = [a for a in addresses if not is_public_address(a)]
        if blocked:
            raise InvalidRequest(
                f"URL host {host!r} resolves to a non-public address ({blocked[0]}); "
                "private, loopback and link-local targets are not fetched",
                param=param,
                code="url_not_allowed",
            )
        return addresses[0]

    @staticmethod
    async def _body(
        response: httpx.Response,
        url: str,
        *,
        limit: int,
        accept: ContentCheck,
        what: str,
        param: str,
    ) -> Fetched:
        if response.status_code != 200:
            raise InvalidRequest(
                f"fetching the {what} failed: HTTP {response.status_code}",
                param=param,
                code="fetch_failed",
            )
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if not accept(content_type):
            raise InvalidRequest(
                f"the URL returned content type {content_type!r}, not a {what}",
                param=param,
                code="unsupported_media_type",
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(what, limit, param)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(what, limit, param)
            chunks.append(chunk)
        return Fetched(data=b"".join(chunks), content_type=content_type, url=url)


def _too_large(what: str, limit: int, param: str) -> InvalidRequest:
    return InvalidRequest(
        f"the {what} at the URL is over the {limit:,}-byte limit", param=param, code="too_large"
    )


def accepts(*prefixes: str) -> ContentCheck:
    """A content-type check: any of ``prefixes`` (``"image/"`` matches a family),
    ``application/octet-stream`` or no type at all (the bytes are sniffed later)."""

    def check(content_type: str) -> bool:
        if content_type in ("", "application/octet-stream", "binary/octet-stream"):
            return True
        return any(content_type.startswith(p) for p in prefixes)

    return check
