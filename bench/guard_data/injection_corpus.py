"""Seeded training corpus for the learned injection classifier.

Injections come from the grammars in injection_corpus_en.py (English: overrides,
passive "your rules no longer apply", goal hijacks, system-prompt leaks, personas and
jailbreak modes, exfiltration by URL / e-mail / markdown image, hidden-from-user,
authority claims, fake chat delimiters, "note to the AI" manipulation of summaries and
reviews, tool and agent abuse) and injection_corpus_i18n.py (German, French, Spanish,
Italian, Dutch, Portuguese). Benign texts (injection_corpus_benign.py) are near misses
that use the same words for people (instructions, e-mails, notices, legal text, code,
security advice, texts about prompt injection, ordinary requests to an assistant,
"twins" of the injection frames with an ordinary target, everyday imperatives, decode
requests with harmless payloads), sentences about AI systems and requests people make of
them (injection_corpus_ai.py: "the chatbot answered ...", "Summarise this CV:",
"Describe what you see in this image"), notices that earlier rules for people changed
(injection_corpus_notices.py), carrier documents, and paragraphs of technical prose
(injection_corpus_prose.py: docstrings, READMEs and licences of dependencies). Half of
the injections are embedded in a carrier (email, receipt, CV, web page, JSON tool
output, record, chat, code, review, prose), with or without a wrapper (HTML comment,
hidden span, "P.S.", quote, code comment, JSON field); benign near misses are embedded
the same way, so a wrapper alone is no evidence. Both classes get the same noise: case changes, typos, OCR confusions,
line breaks.

The evaluation phrasings (bench/guard_data/injection_gen.py, tuned and held-out), the
external split and the development set are *not* used: ``build`` drops any generated
text that shares a word 6-gram with one of them, and ``leak_check`` lists what the
grammar would share before that filter (``python -m bench.guard_data.injection_corpus
--check``). Reproducible for a seed with PYTHONHASHSEED=0 (the entry points set it)
and the same Faker and package versions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.guard_data import injection_corpus_en as en
from bench.guard_data import injection_corpus_i18n as i18n
from bench.guard_data import injection_corpus_prose as prose
from bench.guard_data.injection_corpus_benign import (
    Carriers,
    benign_line,
    contrast_line,
    everyday_line,
    twin_i18n,
    twin_line,
)

LANGS = ("en", *i18n.I18N_LANGS)
LANG_WEIGHTS = (0.58, 0.07, 0.07, 0.07, 0.07, 0.07, 0.07)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    injected: bool
    kind: str
    lang: str


WRAPPERS = [
    ("{x}", 0.35), ("<!-- {x} -->", 0.06), ('<span style="color:white;font-size:1px">{x}</span>', 0.04),
    ("P.S. {x}", 0.05), ("> {x}", 0.04), ("// {x}", 0.03), ("# {x}", 0.03), ('"note": "{x}"', 0.04),
    ("[{x}]", 0.04), ("({x})", 0.03), ("Note: {x}", 0.05), ("**{x}**", 0.04), ("---\n{x}\n---", 0.04),
    ("<div hidden>{x}</div>", 0.03), ("Description: {x}", 0.04), ("alt=\"{x}\"", 0.02),
    ("\n\n\n{x}", 0.04), ("{x}\n\n", 0.03), ("Comment from {first}: {x}", 0.03), ("| {x} |", 0.02),
]  # fmt: skip
OCR_SWAPS = [
    ("l", "1"),
    ("I", "l"),
    ("O", "0"),
    ("rn", "m"),
    ("e", "c"),
    ("a", "o"),
    ("S", "5"),
    ("i", "í"),
    (" ", ""),
]


def _wrap(r: random.Random, carriers: Carriers, text: str, lang: str) -> str:
    frame = r.choices([w for w, _ in WRAPPERS], weights=[p for _, p in WRAPPERS])[0]
    return carriers.fill(r, frame, lang).replace("{x}", text)


def embed(r: random.Random, carriers: Carriers, snippet: str, lang: str) -> tuple[str, str]:
    kind, lines = carriers.document(r, lang)
    at = r.randrange(len(lines) + 1)
    lines.insert(at, _wrap(r, carriers, snippet, lang))
    sep = "\n" if r.random() < 0.8 else " "
    return sep.join(lines), kind


def wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most about ``width`` characters."""
    lines, line = [], ""
    for w in text.split():
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)


