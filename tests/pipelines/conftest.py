"""A real vlgate on loopback in front of two scripted fake engines (one per session).

Pipelines talk to it with the real ``openai`` client through ``Gateway``; each
test scripts the engines' replies in order with ``push(Script(...))`` and can read
what vlgate forwarded upstream from ``FakeEngine.requests``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PIL import Image

from vlgate.config import load_settings
from vlgate.pipelines.client import Gateway
from vlgate.server.app import create_app
from vlgate.testing.fake_engine import THINKING_REPLY, FakeEngine
from vlgate.testing.servers import ThreadedServer


@dataclass
class Stack:
    ins: FakeEngine
    thk: FakeEngine
    server: ThreadedServer

    @property
    def url(self) -> str:
        return self.server.url + "/v1"

    def gateway(self) -> Gateway:
        import openai

        client = openai.OpenAI(base_url=self.url, api_key="k", max_retries=0, timeout=30)
        return Gateway(client=client)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    ins = FakeEngine(model="qwen-instruct").start()
    thk = FakeEngine(model="qwen-thinking", reply=THINKING_REPLY).start()
    settings = load_settings(
        overrides={
            "instruct": [{"url": ins.url}],
            "thinking": [{"url": thk.url}],
            "audit": {"enabled": False},
        },
        environ={},
    )
    server = ThreadedServer(create_app(settings)).start()
    yield Stack(ins, thk, server)
    server.stop()
    ins.stop()
    thk.stop()


@pytest.fixture
def gw(stack: Stack) -> Iterator[Gateway]:
    stack.ins.scripts.clear()
    stack.thk.scripts.clear()
    g = stack.gateway()
    yield g
    g.close()
    assert not stack.ins.scripts, "a scripted Instruct reply was never asked for"
    assert not stack.thk.scripts, "a scripted Thinking reply was never asked for"


def _png(width: int = 64, height: int = 48, colour: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def png() -> Callable[..., bytes]:
    """``png(width=64, height=48, colour="white")`` -> PNG bytes."""
    return _png
