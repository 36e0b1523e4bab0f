"""A Backend that calls any OpenAI-compatible engine server over HTTP.

vLLM, SGLang, llama.cpp's server, MLX servers and hosted endpoints all speak the
same chat-completions wire; their differences (where the reasoning goes, what the
queue metrics are called) are tables in ``openai_wire`` and ``engine_metrics``.

The transport is aiohttp (its C HTTP parser costs a fraction of a pure-Python
client per request). Connections are kept alive and reused: a response is always
read to its end before it is released. A client that streams is streamed to;
a client that wants one JSON body gets the engine's one JSON body.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import orjson
from pydantic import BaseModel, Field

from vlgate.backends.engine_metrics import parse_queue
from vlgate.backends.openai_wire import chunk_events, merge_finish, status_error, whole_events
from vlgate.backends.payload import build_payload
from vlgate.backends.sse import SSEDecoder
from vlgate.errors import UpstreamError, UpstreamTimeout
from vlgate.modes import Mode
from vlgate.types import BackendEvent, Finish, GenerationRequest, LoadSnapshot


class UpstreamSettings(BaseModel):
    url: str = Field(description="base URL of the OpenAI API, e.g. http://127.0.0.1:8001/v1")
    model: str | None = Field(None, description="model name to send; discovered if unset")
    name: str | None = Field(None, description="replica name in metrics and audit")
    api_key: str | None = None
    connect_timeout_s: float = 5.0
    first_byte_timeout_s: float = 120.0  # streamed: until the first chunk
    read_timeout_s: float = 60.0  # longest silence between two chunks
    total_timeout_s: float = 900.0  # whole request, and a non-streamed one's only limit
    metrics_url: str | None = None  # default: the server root + /metrics
    metrics_interval_s: float = 1.0
    metrics_max_age_s: float = 5.0  # older numbers are ignored (never hold a breaker open)
    concurrency_hint: int = 16  # batch slots, for the estimate without engine metrics
    max_connections: int = 512
    send_top_k: bool = True  # hosted OpenAI endpoints reject top_k
    stream_always: bool = Field(
        False,
        description="stream from the engine for JSON clients too: a stalled engine is then "
        "caught within first_byte_timeout_s rather than total_timeout_s, for more CPU per request",
    )


_ALIASES = {"auto", "default", "vlgate", "instruct", "thinking"}


def pick_model(ids: list[str], mode: Mode) -> str | None:
    """The served model for ``mode``: vLLM serves one; a server that serves several
    (another vlgate, a hosted endpoint) is asked for the one whose id names the mode."""
    real = [i for i in ids if i.lower() not in _ALIASES]
    for model_id in real:
        if mode.value in model_id.lower():
            return model_id
    return real[0] if real else (ids[0] if ids else None)


class UpstreamBackend:
    """One engine replica for one mode."""

    def __init__(self, mode: Mode, settings: UpstreamSettings) -> None:
        self.mode = mode
        self.settings = settings
        base = settings.url.rstrip("/")
        self.name = settings.name or base
        self._chat_url = base + "/chat/completions"
        self._models_url = base + "/models"
        root = base[: -len("/v1")] if base.endswith("/v1") else base
        self._metrics_url = settings.metrics_url or root + "/metrics"
        self._session: aiohttp.ClientSession | None = None
        self._headers = {"content-type": "application/json"}
        if settings.api_key:
            self._headers["authorization"] = f"Bearer {settings.api_key}"
        self._model = settings.model
        self._inflight = 0
        self._service_s: float | None = None
        self._queue: tuple[float, float, float] | None = None  # waiting, running, at
        self._healthy = True
        self._poller: asyncio.Task[None] | None = None

    # -- lifecycle -------------------------------------------------------------

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.settings.max_connections,
                limit_per_host=self.settings.max_connections,
                keepalive_timeout=30,
                ttl_dns_cache=60,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=self.settings.connect_timeout_s
                ),
                json_serialize=lambda o: orjson.dumps(o).decode(),
                auto_decompress=False,
            )
        return self._session

    async def start(self) -> None:
        if self._model is None:
            await self._discover_model()
        self._poller = asyncio.create_task(self._poll_metrics(), name=f"metrics:{self.name}")

    async def aclose(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _get(self, url: str, limit_s: float) -> tuple[int, bytes]:
        async with self.session.get(
            url, headers=self._headers, timeout=aiohttp.ClientTimeout(total=limit_s)
        ) as resp:
            return resp.status, await resp.read()

    async def _discover_model(self) -> None:
        try:
            _, raw = await self._get(self._models_url, 5.0)
            ids = [str(m["id"]) for m in orjson.loads(raw).get("data") or []]
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError, AttributeError):
            return  # retried lazily; the request then names the model "default"
        self._model = pick_model(ids, self.mode)

    async def _poll_metrics(self) -> None:
        interval = self.settings.metrics_interval_s
        while True:
            try:
                status, raw = await self._get(self._metrics_url, max(interval, 1.0))
                self._healthy = status < 500
                reading = parse_queue(raw.decode("utf-8", "replace")) if status == 200 else None
                if reading is not None:
                    self._queue = (reading.waiting, reading.running, time.monotonic())
            except (aiohttp.ClientError, TimeoutError):
                self._healthy = False
            await asyncio.sleep(interval)

    # -- Backend protocol ------------------------------------------------------

    def models(self) -> list[str]:
        return [self._model] if self._model else []

    async def ready(self) -> bool:
        try:
            status, _ = await self._get(self._models_url, 2.0)
        except (aiohttp.ClientError, TimeoutError):
            return False
        return status == 200

    def load(self) -> LoadSnapshot:
        q = self._queue
        now = time.monotonic()
        if q is not None and now - q[2] <= self.settings.metrics_max_age_s:
            return LoadSnapshot(
                int(q[0]), int(q[1]), self._service_s, now - q[2], "engine_metrics", self._healthy
            )
        hint = self.settings.concurrency_hint
        return LoadSnapshot(
            max(0, self._inflight - hint),
            min(self._inflight, hint),
            self._service_s,
            0.0,
            "inflight",
            self._healthy,
        )

    async def stream(self, request: GenerationRequest) -> AsyncIterator[BackendEvent]:
        if self._model is None:
            await self._discover_model()
        payload = build_payload(
            request, self._model or "default", send_top_k=self.settings.send_top_k
        )
        streamed = request.stream or self.settings.stream_always
        if not streamed:
            payload["stream"] = False
            payload.pop("stream_options", None)
        body = orjson.dumps(payload)
        started = time.monotonic()
        self._inflight += 1
        finished = False
        try:
            async for event in self._exchange(body, request, streamed):
                if isinstance(event, Finish):
                    finished = True
                yield event
        finally:
            self._inflight -= 1
            if finished:
                took = time.monotonic() - started
                prev = self._service_s
                self._service_s = took if prev is None else 0.8 * prev + 0.2 * took

    # -- the exchange ----------------------------------------------------------

    def _deadline(self, request: GenerationRequest) -> float:
        total = self.settings.total_timeout_s
        if request.deadline is not None:
            total = min(total, request.deadline - time.monotonic())
        if total <= 0:
            raise UpstreamTimeout("the request's deadline passed before it was sent")
        return time.monotonic() + total

    async def _exchange(
        self, body: bytes, request: GenerationRequest, streamed: bool
    ) -> AsyncIterator[BackendEvent]:
        deadline = self._deadline(request)
        # A streamed reply must start within first_byte_timeout_s; a whole one may
        # take the whole generation.
        first_s = self.settings.first_byte_timeout_s if streamed else float("inf")
        sent = False
        try:
            async with asyncio.timeout(min(first_s, deadline - time.monotonic())):
                resp = await self.session.post(self._chat_url, data=body, headers=self._headers)
            try:
                if resp.status != 200:
                    async with asyncio.timeout(max(0.1, min(10.0, deadline - time.monotonic()))):
                        raw = await resp.read()
                    raise status_error(resp.status, raw, self.name)
                if streamed:
                    async for event in self._read_stream(resp, first_s, deadline):
                        sent = True
                        yield event
                else:
                    async with asyncio.timeout(deadline - time.monotonic()):
                        raw = await resp.read()
                    for event in whole_events(raw, self.name):
                        yield event
            finally:
                resp.release()  # back to the pool when read to the end, else closed
        except TimeoutError:
            what = "the rest of the stream" if sent else "a first byte"
            raise UpstreamTimeout(
                f"{self.name} did not send {what} in time", retryable=not sent, sent_output=sent
            ) from None
        except aiohttp.ClientError as exc:
            raise UpstreamError(
                f"{self.name} connection failed: {type(exc).__name__}: {exc}",
                retryable=not sent,
                sent_output=sent,
                code="upstream_connection",
            ) from None

    async def _read_stream(
        self, resp: aiohttp.ClientResponse, first_s: float, deadline: float
    ) -> AsyncIterator[BackendEvent]:
        """Decode the SSE body. Each read has its own timeout (never one spanning a
        ``yield``); the finish is held until the usage chunk or ``[DONE]``, and the
        body is read to its end so the connection can be reused."""
        decoder = SSEDecoder()
        content = resp.content
        finish: Finish | None = None
        sent = False
        limit = first_s
        done = False
        while not done:
            async with asyncio.timeout(min(limit, deadline - time.monotonic())):
                raw = await content.readany()
            limit = self.settings.read_timeout_s
            payloads = decoder.feed(raw) if raw else decoder.close()
            done = not raw
            for data in payloads:
                if data == b"[DONE]":
                    done = True
                    break
                for event in chunk_events(data, self.name, sent):
                    if isinstance(event, Finish):
                        finish = merge_finish(finish, event)
                    else:
                        sent = True
                        yield event
        if finish is None or not finish.finish_reason:
            raise UpstreamError(
                f"{self.name} closed the stream before it finished",
                retryable=not sent,
                sent_output=sent,
                code="upstream_incomplete",
            )
        if not content.at_eof():  # the chunked terminator after [DONE]
            try:
                async with asyncio.timeout(max(0.05, min(1.0, deadline - time.monotonic()))):
                    await content.read()
            except (TimeoutError, aiohttp.ClientError):
                pass  # finished all the same; this connection just won't be reused
        yield finish
