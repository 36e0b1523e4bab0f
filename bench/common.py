"""Shared bench helpers: a minimal keep-alive HTTP/1.1 client on asyncio streams
(so the measuring side costs far less than the servers it measures), percentiles,
machine info, and writing one section of docs/benchmarks.md."""

from __future__ import annotations

import asyncio
import os
import platform
import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

_CONTENT = re.compile(rb'"content":"((?:[^"\\]|\\.)*)"')


@dataclass(slots=True)
class Timing:
    total_s: float
    first_token_s: float | None  # first SSE event with non-empty "content"
    tokens: int  # SSE events with non-empty "content"
    status: int
    chars: int = 0  # characters of content received (a proxy may merge chunks)


class RawClient:
    """One keep-alive connection; POSTs a JSON body and reads a content-length or
    chunked (SSE) response, timing the first content token."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._r: asyncio.StreamReader | None = None
        self._w: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._r is None or self._w is None:
            self._r, self._w = await asyncio.open_connection(self.host, self.port)
        return self._r, self._w

    async def close(self) -> None:
        if self._w is not None:
            self._w.close()
            await self._w.wait_closed()
        self._r = self._w = None

    async def post(self, path: str, body: bytes) -> Timing:
        r, w = await self._connect()
        head = (
            f"POST {path} HTTP/1.1\r\nhost: {self.host}:{self.port}\r\n"
            f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
        ).encode()
        started = time.perf_counter()
        w.write(head + body)
        status_line = await r.readline()
        status = int(status_line.split()[1])
        length, chunked = -1, False
        while (line := await r.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
        if not chunked:
            await r.readexactly(length)
            return Timing(time.perf_counter() - started, None, 0, status)
        first: float | None = None
        tokens = 0
        chars = 0
        while True:
            size = int((await r.readline()).split(b";")[0], 16)
            if size == 0:
                await r.readline()
                break
            data = await r.readexactly(size + 2)
            n = data.count(b'"content":"') - data.count(b'"content":""')
            if n > 0:
                tokens += n
                chars += sum(len(m) for m in _CONTENT.findall(data))
                if first is None:
                    first = time.perf_counter() - started
        return Timing(time.perf_counter() - started, first, tokens, status, chars)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def machine_info(packages: Sequence[str]) -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name in packages:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average at start {load}; "
        + ", ".join(versions)
    )


def write_section(path: Path, title: str, body: str) -> None:
    """Replace (or append) the ``## title`` section of a Markdown file, leaving the
    other sections as they are."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
