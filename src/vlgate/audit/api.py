"""The read side over HTTP: ``GET /v1/traces``, ``GET /v1/traces/{id}`` and the
review page ``/ui`` (plain HTML/CSS/JS shipped in ``audit/ui``, no build, no CDN).

The JSON endpoints run ``auth(request)`` first (it raises ``AuthenticationFailed``
or ``PermissionDenied``); errors are ``vlgate.errors`` exceptions that the
server's one handler renders as OpenAI error JSON. The page's files carry no
data and are served without auth; the page calls the API with the key the
reviewer types in.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from vlgate.audit.record import AuditRecord, RecordStatus
from vlgate.audit.store import AuditStore, TraceFilter
from vlgate.audit.timeparse import parse_time
from vlgate.errors import InvalidRequest, NotFound

MAX_LIMIT = 500
_ASSETS = {"app.js": "text/javascript", "app.css": "text/css"}
_LIST_DROP = ("answer", "reasoning", "images", "input_digest")


def _ui_file(name: str) -> bytes:
    return resources.files("vlgate.audit").joinpath("ui", name).read_bytes()


def summary_json(record: AuditRecord) -> dict[str, Any]:
    d = record.to_json()
    for key in _LIST_DROP:
        d.pop(key, None)
    return d


def _filters(
    since: str | None,
    until: str | None,
    mode: str | None,
    task: str | None,
    tenant: str | None,
    status: str | None,
    q: str | None,
    label: str | None,
) -> TraceFilter:
    if status and status not in {s.value for s in RecordStatus}:
        allowed = ", ".join(s.value for s in RecordStatus)
        raise InvalidRequest(f"status must be one of {allowed}", param="status")
    return TraceFilter(
        since=parse_time(since, "since"),
        until=parse_time(until, "until"),
        mode=mode or None,
        task=task or None,
        tenant=tenant or None,
        status=status or None,
        label=label or None,
        q=q or None,
    )


def traces_router(store: AuditStore, *, auth: Callable[[Request], None]) -> APIRouter:
    def _auth(request: Request) -> None:
        auth(request)

    router = APIRouter()
    secured = [Depends(_auth)]

    @router.get("/v1/traces", dependencies=secured)
    def list_traces(
        since: str | None = None,
        until: str | None = None,
        mode: str | None = None,
        task: str | None = None,
        tenant: str | None = None,
        status: str | None = None,
        q: str | None = None,
        label: str | None = None,
        limit: int = 50,
        after: str | None = None,
    ) -> dict[str, Any]:
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidRequest(f"limit must be between 1 and {MAX_LIMIT}", param="limit")
        flt = _filters(since, until, mode, task, tenant, status, q, label)
        page = store.list(flt, limit=limit, after=after or None)
        return {
            "object": "list",
            "data": [summary_json(r) for r in page.records],
            "has_more": page.next_cursor is not None,
            "next_cursor": page.next_cursor,
        }

    @router.get("/v1/traces/{request_id}", dependencies=secured)
    def get_trace(request_id: str) -> dict[str, Any]:
        record = store.get(request_id)
        if record is None:
            raise NotFound(f"no audit record for request {request_id!r}", param="request_id")
        return {"object": "trace", **record.to_json()}

    @router.get("/ui", include_in_schema=False)
    def ui_page() -> HTMLResponse:
        return HTMLResponse(_ui_file("index.html"), headers={**_NO_STORE, **_CSP})

    @router.get("/ui/{asset}", include_in_schema=False)
    def ui_asset(asset: str) -> Response:
        if asset not in _ASSETS:
            raise NotFound(f"no such page asset {asset!r}", param="asset")
        return Response(_ui_file(asset), media_type=_ASSETS[asset], headers=_NO_STORE)

    return router


_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
# Record text is untrusted (model output): the page only runs its own script.
_CSP = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'"
}
