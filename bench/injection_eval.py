"""Injection screen: detection and false-positive rates on text and on images.

    python bench/injection_eval.py [--split tuned|heldout|both] [--images 60]
                                   [--budget-ms 3000] [--show-misses]

Text samples and rendered images come from ``bench/guard_data/injection_gen.py``
(seeded). The ``tuned`` split is the one the patterns and OCR passes were adjusted
on; ``heldout`` uses other phrasings, fonts, backgrounds and rotations, and was not
used to adjust anything. Images go through ``InputScreen.screen_images``:
smart-resize to the model's resolution, then the configured OCR engine (tesseract),
then the scorer. Times are wall-clock per image on this machine.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from bench.guard_data.injection_gen import SPLITS, image_set, text_set
from vlgate.guard import GuardSettings, InputScreen
from vlgate.types import MediaImage


def rates(results: list[tuple[bool, bool]]) -> tuple[float, float, int, int]:
    pos = [hit for injected, hit in results if injected]
    neg = [hit for injected, hit in results if not injected]
    return (
        sum(pos) / max(1, len(pos)),
        sum(neg) / max(1, len(neg)),
        len(pos),
        len(neg),
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def eval_text(screen: InputScreen, split: str, show: bool) -> None:
    t0 = time.perf_counter()
    res = []
    for s in text_set(split=split):
        v = screen.screen_text(s.text)
        res.append((s.injected, v.action != "allow"))
        if show and s.injected != (v.action != "allow"):
            print("  TEXT", "MISS" if s.injected else "FP", v.score, repr(s.text[:100]))
    det, fp, npos, nneg = rates(res)
    took = time.perf_counter() - t0
    print(
        f"{split:8s} text:   detection {det:.3f} ({npos} injected)   "
        f"false positives {fp:.3f} ({nneg} benign)   [{took:.2f} s]"
    )


def eval_images(screen: InputScreen, split: str, per_class: int, show: bool) -> None:
    res, misses, times = [], Counter[str](), {True: list[float](), False: list[float]()}
    for png, injected, meta in image_set(per_class=per_class, split=split):
        with Image.open(io.BytesIO(png)) as im:
            w, h = im.size
        img = MediaImage(png, "image/png", w, h, 0)
        t0 = time.perf_counter()
        v = screen.screen_images([img])
        times[injected].append((time.perf_counter() - t0) * 1000)
        flagged = v.action != "allow"
        res.append((injected, flagged))
        if injected != flagged:
            key = "miss" if injected else "fp"
            misses[f"{key} size={meta['size']} contrast={meta['contrast']} bg={meta['bg']}"] += 1
            if show:
                print("  IMG", key, meta, v.score, v.reasons)
    det, fp, npos, nneg = rates(res)
    every = times[True] + times[False]
    print(
        f"{split:8s} images: detection {det:.3f} ({npos} injected)   "
        f"false positives {fp:.3f} ({nneg} benign)   "
        f"ms/image p50 {percentile(every, 0.5):.0f} p95 {percentile(every, 0.95):.0f} "
        f"max {max(every):.0f} (benign p50 {percentile(times[False], 0.5):.0f}, "
        f"injected p50 {percentile(times[True], 0.5):.0f})"
    )
    for k, n in sorted(misses.items()):
        print(f"    {k}: {n}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=[*SPLITS, "both"], default="both")
    ap.add_argument("--images", type=int, default=60, help="images per class and split")
    ap.add_argument("--budget-ms", type=float, default=None, help="OCR time budget per image")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    ocr: dict[str, object] = {"enabled": True}
    screen = InputScreen(GuardSettings(injection={"policy": "flag"}, ocr=ocr))
    if args.budget_ms is not None and hasattr(screen.ocr, "budget_s"):
        screen.ocr.budget_s = args.budget_ms / 1000
    splits = SPLITS if args.split == "both" else (args.split,)
    for split in splits:
        eval_text(screen, split, args.show_misses)
    if args.images <= 0:
        return
    if not screen.ocr.available():
        print("images: OCR engine unavailable (install tesseract-ocr and pytesseract)")
        return
    for split in splits:
        eval_images(screen, split, args.images, args.show_misses)


if __name__ == "__main__":
    main()
