"""OCR quality by itself, apart from the injection scorer.

    python bench/ocr_eval.py [--engines "rapidocr;tesseract"]
                             [--split tuned|heldout|mixed|both|all] [--images 20]
                             [--budget-ms 4000] [--by bg,contrast,size,angle,font]
                             [--json rows.json] [--show N]

Every engine reads the same images at the resolution the model is sent
(``smart_resize``), with every pass it has inside its budget (the screen would
stop at the first confident hit; here all passes run, as for a benign image).
``tuned`` and ``heldout`` are the rendered images of ``bench/guard_data/
injection_gen.py`` (seeded; injected and benign alike, ``--images`` per class).
``mixed`` is made here and tuned nothing: 2 x ``--images`` colour photo-like
backgrounds, each with two or three text blocks of their own font, size, contrast,
polarity and rotation (up to 15 degrees). Per image:

- word recall: the share of the ground-truth words (lower-cased, accents dropped,
  letters and digits only, as a multiset) found among the words of everything the
  engine returned, all passes together;
- character error rate (CER): edit distance from the ground truth over its length,
  both normalised the same way, for the engine's best pass (passes overlap, so the
  concatenation is no transcription; on ``mixed`` reading order counts too);
- joined CER: the same with all spaces removed, so a reader that runs words
  together but reads the letters right shows it;
- ms: wall-clock for all passes;
- whether the injection screen flags what was read (each pass scored on its own,
  the best counting, as the screen does), and whether it flags the true
  text (tuned and held-out only): the second is the scorer's ceiling, so what OCR
  loses is told apart from what the scorer misses.

Engine specs: ``NAME`` or ``NAME:key=value,key=value`` with any keyword the engine
takes, e.g. ``rapidocr:space_boost=1`` (no space fix), ``tesseract:budget_s=8``, or
``passes=gray+deskew`` (names from the engine's pass list; for rapidocr also
``detN``: the image as is, detected at a shorter side of N px).
Times are on this machine as it was, including whatever else ran on it.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps, ImageStat

from bench.guard_data.injection_gen import SPLITS, _visible, image_set, phrasings
from vlgate.guard import GuardSettings, InputScreen
from vlgate.guard.ocr import (
    DEFAULT_PASSES,
    OCR_ENGINES,
    RAPID_PASSES,
    OcrEngine,
    PassOcr,
    smart_resize,
)


def words(text: str) -> list[str]:
    """Lower-case words of letters and digits; accents dropped (a reader that gives
    "regles" for "règles" read the word)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", plain.lower().replace("ß", "ss")).split()


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def word_recall(truth: str, read: str) -> float:
    want, got = Counter(words(truth)), Counter(words(read))
    return sum((want & got).values()) / max(1, sum(want.values()))


def cer(truth: str, read: str, joined: bool = False) -> float:
    sep = "" if joined else " "
    t, r = sep.join(words(truth)), sep.join(words(read))
    return min(1.0, edit_distance(t, r) / max(1, len(t)))


def ground_truth(split: str, per_class: int) -> list[str]:
    """The text of each image of ``image_set``, in its order (injected, benign, ...)."""
    injections, benign = phrasings(split)
    out = []
    for i in range(per_class):
        out += [_visible(injections[i % len(injections)]), benign[i % len(benign)]]
    return [" ".join(t.split()) for t in out]


MIXED_FONTS = (
    "DejaVuSans.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSansMono.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSansNarrow-Regular.ttf",
)


def _mixed_font(size: int, rng: random.Random) -> tuple[ImageFont.FreeTypeFont, str]:
    name = rng.choice(MIXED_FONTS)
    for folder in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation"):
        if (Path(folder) / name).exists():
            return ImageFont.truetype(str(Path(folder) / name), size), name
    raise FileNotFoundError(f"{name}: install fonts-dejavu-core and fonts-liberation")


