"""``create_app(settings)``: the gateway as an ASGI app. No work at import; every
resource (HTTP clients, engines, metric pollers) opens in the lifespan."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from vlgate import __version__
from vlgate.audit.api import traces_router
from vlgate.audit.store import AuditStore
from vlgate.audit.writer import AuditWriter
from vlgate.backends.base import Backend
from vlgate.backends.pool import Pool
from vlgate.backends.registry import build_replicas
from vlgate.config import Settings
from vlgate.errors import AuthenticationFailed, InvalidRequest, VlgateError
from vlgate.limits.registry import make_limiter
from vlgate.media.loader import MediaLoader
from vlgate.modes import Mode
from vlgate.protocol import ChatCompletionRequest, ChatCompletionResponse, ErrorResponse
from vlgate.routing.breaker import BreakerState
from vlgate.routing.router import Router
from vlgate.server.audit_tap import AuditTap
from vlgate.server.chat import ChatService
from vlgate.server.guarding import GuardTap
from vlgate.server.metrics import GatewayMetrics
from vlgate.server.turn import Turn, request_id_from

log = logging.getLogger("vlgate.server")

_BREAKER_VALUE = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}
BackendFactory = Callable[[Settings], Mapping[Mode, Sequence[Backend]]]


def error_response(exc: VlgateError, request_id: str | None = None) -> Response:
    headers = dict(exc.headers)
    if request_id:
        headers["x-request-id"] = request_id
    return Response(
        orjson.dumps(exc.to_dict()),
        status_code=exc.status_code,
        media_type="application/json",
        headers=headers,
    )


class Gateway:
    """The live state of one gateway process, built in the lifespan."""

    def __init__(
        self,
        settings: Settings,
        backends: Mapping[Mode, Sequence[Backend]],
        audit_store: AuditStore | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = GatewayMetrics()
        self.pools: dict[Mode, Pool] = {}
        for mode, replicas in backends.items():
            if replicas:
                self.pools[mode] = Pool(
                    mode,
                    replicas,
                    settings.pool,
                    default_service_s=settings.routing.initial_service_s[mode],
                    on_retry=self._count_retry(mode),
                )
        if not self.pools:
            raise ValueError(
                "no backend configured: give --instruct-url/--thinking-url, --demo, or a config file"
            )
        self.router = Router(settings.routing, self.pools)
        self.guard = GuardTap(settings.guard) if settings.guard.enabled else None
        self.limiter = make_limiter(settings.limits) if _has_limits(settings) else None
        self.audit_store = audit_store
        self.audit_writer: AuditWriter | None = None
        audit: AuditTap | None = None
        if audit_store is not None:
            redactor = None
            if self.guard is not None and settings.guard.pii.enabled:
                # "redacted" audit postures use the guard layer's PII engine.
                redactor = self.guard.guards.redactor("audit")
            self.audit_writer = AuditWriter(
                audit_store,
                settings.audit,
                instance_id=instance_id(settings),
                registry=self.metrics.registry,
                redactor=redactor,
            )
            audit = AuditTap(self.audit_writer, settings.audit.postures.resolve)
        self.http = httpx.AsyncClient(follow_redirects=False)
        self.loader = MediaLoader(settings.media, self.http)
        self.accepting = True
        self.served: dict[str, Mode] = {n: Mode(m) for n, m in settings.models.items()}
        self.service = ChatService(
            settings,
            self.router,
            self.pools,
            self.loader,
            self.metrics,
            self.served,
            audit,
            self.guard,
            self.limiter,
        )

    def _count_retry(self, mode: Mode) -> Callable[[str, Exception], None]:
        counter = self.metrics.retries.labels(mode.value)
        return lambda name, exc: counter.inc()

    async def start(self) -> None:
        if self.audit_store is not None and self.audit_writer is not None:
            await asyncio.to_thread(self.audit_store.migrate)
            report = await asyncio.to_thread(self.audit_writer.start)
            if report.replayed or report.interrupted:
                log.warning(
                    "audit recovery: %d journal entries replayed, %d records marked interrupted",
                    report.replayed,
                    report.interrupted,
                )
        for pool in self.pools.values():
            await pool.start()
        for mode, pool in self.pools.items():
            for name in pool.models():
                self.served.setdefault(name, mode)

    async def aclose(self) -> None:
        self.accepting = False
        for pool in self.pools.values():
            await pool.aclose()
        await self.http.aclose()
        if self.limiter is not None:
            await self.limiter.aclose()
        if self.audit_writer is not None:
            await self.audit_writer.aclose(self.settings.server.graceful_timeout_s)
        if self.audit_store is not None:
            self.audit_store.close()

    def admin(self, request: Request) -> None:
        """Reading traces: admin keys when configured, else any API key, else open."""
        allowed = self.settings.server.admin_keys or list(self.settings.server.api_keys)
        if not allowed:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token.strip() not in allowed:
            raise AuthenticationFailed(
                "reading traces needs an admin API key", code="invalid_api_key"
            )

    def tenant_of(self, request: Request) -> str:
        keys = self.settings.server.api_keys
        if not keys:
            return request.headers.get("x-vlgate-tenant") or "default"
        auth = request.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        tenant = keys.get(token.strip()) if scheme.lower() == "bearer" else None
        if tenant is None:
            raise AuthenticationFailed(
                "missing or invalid API key (Authorization: Bearer <key>)", code="invalid_api_key"
            )
        return tenant


async def exchange(gw: Gateway, turn: Turn, request_id: str) -> Response:
    """Call the engine and answer: a streamed response once the first event is in,
    or the whole JSON body."""
    try:
        first, rest = await gw.service.start(turn)
    except VlgateError as exc:
        gw.service.fail(turn, exc)
        return error_response(exc, request_id)
    except asyncio.CancelledError:
        gw.service.cancelled(turn)  # the client left while the engine started
        raise
    if turn.req.stream:
        return gw.service.respond_sse(turn, first, rest)
    try:
        return await gw.service.respond_json(turn, first, rest)
    except VlgateError as exc:
        return error_response(exc, request_id)


async def until_disconnect(request: Request, work: Awaitable[Response]) -> Response:
    """Run ``work``; if the client disconnects first, cancel it (closing the engine
    connection stops the generation) and answer 499 to nobody."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        done, _ = await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        watcher.cancel()
    if task in done:
        return task.result()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return Response(status_code=499)


