"""PII redaction: precision and recall per entity type, on the answer and the trace.

    python bench/pii_eval.py [--docs 420] [--seed 1234] [--markdown]

Documents come from ``bench/guard_data/pii_gen.py`` (seeded, labelled). Each is
streamed through an ``OutputGuard`` in random chunks, once as the answer and once as
the trace. A detection is a true positive when it overlaps a labelled span of the
same type; ``coverage`` is the share of labelled characters masked by any type.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.guard_data.pii_gen import Doc, generate
from vlgate.guard import Guards, GuardSettings
from vlgate.guard.config import Channel


def run(
    guards: Guards, doc: Doc, channel: Channel, rng: random.Random
) -> list[tuple[int, int, str]]:
    out = guards.output_guard()
    i = 0
    while i < len(doc.text):
        n = rng.randint(1, 12)
        out.feed(channel, doc.text[i : i + n])
        i += n
    out.close()
    return [(s.start, s.end, s.entity) for s in out.findings(channel)]


def score(docs: list[Doc], found: list[list[tuple[int, int, str]]]) -> dict[str, Counter[str]]:
    stats: dict[str, Counter[str]] = {}
    for doc, pred in zip(docs, found, strict=True):
        for gs, ge, gt in doc.spans:
            c = stats.setdefault(gt, Counter())
            c["gold"] += 1
            c["tp_r"] += any(ps < ge and pe > gs and pt == gt for ps, pe, pt in pred)
            covered = sum(1 for x in range(gs, ge) if any(ps <= x < pe for ps, pe, _ in pred))
            c["chars"] += ge - gs
            c["covered"] += covered
            if gt == "person":
                c["held_gold" if doc.held_out_name else "seen_gold"] += 1
                hit = any(ps < ge and pe > gs and pt == gt for ps, pe, pt in pred)
                c["held_tp" if doc.held_out_name else "seen_tp"] += hit
        for ps, pe, pt in pred:
            c = stats.setdefault(pt, Counter())
            c["pred"] += 1
            c["tp_p"] += any(ps < ge and pe > gs and pt == gt for gs, ge, gt in doc.spans)
    return stats


def table(stats: dict[str, Counter[str]], markdown: bool) -> list[str]:
    rows = [
        "| entity | gold | predicted | precision | recall | coverage |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    total = Counter[str]()
    for entity in sorted(stats):
        c = stats[entity]
        total.update(c)
        p = c["tp_p"] / c["pred"] if c["pred"] else float("nan")
        r = c["tp_r"] / c["gold"] if c["gold"] else float("nan")
        cov = c["covered"] / c["chars"] if c["chars"] else float("nan")
        rows.append(f"| {entity} | {c['gold']} | {c['pred']} | {p:.3f} | {r:.3f} | {cov:.3f} |")
    rows.append(
        f"| **all** | {total['gold']} | {total['pred']} | {total['tp_p'] / total['pred']:.3f} | {total['tp_r'] / total['gold']:.3f} | {total['covered'] / total['chars']:.3f} |"
    )
    c = stats.get("person", Counter())
    if c["held_gold"]:
        rows.append(
            f"\nperson recall: gazetteer locales {c['seen_tp'] / c['seen_gold']:.3f} ({c['seen_gold']}), held-out locales {c['held_tp'] / c['held_gold']:.3f} ({c['held_gold']})"
        )
    return rows if markdown else [r.replace("|", " ").replace("---:", "") for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=420)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--show-misses", type=int, default=0)
    args = ap.parse_args()
    docs = generate(args.docs, args.seed)
    guards = Guards(GuardSettings())
    for channel in ("answer", "trace"):
        t0 = time.perf_counter()
        rng = random.Random(args.seed)
        found = [run(guards, d, channel, rng) for d in docs]
        took = time.perf_counter() - t0
        print(
            f"\n### channel: {channel} ({len(docs)} documents, {sum(len(d.text) for d in docs)} chars, {took:.1f} s)\n"
        )
        print("\n".join(table(score(docs, found), args.markdown)))
        shown = 0
        for d, pred in zip(docs, found, strict=True):
            for gs, ge, gt in d.spans:
                if shown < args.show_misses and not any(
                    ps < ge and pe > gs and pt == gt for ps, pe, pt in pred
                ):
                    print("MISS", gt, repr(d.text[gs:ge]), d.lang, d.kind)
                    shown += 1
            for ps, pe, pt in pred:
                if shown < args.show_misses and not any(
                    ps < ge and pe > gs and pt == gt for gs, ge, gt in d.spans
                ):
                    print("FP", pt, repr(d.text[ps:pe]), d.lang, d.kind)
                    shown += 1
        args.show_misses = 0


if __name__ == "__main__":
    main()
