"""The read API and the review page's files, on a tiny app built inline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from vlgate.audit.api import traces_router
from vlgate.audit.record import FINAL_VERSION, AuditRecord, RecordStatus
from vlgate.audit.store import AuditStore
from vlgate.errors import AuthenticationFailed, VlgateError

KEY = "test-key"
T0 = 1_700_000_000.0


def make_app(store: AuditStore) -> FastAPI:
    def auth(request: Request) -> None:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            raise AuthenticationFailed("invalid API key")

    app = FastAPI()
    app.include_router(traces_router(store, auth=auth))

    @app.exception_handler(VlgateError)
    async def _err(_request: Request, exc: VlgateError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=exc.headers)

    return app


def seed(store: AuditStore, n: int = 12) -> None:
    store.upsert_batch(
        [
            AuditRecord(
                f"req-{i:02d}",
                received_at=T0 + i * 60,
                tenant="acme" if i % 2 else "globex",
                decided_mode="thinking" if i % 3 == 0 else "instruct",
                task_class="chart",
                status=RecordStatus.COMPLETED,
                answer=f"the answer is {i}",
                reasoning=f"step {i}",
                ab_label="A" if i < 6 else "B",
                version=FINAL_VERSION,
            )
            for i in range(n)
        ]
    )


@pytest.fixture
def client(store: AuditStore) -> Iterator[TestClient]:
    seed(store)
    with TestClient(make_app(store), headers={"Authorization": f"Bearer {KEY}"}) as c:
        yield c


def test_auth_is_required(client: TestClient) -> None:
    r = client.get("/v1/traces", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    assert r.json()["error"]["type"] == "authentication_error"
    assert client.get("/v1/traces/req-01", headers={"Authorization": ""}).status_code == 401


def test_list_filters_and_pages(client: TestClient) -> None:
    r = client.get("/v1/traces", params={"mode": "thinking", "limit": 3})
    body = r.json()
    assert r.status_code == 200 and body["object"] == "list"
    assert [d["request_id"] for d in body["data"]] == ["req-09", "req-06", "req-03"]
    assert body["has_more"] is True
    assert "answer" not in body["data"][0] and "reasoning" not in body["data"][0]
    nxt = client.get(
        "/v1/traces", params={"mode": "thinking", "limit": 3, "after": body["next_cursor"]}
    )
    assert [d["request_id"] for d in nxt.json()["data"]] == ["req-00"]
    assert nxt.json()["has_more"] is False


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"tenant": "acme", "label": "A"}, ["req-05", "req-03", "req-01"]),
        ({"q": "answer is 7"}, ["req-07"]),
        ({"since": str(T0 + 600), "until": "2023-11-14T22:25:00Z"}, ["req-11", "req-10"]),
        ({"status": "failed"}, []),
    ],
)
def test_list_filter_params(client: TestClient, params: dict[str, str], ids: list[str]) -> None:
    r = client.get("/v1/traces", params=params)
    assert [d["request_id"] for d in r.json()["data"]] == ids


@pytest.mark.parametrize(
    ("params", "param"),
    [({"limit": "0"}, "limit"), ({"status": "nope"}, "status"), ({"since": "yesterday"}, "since"),
     ({"after": "!!"}, "after")],
)  # fmt: skip
def test_bad_filters_name_the_parameter(
    client: TestClient, params: dict[str, str], param: str
) -> None:
    r = client.get("/v1/traces", params=params)
    assert r.status_code == 400
    assert r.json()["error"]["param"] == param


def test_get_one_and_404(client: TestClient) -> None:
    r = client.get("/v1/traces/req-04")
    assert r.status_code == 200
    body = r.json()
    assert (body["object"], body["answer"], body["reasoning"]) == (
        "trace",
        "the answer is 4",
        "step 4",
    )
    missing = client.get("/v1/traces/nope")
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "message": "no audit record for request 'nope'",
        "type": "not_found_error",
        "param": "request_id",
        "code": None,
    }


def test_ui_is_self_contained(client: TestClient) -> None:
    page = client.get("/ui", headers={"Authorization": ""})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    for asset, kind in (("app.js", "javascript"), ("app.css", "css")):
        r = client.get(f"/ui/{asset}")
        assert r.status_code == 200 and kind in r.headers["content-type"]
        assert "https://" not in r.text
    assert client.get("/ui/secrets.txt").status_code == 404
    assert "innerHTML" not in client.get("/ui/app.js").text
