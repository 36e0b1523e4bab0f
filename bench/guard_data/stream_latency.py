"""Streaming redactor cost: time per fed chunk, hold-back, and the delay of the first token.

    python bench/guard_data/stream_latency.py [--docs 200]

Feeds the PII evaluation documents (plus plain prose) through an ``OutputGuard`` in
4-character chunks (about one model token each), timing every ``feed``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.guard_data.pii_gen import generate
from vlgate.guard import Guards, GuardSettings

PROSE = (
    "The receipt shows a purchase of two coffees and a croissant, paid by card. The total "
    "matches the sum of the items, and the tax line is consistent with the local rate. "
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--chunk", type=int, default=4)
    args = ap.parse_args()
    guards = Guards(GuardSettings())
    texts = [d.text for d in generate(args.docs, 99)] + [PROSE * 3] * 20
    times, held, first_delay = [], [], []
    for text in texts:
        out = guards.output_guard()
        first = None
        for i in range(0, len(text), args.chunk):
            t0 = time.perf_counter()
            g = out.feed("answer", text[i : i + args.chunk])
            times.append(time.perf_counter() - t0)
            held.append(out._redactors["answer"].held)
            if first is None and g.text:
                first = i // args.chunk
        out.close()
        first_delay.append(first if first is not None else len(text) // args.chunk)
    times_us = sorted(t * 1e6 for t in times)
    q = lambda p: times_us[min(len(times_us) - 1, int(p * len(times_us)))]  # noqa: E731
    print(f"chunks: {len(times)} of {args.chunk} chars from {len(texts)} texts")
    print(
        f"feed time per chunk: mean {statistics.mean(times_us):.0f} us, p50 {q(0.5):.0f} us, p99 {q(0.99):.0f} us, max {times_us[-1]:.0f} us"
    )
    print(
        f"held back: mean {statistics.mean(held):.1f} chars, p99 {sorted(held)[int(0.99 * len(held))]} chars"
    )
    print(
        f"first output after: mean {statistics.mean(first_delay):.1f} chunks, median {statistics.median(first_delay)} chunks"
    )


if __name__ == "__main__":
    main()
