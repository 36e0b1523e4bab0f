"""Train the learned injection classifier (numpy only, seeded, reproducible).

    python -m bench.guard_data.train_injection            # writes src/vlgate/guard/data/injection_model.npz
    python -m bench.guard_data.train_injection --out /tmp/m.npz --n 20000 --epochs 3

Corpus: ``bench.guard_data.injection_corpus.build`` (generated, seeded; decontaminated
against the evaluation splits). Model: ``vlgate.guard.injection_model`` (hashed word,
bigram, skip-bigram and character n-gram features; the score of a text is the best
window of 1..span segments). Training is multiple-instance logistic regression: an
injected text is positive if its best window is, so its loss is taken on the best
window; every window of a benign text is negative (loss on its best window plus the
mean over all its windows). Minibatch Adam with L2, fixed seed and fixed batch order;
the same corpus and settings give bit-identical weights.

Printed afterwards: the fit on a separately seeded generated set and on the
hand-written development set (``injection_dev.py``); neither is an independent figure.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from vlgate.guard.injection_model import (
    DEFAULT_BITS,
    DEFAULT_SPAN,
    MODEL_PATH,
    Featurizer,
    InjectionModel,
    segments,
    window_bounds,
)


@dataclass
class Packed:
    """Bags (texts) of segments of hashed features, flattened."""

    feats: np.ndarray  # int32, every segment's features back to back
    seg_start: np.ndarray  # int64 per segment: offset into feats
    seg_len: np.ndarray  # int64 per segment
    bag_seg: np.ndarray  # int64 per bag: first segment
    bag_nseg: np.ndarray  # int64 per bag
    labels: np.ndarray  # float64 per bag


def pack(texts: Sequence[str], labels: Sequence[bool], featurizer: Featurizer) -> Packed:
    feats: list[int] = []
    seg_start: list[int] = []
    seg_len: list[int] = []
    bag_seg: list[int] = []
    bag_nseg: list[int] = []
    for text in texts:
        segs = segments(text) or [["<empty>"]]
        bag_seg.append(len(seg_start))
        bag_nseg.append(len(segs))
        for seg in segs:
            f = featurizer.features(seg)
            seg_start.append(len(feats))
            seg_len.append(len(f))
            feats.extend(f)
    return Packed(
        np.asarray(feats, dtype=np.int32),
        np.asarray(seg_start, dtype=np.int64),
        np.asarray(seg_len, dtype=np.int64),
        np.asarray(bag_seg, dtype=np.int64),
        np.asarray(bag_nseg, dtype=np.int64),
        np.asarray(labels, dtype=np.float64),
    )


def _windows(nseg: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per window: its bag's position in the batch, start and end (batch-local segments)."""
    bag, start, end = [], [], []
    offset = 0
    for b, n in enumerate(nseg.tolist()):
        for s, e in window_bounds(n, span):
            bag.append(b)
            start.append(offset + s)
            end.append(offset + e)
        offset += n
    return np.asarray(bag), np.asarray(start), np.asarray(end)


