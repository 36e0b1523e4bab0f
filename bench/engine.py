"""Benchmark the embedded engine on the demo checkpoint.

Measures, with greedy decoding and a fixed number of new tokens:
- ``model.generate`` called directly on the same inputs (batch 1), tokens/s;
- the engine at 1 request, tokens/s (goal: at least 0.9x of direct generate);
- the engine with 1, 4 and 8 concurrent requests, aggregate tokens/s
  (goal: 8 concurrent at least 3x the 1-request throughput);
- staggered arrivals, what continuous batching is for: 16 requests of 16 to 96 new
  tokens, one every 30 ms, with requests joining the running batch and with joining
  off (a batch runs to its end before the next starts); aggregate tokens/s, mean time
  to first token, mean batch size.

Usage:
    python bench/engine.py [--tokens 64] [--repeats 3] [--device auto] [--update-docs]

``--update-docs`` rewrites the figures block of docs/engine.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from vlgate.backends.embedded.demo import write_demo_checkpoint
from vlgate.backends.embedded.engine import Engine
from vlgate.backends.embedded.settings import EngineSettings
from vlgate.modes import Mode
from vlgate.types import ChatMessage, Finish, GenerationRequest, SamplingParams, TextPart

PROMPTS = [
    "Describe the picture of a harbour at sunset in two sentences.",
    "List three uses of a paperclip.",
    "What is the capital of France? Answer briefly.",
    "Summarise the plot of a detective story in one line.",
    "Explain photosynthesis to a child.",
    "Write a haiku about trains.",
    "Give two tips for learning a language.",
    "Name a famous bridge and its city.",
]
DOCS = Path(__file__).resolve().parent.parent / "docs" / "engine.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


STAGGER_N, STAGGER_EVERY_S, STAGGER_TOKENS = 16, 0.030, (16, 48, 96, 32)


def _request(i: int, tokens: int) -> GenerationRequest:
    return GenerationRequest(
        request_id=f"bench-{i}",
        mode=Mode.INSTRUCT,
        messages=[ChatMessage("user", [TextPart(PROMPTS[i % len(PROMPTS)])])],
        sampling=SamplingParams(temperature=0.0, max_tokens=tokens),
    )


def _generate_once(engine: Engine, tokens: int) -> float:
    """tokens/s of one ``model.generate`` call on the engine's own model and prompt."""
    import torch

    lm = engine.residency.get("instruct")
    prompt = lm.prompts.build(_request(0, tokens).messages)
    ids = torch.tensor([prompt.input_ids], device=lm.device)
    start = time.perf_counter()
    with torch.inference_mode():
        out = lm.model.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            do_sample=False,
            max_new_tokens=tokens,
            top_p=None,
            top_k=None,
            temperature=None,
        )
    return (out.shape[1] - ids.shape[1]) / (time.perf_counter() - start)


async def _one(engine: Engine, req: GenerationRequest) -> int:
    async for event in engine.generate("instruct", req):
        if isinstance(event, Finish) and event.usage is not None:
            return event.usage.completion_tokens
    return 0


async def _engine_once(engine: Engine, concurrency: int, tokens: int, offset: int) -> float:
    """Aggregate tokens/s with ``concurrency`` requests submitted together."""
    reqs = [_request(i + offset, tokens) for i in range(concurrency)]
    start = time.perf_counter()
    done = await asyncio.gather(*(_one(engine, q) for q in reqs))
    return sum(done) / (time.perf_counter() - start)


def rounds(engine: Engine, tokens: int, repeats: int) -> dict[str, float]:
    """Median tokens/s of direct generate and of the engine at 1, 4 and 8 requests.

    One warm-up round, then ``repeats`` rounds; each round measures all four in turn,
    so a change of load on a shared box falls on every figure of a round alike and
    the ratios compare measurements taken seconds apart.
    """
    runs: dict[str, list[float]] = {"direct": [], "1": [], "4": [], "8": []}
    for r in range(repeats + 1):
        direct = _generate_once(engine, tokens)
        rates = {c: asyncio.run(_engine_once(engine, c, tokens, r)) for c in (1, 4, 8)}
        if r:  # the first round warms up
            runs["direct"].append(direct)
            for c, rate in rates.items():
                runs[str(c)].append(rate)
    return {k: statistics.median(v) for k, v in runs.items()}


