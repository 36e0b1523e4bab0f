"""The offline demo end to end, as a newcomer runs it: `vlgate serve --demo`, the real
openai client, an image, a short video and a 2-page PDF; and `vlgate engine serve`
as the upstream of another vlgate."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import numpy as np
import openai
import pypdfium2 as pdfium
import pytest
from PIL import Image

from vlgate.backends.engine_metrics import parse_queue
from vlgate.media.tokens import MARKER_TOKENS, image_tokens
from vlgate.testing.process import GatewayProcess

pytestmark = pytest.mark.slow


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (30, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def mp4(seconds: int = 3, fps: int = 4) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(seconds * fps):
            frame = np.full((64, 64, 3), (i * 20) % 255, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def pdf(pages: int = 2) -> bytes:
    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(200, 300)
    buf = io.BytesIO()
    doc.save(buf)
    doc.close()
    return buf.getvalue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayProcess]:
    tmp = tmp_path_factory.mktemp("demo")
    env = {"VLGATE_CACHE_DIR": str(tmp / "cache"), "VLGATE_DATA_DIR": str(tmp / "data")}
    gw = GatewayProcess(["--demo"], env=env, log_path=tmp / "serve.log")
    try:
        gw.start(timeout=180)
        yield gw
    finally:
        gw.terminate()
        gw.kill()


def ask(gw: GatewayProcess, model: str, content: list[dict]) -> openai.types.chat.ChatCompletion:  # type: ignore[type-arg]
    client = openai.OpenAI(base_url=gw.url + "/v1", api_key="x", max_retries=0, timeout=120)
    return client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": content}],  # type: ignore[misc,list-item]
        extra_body={"vlgate": {"include_reasoning": True}},
    )


@pytest.mark.parametrize("model", ["instruct", "thinking"])
def test_image_usage_matches_the_arithmetic(demo: GatewayProcess, model: str) -> None:
    r = ask(demo, model, [
        {"type": "text", "text": "Describe the image."},
        {"type": "image_url", "image_url": {"url": data_url("image/png", png(640, 480))}},
    ])  # fmt: skip
    info = r.model_extra["vlgate"]  # type: ignore[index]
    expected = image_tokens(640, 480, min_pixels=65_536, max_pixels=16_777_216) + MARKER_TOKENS
    assert expected == 302
    assert info["mode"] == model and info["visual_tokens"] == expected
    assert r.usage is not None
    # The engine's own prompt count includes exactly those image tokens plus the text.
    assert expected < r.usage.prompt_tokens < expected + 40
    assert r.usage.completion_tokens > 0


def test_video_and_pdf(demo: GatewayProcess) -> None:
    r = ask(demo, "instruct", [
        {"type": "text", "text": "Summarise."},
        {"type": "video_url", "video_url": {"url": data_url("video/mp4", mp4())}},
    ])  # fmt: skip
    assert r.usage is not None and r.model_extra["vlgate"]["visual_tokens"] > 0  # type: ignore[index]
    assert r.usage.prompt_tokens >= r.model_extra["vlgate"]["visual_tokens"]  # type: ignore[index]
    r = ask(demo, "thinking", [
        {"type": "text", "text": "Do the pages contradict each other?"},
        {"type": "file", "file": {"file_data": data_url("application/pdf", pdf(2)), "filename": "a.pdf"}},
    ])  # fmt: skip
    visual = r.model_extra["vlgate"]["visual_tokens"]  # type: ignore[index]
    page = image_tokens(400, 600, min_pixels=65_536, max_pixels=16_777_216) + MARKER_TOKENS
    assert visual == 2 * page  # 200x300 pt at 144 dpi -> 400x600 px per page
    assert r.usage is not None and r.usage.prompt_tokens > visual


@pytest.mark.parametrize("model", ["instruct", "thinking"])
def test_tool_turns_through_the_embedded_engine(demo: GatewayProcess, model: str) -> None:
    """The tools and a finished call reach the model's prompt (its template), and the
    answer comes back as an OpenAI response with or without tool_calls."""
    client = openai.OpenAI(base_url=demo.url + "/v1", api_key="x", max_retries=0, timeout=120)
    tools = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
    history = [
        {"role": "user", "content": "Look it up."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "forty-two"},
    ]
    plain = client.chat.completions.create(model=model, messages=history[:1], max_tokens=8)
    r = client.chat.completions.create(
        model=model,
        messages=history,
        tools=tools,
        max_tokens=8,  # type: ignore[arg-type]
    )
    assert r.usage is not None and plain.usage is not None
    # the tool list, the call and the tool response all went into the prompt
    assert r.usage.prompt_tokens > plain.usage.prompt_tokens + 60
    assert r.choices[0].finish_reason in ("stop", "length", "tool_calls")


def test_engine_serve_is_an_upstream(tmp_path: Path) -> None:
    env = {"VLGATE_CACHE_DIR": str(tmp_path / "cache"), "VLGATE_AUDIT__ENABLED": "false"}
    engine = GatewayProcess(["--demo"], env=env, log_path=tmp_path / "engine.log")
    try:
        engine.start(timeout=180, command=("engine", "serve"))
        reading = parse_queue(httpx.get(engine.url + "/metrics").text)
        assert reading is not None and reading.engine == "vllm"  # read like a vLLM server
        up = engine.url + "/v1"
        # Random weights run to the token budget: keep the front gateway's budgets small.
        small = {
            "VLGATE_AUDIT__ENABLED": "false",
            "VLGATE_PRESETS__THINKING_MIN_MAX_TOKENS": "16",
            "VLGATE_PRESETS__THINKING__MAX_TOKENS_TEXT_ONLY": "24",
            "VLGATE_PRESETS__INSTRUCT__MAX_TOKENS": "24",
        }
        gw = GatewayProcess(
            ["--instruct-url", up, "--thinking-url", up], env=small, log_path=tmp_path / "gw.log"
        ).start()
        try:
            r = ask(gw, "thinking", [{"type": "text", "text": "Think."}])
            assert r.model_extra["vlgate"]["mode"] == "thinking"  # type: ignore[index]
            assert r.model == "vlgate-demo-thinking"
            assert r.usage is not None and r.usage.completion_tokens > 0
            assert (
                ask(gw, "instruct", [{"type": "text", "text": "Hi."}]).model
                == "vlgate-demo-instruct"
            )
        finally:
            gw.terminate()
    finally:
        engine.terminate()
        engine.kill()
