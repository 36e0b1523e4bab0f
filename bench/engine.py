"""Benchmark the embedded engine on the demo checkpoint.

Measures, with greedy decoding and a fixed number of new tokens:
- ``model.generate`` called directly on the same inputs (batch 1), tokens/s;
- the engine at 1 request, tokens/s (goal: at least 0.9x of direct generate);
- the engine with 1, 4 and 8 concurrent requests, aggregate tokens/s
  (goal: 8 concurrent at least 3x the 1-request throughput).

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


def _request(i: int, tokens: int) -> GenerationRequest:
    return GenerationRequest(
        request_id=f"bench-{i}",
        mode=Mode.INSTRUCT,
        messages=[ChatMessage("user", [TextPart(PROMPTS[i % len(PROMPTS)])])],
        sampling=SamplingParams(temperature=0.0, max_tokens=tokens),
    )


def direct_generate(engine: Engine, tokens: int, repeats: int) -> float:
    """tokens/s of ``model.generate`` on the engine's own model and prompt."""
    import torch

    lm = engine.residency.get("instruct")
    prompt = lm.prompts.build(_request(0, tokens).messages)
    ids = torch.tensor([prompt.input_ids], device=lm.device)
    mask = torch.ones_like(ids)
    rates = []
    for _ in range(repeats + 1):  # the first run warms up
        start = time.perf_counter()
        with torch.inference_mode():
            out = lm.model.generate(
                input_ids=ids,
                attention_mask=mask,
                do_sample=False,
                max_new_tokens=tokens,
                top_p=None,
                top_k=None,
                temperature=None,
            )
        rates.append((out.shape[1] - ids.shape[1]) / (time.perf_counter() - start))
    return statistics.median(rates[1:])


async def _one(engine: Engine, req: GenerationRequest) -> int:
    async for event in engine.generate("instruct", req):
        if isinstance(event, Finish) and event.usage is not None:
            return event.usage.completion_tokens
    return 0


async def engine_rate(engine: Engine, concurrency: int, tokens: int, repeats: int) -> float:
    """Aggregate tokens/s with ``concurrency`` requests submitted together."""
    rates = []
    for r in range(repeats + 1):
        reqs = [_request(i + r, tokens) for i in range(concurrency)]
        start = time.perf_counter()
        done = await asyncio.gather(*(_one(engine, q) for q in reqs))
        rates.append(sum(done) / (time.perf_counter() - start))
    return statistics.median(rates[1:])


def run(tokens: int, repeats: int, device: str) -> str:
    load_before = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="vlgate-bench-"))
    dirs = write_demo_checkpoint(folder, variants=("instruct",))
    settings = EngineSettings(
        checkpoints={"instruct": str(dirs["instruct"])},
        device=device,
        max_batch_size=8,
        batch_window_ms=10,
    )
    engine = Engine(settings)
    engine.start()
    try:
        engine_device = engine.residency.get("instruct").device
        direct = direct_generate(engine, tokens, repeats)
        rates = {c: asyncio.run(engine_rate(engine, c, tokens, repeats)) for c in (1, 4, 8)}
    finally:
        engine.stop()
    lm_device = engine_device
    lines = [
        f"Demo checkpoint, greedy, {tokens} new tokens per request, median of {repeats} runs "
        f"after one warm-up; device `{lm_device}`, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average before the run "
        f"{load_before:.1f}.",
        "",
        "| measurement | tokens/s | ratio |",
        "| --- | ---: | ---: |",
        f"| `model.generate` direct, batch 1 | {direct:.1f} | 1.00x |",
        f"| engine, 1 request | {rates[1]:.1f} | {rates[1] / direct:.2f}x of direct (goal >= 0.9x) |",
        f"| engine, 4 concurrent | {rates[4]:.1f} | {rates[4] / rates[1]:.2f}x of 1 request |",
        f"| engine, 8 concurrent | {rates[8]:.1f} | {rates[8] / rates[1]:.2f}x of 1 request (goal >= 3x) |",
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
