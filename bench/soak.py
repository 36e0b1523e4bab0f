"""Soak: steady streamed load through a real ``vlgate serve`` for a while; the
gateway's resident memory after warm-up vs at the end (goal: under 10% growth).

    python bench/soak.py                 # 20 minutes
    python bench/soak.py --minutes 2     # a short check

Writes the result into docs/reliability.md (the "Soak" block) unless --no-doc.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import DOC, engines, gateway, load, write_config


async def steady(url: str, until: float, concurrency: int, sample: list[tuple[float, int]],
                 pid: int, every_s: float) -> int:  # fmt: skip
    proc = psutil.Process(pid)
    sent = 0
    next_sample = time.monotonic()
    while time.monotonic() < until:
        ids = [f"soak-{sent + i}" for i in range(concurrency * 4)]
        await load(url, ids, concurrency, lambda i: "instruct" if i % 3 else "thinking")
        sent += len(ids)
        if time.monotonic() >= next_sample:
            sample.append((time.monotonic(), proc.memory_info().rss))
            next_sample += every_s
    return sent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="steady load; RSS growth after warm-up")
    ap.add_argument("--minutes", type=float, default=20.0)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args(argv)
    total_s = args.minutes * 60
    warmup_s = min(120.0, total_s * 0.2)
    ins, thk = engines(2, tokens=40)
    samples: list[tuple[float, int]] = []
    try:
        with tempfile.TemporaryDirectory() as t:
            tmp = Path(t)
            with gateway(tmp, write_config(tmp, ins, thk)) as gw:
                assert gw.proc is not None
                t0 = time.monotonic()
                sent = asyncio.run(
                    steady(gw.url, t0 + total_s, args.concurrency, samples, gw.proc.pid,
                           max(1.0, total_s / 60))
                )  # fmt: skip
                elapsed = time.monotonic() - t0
    finally:
        for e in (*ins, *thk):
            e.stop()
    after = [rss for at, rss in samples if at - samples[0][0] >= warmup_s]
    base, end = after[0], after[-1]
    growth = (end - base) / base * 100
    lines = [
        f"| duration | {elapsed / 60:.1f} min, {sent:,} streamed requests at {args.concurrency} "
        f"concurrent ({sent / elapsed:.0f}/s) |",
        f"| RSS after {warmup_s:.0f} s warm-up | {base / 2**20:.1f} MiB |",
        f"| RSS at the end | {end / 2**20:.1f} MiB |",
        f"| RSS peak after warm-up | {max(after) / 2**20:.1f} MiB |",
        f"| growth (goal < 10%) | {growth:+.1f}% — {'PASS' if growth < 10 else 'FAIL'} |",
    ]
    cmd = "python bench/soak.py" + ("" if args.minutes == 20 else f" --minutes {args.minutes:g}")
    block = (
        f"<!-- soak -->\n## Soak\n\nCommand: `{cmd}` ({time.strftime('%Y-%m-%d')}).\n\n"
        "| | |\n| --- | --- |\n" + "\n".join(lines) + "\n<!-- /soak -->\n"
    )
    print(block)
    if not args.no_doc:
        text = DOC.read_text() if DOC.exists() else "# Reliability\n\n"
        if "<!-- soak -->" in text:
            text = re.sub(r"<!-- soak -->.*?<!-- /soak -->\n", lambda m: block, text, flags=re.S)
        elif "<!-- results -->" in text:
            text = text.replace("<!-- results -->", block + "\n<!-- results -->", 1)
        else:
            text += block
        DOC.write_text(text)
    return 0 if growth < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
