"""Continuous batching on the demo checkpoint: joining, leaving, fairness, isolation.

Every comparison is on token ids: a request that joins a running batch, or shares
it with rows that come and go, must produce exactly what it produces alone.
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from vlgate.backends.embedded.batch import RunningBatch
from vlgate.backends.embedded.engine import Engine
from vlgate.backends.embedded.job import Job
from vlgate.backends.embedded.metrics import engine_metrics_text
from vlgate.backends.embedded.settings import EngineSettings
from vlgate.errors import InvalidRequest, UpstreamError, UpstreamTimeout, UpstreamUnavailable
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

GREEDY: dict[str, Any] = {"temperature": 0.0}


def request(
    text: str, *, mode: Mode = Mode.INSTRUCT, image: bool = False, **sampling: object
) -> GenerationRequest:
    parts: list[TextPart | ImagePart] = [TextPart(text)]
    if image:
        parts.insert(0, ImagePart(_png(256, 256)))
    return GenerationRequest(
        request_id="c",
        mode=mode,
        messages=[ChatMessage("user", parts)],  # type: ignore[arg-type]
        sampling=SamplingParams(**sampling),  # type: ignore[arg-type]
    )


def _png(w: int, h: int) -> MediaImage:
    buf = io.BytesIO()
    img = Image.new("RGB", (w, h), (10, 120, 200))
    for x in range(0, w, 8):  # some structure, so the vision tower sees more than a flat colour
        img.putpixel((x, x % h), (250, 250, 0))
    img.save(buf, format="PNG")
    return MediaImage(data=buf.getvalue(), mime="image/png", width=w, height=h, tokens=64)


class Stream:
    """One request submitted from a plain thread; its events gathered as they come."""

    def __init__(self, engine: Engine, req: GenerationRequest, variant: str = "instruct") -> None:
        self.events: list[BackendEvent] = []
        self.error: BaseException | None = None
        self.finished_at: float | None = None
        self._done = threading.Event()
        self.job = engine.submit(variant, req, self._sink)

    def _sink(self, item: BackendEvent | BaseException) -> None:
        if isinstance(item, BaseException):
            self.error = item
            self._done.set()
            return
        self.events.append(item)
        if isinstance(item, Finish):
            self.finished_at = time.monotonic()
            self._done.set()

    @property
    def tokens(self) -> list[int]:
        return list(self.job.state.tokens) if self.job.state is not None else []

    @property
    def finish(self) -> Finish:
        assert isinstance(self.events[-1], Finish), self.error
        return self.events[-1]

    @property
    def text(self) -> str:
        return "".join(e.text for e in self.events if isinstance(e, TextDelta))

    def wait(self, timeout: float = 120) -> Stream:
        assert self._done.wait(timeout), "request did not end"
        return self

    def wait_tokens(self, n: int, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while len(self.tokens) < n:
            assert not self._done.is_set(), "ended before producing the tokens waited for"
            assert time.monotonic() < end, "no progress"
            time.sleep(0.002)


def alone(engine: Engine, req: GenerationRequest, variant: str = "instruct") -> Stream:
    return Stream(engine, req, variant).wait()


def _joined(engine: Engine, variant: str = "instruct") -> int:
    return engine.stats()[variant].joined_running


def drain(engine: Engine, timeout: float = 30) -> None:
    """Wait until no variant has a request waiting or running (cancelled rows gone)."""
    end = time.monotonic() + timeout
    while any(
        (snap.waiting, snap.running) != (0, 0)
        for snap in (engine.load(v) for v in engine.settings.variants())
    ):
        assert time.monotonic() < end, "engine did not go idle"
        time.sleep(0.002)


@pytest.mark.parametrize(
    ("first_image", "joiner_image"), [(False, False), (False, True), (True, False)]
)
def test_a_joiner_generates_what_it_generates_alone(
    engine: Engine, first_image: bool, joiner_image: bool
) -> None:
    """Text and image prompts (M-RoPE positions run behind the sequence length after an
    image) joining mid-generation, with prompts of different lengths on both sides."""
    first = request(
        "Two cats and a very long dog on a sofa.", image=first_image, max_tokens=40, **GREEDY
    )
    late = request("Hi", image=joiner_image, max_tokens=14, **GREEDY)
    want_first, want_late = alone(engine, first).tokens, alone(engine, late).tokens
    assert len(want_late) == 14 and want_first[:14] != want_late

    before = _joined(engine)
    running = Stream(engine, first)
    running.wait_tokens(10)
    joiner = Stream(engine, late)
    joiner.wait()
    running.wait()
    assert _joined(engine) == before + 1  # it really joined a batch already running
    assert joiner.tokens == want_late
    assert running.tokens == want_first  # the row it joined is unaffected too
    assert joiner.finish.finish_reason == "length"


def test_joiners_in_waves_each_match_alone(engine: Engine) -> None:
    prompts = ["A red ball.", "Count: 1 2 3 4 5", "Describe a cat.", "Tell me about the sea."]
    reqs = [request(p, max_tokens=12 + 4 * i, **GREEDY) for i, p in enumerate(prompts)]
    want = [alone(engine, r).tokens for r in reqs]
    streams = [Stream(engine, reqs[0])]
    for r in reqs[1:]:
        streams[-1].wait_tokens(3)
        streams.append(Stream(engine, r))
    assert [s.wait().tokens for s in streams] == want


def test_finished_rows_leave_the_batch(engine: Engine) -> None:
    drain(engine)
    before = engine.stats()["instruct"]
    short = Stream(engine, request("Hi", max_tokens=3, **GREEDY))
    long = Stream(engine, request("A red ball.", max_tokens=60, **GREEDY))
    short.wait()
    assert long.tokens and len(long.tokens) < 60
    assert engine.load("instruct").running == 1  # the short one's row is gone
    long.wait()
    after = engine.stats()["instruct"]
    # 3 + 60 row-steps; had the finished row stayed it would be 60 + 60
    assert after.step_rows - before.step_rows == 63
    assert 60 <= after.steps - before.steps <= 61
    text = engine_metrics_text(engine, {"instruct": "i", "thinking": "t"})
    assert f'vlgate:engine_step_rows_total{{model_name="i"}} {float(after.step_rows)}' in text


def test_the_longest_prompt_leaving_trims_the_cache(engine: Engine) -> None:
    lm = engine.residency.get("instruct")
    batch = RunningBatch(lm, engine.settings)
    long_prompt = request("Two cats and a very long dog on a sofa. " * 6, max_tokens=2, **GREEDY)
    short_prompt = request("Hi", max_tokens=6, **GREEDY)
    jobs = [
        Job(request=r, variant="instruct", sink=lambda e: None) for r in (long_prompt, short_prompt)
    ]
    assert batch.admit(jobs) == (jobs, [])
    width = batch._mask.shape[1]
    assert batch._cache.get_seq_length() == width
    batch.step()
    batch.step()  # the long prompt's row finishes here and leaves
    assert batch.rows == [jobs[1]]
    assert jobs[1].prompt is not None
    # only the short row's own columns are left: its prompt and one token per step
    assert batch._cache.get_seq_length() == len(jobs[1].prompt.input_ids) + 2 < width
    assert batch._mask is None  # and no padding left to mask
    while batch.rows:
        batch.step()
    assert len(jobs[1].state.tokens) == 6  # type: ignore[union-attr]
    assert jobs[1].state.tokens == alone(engine, short_prompt).tokens  # type: ignore[union-attr]


def test_seeded_sampling_ignores_who_else_is_in_the_batch(engine: Engine) -> None:
    # seed only: the checkpoint's defaults (temperature 0.7, top_k 20, top_p 0.8) apply
    seeded = request("Describe a cat.", max_tokens=30, seed=7)
    want = alone(engine, seeded).tokens
    assert len(want) == 30
    others = [
        request("A red ball.", max_tokens=12, seed=8),  # the same sampling group
        request("Count: 1 2 3 4 5", max_tokens=9, **GREEDY),
        request("Hi", max_tokens=15, temperature=1.0, presence_penalty=1.0, seed=3),
        request("Tell me about the sea.", max_tokens=6, temperature=0.9, top_p=1.0, seed=4),
    ]
    early = Stream(engine, others[0])
    early.wait_tokens(2)
    target = Stream(engine, seeded)
    rest = []
    for r in others[1:]:
        target.wait_tokens(len(target.tokens) + 3)
        rest.append(Stream(engine, r))
    assert target.wait().tokens == want
    for s in [early, *rest]:
        s.wait()
    assert _joined(engine) >= 4


def test_cancelling_a_row_frees_it_and_spares_the_others(engine: Engine) -> None:
    keep_req = request("Describe a cat.", max_tokens=40, **GREEDY)
    want = alone(engine, keep_req).tokens
    before = engine.stats()["instruct"].generation_tokens
    doomed = Stream(engine, request("A red ball.", max_tokens=3000, **GREEDY))
    kept = Stream(engine, keep_req)
    kept.wait_tokens(5)
    doomed.job.cancel()
    deadline = time.monotonic() + 10
    while engine.load("instruct").running != 1:
        assert time.monotonic() < deadline
        time.sleep(0.002)
    assert len(kept.tokens) < 40  # the row left while the other was still generating
    assert kept.wait().tokens == want
    spent = engine.stats()["instruct"].generation_tokens - before
    assert 40 < spent < 40 + 200  # the cancelled row's tokens count, and it stopped early
    assert engine.load("instruct").running == 0


def test_two_variants_take_turns(engine: Engine) -> None:
    """A short Thinking request finishes while a long Instruct one is still running."""
    long = Stream(engine, request("Tell me about the sea.", max_tokens=400, **GREEDY))
    long.wait_tokens(5)
    short = Stream(
        engine, request("Hi", mode=Mode.THINKING, max_tokens=8, seed=1), variant="thinking"
    )
    short.wait()
    assert short.finish.usage is not None and short.finish.usage.completion_tokens == 8
    assert len(long.tokens) < 400 and long.finished_at is None
    assert engine.load("instruct").running == 1
    long.job.cancel()
    drain(engine)


def test_one_bad_request_does_not_stop_the_others(engine: Engine) -> None:
    good = Stream(engine, request("A red ball.", max_tokens=10, **GREEDY))
    bad = Stream(engine, request("Hi", max_tokens=10**6, **GREEDY))
    good.wait_tokens(2)

    def broken_sink(item: BackendEvent | BaseException) -> None:
        raise RuntimeError("client went away badly")

    broken = engine.submit("instruct", request("Hi", max_tokens=50, **GREEDY), broken_sink)
    late = Stream(engine, request("Describe a cat.", max_tokens=8, **GREEDY))
    assert isinstance(bad.wait().error, InvalidRequest)
    assert good.wait().finish.finish_reason == "length" and len(good.tokens) == 10
    assert late.wait().finish.finish_reason == "length"
    deadline = time.monotonic() + 10
    while not broken.cancelled:
        assert time.monotonic() < deadline
        time.sleep(0.002)
    assert broken.state is not None and 1 <= len(broken.state.tokens) < 50  # left early


def test_a_passed_deadline_ends_only_that_row(engine: Engine) -> None:
    slow = request("A red ball.", max_tokens=3000, **GREEDY)
    slow.deadline = time.monotonic() + 0.3
    other = Stream(engine, request("Describe a cat.", max_tokens=30, **GREEDY))
    late = Stream(engine, slow)
    late.wait()
    assert isinstance(late.error, UpstreamTimeout)
    assert late.error.sent_output == bool(late.tokens)
    assert len(late.tokens) < 3000
    assert other.wait().finish.finish_reason == "length"


def test_stop_fails_running_rows_as_unavailable(demo_dirs: dict[str, Path]) -> None:
    eng = Engine(EngineSettings(checkpoints={"instruct": str(demo_dirs["instruct"])}))
    eng.start()
    try:
        running = Stream(eng, request("A red ball.", max_tokens=3000, **GREEDY))
        running.wait_tokens(2)
    finally:
        eng.stop()
    running.wait(10)
    assert isinstance(running.error, UpstreamUnavailable) and running.error.retryable
    assert eng.load("instruct").running == 0


def test_one_resident_model_serves_both_variants_in_turn(demo_dirs: dict[str, Path]) -> None:
    """With room for one model, a variant waits for the other's batch to drain instead of
    evicting the model under it, and the older request goes first."""
    eng = Engine(
        EngineSettings(checkpoints={k: str(v) for k, v in demo_dirs.items()}, max_resident=1)
    )
    eng.start()
    try:
        first = Stream(eng, request("A red ball.", max_tokens=30, **GREEDY))
        first.wait_tokens(2)
        thinking = Stream(
            eng, request("Hi", mode=Mode.THINKING, max_tokens=5, seed=1), variant="thinking"
        )
        time.sleep(0.05)
        later = Stream(eng, request("Describe a cat.", max_tokens=5, **GREEDY))
        for s in (first, thinking, later):
            s.wait()
            assert s.error is None
        assert first.finished_at is not None and thinking.finished_at is not None
        assert later.finished_at is not None
        assert first.finished_at <= thinking.finished_at <= later.finished_at
        assert eng.residency.loads == 3  # instruct, thinking, instruct again
    finally:
        eng.stop()


def test_a_failing_forward_fails_its_batch_and_the_engine_goes_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vlgate.backends.embedded import batch as batch_module

    drain(engine)
    real = batch_module._forward
    calls = {"decode": 0}

    def flaky(lm: Any, project: Any, cache: Any, **kwargs: Any) -> Any:
        if cache is not None:
            calls["decode"] += 1
            if calls["decode"] == 3:
                raise RuntimeError("device lost")
        return real(lm, project, cache, **kwargs)

    monkeypatch.setattr(batch_module, "_forward", flaky)
    a = Stream(engine, request("A red ball.", max_tokens=20, **GREEDY))
    b = Stream(engine, request("Hi", max_tokens=20, **GREEDY))
    for s in (a, b):
        s.wait()
        assert isinstance(s.error, UpstreamError) and s.error.sent_output
        assert "device lost" in str(s.error)
    assert engine.load("instruct").running == 0
    monkeypatch.setattr(batch_module, "_forward", real)
    after = alone(engine, request("Describe a cat.", max_tokens=4, **GREEDY))
    assert after.finish.usage is not None and after.finish.usage.completion_tokens == 4


async def test_rows_on_one_loop_share_one_wakeup_per_step(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    real = loop.call_soon_threadsafe
    wakeups = 0

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal wakeups
        wakeups += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(loop, "call_soon_threadsafe", counting)
    before = engine.stats()["instruct"].steps

    async def run(text: str) -> int:
        events = [
            ev async for ev in engine.generate("instruct", request(text, max_tokens=20, **GREEDY))
        ]
        assert isinstance(events[-1], Finish)
        return sum(isinstance(e, TextDelta) for e in events)

    deltas = await asyncio.gather(
        *(run(t) for t in ("A red ball.", "Hi", "Describe a cat.", "Count: 1"))
    )
    steps = engine.stats()["instruct"].steps - before
    assert sum(deltas) > 2 * steps  # several rows had something to say at most steps
    assert wakeups <= steps + 2  # yet the loop was woken about once a step, not once a row


def test_finished_event_loops_are_not_kept(engine: Engine) -> None:
    import gc
    import weakref

    async def one() -> None:
        events = [ev async for ev in engine.generate("instruct", request("Hi", max_tokens=2))]
        assert isinstance(events[-1], Finish)

    loop = asyncio.new_event_loop()
    loop.run_until_complete(one())
    loop.close()
    ref = weakref.ref(loop)
    del loop
    gc.collect()
    assert ref() is None
