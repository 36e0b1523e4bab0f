"""A scripted stand-in for a vLLM server: real HTTP on loopback, vLLM's wire format.

It streams a chosen reply token by token at chosen delays, exposes vLLM's queue
gauges on ``/metrics``, and can be told to misbehave: fail with a status, stall
before the first byte, reset the connection mid-stream, or send an error event.

Behaviour is set three ways, the later winning:
- constructor defaults (``FakeEngine(reply=..., ttft_s=..., ...)``);
- ``POST /_script`` with a JSON list of per-request scripts consumed in order
  (``{"fail": 503}``, ``{"stall_s": 5}``, ``{"reset_after": 3}``,
  ``{"error_after": 2}``, ``{"reply": "..."}``, ``{"finish": "length"}``,
  ``{"tool_calls": [{"name": "f", "arguments": {...}}]}`` as vLLM's tool parser
  sends them: an id and name first, then the arguments in pieces);
- random faults at given rates, seeded (``fault_rates={"fail": 0.1, ...}``).

``POST /_metrics`` sets the reported queue numbers (``{"waiting": 9, "running": 2}``);
``GET /_requests`` returns the bodies received (for tests asserting what was sent).
"""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

THINKING_REPLY = "<think>\nThe user asks a question. Look at the image, then answer.\n</think>\n\nThe answer is 42."
INSTRUCT_REPLY = "The answer is 42."


@dataclass
class Script:
    reply: str | None = None
    fail: int | None = None  # answer this HTTP status before any byte
    stall_s: float | None = None  # wait this long before the first byte
    reset_after: int | None = None  # drop the connection after N content chunks
    error_after: int | None = None  # send an SSE error event after N content chunks
    stall_after: int | None = None  # stop sending (but keep the socket) after N chunks
    finish: str = "stop"
    tool_calls: list[dict[str, Any]] | None = None  # [{"name": ..., "arguments": {...}}]


