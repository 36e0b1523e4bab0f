"""The load client: raw HTTP/1.1 over asyncio streams, kept-alive connections,
and an open-loop scheduler.

The client is deliberately thin (pre-built request bytes, no HTTP library) so that
on a 2-core box it costs less than the servers it measures; the suite reports its
CPU. The open-loop scheduler sends at wall-clock times fixed in advance and
measures each latency from the *scheduled* time, so a stalled server cannot slow
the arrivals down and hide its own queueing (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import orjson

from bench.peers.stats import StepResult

Clock = Callable[[], float]


class HttpError(RuntimeError):
    """A non-2xx status or a malformed response."""


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    path: str = "/v1/chat/completions"

    def request_bytes(self, body: bytes) -> bytes:
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nAuthorization: Bearer bench\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body


@dataclass
class StreamSample:
    """One streamed response: times in seconds from the send."""

    ttft: float = 0.0
    token_times: list[float] = field(default_factory=list)
    total: float = 0.0

    @property
    def gaps(self) -> list[float]:
        t = self.token_times
        return [b - a for a, b in itertools.pairwise(t)]


class SseTokens:
    """Sans-I/O: feed HTTP body bytes, get the number of content tokens they finish."""

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> int:
        self._buf += data
        *events, self._buf = self._buf.split(b"\n\n")
        return sum(self._count(e) for e in events)

    @staticmethod
    def _count(event: bytes) -> int:
        n = 0
        for line in event.split(b"\n"):
            payload = line[5:].strip() if line.startswith(b"data:") else b""
            if not payload or payload == b"[DONE]":
                continue
            msg = orjson.loads(payload)
            if "error" in msg:
                raise HttpError(f"error event: {msg['error']}")
            for choice in msg.get("choices") or ():
                if (choice.get("delta") or {}).get("content"):
                    n += 1
        return n


class Connection:
    """One kept-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.reusable = True

    @classmethod
    async def open(cls, ep: Endpoint) -> Connection:
        reader, writer = await asyncio.open_connection(ep.host, ep.port, limit=1 << 22)
        return cls(reader, writer)

    def close(self) -> None:
        self.writer.close()

    async def aclose(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()

    async def exchange(
        self, raw: bytes, on_data: Callable[[bytes], None] | None = None
    ) -> tuple[int, bytes]:
        """Send one request, read the whole response; ``on_data`` sees body pieces."""
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        if headers.get("connection") == "close":
            self.reusable = False
        if headers.get("transfer-encoding") == "chunked":
            body = await self._chunked(on_data)
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
            if on_data is not None:
                on_data(body)
        return status, body

    async def _chunked(self, on_data: Callable[[bytes], None] | None) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while (await self.reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return b"".join(parts) if on_data is None else b""
            data = (await self.reader.readexactly(size + 2))[:-2]
            if on_data is None:
                parts.append(data)
            else:
                on_data(data)


class Client:
    """A pool of connections to one endpoint; at most ``limit`` in flight."""

    def __init__(self, ep: Endpoint, limit: int = 512) -> None:
        self.ep = ep
        self._idle: list[Connection] = []
        self._slots = asyncio.Semaphore(limit)

    async def _call(self, raw: bytes, on_data: Callable[[bytes], None] | None) -> bytes:
        async with self._slots:
            while True:
                stale = bool(self._idle)  # an idle connection the server may have closed
                conn = self._idle.pop() if stale else await Connection.open(self.ep)
                try:
                    status, body = await conn.exchange(raw, on_data)
                except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError) as exc:
                    conn.close()
                    if stale and not getattr(exc, "partial", b""):
                        continue  # closed while idle, nothing received: resend on a new one
                    raise
                except BaseException:
                    conn.close()
                    raise
                break
            if conn.reusable:
                self._idle.append(conn)
            else:
                conn.close()
        if not 200 <= status < 300:
            raise HttpError(f"HTTP {status}: {body[:200]!r}")
        return body

    async def call(self, raw: bytes) -> bytes:
        return await self._call(raw, None)

    async def stream(self, raw: bytes, clock: Clock = time.perf_counter) -> StreamSample:
        sample, parser = StreamSample(), SseTokens()
        start = clock()

        def on_data(data: bytes) -> None:
            now = clock() - start
            sample.token_times.extend([now] * parser.feed(data))

        await self._call(raw, on_data)
        sample.total = clock() - start
        if not sample.token_times:
            raise HttpError("stream carried no content token")
        sample.ttft = sample.token_times[0]
        return sample

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        await asyncio.gather(*(conn.aclose() for conn in idle))


async def sequential(send: Callable[[], Awaitable[object]], n: int) -> list[float]:
    """``n`` requests one after another (one client); each latency in seconds."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        await send()
        out.append(time.perf_counter() - start)
    return out


async def open_loop(
    send: Callable[[], Awaitable[object]],
    rate: float,
    duration_s: float,
    *,
    clock: Clock = time.perf_counter,
    grace_s: float = 5.0,
) -> StepResult:
    """Send at ``rate``/s for ``duration_s`` on a fixed schedule.

    Request i is due at ``t0 + i / rate`` whatever happened to earlier ones; its
    latency runs from that due time to its completion. Requests still running
    ``grace_s`` after the last due time are cancelled and counted as errors.
    """
    count = max(1, round(rate * duration_s))
    latencies: list[float] = []
    errors = 0

    async def one(due: float) -> None:
        nonlocal errors
        try:
            await send()
        except Exception:
            errors += 1
            return
        latencies.append(clock() - due)

    tasks = []
    t0 = clock()
    for i in range(count):
        due = t0 + i / rate
        delay = due - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    _, pending = await asyncio.wait(tasks, timeout=grace_s) if tasks else (set(), set())
    for task in pending:
        task.cancel()
    errors += len(pending)
    await asyncio.gather(*pending, return_exceptions=True)
    return StepResult(rate, duration_s, tuple(latencies), errors)
