"""Smoke: every pipeline end to end against vlgate serving the offline demo checkpoint.

Random weights produce garbage, so these assert that each pipeline *handles* it:
no crash, validation errors reported, traces recorded with a request id. Output is
capped at a few tokens (and the Thinking minimum lowered) so CPU decoding stays fast.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from vlgate.pipelines.client import Caller, Gateway, Reply, TraceLog

pytestmark = pytest.mark.slow

_WIRING = "vlgate.backends.embedded.wiring"


def _png(w: int = 96, h: int = 64) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "white").save(buf, "PNG")
    return buf.getvalue()


class Capped:
    """A Caller that caps every call's output budget (the demo model never stops)."""

    def __init__(self, inner: Gateway, max_tokens: int = 24) -> None:
        self.inner, self.traces, self.max_tokens = inner, inner.traces, max_tokens

    def call(self, content: Any, **kw: Any) -> Reply:
        kw["max_tokens"] = self.max_tokens
        return self.inner.call(content, **kw)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if importlib.util.find_spec(_WIRING) is None:
        pytest.skip(f"vlgate.backends.embedded cannot serve yet: {_WIRING} does not exist")
    from vlgate.backends.embedded.demo import write_demo_checkpoint
    from vlgate.config import load_settings
    from vlgate.server.app import create_app
    from vlgate.testing.servers import ThreadedServer

    root = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VLGATE_CACHE_DIR", str(root))
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        dirs = write_demo_checkpoint(root / "demo-model")
        settings = load_settings(
            overrides={
                "embedded": {m: {"checkpoint": str(d)} for m, d in dirs.items()},
                "presets": {"thinking_min_max_tokens": 16},
                "audit": {"enabled": False},
            },
            environ={},
        )
        server = ThreadedServer(create_app(settings)).start(timeout=120)
        yield server.url + "/v1"
        server.stop()


@pytest.fixture
def caller(demo_url: str) -> Iterator[Caller]:
    import openai

    gw = Gateway(client=openai.OpenAI(base_url=demo_url, api_key="k", max_retries=0, timeout=120))
    gw.traces = TraceLog()
    yield Capped(gw)
    assert gw.traces.replies and all(r.request_id for r in gw.traces.replies)
    gw.close()


def test_receipt_and_kyc(caller: Caller) -> None:
    from vlgate.pipelines.forms import extract_kyc, extract_receipt

    for res in (extract_receipt(caller, _png()), extract_kyc(caller, _png())):
        assert res.ok or res.errors  # garbage is reported, not raised
        assert res.attempts in (1, 2)


def test_second_opinion_and_tutor(caller: Caller) -> None:
    from vlgate.pipelines.grading import tutor
    from vlgate.pipelines.second_opinion import second_opinion

    res = second_opinion(caller, _png())
    assert res.human_review_required and (res.assessment is not None or res.errors)
    assert isinstance(tutor(caller, _png()).markdown(), str)


def test_video_summary(caller: Caller) -> None:
    from vlgate.media.bench import clip
    from vlgate.pipelines.video import summarize_video

    res = summarize_video(caller, clip(seconds=4, fps=5, size=(160, 120)))
    assert res.frames == 4 and (res.summary is not None or res.errors)


def test_documents_grading_grounding(caller: Caller, tmp_path: Path) -> None:
    from vlgate.media.bench import blank_pdf
    from vlgate.pipelines import documents as docs
    from vlgate.pipelines.grading import grade_sheet
    from vlgate.pipelines.grounding import ground

    pdf = blank_pdf(2)
    for res in (docs.ask(caller, pdf, "What?"), docs.classify(caller, pdf, ["a", "b"])):
        assert res.value is not None or res.errors
    sheet = grade_sheet(caller, _png(), {"1": "A"})
    assert sheet.ok or sheet.errors
    g, png = ground(caller, _png(), "anything")
    assert png[:4] == b"\x89PNG" and (g.boxes or g.points or g.warnings)