async def _timed(engine: Engine, req: GenerationRequest, delay: float) -> tuple[int, float]:
    """(completion tokens, seconds to the first text) for a request sent after ``delay``."""
    await asyncio.sleep(delay)
    sent = time.perf_counter()
    first: float | None = None
    async for event in engine.generate("instruct", req):
        if first is None:
            first = time.perf_counter() - sent
        if isinstance(event, Finish) and event.usage is not None:
            return event.usage.completion_tokens, first
    return 0, first or 0.0


async def _staggered_once(engine: Engine, offset: int) -> tuple[float, float]:
    reqs = [_request(offset + i, STAGGER_TOKENS[i % len(STAGGER_TOKENS)]) for i in range(STAGGER_N)]
    start = time.perf_counter()
    done = await asyncio.gather(
        *(_timed(engine, q, i * STAGGER_EVERY_S) for i, q in enumerate(reqs))
    )
    rate = sum(n for n, _ in done) / (time.perf_counter() - start)
    return rate, statistics.mean(t for _, t in done)


def staggered(engine: Engine, repeats: int) -> tuple[float, float, float]:
    """Median tokens/s and time to first token, and the mean batch size, of staggered runs."""
    asyncio.run(_staggered_once(engine, 0))  # warm-up
    before = engine.stats()["instruct"]
    runs = [asyncio.run(_staggered_once(engine, r + 1)) for r in range(repeats)]
    after = engine.stats()["instruct"]
    mean_batch = (after.step_rows - before.step_rows) / max(after.steps - before.steps, 1)
    return (
        statistics.median(r for r, _ in runs),
        statistics.median(t for _, t in runs),
        mean_batch,
    )


def _engine(folder: Path, device: str, join: bool) -> Engine:
    settings = EngineSettings(
        checkpoints={"instruct": str(folder)},
        device=device,
        max_batch_size=8,
        batch_window_ms=10,
        join_running=join,
    )
    engine = Engine(settings)
    engine.start()
    return engine


def run(tokens: int, repeats: int, device: str) -> str:
    load_before = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="vlgate-bench-"))
    dirs = write_demo_checkpoint(folder, variants=("instruct",))
    engine = _engine(dirs["instruct"], device, join=True)
    try:
        lm_device = engine.residency.get("instruct").device
        medians = rounds(engine, tokens, repeats)
        direct, rates = medians["direct"], {c: medians[str(c)] for c in (1, 4, 8)}
        joining = staggered(engine, repeats)
    finally:
        engine.stop()
    engine = _engine(dirs["instruct"], device, join=False)
    try:
        static = staggered(engine, repeats)
    finally:
        engine.stop()
    load_after = os.getloadavg()[0]
    lines = [
        f"Demo checkpoint, greedy, {tokens} new tokens per request, median of {repeats} rounds "
        f"(each measuring the four rows in turn) after one warm-up round; device `{lm_device}`, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load_before:.1f} before the "
        f"run and {load_after:.1f} after.",
        "",
        "| measurement | tokens/s | ratio |",
        "| --- | ---: | ---: |",
        f"| `model.generate` direct, batch 1 | {direct:.1f} | 1.00x |",
        f"| engine, 1 request | {rates[1]:.1f} | {rates[1] / direct:.2f}x of direct (goal >= 0.9x) |",
        f"| engine, 4 concurrent | {rates[4]:.1f} | {rates[4] / rates[1]:.2f}x of 1 request |",
        f"| engine, 8 concurrent | {rates[8]:.1f} | {rates[8] / rates[1]:.2f}x of 1 request (goal >= 3x) |",
        "",
        f"Staggered arrivals: {STAGGER_N} requests, one every {STAGGER_EVERY_S * 1000:.0f} ms, "
        f"{'/'.join(str(t) for t in STAGGER_TOKENS)} new tokens in turn, at most 8 rows; "
        f"median of {repeats} runs after one warm-up.",
        "",
        "| scheduling | tokens/s | mean time to first token | mean batch |",
        "| --- | ---: | ---: | ---: |",
        f"| requests join the running batch | {joining[0]:.1f} | {joining[1] * 1000:.0f} ms "
        f"| {joining[2]:.1f} |",
        f"| joining off (a batch runs to its end) | {static[0]:.1f} | {static[1] * 1000:.0f} ms "
        f"| {static[2]:.1f} |",
    ]
    return "\n".join(lines)


def update_docs(block: str, command: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    body = f"{START}\nCommand: `{command}`\n\n{block}\n{END}"
    DOCS.write_text(head + body + tail, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    block = run(args.tokens, args.repeats, args.device)
    print(block)
    if args.update_docs:
        update_docs(block, "python " + " ".join(["bench/engine.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