def _photo(width: int, height: int, rng: random.Random) -> Image.Image:
    """A colour photo stand-in: a tinted gradient, soft colour blobs, grain."""
    base = Image.linear_gradient("L").rotate(rng.uniform(0, 360)).resize((width, height))
    tint = tuple(rng.randrange(60, 200) for _ in range(3))
    img = ImageOps.colorize(base, (tint[0] // 3, tint[1] // 3, tint[2] // 3), tint)
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(30, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    img = img.filter(ImageFilter.GaussianBlur(14))
    grain = Image.effect_noise((width, height), 18).convert("RGB")
    return Image.blend(img, grain, 0.12)


def mixed_set(count: int, seed: int = 5) -> list[tuple[bytes, str, dict[str, object]]]:
    """Harder than either split, and used to tune nothing: a colour photo-like
    background carrying two or three text blocks, each with its own font, size,
    colour, polarity (some on a banner of the opposite shade) and rotation up to 15
    degrees, stacked so none overlaps another or the edge. The truth is the blocks'
    text in drawing order."""
    inj_t, ben_t = phrasings("tuned")
    inj_h, ben_h = phrasings("heldout")
    pool = [_visible(t) for t in (*inj_t, *inj_h)] + [*ben_t, *ben_h]
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        width, height = rng.choice([(1024, 768), (1280, 720), (800, 800)])
        img = _photo(width, height, rng)
        truths, sizes, contrasts, angles = [], [], [], []
        y = rng.randrange(5, 30)
        for _ in range(rng.choice([2, 3])):
            text = " ".join(rng.choice(pool).split())
            size = rng.choice([14, 18, 22, 28, 36])
            font, _ = _mixed_font(size, rng)
            lines, line = [], ""
            for word in text.split():
                if line and font.getlength(f"{line} {word}") > width * 0.7:
                    lines.append(line)
                    line = word
                else:
                    line = f"{line} {word}".strip()
            lines.append(line)
            line_h = int(size * 1.4)
            text_w = int(max(font.getlength(ln) for ln in lines))
            block = Image.new("RGBA", (text_w + 20, line_h * len(lines) + 20), (0, 0, 0, 0))
            x = rng.randrange(0, max(1, width - block.width - 60))
            patch = img.crop((x, y, x + block.width, y + block.height)).convert("L")
            ground = int(ImageStat.Stat(patch).mean[0])
            contrast = rng.choice([255, 160, 90, 60])
            draw = ImageDraw.Draw(block)
            if rng.random() < 0.35:  # a banner of the opposite shade under the text
                ground = 30 if ground > 128 else 225
                draw.rectangle((0, 0, block.width, block.height), fill=(ground,) * 3 + (235,))
            ink = max(0, ground - contrast) if ground > 128 else min(255, ground + contrast)
            colour = tuple(max(0, min(255, ink + rng.randrange(-20, 21))) for _ in range(3))
            for i, ln in enumerate(lines):
                draw.text((10, 10 + i * line_h), ln, font=font, fill=(*colour, 255))
            angle = rng.uniform(-15, 15)
            block = block.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
            if truths and (y + block.height > height or x + block.width > width):
                break  # no room left: every block drawn is whole, so the truth is visible
            img.paste(block, (x, y), block)
            y += block.height + rng.randrange(0, 30)
            truths.append(text)
            sizes.append(size)
            contrasts.append(contrast)
            angles.append(angle)
        buf = io.BytesIO()
        img.save(buf, "PNG")
        meta = {
            "size": min(sizes),
            "contrast": min(contrasts),
            "angle": max(angles, key=abs),
            "bg": "photo",
            "font": "mixed",
        }
        out.append((buf.getvalue(), " ".join(truths), meta))
    return out


def angle_bucket(angle: float) -> str:
    a = abs(angle)
    return "<4" if a < 4 else "4-8" if a < 8 else "8-12" if a < 12 else "12-15"


@dataclass
class Row:
    engine: str
    split: str
    injected: bool
    recall: float
    cer: float
    joined_cer: float
    ms: float
    bg: str
    contrast: int
    size: int
    angle: str
    font: str
    flag_read: bool  # the injection screen flags what the engine read
    flag_truth: bool  # ... and the text the image really carries


def build(spec: str, budget_ms: float | None) -> tuple[str, OcrEngine]:
    name, _, opts = spec.partition(":")
    kwargs: dict[str, Any] = {}
    for item in filter(None, opts.split(",")):
        key, _, value = item.partition("=")
        try:
            kwargs[key] = json.loads(value)
        except json.JSONDecodeError:
            kwargs[key] = value
    if budget_ms is not None:
        kwargs.setdefault("budget_s", budget_ms / 1000)
    if "passes" in kwargs:  # pass names joined by '+', from the engine's built-in list
        known = {p[0]: p for p in (*RAPID_PASSES, *DEFAULT_PASSES)}
        names = str(kwargs.pop("passes")).split("+")
        # "det640": the model view as is, detected at a shorter side of 640 px
        kwargs["pass_list"] = tuple(
            (n, lambda im: im, int(n[3:])) if n.startswith("det") else known[n] for n in names
        )
    return spec, OCR_ENGINES[name](**kwargs)


def read(engine: OcrEngine, image: Image.Image) -> list[str]:
    if isinstance(engine, PassOcr):
        return list(engine.passes(image))
    return [engine.extract(image)]


def model_view(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as im:
        pil = im.convert("RGB")
    h, w = smart_resize(pil.height, pil.width)
    return pil if (w, h) == pil.size else pil.resize((w, h))


def evaluate(
    engines: list[tuple[str, OcrEngine]], split: str, per_class: int, show: int
) -> list[Row]:
    rows: list[Row] = []
    if split == "mixed":
        made = mixed_set(2 * per_class)
        images = [(png, True, meta) for png, _, meta in made]
        truths = [truth for _, truth, _ in made]
    else:
        images = image_set(per_class=per_class, split=split)
        truths = ground_truth(split, per_class)
    assert len(images) == len(truths)
    views = [model_view(png) for png, _, _ in images]
    screen = InputScreen(GuardSettings(injection={"policy": "flag"}))
    flagged = [screen.screen_text(t).action != "allow" for t in truths]
    for spec, engine in engines:
        read(engine, views[0])  # load models outside the timing
        worst: list[tuple[float, str, str, dict[str, Any]]] = []
        for view, (_, injected, meta), truth, flag_truth in zip(
            views, images, truths, flagged, strict=True
        ):
            t0 = time.perf_counter()
            texts = read(engine, view)
            ms = (time.perf_counter() - t0) * 1000
            every = "\n".join(texts)
            rec = word_recall(truth, every)
            rows.append(
                Row(
                    spec,
                    split,
                    injected,
                    rec,
                    min((cer(truth, t) for t in texts), default=1.0),
                    min((cer(truth, t, joined=True) for t in texts), default=1.0),
                    ms,
                    str(meta["bg"]),
                    int(meta["contrast"]),  # type: ignore[call-overload]
                    int(meta["size"]),  # type: ignore[call-overload]
                    angle_bucket(float(meta["angle"])),  # type: ignore[arg-type]
                    str(meta["font"]),
                    # as the screen does: each pass scored on its own, the best counts
                    max((screen.screen_text(t).score for t in texts), default=0.0)
                    >= screen.threshold,
                    flag_truth,
                )
            )
            worst.append((rec, truth, every, meta))
        for rec, truth, every, meta in sorted(worst, key=lambda w: w[0])[:show]:
            print(f"  [{spec} {split}] recall {rec:.2f} {meta}\n    truth: {truth}")
            print("    read:  " + every.replace("\n", " | ")[:300])
    return rows


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(rows: list[Row]) -> str:
    rec = [r.recall for r in rows]
    ms = [r.ms for r in rows]
    return (
        f"recall {statistics.mean(rec):.3f} (>=0.9: {sum(x >= 0.9 for x in rec) / len(rec):.2f})  "
        f"CER {statistics.mean(r.cer for r in rows):.3f}  "
        f"joined CER {statistics.mean(r.joined_cer for r in rows):.3f}  "
        f"ms p50 {pct(ms, 0.5):.0f} p95 {pct(ms, 0.95):.0f}  n={len(rows)}"
    )


def _rate(rows: list[Row], field: str) -> str:
    return f"{sum(getattr(r, field) for r in rows) / max(1, len(rows)):.3f}"


def report(rows: list[Row], by: list[str]) -> None:
    specs = list(dict.fromkeys(r.engine for r in rows))
    splits = list(dict.fromkeys(r.split for r in rows))
    width = max(len(s) for s in specs)
    print("\n== overall")
    for split in splits:
        for spec in specs:
            sel = [r for r in rows if r.engine == spec and r.split == split]
            print(f"{split:8s} {spec:{width}s}  {summary(sel)}")
    print(
        "\n== the injection screen on what was read vs on the true text (the scorer's"
        " ceiling); 'lost' = flagged on the truth, not on the reading"
    )
    for split in (s for s in splits if s != "mixed"):
        for spec in specs:
            sel = [r for r in rows if r.engine == spec and r.split == split]
            pos, neg = [r for r in sel if r.injected], [r for r in sel if not r.injected]
            print(
                f"{split:8s} {spec:{width}s}  detection {_rate(pos, 'flag_read')} "
                f"(truth {_rate(pos, 'flag_truth')}, lost {sum(r.flag_truth and not r.flag_read for r in pos)})"
                f"  false positives {_rate(neg, 'flag_read')} (truth {_rate(neg, 'flag_truth')})"
            )
    for key in by:
        print(f"\n== word recall by {key} (CER in brackets; n images)")
        for split in splits:
            values = sorted({getattr(r, key) for r in rows if r.split == split}, key=str)
            head = "".join(f"{s[:22]:>24s}" for s in specs)
            print(f"{split:8s} {key:>10s} {'n':>4s}{head}")
            for v in values:
                cells, n = "", 0
                for spec in specs:
                    sel = [
                        r
                        for r in rows
                        if r.engine == spec and r.split == split and getattr(r, key) == v
                    ]
                    n = len(sel)
                    cells += (
                        f"{statistics.mean(r.recall for r in sel):>16.3f}"
                        f" ({statistics.mean(r.cer for r in sel):.2f})"
                    )
                print(f"{'':8s} {v!s:>10s} {n:>4d}{cells}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--engines",
        default="rapidocr,tesseract",
        help="engine specs; ';' between them when any has options",
    )
    ap.add_argument("--split", choices=[*SPLITS, "mixed", "both", "all"], default="all")
    ap.add_argument("--images", type=int, default=20, help="images per class and split")
    ap.add_argument("--budget-ms", type=float, default=None, help="OCR time budget per image")
    ap.add_argument("--by", default="bg,contrast,size,angle,font")
    ap.add_argument("--show", type=int, default=0, help="print the N worst-read images")
    ap.add_argument("--json", type=Path, default=None, help="write every row here")
    args = ap.parse_args()
    sep = ";" if ";" in args.engines or ":" in args.engines else ","
    specs = [s for s in args.engines.split(sep) if s]
    engines = [build(s, args.budget_ms) for s in specs]
    for spec, engine in engines:
        if not engine.available():
            sys.exit(f"{spec}: engine unavailable (see docs/guards.md for the install)")
    splits = {"both": SPLITS, "all": (*SPLITS, "mixed")}.get(args.split, (args.split,))
    rows: list[Row] = []
    t0 = time.perf_counter()
    for split in splits:
        rows += evaluate(engines, split, args.images, args.show)
    report(rows, [k for k in args.by.split(",") if k])
    print(f"\n[{time.perf_counter() - t0:.0f} s in all]")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1))


if __name__ == "__main__":
    main()
