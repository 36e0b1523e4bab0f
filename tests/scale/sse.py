"""One streamed chat request read the way a client sees it (no SDK: raw SSE)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import orjson


@dataclass
class StreamOutcome:
    request_id: str
    status: int = 0  # HTTP status; 0 when the connection failed before one came
    content: str = ""  # the answer text received
    finish: str | None = None
    error: str | None = None  # an SSE error event, a non-200 body, or a transport error
    done: bool = False  # [DONE] seen
    headers: dict[str, str] | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.done and self.error is None and self.finish is not None

    @property
    def started(self) -> bool:
        """Whether the client had received any answer bytes."""
        return bool(self.content)


def stream_chat(
    client: httpx.Client,
    base_url: str,
    request_id: str,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> StreamOutcome:
    out = StreamOutcome(request_id)
    hdrs = {"x-request-id": request_id, **(headers or {})}
    try:
        with client.stream(
            "POST", base_url + "/v1/chat/completions", json={**body, "stream": True}, headers=hdrs
        ) as resp:
            out.status = resp.status_code
            out.headers = dict(resp.headers)
            if resp.status_code != 200:
                out.error = resp.read().decode("utf-8", "replace")
                return out
            for line in resp.iter_lines():
                _take(out, line)
    except httpx.HTTPError as exc:
        out.error = out.error or f"{type(exc).__name__}: {exc}"
    return out


def _take(out: StreamOutcome, line: str) -> None:
    if not line.startswith("data: "):
        return
    data = line[6:]
    if data == "[DONE]":
        out.done = True
        return
    obj = orjson.loads(data)
    if "error" in obj:
        out.error = str(obj["error"])
        return
    for choice in obj.get("choices") or ():
        out.content += (choice.get("delta") or {}).get("content") or ""
        out.finish = choice.get("finish_reason") or out.finish
