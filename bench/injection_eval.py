"""Injection screen: detection and false-positive rates on text and on images.

    python bench/injection_eval.py [--images 60] [--markdown]

Text samples and rendered images come from ``bench/guard_data/injection_gen.py``
(seeded). Images go through ``InputScreen.screen_images``: smart-resize to the
model's resolution, then the configured OCR engine (tesseract), then the scorer.
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

from bench.guard_data.injection_gen import image_set, text_set
from vlgate.guard import GuardSettings, InputScreen
from vlgate.types import MediaImage


def rates(results: list[tuple[bool, bool]]) -> tuple[float, float, int, int]:
    pos = [hit for injected, hit in results if injected]
    neg = [hit for injected, hit in results if not injected]
    return sum(pos) / len(pos), sum(neg) / len(neg), len(pos), len(neg)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=60, help="images per class")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    screen = InputScreen(GuardSettings(injection={"policy": "flag"}))
    t0 = time.perf_counter()
    texts = text_set()
    res = []
    for s in texts:
        v = screen.screen_text(s.text)
        res.append((s.injected, v.action != "allow"))
        if args.show_misses and s.injected != (v.action != "allow"):
            print("TEXT", "MISS" if s.injected else "FP", v.score, repr(s.text[:90]))
    det, fp, npos, nneg = rates(res)
    print(
        f"text:   detection {det:.3f} ({npos} injected)   false positives {fp:.3f} ({nneg} benign)   [{time.perf_counter() - t0:.2f} s]"
    )
    if not screen.ocr.available():
        print("images: OCR engine unavailable (install tesseract-ocr and pytesseract)")
        return
    t0 = time.perf_counter()
    res, misses = [], Counter[str]()
    for png, injected, meta in image_set(per_class=args.images):
        with Image.open(io.BytesIO(png)) as im:
            w, h = im.size
        img = MediaImage(png, "image/png", w, h, 0)
        v = screen.screen_images([img])
        flagged = v.action != "allow"
        res.append((injected, flagged))
        if injected != flagged:
            misses[
                f"{'miss' if injected else 'fp'} size={meta['size']} contrast={meta['contrast']}"
            ] += 1
            if args.show_misses:
                print("IMG", "MISS" if injected else "FP", meta, v.score)
    det, fp, npos, nneg = rates(res)
    took = time.perf_counter() - t0
    print(
        f"images: detection {det:.3f} ({npos} injected)   false positives {fp:.3f} ({nneg} benign)   [{took:.1f} s, {took / len(res) * 1000:.0f} ms/image]"
    )
    for k, n in sorted(misses.items()):
        print(f"  {k}: {n}")


if __name__ == "__main__":
    main()
