"""A Backend that calls any OpenAI-compatible engine server over HTTP.

vLLM, SGLang, llama.cpp's server, MLX servers and hosted endpoints all speak the
same chat-completions stream; their differences (where the reasoning goes, what
the queue metrics are called) are tables, not branches. The request is always
streamed upstream: the first-byte timeout, time-to-first-token and cancellation
then work the same for JSON and SSE clients.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
from pydantic import BaseModel, Field

from vlgate.backends.engine_metrics import parse_queue
from vlgate.backends.payload import build_payload
from vlgate.backends.sse import SSEDecoder
from vlgate.errors import InvalidRequest, UpstreamError, UpstreamTimeout
from vlgate.modes import Mode
from vlgate.types import (
    BackendEvent,
    Finish,
    GenerationRequest,
    LoadSnapshot,
    ReasoningDelta,
    TextDelta,
    Usage,
)

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
# Engines name the separated trace differently (FACTS.md); first match wins.
REASONING_FIELDS = ("reasoning_content", "reasoning")


class UpstreamSettings(BaseModel):
    url: str = Field(description="base URL of the OpenAI API, e.g. http://127.0.0.1:8001/v1")
    model: str | None = Field(None, description="model name to send; discovered if unset")
    name: str | None = Field(None, description="replica name in metrics and audit")
    api_key: str | None = None
    connect_timeout_s: float = 5.0
    first_byte_timeout_s: float = 120.0
    read_timeout_s: float = 60.0  # longest silence between two chunks
    total_timeout_s: float = 900.0
    metrics_url: str | None = None  # default: the server root + /metrics
    metrics_interval_s: float = 1.0
    metrics_max_age_s: float = 5.0  # older numbers are ignored (never hold a breaker open)
    concurrency_hint: int = 16  # batch slots, for the estimate without engine metrics
    max_connections: int = 512
    send_top_k: bool = True  # hosted OpenAI endpoints reject top_k


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

    def __init__(
        self,
        mode: Mode,
        settings: UpstreamSettings,
        *,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.mode = mode
        self.settings = settings
        base = settings.url.rstrip("/")
        self.name = settings.name or base
        self._chat_url = base + "/chat/completions"
        self._models_url = base + "/models"
        root = base[: -len("/v1")] if base.endswith("/v1") else base
        self._metrics_url = settings.metrics_url or root + "/metrics"
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_connections,
            ),
            timeout=httpx.Timeout(settings.read_timeout_s, connect=settings.connect_timeout_s),
        )
        self._headers = {"content-type": "application/json", "accept": "text/event-stream"}
        if settings.api_key:
            self._headers["authorization"] = f"Bearer {settings.api_key}"
        self._model = settings.model
        self._inflight = 0
        self._service_s: float | None = None
        self._queue: tuple[float, float, float] | None = None  # waiting, running, at
        self._healthy = True
        self._poller: asyncio.Task[None] | None = None

    # -- lifecycle -------------------------------------------------------------

    async def start(self) -> None:
        if self._model is None:
            await self._discover_model()
        self._poller = asyncio.create_task(self._poll_metrics(), name=f"metrics:{self.name}")

    async def aclose(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._own_client:
            await self._client.aclose()

    async def _discover_model(self) -> None:
        try:
            resp = await self._client.get(self._models_url, headers=self._headers, timeout=5.0)
            ids = [str(m["id"]) for m in resp.json().get("data") or []]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return  # retried lazily; the request then names the model "default"
        self._model = pick_model(ids, self.mode)

    async def _poll_metrics(self) -> None:
        interval = self.settings.metrics_interval_s
        while True:
            try:
                resp = await self._client.get(self._metrics_url, timeout=max(interval, 1.0))
                self._healthy = resp.status_code < 500
                reading = parse_queue(resp.text) if resp.status_code == 200 else None
                if reading is not None:
                    self._queue = (reading.waiting, reading.running, time.monotonic())
            except httpx.HTTPError:
                self._healthy = False
            await asyncio.sleep(interval)

    # -- Backend protocol ------------------------------------------------------

    def models(self) -> list[str]:
        return [self._model] if self._model else []

    async def ready(self) -> bool:
        try:
            resp = await self._client.get(self._models_url, headers=self._headers, timeout=2.0)
        except httpx.HTTPError:
            return False
        return resp.status_code == 200

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
        body = orjson.dumps(payload)
        started = time.monotonic()
        self._inflight += 1
        finished = False
        try:
            async for event in self._stream(body, request):
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

    def _timeouts(self, request: GenerationRequest) -> tuple[float, float]:
        total = self.settings.total_timeout_s
        if request.deadline is not None:
            total = min(total, request.deadline - time.monotonic())
        if total <= 0:
            raise UpstreamTimeout(
                "the request's deadline passed before it was sent", retryable=False
            )
        return min(self.settings.first_byte_timeout_s, total), total

    async def _stream(self, body: bytes, request: GenerationRequest) -> AsyncIterator[BackendEvent]:
        first_byte_s, total_s = self._timeouts(request)
        deadline = time.monotonic() + total_s
        sent = False
        try:
            req = self._client.build_request(
                "POST", self._chat_url, content=body, headers=self._headers
            )
            async with asyncio.timeout(first_byte_s):
                resp = await self._client.send(req, stream=True)
            try:
                if resp.status_code != 200:
                    raise await _status_error(resp, self.name)
                async for event in self._read(resp, first_byte_s, deadline):
                    sent = True
                    yield event
            finally:
                await resp.aclose()
        except TimeoutError:
            what = "the rest of the stream" if sent else "a first byte"
            raise UpstreamTimeout(
                f"{self.name} did not send {what} in time", retryable=not sent, sent_output=sent
            ) from None
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(
                f"{self.name} timed out: {type(exc).__name__}", retryable=not sent, sent_output=sent
            ) from None
        except httpx.HTTPError as exc:
            raise UpstreamError(
                f"{self.name} connection failed: {type(exc).__name__}: {exc}",
                retryable=not sent,
                sent_output=sent,
                code="upstream_connection",
            ) from None

    async def _read(
        self, resp: httpx.Response, first_byte_s: float, deadline: float
    ) -> AsyncIterator[BackendEvent]:
        """Decode the SSE body. Each read has its own timeout (never one spanning a
        ``yield``); the finish is held until the usage chunk or ``[DONE]``."""
        decoder = SSEDecoder()
        chunks = resp.aiter_raw()
        finish: Finish | None = None
        sent = False
        limit = first_byte_s
        while True:
            try:
                async with asyncio.timeout(min(limit, deadline - time.monotonic())):
                    raw = await anext(chunks)
            except StopAsyncIteration:
                payloads, done = decoder.close(), True
            else:
                payloads, done = decoder.feed(raw), False
                limit = self.settings.read_timeout_s
            for data in payloads:
                if data == b"[DONE]":
                    done = True
                    break
                for event in _events(data, self.name, sent):
                    if isinstance(event, Finish):
                        finish = _merge_finish(finish, event)
                    else:
                        sent = True
                        yield event
            if done or (finish is not None and finish.finish_reason and finish.usage):
                break
        if finish is None or not finish.finish_reason:
            raise UpstreamError(
                f"{self.name} closed the stream before it finished",
                retryable=not sent,
                sent_output=sent,
                code="upstream_incomplete",
            )
        yield finish


def _merge_finish(old: Finish | None, new: Finish) -> Finish:
    if old is None:
        return new
    return Finish(new.finish_reason or old.finish_reason, new.usage or old.usage)


async def _status_error(resp: httpx.Response, name: str) -> Exception:
    raw = await resp.aread()
    message = raw[:500].decode("utf-8", "replace")
    try:
        err = orjson.loads(raw).get("error")
        if isinstance(err, dict) and err.get("message"):
            message = str(err["message"])
        elif isinstance(err, str):
            message = err
    except (orjson.JSONDecodeError, AttributeError):
        pass
    status = resp.status_code
    if 400 <= status < 500 and status not in RETRYABLE_STATUS:
        return InvalidRequest(
            f"the engine rejected the request: {message}", code="upstream_rejected"
        )
    return UpstreamError(
        f"{name} answered {status}: {message}",
        retryable=status in RETRYABLE_STATUS,
        upstream_status=status,
        code=f"upstream_{status}",
    )


def _events(data: bytes, name: str, sent: bool) -> list[BackendEvent]:
    """One SSE data payload -> events (a [DONE] without a finish yields nothing)."""
    if data == b"[DONE]":
        return []
    try:
        obj: dict[str, Any] = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise UpstreamError(
            f"{name} sent a chunk that is not JSON", retryable=not sent, sent_output=sent
        ) from None
    if "error" in obj:
        err = obj["error"]
        msg = err.get("message") if isinstance(err, dict) else str(err)
        raise UpstreamError(
            f"{name} failed mid-stream: {msg}", retryable=not sent, sent_output=sent
        )
    events: list[BackendEvent] = []
    finish: str | None = None
    for choice in obj.get("choices") or ():
        delta = choice.get("delta") or {}
        for field in REASONING_FIELDS:
            text = delta.get(field)
            if text:
                events.append(ReasoningDelta(text))
                break
        content = delta.get("content")
        if content:
            events.append(TextDelta(content))
        finish = choice.get("finish_reason") or finish
    usage = obj.get("usage")
    if finish is not None or usage:
        # A usage-only chunk (vLLM sends it after the finish chunk) has an empty
        # reason; _merge_finish keeps the real one.
        events.append(Finish(finish or "", _usage(usage) if usage else None))
    return events


def _usage(u: dict[str, Any]) -> Usage:
    details = u.get("completion_tokens_details") or {}
    return Usage(
        prompt_tokens=int(u.get("prompt_tokens") or 0),
        completion_tokens=int(u.get("completion_tokens") or 0),
        reasoning_tokens=details.get("reasoning_tokens"),
    )
