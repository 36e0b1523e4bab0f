from __future__ import annotations

import asyncio
import io
import threading

import pytest
from PIL import Image

from vlgate.backends.base import Backend
from vlgate.backends.embedded.backend import EmbeddedBackend
from vlgate.backends.embedded.engine import Engine
from vlgate.backends.embedded.job import Job
from vlgate.backends.embedded.metrics import engine_metrics_text
from vlgate.errors import InvalidRequest
from vlgate.modes import Mode
from vlgate.types import (
    BackendEvent,
    ChatMessage,
    Finish,
    GenerationRequest,
    ImagePart,
    MediaImage,
    SamplingParams,
    TextDelta,
    TextPart,
)

GREEDY = {"temperature": 0.0}


def request(
    text: str = "Describe a cat.", mode: Mode = Mode.INSTRUCT, **sampling: object
) -> GenerationRequest:
    return GenerationRequest(
        request_id="t",
        mode=mode,
        messages=[ChatMessage("user", [TextPart(text)])],
        sampling=SamplingParams(**sampling),  # type: ignore[arg-type]
    )


async def collect(
    engine: Engine, req: GenerationRequest, variant: str = "instruct"
) -> tuple[str, Finish]:
    events = [ev async for ev in engine.generate(variant, req)]
    finish = events[-1]
    assert isinstance(finish, Finish)
    assert all(isinstance(e, TextDelta) for e in events[:-1])
    return "".join(e.text for e in events[:-1] if isinstance(e, TextDelta)), finish


def run_job(
    engine: Engine, req: GenerationRequest, variant: str = "instruct"
) -> tuple[Job, list[BackendEvent]]:
    """Submit from a plain thread and wait for Finish (no event loop involved)."""
    events: list[BackendEvent] = []
    done = threading.Event()

    def sink(item: BackendEvent | BaseException) -> None:
        assert not isinstance(item, BaseException), item
        events.append(item)
        if isinstance(item, Finish):
            done.set()

    job = engine.submit(variant, req, sink)
    assert done.wait(60)
    return job, events


def test_streamed_text_equals_the_whole_decode(engine: Engine) -> None:
    job, events = run_job(engine, request(max_tokens=24, seed=11, temperature=1.0))
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta))
    tok = engine.residency.get("instruct").tokenizer
    assert job.state is not None
    assert streamed == tok.decode(job.state.tokens, skip_special_tokens=True)
    assert streamed


async def test_seed_reproduces(engine: Engine) -> None:
    a = await collect(engine, request(max_tokens=12, seed=5, temperature=1.0))
    b = await collect(engine, request(max_tokens=12, seed=5, temperature=1.0))
    c = await collect(engine, request(max_tokens=12, seed=6, temperature=1.0))
    assert a == b
    assert a[0] != c[0]


async def test_max_tokens_is_exact(engine: Engine) -> None:
    for n in (1, 7):
        _, finish = await collect(engine, request(max_tokens=n, **GREEDY))
        assert finish.finish_reason == "length"
        assert finish.usage is not None and finish.usage.completion_tokens == n


async def test_stop_string_cuts_the_text(engine: Engine) -> None:
    full, _ = await collect(engine, request(max_tokens=16, **GREEDY))
    assert len(full) > 8
    stop = full[4:7]
    cut, finish = await collect(engine, request(max_tokens=16, stop=[stop], **GREEDY))
    assert cut == full[: full.find(stop)]
    assert finish.finish_reason == "stop"


async def test_batch_rows_match_each_alone(engine: Engine) -> None:
    prompts = ["A red ball.", "Two cats and a very long dog on a sofa.", "Hi", "Count: 1 2 3 4 5"]
    alone = [await collect(engine, request(p, max_tokens=10, **GREEDY)) for p in prompts]
    together = await asyncio.gather(
        *(collect(engine, request(p, max_tokens=10, **GREEDY)) for p in prompts)
    )
    assert [t for t, _ in together] == [t for t, _ in alone]
    assert len({t for t, _ in alone}) > 1  # the prompts really lead to different text


async def test_cancel_frees_the_slot(engine: Engine) -> None:
    before = engine.stats()["instruct"].generation_tokens
    stream = engine.generate("instruct", request(max_tokens=3000, **GREEDY))
    first = await anext(stream)
    assert isinstance(first, TextDelta)
    await stream.aclose()
    _, finish = await collect(engine, request(max_tokens=3, **GREEDY))
    assert finish.usage is not None and finish.usage.completion_tokens == 3
    spent = engine.stats()["instruct"].generation_tokens - before
    assert spent < 3000  # the cancelled request stopped long before its budget
    assert engine.load("instruct").running == 0


def _png(w: int, h: int) -> MediaImage:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (10, 120, 200)).save(buf, format="PNG")
    return MediaImage(data=buf.getvalue(), mime="image/png", width=w, height=h, tokens=300)


async def test_usage_counts_visual_tokens(engine: Engine) -> None:
    plain = request("What is shown?", max_tokens=2, **GREEDY)
    _, f_plain = await collect(engine, plain)
    with_image = request("What is shown?", max_tokens=2, **GREEDY)
    with_image.messages[0].parts.insert(0, ImagePart(_png(640, 480)))
    _, f_image = await collect(engine, with_image)
    assert f_plain.usage is not None and f_image.usage is not None
    # <|vision_start|> + 300 image pads (640x480, FACTS.md) + <|vision_end|>
    assert f_image.usage.prompt_tokens == f_plain.usage.prompt_tokens + 302
    assert f_image.usage.visual_tokens == 300
    assert f_image.usage.completion_tokens == 2


async def test_thinking_counts_reasoning_tokens(engine: Engine) -> None:
    _, finish = await collect(engine, request(max_tokens=6, mode=Mode.THINKING, seed=1), "thinking")
    assert finish.usage is not None
    # the random demo weights rarely close </think>: every token is then reasoning
    assert finish.usage.reasoning_tokens == 6


async def test_bad_max_tokens_names_the_field(engine: Engine) -> None:
    with pytest.raises(InvalidRequest) as err:
        await collect(engine, request(max_tokens=10**6))
    assert err.value.param == "max_tokens"


async def test_backend_protocol_and_metrics(engine: Engine) -> None:
    backend = EmbeddedBackend(engine, Mode.THINKING)
    assert isinstance(backend, Backend)
    await backend.start()
    assert await backend.ready()
    events = [ev async for ev in backend.stream(request(max_tokens=3, mode=Mode.THINKING, seed=2))]
    assert isinstance(events[-1], Finish)
    snap = backend.load()
    assert (snap.waiting, snap.running, snap.source, snap.age_s) == (0, 0, "engine", 0.0)
    assert snap.service_time_s is not None and snap.service_time_s > 0
    text = engine_metrics_text(engine, {"instruct": "qwen-i", "thinking": "qwen-t"})
    assert 'vllm:num_requests_waiting{model_name="qwen-t"} 0.0' in text
    assert 'vllm:num_requests_running{model_name="qwen-i"} 0.0' in text
    line = next(
        x
        for x in text.splitlines()
        if x.startswith('vllm:generation_tokens_total{model_name="qwen-t"}')
    )
    assert float(line.split()[-1]) >= 3
