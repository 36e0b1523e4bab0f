"""`vlgate serve` as a real process: on SIGTERM readiness goes false first while an
in-flight stream still finishes."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import openai
import pytest

from vlgate.testing.fake_engine import THINKING_REPLY, FakeEngine
from vlgate.testing.process import GatewayProcess, wait_until


@pytest.mark.slow
def test_sigterm_drains(tmp_path: Path) -> None:
    ins = FakeEngine(model="qwen-instruct", tokens=20, token_interval_s=0.05).start()
    thk = FakeEngine(model="qwen-thinking", reply=THINKING_REPLY).start()
    env = {"VLGATE_SERVER__DRAIN_DELAY_S": "1.0", "VLGATE_AUDIT__ENABLED": "false"}
    gw = GatewayProcess(
        ["--instruct-url", ins.url, "--thinking-url", thk.url], env=env, log_path=tmp_path / "log"
    )
    try:
        gw.start()
        client = openai.OpenAI(base_url=gw.url + "/v1", api_key="x", max_retries=0)
        stream = client.chat.completions.create(
            model="instruct", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        chunks = iter(stream)
        next(chunks)
        assert gw.proc is not None
        gw.proc.send_signal(signal.SIGTERM)
        # Readiness turns false while the listener is still open (the drain delay).
        wait_until(lambda: httpx.get(gw.url + "/readyz", timeout=1).status_code == 503, timeout=0.9)
        pieces = [
            c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
        ]
        # The in-flight stream finished, every token of it (20 tokens cycling the reply).
        assert "".join(pieces) == "The answer is 42." * 5
        # uvicorn re-raises the captured SIGTERM once it has shut down cleanly.
        assert gw.proc.wait(timeout=15) in (0, -signal.SIGTERM)
    finally:
        gw.kill()
        ins.stop()
        thk.stop()