def _typos(r: random.Random, text: str, n: int) -> str:
    chars = list(text)
    for _ in range(n):
        if len(chars) < 4:
            break
        i = r.randrange(len(chars) - 1)
        op = r.random()
        if op < 0.3:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op < 0.55:
            del chars[i]
        elif op < 0.8:
            chars.insert(i, chars[i])
        else:
            chars[i] = r.choice("abcdefghijklmnopqrstuvwxyz")
    return "".join(chars)


def augment(r: random.Random, text: str) -> str:
    """The same noise for both classes: case, typos, OCR confusions, line breaks, spacing."""
    roll = r.random()
    if roll < 0.08:
        text = text.upper()
    elif roll < 0.14:
        text = text.lower()
    if r.random() < 0.12:
        text = _typos(r, text, r.randrange(1, 4))
    if r.random() < 0.07:
        for _ in range(r.randrange(1, 4)):
            a, b = r.choice(OCR_SWAPS)
            idx = [m.start() for m in re.finditer(re.escape(a), text)]
            if idx:
                i = r.choice(idx)
                text = text[:i] + b + text[i + len(a) :]
    if r.random() < 0.08:  # hard line breaks, as OCR or a narrow column gives them
        text = wrap(text, r.randrange(25, 70))
    if r.random() < 0.05:
        text = re.sub(r"[.!?]$", "", text.strip())
    return text


def injection_example(r: random.Random, carriers: Carriers) -> Example:
    lang = r.choices(LANGS, weights=LANG_WEIGHTS)[0]
    text, kind = en.injection(r) if lang == "en" else i18n.injection(r, lang)
    roll = r.random()
    if roll < 0.5:
        carrier_lang = lang if r.random() < 0.8 else r.choice(LANGS)
        text, doc = embed(r, carriers, text, carrier_lang)
        kind = f"{kind}@{doc}"
    elif roll < 0.62:  # a benign near miss next to the injection
        other, _ = _near_miss(r, carriers, lang)
        text = f"{other} {text}" if r.random() < 0.5 else f"{text} {other}"
    return Example(augment(r, text), True, kind, lang)


def _near_miss(r: random.Random, carriers: Carriers, lang: str) -> tuple[str, str]:
    roll = r.random()
    if roll < 0.15:
        return everyday_line(r, lang)
    if roll < 0.4:
        return twin_line(r, carriers) if lang == "en" else twin_i18n(r, carriers, lang)
    return (contrast_line if roll < 0.65 else benign_line)(r, carriers, lang)


def benign_example(r: random.Random, carriers: Carriers) -> Example:
    lang = r.choices(LANGS, weights=LANG_WEIGHTS)[0]
    roll = r.random()
    if roll < 0.45:
        text, kind = _near_miss(r, carriers, lang)
        if r.random() < 0.3:
            more, _ = _near_miss(r, carriers, lang)
            text = f"{text} {more}"
    elif roll < 0.74:
        line, kind = _near_miss(r, carriers, lang)
        if kind == "task" and r.random() < 0.6:  # a request, then the material it is about
            doc, lines = carriers.document(r, lang)
            text = f"{line}\n\n" + "\n".join(lines)
        else:
            text, doc = embed(r, carriers, line, lang)
        kind = f"{kind}@{doc}"
    elif roll < 0.92 and carriers.prose:
        paras = [r.choice(carriers.prose) for _ in range(r.randrange(1, 8))]
        if r.random() < 0.5:  # hard-wrapped, as README and licence files are
            paras = [wrap(p, r.randrange(50, 90)) for p in paras]
        text, kind, lang = "\n\n".join(paras), "prose", "en"
    else:
        doc, lines = carriers.document(r, lang)
        text, kind = "\n".join(lines), f"carrier@{doc}"
    return Example(augment(r, text), False, kind, lang)


