"""Gateway integration fixtures: fake vLLM engines + a real vlgate on loopback.

Every test talks to vlgate with the real ``openai`` client (or plain httpx where
the SDK cannot send what is tested, e.g. malformed JSON). The only fakes are the
engines at the far edge (``vlgate.testing.fake_engine``).

- ``shared``: one module-scoped stack (an Instruct and a Thinking engine) for
  tests that do not script the engines.
- ``make_stack(...)``: a fresh stack per test, for tests that script failures,
  change queue numbers or need their own settings. Closed at teardown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

from vlgate.config import Settings, deep_merge, load_settings
from vlgate.server.app import create_app
from vlgate.testing.fake_engine import THINKING_REPLY, FakeEngine
from vlgate.testing.servers import ThreadedServer

INSTRUCT_MODEL = "qwen-instruct"
THINKING_MODEL = "qwen-thinking"
USER = [{"role": "user", "content": "What is in the picture?"}]


def wait_until(check: Callable[[], bool], *, timeout: float = 5.0, what: str = "") -> None:
    """Poll ``check`` (a state query, not a timer) until it holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
        time.sleep(0.01)


@dataclass
class Stack:
    """A running vlgate in front of fake engines."""

    instruct: list[FakeEngine]
    thinking: list[FakeEngine]
    server: ThreadedServer
    settings: Settings
    _clients: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def ins(self) -> FakeEngine:
        return self.instruct[0]

    @property
    def thk(self) -> FakeEngine:
        return self.thinking[0]

    def client(self, api_key: str = "test-key", **kwargs: Any) -> openai.OpenAI:
        c = openai.OpenAI(
            base_url=self.url + "/v1", api_key=api_key, max_retries=0, timeout=15.0, **kwargs
        )
        self._clients.append(c)
        return c

    def http(self) -> httpx.Client:
        c = httpx.Client(base_url=self.url, timeout=15.0)
        self._clients.append(c)
        return c

    def metric(self, sample: str, **labels: str) -> float:
        """Sum of the samples named ``sample`` whose labels include ``labels``."""
        text = httpx.get(self.url + "/metrics", timeout=5.0).text
        total = 0.0
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items()):
                    total += s.value
        return total

    def close(self) -> None:
        for c in self._clients:
            c.close()
        self.server.stop()
        for engine in (*self.instruct, *self.thinking):
            engine.stop()


def start_stack(
    *,
    instruct: list[dict[str, Any]] | None = None,
    thinking: list[dict[str, Any]] | None = None,
    upstream: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Stack:
    """Fake engines (FakeEngine kwargs per replica; ``[]`` for none) and a vlgate in
    front of them. ``upstream`` is merged into every replica's UpstreamSettings."""
    ins_specs = [{}] if instruct is None else instruct
    thk_specs = [{}] if thinking is None else thinking
    ins = [FakeEngine(**{"model": INSTRUCT_MODEL, **kw}).start() for kw in ins_specs]
    thk = [
        FakeEngine(**{"model": THINKING_MODEL, "reply": THINKING_REPLY, **kw}).start()
        for kw in thk_specs
    ]
    up = {"first_byte_timeout_s": 5.0, "read_timeout_s": 5.0, **(upstream or {})}
    base: dict[str, Any] = {
        "instruct": [{"url": e.url, **up} for e in ins],
        "thinking": [{"url": e.url, **up} for e in thk],
        "audit": {"enabled": False},
    }
    settings = load_settings(overrides=deep_merge(base, overrides or {}), environ={})
    try:
        server = ThreadedServer(create_app(settings)).start()
    except Exception:
        for e in (*ins, *thk):
            e.stop()
        raise
    return Stack(ins, thk, server, settings)


StackFactory = Callable[..., Stack]


@pytest.fixture
def make_stack() -> Iterator[StackFactory]:
    stacks: list[Stack] = []

    def make(**kwargs: Any) -> Stack:
        stack = start_stack(**kwargs)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.close()


@pytest.fixture(scope="module")
def shared() -> Iterator[Stack]:
    stack = start_stack()
    yield stack
    stack.close()


@pytest.fixture(scope="module")
def client(shared: Stack) -> openai.OpenAI:
    return shared.client()


@pytest.fixture(scope="module")
def http(shared: Stack) -> httpx.Client:
    return shared.http()


@pytest.fixture(scope="session")
def launch() -> StackFactory:
    """``start_stack`` itself, for module-scoped fixtures that close what they start."""
    return start_stack


@pytest.fixture(scope="session")
def until() -> Callable[..., None]:
    return wait_until
