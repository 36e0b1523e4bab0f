"""`vlgate serve` as a real process: it answers, and on SIGTERM readiness goes false
first while an in-flight stream still finishes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import openai
import pytest

from vlgate.testing.fake_engine import THINKING_REPLY, FakeEngine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def ready(url: str) -> bool:
    try:
        return httpx.get(url + "/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def gateway(tmp_path) -> Iterator[tuple[str, subprocess.Popen[bytes], FakeEngine]]:  # type: ignore[no-untyped-def]
    ins = FakeEngine(model="qwen-instruct", tokens=20, token_interval_s=0.05).start()
    thk = FakeEngine(model="qwen-thinking", reply=THINKING_REPLY).start()
    port = free_port()
    env = {
        **os.environ,
        "VLGATE_SERVER__DRAIN_DELAY_S": "1.0",
        "VLGATE_AUDIT__ENABLED": "false",
        "VLGATE_DATA_DIR": str(tmp_path),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "vlgate.cli", "serve", "--port", str(port),
         "--instruct-url", ins.url, "--thinking-url", thk.url],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: ready(url) or proc.poll() is not None)
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        yield url, proc, ins
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
        ins.stop()
        thk.stop()


@pytest.mark.slow
def test_sigterm_drains(gateway: tuple[str, subprocess.Popen[bytes], FakeEngine]) -> None:
    url, proc, _ = gateway
    client = openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0)
    stream = client.chat.completions.create(
        model="instruct", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    chunks = iter(stream)
    next(chunks)
    proc.send_signal(signal.SIGTERM)
    # Readiness turns false while the listener is still open (drain delay).
    wait_until(lambda: httpx.get(url + "/readyz", timeout=1).status_code == 503, timeout=0.9)
    pieces = [
        c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
    ]
    assert len(pieces) == 20  # the in-flight stream finished, every token of it
    # uvicorn re-raises the captured SIGTERM once it has shut down cleanly.
    assert proc.wait(timeout=15) in (0, -signal.SIGTERM)