def build(
    n: int = 40000, seed: int = 1729, *, decontaminate: bool = True, with_prose: bool = True
) -> list[Example]:
    """``n`` examples, half injected; the same seed gives the same corpus (same Faker).

    With ``decontaminate``, a generated text that shares a word 6-gram with an
    evaluation split or the development set is dropped (and another generated).
    """
    r = random.Random(seed)
    carriers = Carriers(seed, prose.collect() if with_prose else None)
    banned: set[tuple[str, ...]] = set()
    if decontaminate:
        for texts in evaluation_texts(with_dev=True).values():
            for t in texts:
                banned |= _grams(t, 6)
    out: list[Example] = []
    seen: set[str] = set()
    while len(out) < n:
        ex = injection_example(r, carriers) if len(out) % 2 == 0 else benign_example(r, carriers)
        if ex.text in seen or (banned and _grams(ex.text, 6) & banned):
            continue
        seen.add(ex.text)
        out.append(ex)
    return out


def fixed_hash_seed() -> None:
    """Re-run this process with PYTHONHASHSEED=0: some Faker providers draw from sets,
    whose order follows the string hash seed, so the corpus is only reproducible with
    a fixed one."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        module = sys.modules["__main__"].__spec__
        target = ["-m", module.name] if module else [sys.argv[0]]
        os.execve(sys.executable, [sys.executable, *target, *sys.argv[1:]], env)


def _grams(text: str, k: int) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def evaluation_texts(*, with_dev: bool = False) -> dict[str, list[str]]:
    from bench.guard_data import injection_gen as gen
    from bench.guard_data.injection_dev import DEV_BENIGN, DEV_INJECTIONS

    external = Path(__file__).with_name("external_injection.jsonl")
    rows = [json.loads(x) for x in external.read_text(encoding="utf-8").splitlines()]
    splits = {
        "tuned": gen.INJECTIONS + gen.BENIGN,
        "heldout": gen.HELDOUT_INJECTIONS + gen.HELDOUT_BENIGN,
        "external": [r["text"] for r in rows],
    }
    if with_dev:
        splits["dev"] = DEV_INJECTIONS + DEV_BENIGN
    return splits


def leak_check(corpus: list[Example], k: int = 6) -> dict[str, Counter[tuple[str, ...]]]:
    """Word k-grams that training texts share with each evaluation split."""
    train: set[tuple[str, ...]] = set()
    for ex in corpus:
        train |= _grams(ex.text, k)
    shared: dict[str, Counter[tuple[str, ...]]] = {}
    for split, texts in evaluation_texts(with_dev=True).items():
        hits: Counter[tuple[str, ...]] = Counter()
        for t in texts:
            for g in _grams(t, k) & train:
                hits[g] += 1
        shared[split] = hits
    return shared


def main() -> None:
    fixed_hash_seed()
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40000)
    ap.add_argument("--seed", type=int, default=1729)
    ap.add_argument("--show", type=int, default=0, help="print this many examples")
    ap.add_argument(
        "--check", action="store_true", help="list 6-grams shared with the evaluation sets"
    )
    args = ap.parse_args()
    corpus = build(args.n, args.seed, decontaminate=not args.check)
    kinds = Counter((ex.injected, ex.kind.split("@")[0].split(":")[-1]) for ex in corpus)
    print(f"{len(corpus)} examples; langs {Counter(ex.lang for ex in corpus)}")
    for (inj, kind), c in sorted(kinds.items()):
        print(f"  {'inj' if inj else 'ben'} {kind:18s} {c}")
    r = random.Random(0)
    for ex in r.sample(corpus, args.show):
        print("---", ex.injected, ex.kind, ex.lang)
        print(ex.text)
    if args.check:
        for split, hits in leak_check(corpus).items():
            print(f"{split}: {len(hits)} shared 6-grams")
            for g, c in hits.most_common(40):
                print("   ", c, " ".join(g))


if __name__ == "__main__":
    main()
