"""Pure URL handling: data URLs, scheme checks, which addresses are off limits.

No I/O here: ``fetch`` resolves names and talks HTTP, this module only decides.
"""

from __future__ import annotations

import binascii
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from vlgate.errors import InvalidRequest

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_WHITESPACE = b" \t\r\n"


@dataclass(frozen=True, slots=True)
class DataUrl:
    mime: str  # lower case, parameters dropped; "" when the URL named none
    data: bytes


def scheme_of(url: str) -> str:
    head, sep, _ = url.partition(":")
    return head.strip().lower() if sep else ""


def check_scheme(url: str, allowed: tuple[str, ...], *, param: str) -> str:
    """The URL's scheme, if allowed; else InvalidRequest naming ``param``."""
    scheme = scheme_of(url)
    if scheme not in allowed:
        shown = scheme or "(none)"
        raise InvalidRequest(
            f"unsupported URL scheme {shown!r}; use one of: {', '.join(allowed)}", param=param
        )
    return scheme


def parse_data_url(url: str, *, max_bytes: int, param: str) -> DataUrl:
    """Decode ``data:[<mime>][;params];base64,<payload>`` strictly.

    The encoded length is checked before decoding, so an oversized payload costs
    nothing; whitespace inside the payload is tolerated (some clients wrap lines).
    """
    header, comma, payload = url.partition(",")
    if not comma or not header.lower().startswith("data:"):
        raise InvalidRequest(
            "malformed data URL: expected 'data:<mime>;base64,<data>'", param=param
        )
    fields = [f.strip() for f in header[5:].split(";")]
    if "base64" not in (f.lower() for f in fields[1:]):
        raise InvalidRequest("data URL must be base64-encoded (';base64,')", param=param)
    mime = fields[0].lower()
    if len(payload) // 4 * 3 > max_bytes + 3:
        raise InvalidRequest(
            f"data URL payload is over the {max_bytes:,}-byte limit", param=param, code="too_large"
        )
    raw = payload.encode("ascii", errors="replace")
    try:
        data = binascii.a2b_base64(raw, strict_mode=True)
    except binascii.Error:
        try:
            data = binascii.a2b_base64(raw.translate(None, _WHITESPACE), strict_mode=True)
        except binascii.Error as exc:
            raise InvalidRequest(f"data URL is not valid base64: {exc}", param=param) from None
    if not data:
        raise InvalidRequest("data URL is empty", param=param)
    if len(data) > max_bytes:
        raise InvalidRequest(
            f"data URL payload is {len(data):,} bytes, over the {max_bytes:,}-byte limit",
            param=param,
            code="too_large",
        )
    return DataUrl(mime=mime, data=data)


def split_http_url(url: str, *, param: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, host without brackets."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidRequest(f"malformed URL: {exc}", param=param) from None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in ("http", "https") or not host:
        raise InvalidRequest("malformed URL: expected http(s)://host/...", param=param)
    return scheme, host, port or (443 if scheme == "https" else 80)


def is_public_address(address: str) -> bool:
    """Whether ``address`` is a globally routable unicast address.

    Loopback, private (RFC 1918, ULA), link-local (169.254/16 with the cloud
    metadata service, fe80::/10), shared CGNAT, multicast, reserved and
    unspecified addresses are not; IPv4 wrapped in IPv6 (mapped, NAT64) is
    judged by the IPv4 inside.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not ip.is_multicast


def ip_literal(host: str) -> str | None:
    """``host`` normalised if it is an IP address literal, else None."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None
