"""Schemathesis against vlgate's own OpenAPI schema, through a running gateway:
no 5xx for anything generated (valid and invalid bodies and parameters), and
responses valid against the schema where it declares one.

``VLGATE_FUZZ_SCALE`` multiplies the examples (default 1: 200 chat bodies, 50 per
trace operation, one per parameterless GET, about 300 in all); the bench run
uses a larger scale.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from vlgate.config import load_settings
from vlgate.server.app import create_app
from vlgate.testing.fake_engine import THINKING_REPLY, FakeEngine
from vlgate.testing.servers import ThreadedServer

SCALE = float(os.environ.get("VLGATE_FUZZ_SCALE", "1"))
# operation -> examples (parameterless GETs have one distinct request)
OPERATIONS = {
    ("POST", "/v1/chat/completions"): 200,
    ("GET", "/v1/models"): 1,
    ("GET", "/healthz"): 1,
    ("GET", "/readyz"): 1,
    ("GET", "/metrics"): 1,
    ("GET", "/v1/traces"): 50,
    ("GET", "/v1/traces/{request_id}"): 50,
}


def hoist_defs(doc: dict[str, Any]) -> dict[str, Any]:
    """Work around app.py inlining a pydantic schema whose ``$ref``s point at its own
    ``#/$defs/...``: in an OpenAPI document those resolve against the root, where
    there is no ``$defs``. Move them to ``components/schemas`` and rewrite the refs."""
    doc = copy.deepcopy(doc)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            for name, sub in node.pop("$defs", {}).items():
                schemas.setdefault(name, walk(sub))
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                node["$ref"] = "#/components/schemas/" + ref.removeprefix("#/$defs/")
            for key, value in node.items():
                node[key] = walk(value)
        elif isinstance(node, list):
            return [walk(x) for x in node]
        return node

    walk(doc["paths"])
    return doc


def pin_models(doc: dict[str, Any], served: list[str]) -> None:
    """Generate known model names for valid bodies (a random name is a 404 before any
    other field is looked at); invalid bodies still get arbitrary ones."""
    body = doc["paths"]["/v1/chat/completions"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    schema["properties"]["model"] = {"type": "string", "enum": served}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    ins = FakeEngine(model="qwen-instruct").start()
    thk = FakeEngine(model="qwen-thinking", reply=THINKING_REPLY).start()
    cfg = load_settings(
        overrides={
            "instruct": [{"url": ins.url}],
            "thinking": [{"url": thk.url}],
            # No remote fetches: generated URLs would wait on DNS with no network.
            "media": {"allowed_schemes": ["data"]},
            "audit": {"dsn": f"sqlite:///{tmp / 'audit.db'}", "journal_dir": str(tmp / "j")},
        },
        environ={},
    )
    server = ThreadedServer(create_app(cfg)).start()
    try:
        yield server.url
    finally:
        server.stop()
        ins.stop()
        thk.stop()


def test_openapi_fuzz_no_server_errors(gateway: str) -> None:
    doc = hoist_defs(httpx.get(gateway + "/openapi.json").json())
    served = [m["id"] for m in httpx.get(gateway + "/v1/models").json()["data"]]
    pin_models(doc, served)
    schema = schemathesis.openapi.from_dict(doc)
    operations = [r.ok() for r in schema.get_all_operations()]
    seen = {(op.method.upper(), op.path) for op in operations}
    assert seen >= set(OPERATIONS), f"operations missing: {set(OPERATIONS) - seen}"
    checks = [not_a_server_error, response_schema_conformance]
    counts: dict[str, int] = {}
    with httpx.Client(base_url=gateway, timeout=30.0) as client:
        for op in operations:
            examples = OPERATIONS.get((op.method.upper(), op.path))
            if examples is None:
                continue

            @settings(
                max_examples=max(1, int(examples * SCALE)),
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=op.as_strategy())
            def run(case: schemathesis.Case) -> None:
                resp = _send(client, case)
                label = f"{case.method} {case.path}"
                key = f"{label} {resp.status_code}"
                counts[key] = counts.get(key, 0) + 1
                assert resp.status_code < 500, (label, resp.status_code, resp.text[:300])
                case.validate_response(resp, checks=checks)

            run()
    total = sum(counts.values())
    assert total >= 250 * min(SCALE, 1.0), counts
    # Both kinds were exercised: accepted chat requests and refused ones.
    assert any(k.startswith("POST") and k.endswith(" 200") for k in counts), counts
    assert any(k.startswith("POST") and k.endswith(" 400") for k in counts), counts


def _send(client: httpx.Client, case: schemathesis.Case) -> httpx.Response:
    """The generated request, sent with httpx (bodies that are not JSON-able go raw)."""
    path = case.formatted_path
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "content-length"}
    kwargs: dict[str, Any] = {"params": case.query or None, "headers": headers}
    if case.method.upper() == "POST":
        if case.media_type and case.media_type != "application/json":
            headers["content-type"] = case.media_type
            body = case.body
            kwargs["content"] = body if isinstance(body, bytes) else str(body).encode()
        else:
            kwargs["json"] = case.body
    return client.request(case.method, path, **kwargs)
