"""vlgate's own OpenAPI document is usable by tools (every $ref resolves, responses
are declared), and bad query parameters are OpenAI-shaped 400s, not FastAPI 422s."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def test_openapi_refs_resolve_and_responses_are_declared(make_stack: Any) -> None:
    doc = make_stack().http().get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for ref in refs(doc):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    post = doc["paths"]["/v1/chat/completions"]["post"]
    assert set(post["responses"]) >= {"200", "400", "401", "404", "429", "502", "503", "504"}
    ok = post["responses"]["200"]["content"]
    assert "application/json" in ok and "text/event-stream" in ok
    assert "messages" in schemas["ChatCompletionRequest"]["properties"]


def test_bad_query_parameter_is_a_400_naming_it(make_stack: Any, tmp_path: Path) -> None:
    audit = {
        "enabled": True,
        "dsn": f"sqlite:///{tmp_path}/a.db",
        "journal_dir": str(tmp_path / "j"),
    }
    http = make_stack(overrides={"audit": audit}).http()
    resp = http.get("/v1/traces", params={"limit": "lots"})
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["param"] == "limit" and err["type"] == "invalid_request_error"