def _batch_segments(p: Packed, bags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Global segment ids of ``bags`` in order, and the feature ids of those segments."""
    nseg = p.bag_nseg[bags]
    seg_ids = np.repeat(p.bag_seg[bags] - np.concatenate(([0], np.cumsum(nseg)[:-1])), nseg)
    seg_ids = seg_ids + np.arange(int(nseg.sum()))
    lens = p.seg_len[seg_ids]
    feat_pos = np.repeat(p.seg_start[seg_ids] - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
    feat_pos = feat_pos + np.arange(int(lens.sum()))
    return seg_ids, p.feats[feat_pos]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)))


def train(
    p: Packed,
    *,
    bits: int = DEFAULT_BITS,
    span: int = DEFAULT_SPAN,
    epochs: int = 6,
    batch: int = 256,
    lr: float = 0.02,
    l2: float = 1e-6,
    neg_mean: float = 0.5,
    optimizer: str = "adam",
    momentum: float = 0.9,
    seed: int = 7,
    log: bool = True,
) -> tuple[np.ndarray, float]:
    dim = 1 << bits
    w = np.zeros(dim, dtype=np.float64)
    b = 0.0
    m_w, v_w = np.zeros(dim), np.zeros(dim)
    m_b = v_b = 0.0
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    rng = np.random.default_rng(seed)
    n = len(p.labels)
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(n)
        total, t0 = 0.0, time.perf_counter()
        for lo in range(0, n, batch):
            bags = order[lo : lo + batch]
            seg_ids, fids = _batch_segments(p, bags)
            lens = p.seg_len[seg_ids]
            starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
            seg_sum = np.add.reduceat(w[fids], starts)
            cum = np.concatenate(([0.0], np.cumsum(seg_sum)))
            wbag, ws, we = _windows(p.bag_nseg[bags], span)
            z = b + cum[we] - cum[ws]
            y = p.labels[bags]
            # best window per bag (first maximum)
            first = np.concatenate(([0], np.flatnonzero(np.diff(wbag)) + 1))
            best_val = np.maximum.reduceat(z, first)
            is_best = z == best_val[wbag]
            best_idx = np.full(len(bags), -1)
            for i in np.flatnonzero(is_best)[::-1]:
                best_idx[wbag[i]] = i
            prob = _sigmoid(z)
            gz = np.zeros_like(z)
            gz[best_idx] += prob[best_idx] - y
            neg = y[wbag] == 0
            nwin = np.bincount(wbag, minlength=len(bags))[wbag]
            gz[neg] += neg_mean * prob[neg] / nwin[neg]
            gz /= len(bags)
            pb = np.clip(prob[best_idx], 1e-9, 1 - 1e-9)
            total += float(-(y * np.log(pb) + (1 - y) * np.log(1 - pb)).sum())
            # window gradient -> segment gradient (difference array) -> feature gradient
            diff = np.zeros(len(seg_ids) + 1)
            np.add.at(diff, ws, gz)
            np.add.at(diff, we, -gz)
            g_seg = np.cumsum(diff)[:-1]
            g_w = np.bincount(fids, weights=np.repeat(g_seg, lens), minlength=dim) + l2 * w
            g_b = float(gz.sum())
            step += 1
            if optimizer == "sgd":  # rare features move little: plain momentum SGD
                m_w = momentum * m_w + g_w
                m_b = momentum * m_b + g_b
                w -= lr * m_w
                b -= lr * m_b
                continue
            m_w = beta1 * m_w + (1 - beta1) * g_w
            v_w = beta2 * v_w + (1 - beta2) * g_w * g_w
            m_b = beta1 * m_b + (1 - beta1) * g_b
            v_b = beta2 * v_b + (1 - beta2) * g_b * g_b
            c1, c2 = 1 - beta1**step, 1 - beta2**step
            w -= lr * (m_w / c1) / (np.sqrt(v_w / c2) + eps)
            b -= lr * (m_b / c1) / (np.sqrt(v_b / c2) + eps)
        if log:
            print(
                f"  epoch {epoch + 1}/{epochs}: loss {total / n:.4f} "
                f"[{time.perf_counter() - t0:.1f} s]",
                flush=True,
            )
    return w, b


def rates(
    model: InjectionModel, texts: Sequence[str], labels: Sequence[bool], t: float = 0.5
) -> str:
    scores = [model.score(x) for x in texts]
    pos = [s >= t for s, y in zip(scores, labels, strict=True) if y]
    neg = [s >= t for s, y in zip(scores, labels, strict=True) if not y]
    det = sum(pos) / max(1, len(pos))
    fp = sum(neg) / max(1, len(neg))
    return f"detection {det:.3f} ({len(pos)})  false positives {fp:.3f} ({len(neg)})"


def augment(texts: Sequence[str], drop: float, seed: int) -> list[str]:
    """Word dropout on half of the texts, so no single word carries a decision."""
    r = random.Random(seed)
    out = []
    for t in texts:
        if drop and r.random() < 0.5:
            t = " ".join(w for w in t.split(" ") if r.random() >= drop) or t
        out.append(t)
    return out


def main() -> None:
    from bench.guard_data import injection_corpus_prose as prose
    from bench.guard_data.injection_corpus import build, fixed_hash_seed

    fixed_hash_seed()
    from bench.guard_data.injection_dev import DEV_BENIGN, DEV_INJECTIONS

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=60000, help="training texts per seed (half injected)")
    ap.add_argument(
        "--seeds", default="1729,2024,31337,4242,5555", help="corpus seeds; weights averaged"
    )
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--lr", type=float, default=0.02)
    ap.add_argument("--l2", type=float, default=1e-6)
    ap.add_argument("--neg-mean", type=float, default=2.0)
    ap.add_argument("--drop", type=float, default=0.25, help="word dropout rate")
    ap.add_argument("--bits", type=int, default=DEFAULT_BITS)
    ap.add_argument("--span", type=int, default=DEFAULT_SPAN)
    ap.add_argument("--length-penalty", type=float, default=0.25, help="see InjectionModel")
    ap.add_argument("--free-windows", type=int, default=6)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()

    seeds = [int(x) for x in args.seeds.split(",")]
    weights, biases = [], []
    for seed in seeds:
        t0 = time.perf_counter()
        corpus = build(args.n, seed)
        texts = augment([e.text for e in corpus], args.drop, seed)
        packed = pack(texts, [e.injected for e in corpus], Featurizer(args.bits))
        del corpus, texts
        print(
            f"seed {seed}: {len(packed.labels)} texts, {len(packed.seg_len)} segments, "
            f"{len(packed.feats)} features [{time.perf_counter() - t0:.1f} s]",
            flush=True,
        )
        w, b = train(
            packed,
            bits=args.bits,
            span=args.span,
            epochs=args.epochs,
            lr=args.lr,
            l2=args.l2,
            neg_mean=args.neg_mean,
        )
        weights.append(w)
        biases.append(b)
        del packed
    meta = {
        "corpus": {"n": args.n, "seeds": seeds, "drop": args.drop, "prose": prose.versions()},
        "train": {
            "epochs": args.epochs,
            "lr": args.lr,
            "l2": args.l2,
            "neg_mean": args.neg_mean,
            "optimizer": "adam",
            "seed": 7,
            "average_of": len(seeds),
        },
    }
    shipped = np.mean(weights, axis=0).astype(np.float16).astype(np.float32)  # what is saved
    model = InjectionModel(
        shipped,
        float(np.mean(biases)),
        bits=args.bits,
        span=args.span,
        length_penalty=args.length_penalty,
        free_windows=args.free_windows,
        meta=meta,
    )
    check = build(4000, 99991)
    print(
        "generated (other seed):",
        rates(model, [e.text for e in check], [e.injected for e in check]),
    )
    dev = DEV_INJECTIONS + DEV_BENIGN
    dev_labels = [True] * len(DEV_INJECTIONS) + [False] * len(DEV_BENIGN)
    print("development set:       ", rates(model, dev, dev_labels))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