@dataclass
class FakeEngine:
    reply: str = INSTRUCT_REPLY
    model: str = "fake-model"
    ttft_s: float = 0.0
    token_interval_s: float = 0.0
    tokens: int | None = None  # repeat/trim the reply to exactly this many tokens
    reasoning_field: str | None = None  # "reasoning" (vLLM >=0.16) or "reasoning_content"
    fault_rates: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self.queue = {"waiting": 0.0, "running": 0.0}
        self.requests: deque[dict[str, Any]] = deque(maxlen=1000)
        self.scripts: deque[Script] = deque()
        self.inflight = 0
        self.served = 0
        self.cancelled = 0
        self._rng = random.Random(self.seed)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/models", self._models),
                Route("/metrics", self._metrics),
                Route("/health", lambda r: PlainTextResponse("ok")),
                Route("/_script", self._script, methods=["POST"]),
                Route("/_metrics", self._set_metrics, methods=["POST"]),
                Route("/_requests", self._requests),
            ]
        )

    # -- running ---------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> FakeEngine:
        """Serve in a background thread; returns once it accepts connections."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake engine did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stop at once: stalled requests are cut, not waited for."""
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    def push(self, *scripts: Script) -> None:
        self.scripts.extend(scripts)

    # -- behaviour ---------------------------------------------------------------

    def _next_script(self) -> Script:
        if self.scripts:
            return self.scripts.popleft()
        script = Script()
        roll = self._rng.random()
        acc = 0.0
        for kind, rate in sorted(self.fault_rates.items()):
            acc += rate
            if roll < acc:
                if kind == "fail":
                    script.fail = self._rng.choice([500, 502, 503, 429])
                elif kind == "reset":
                    script.reset_after = self._rng.randint(1, 5)
                elif kind == "stall":
                    script.stall_s = 3600.0
                break
        return script

    def _tokens(self, text: str) -> list[str]:
        words = text.split(" ")
        toks = [w + " " for w in words[:-1]] + [words[-1]]
        if self.tokens is not None:
            base = toks or ["x"]
            toks = [base[i % len(base)] for i in range(self.tokens)]
        return toks

    # -- endpoints ---------------------------------------------------------------

    async def _chat(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        self.requests.append(body)
        script = self._next_script()
        if script.fail is not None:
            return Response(
                orjson.dumps({"error": {"message": f"scripted {script.fail}", "type": "fake"}}),
                status_code=script.fail,
                media_type="application/json",
            )
        reply = script.reply if script.reply is not None else self.reply
        tokens = self._tokens(reply)
        max_tokens = body.get("max_tokens")
        finish = script.finish
        if isinstance(max_tokens, int) and len(tokens) > max_tokens:
            tokens, finish = tokens[:max_tokens], "length"
        if script.stall_s:
            await asyncio.sleep(script.stall_s)
        elif self.ttft_s:
            await asyncio.sleep(self.ttft_s)
        prompt_tokens = sum(len(str(m.get("content", ""))) // 4 + 4 for m in body["messages"])
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(tokens),
            "total_tokens": prompt_tokens + len(tokens),
        }
        if script.tool_calls and finish == "stop":
            finish = "tool_calls"
        if not body.get("stream"):
            return self._whole(tokens, finish, usage, script)
        return StreamingResponse(
            self._stream(tokens, finish, usage, script, body), media_type="text/event-stream"
        )

    def _whole(
        self, tokens: list[str], finish: str, usage: dict[str, int], script: Script
    ) -> Response:
        if script.reset_after is not None or script.error_after is not None:
            # Fail mid-body: headers and part of the JSON, then the connection drops.
            async def broken():  # type: ignore[no-untyped-def]
                yield b'{"id": "fake-1", "choices": [{"message": {"content": "'
                raise ConnectionResetError("scripted reset")

            return StreamingResponse(broken(), media_type="application/json")
        self.served += 1
        message: dict[str, Any] = {"role": "assistant", "content": "".join(tokens)}
        if script.tool_calls:
            message["content"] = message["content"] or None
            message["tool_calls"] = [
                {
                    "id": f"chatcmpl-tool-{i}",
                    "type": "function",
                    "function": {
                        "name": c["name"],
                        "arguments": orjson.dumps(c["arguments"]).decode(),
                    },
                }
                for i, c in enumerate(script.tool_calls)
            ]
        out = {
            "id": "fake-1",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": usage,
        }
        return Response(orjson.dumps(out), media_type="application/json")

    async def _stream(self, tokens, finish, usage, script, body):  # type: ignore[no-untyped-def]
        head = {
            "id": "fake-1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": self.model,
        }

        def chunk(delta: dict[str, Any], fin: str | None = None) -> bytes:
            c = {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": fin}]}
            return b"data: " + orjson.dumps(c) + b"\n\n"

        self.inflight += 1
        try:
            yield chunk({"role": "assistant", "content": ""})
            in_reasoning = self.reasoning_field is not None and "</think>" in "".join(tokens)
            for i, tok in enumerate(tokens):
                if script.reset_after is not None and i >= script.reset_after:
                    raise ConnectionResetError("scripted reset")
                if script.error_after is not None and i >= script.error_after:
                    yield b'data: {"error": {"message": "scripted engine error"}}\n\n'
                    return
                if script.stall_after is not None and i >= script.stall_after:
                    await asyncio.sleep(3600)
                if self.token_interval_s and i:
                    await asyncio.sleep(self.token_interval_s)
                if in_reasoning:
                    trace, tag, rest = tok.replace("<think>", "").partition("</think>")
                    if trace:
                        yield chunk({self.reasoning_field: trace})  # type: ignore[dict-item]
                    if tag:
                        in_reasoning = False
                        if rest:
                            yield chunk({"content": rest})
                else:
                    yield chunk({"content": tok})
            for i, call in enumerate(script.tool_calls or ()):
                head_piece = {"index": i, "id": f"chatcmpl-tool-{i}", "type": "function"}
                yield chunk({"tool_calls": [{**head_piece, "function": {"name": call["name"]}}]})
                args = orjson.dumps(call["arguments"]).decode()
                for start in range(0, len(args), 7):
                    piece = {"index": i, "function": {"arguments": args[start : start + 7]}}
                    yield chunk({"tool_calls": [piece]})
            yield chunk({}, finish)
            if (body.get("stream_options") or {}).get("include_usage"):
                yield b"data: " + orjson.dumps({**head, "choices": [], "usage": usage}) + b"\n\n"
            yield b"data: [DONE]\n\n"
            self.served += 1
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.inflight -= 1

    async def _models(self, request: Request) -> Response:
        data = {"object": "list", "data": [{"id": self.model, "object": "model"}]}
        return Response(orjson.dumps(data), media_type="application/json")

    async def _metrics(self, request: Request) -> Response:
        m = self.model
        text = (
            "# TYPE vllm:num_requests_waiting gauge\n"
            f'vllm:num_requests_waiting{{model_name="{m}"}} {self.queue["waiting"]}\n'
            "# TYPE vllm:num_requests_running gauge\n"
            f'vllm:num_requests_running{{model_name="{m}"}} {self.queue["running"] + self.inflight}\n'
        )
        return PlainTextResponse(text)

    async def _script(self, request: Request) -> Response:
        for item in orjson.loads(await request.body()):
            self.scripts.append(Script(**item))
        return Response(status_code=204)

    async def _set_metrics(self, request: Request) -> Response:
        self.queue.update(orjson.loads(await request.body()))
        return Response(status_code=204)

    async def _requests(self, request: Request) -> Response:
        return Response(orjson.dumps(list(self.requests)), media_type="application/json")