async def _disconnected(request: Request) -> None:
    # The body has been read, so the next ASGI message is the disconnect.
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _has_limits(settings: Settings) -> bool:
    limits = settings.limits
    return any(t.rate or t.budget for t in (limits.default, *limits.tenants.values()))


def instance_id(settings: Settings) -> str:
    """Stable across restarts of the same deployment slot, so a restarted process
    recovers its own audit journal and marks its own open records interrupted."""
    return settings.server.instance_id or f"{socket.gethostname()}-{settings.server.port}"


def create_app(
    settings: Settings,
    *,
    backends: BackendFactory | None = None,
    extra_metrics: Callable[[], str] | None = None,
) -> FastAPI:
    """The gateway app. ``backends`` replaces building them from settings (tests,
    the embedded engine); ``extra_metrics`` appends Prometheus text to /metrics."""
    state: dict[str, Gateway] = {}
    # The store object is lazy (no connection until the lifespan migrates it); it is
    # made here because the trace-reading routes are mounted at construction.
    store = (
        AuditStore.from_dsn(
            settings.audit.dsn, fsync=settings.audit.fsync, pool_size=settings.audit.pool_size
        )
        if settings.audit.enabled
        else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        built = (backends or build_replicas)(settings)
        gw = Gateway(settings, built, store)
        await gw.start()
        state["gw"] = gw
        app.state.gateway = gw
        try:
            yield
        finally:
            await gw.aclose()

    app = FastAPI(
        title="vlgate",
        version=__version__,
        description="OpenAI-compatible gateway routing between Qwen3-VL Instruct and Thinking",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )

    if store is not None:
        app.include_router(traces_router(store, auth=lambda request: state["gw"].admin(request)))

    @app.exception_handler(VlgateError)
    async def _vlgate_error(request: Request, exc: VlgateError) -> Response:
        return error_response(exc, request.headers.get("x-request-id"))

    @app.exception_handler(RequestValidationError)
    async def _bad_params(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        return error_response(
            InvalidRequest(f"{where}: {first.get('msg', 'invalid')}", param=where),
            request.headers.get("x-request-id"),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        err = VlgateError(str(exc.detail), code=str(exc.status_code))
        err.status_code = exc.status_code
        err.error_type = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        return error_response(err)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(VlgateError("internal error; the request id is in the logs"))

    @app.post(
        "/v1/chat/completions",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/ChatCompletionRequest"}
                    }
                },
            }
        },
        responses={
            200: {
                "model": ChatCompletionResponse,
                "content": {
                    "text/event-stream": {
                        "schema": {"description": "chat.completion.chunk objects, then [DONE]"}
                    }
                },
                "description": "the completion (JSON), or chat.completion.chunk events (SSE)",
            },
            **{code: {"model": ErrorResponse, "description": why} for code, why in _ERRORS.items()},
        },
    )
    async def chat_completions(request: Request) -> Response:
        gw = state["gw"]
        request_id = request_id_from(request.headers)
        received = time.time()
        try:
            tenant = gw.tenant_of(request)
        except VlgateError as exc:
            return error_response(exc, request_id)
        try:
            turn = await gw.service.prepare(request, tenant, request_id)
        except VlgateError as exc:
            gw.metrics.bad_requests.labels(exc.code or exc.error_type).inc()
            if gw.service.audit is not None:
                gw.service.audit.reject(request_id, tenant, exc, received)
            return error_response(exc, request_id)
        try:
            if gw.service.audit is not None:
                gw.service.audit.open(turn)  # fail-closed: a 503 before any work
        except VlgateError as exc:
            return error_response(exc, request_id)
        # Until a response starts, a client that goes away cancels the engine's work
        # (an SSE response watches for it itself once it has started).
        return await until_disconnect(request, exchange(gw, turn, request_id))

    @app.get("/v1/models")
    async def list_models() -> Response:
        gw = state["gw"]
        data: list[dict[str, Any]] = [
            {"id": "auto", "object": "model", "owned_by": "vlgate"},
            *({"id": m.value, "object": "model", "owned_by": "vlgate"} for m in gw.pools),
            *(
                {"id": name, "object": "model", "owned_by": "vlgate", "mode": mode.value}
                for name, mode in sorted(gw.served.items())
            ),
        ]
        return Response(
            orjson.dumps({"object": "list", "data": data}), media_type="application/json"
        )

    @app.get("/healthz")
    async def healthz() -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    @app.get("/readyz")
    async def readyz() -> Response:
        gw = state.get("gw")
        modes = {m.value: await p.ready() for m, p in gw.pools.items()} if gw else {}
        ok = bool(gw and gw.accepting and any(modes.values()))
        body = {"status": "ready" if ok else "not_ready", "modes": modes}
        return Response(
            orjson.dumps(body), status_code=200 if ok else 503, media_type="application/json"
        )

    @app.get("/metrics")
    async def metrics() -> Response:
        gw = state["gw"]
        for mode in gw.pools:
            gw.metrics.breaker_state.labels(mode.value).set(
                _BREAKER_VALUE[gw.router.breaker_state(mode)]
            )
            expected = gw.router.expected_s(mode)
            if expected is not None:
                gw.metrics.expected_latency.labels(mode.value).set(expected)
        body = generate_latest(gw.metrics.registry)
        if extra_metrics is not None:
            body += extra_metrics().encode()
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            body = ChatCompletionRequest.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(body.pop("$defs", {}))
            schemas["ChatCompletionRequest"] = body
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


_ERRORS = {
    400: "invalid request: the error names the field in param",
    401: "missing or invalid API key",
    404: "unknown model",
    429: "rate limit or budget exceeded (Retry-After)",
    502: "the engine failed",
    503: "no replica available, or the audit store refuses (fail-closed)",
    504: "the engine timed out",
}
