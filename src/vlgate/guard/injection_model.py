"""Learned prompt-injection classifier: logistic regression over hashed features,
scored on short windows of the text and maxed, so one injected sentence in a long
document is not diluted by the rest.

Text is NFKC-normalised, invisible characters dropped, hard-wrapped lines rejoined
(a line break inside a sentence, as in licence files, e-mails, PDF text and OCR output,
would otherwise leave a fragment such as "the previous instructions" to be scored on
its own), lower-cased and accent-folded;
URLs, e-mail addresses, numbers and long letter-digit runs become class tokens
(``<url>``, ``<urlq>`` for a URL with a query parameter, ``<email>``, ``<num>``,
``<blob>``: encoded payloads are read by the scorer's decoders instead); digits
inside words are read as leetspeak. The text is cut into segments at line breaks and
sentence ends (long segments into 32-token chunks). Each segment's features are
hashed into ``2**bits`` weights: words, word bigrams and skip-bigrams (with a
start-of-segment token), character 3- and 4-grams of each word, and the concept
classes of ``injection_lexicon`` with their pairs. A window is 1 to ``span``
consecutive segments; its logit is the bias plus the sum of its segments' weights.
The text's logit is the best window's, less ``length_penalty * log(windows /
free_windows)`` for texts with more windows than ``free_windows`` (the best of many
benign windows is higher by chance alone); the score is its sigmoid. The weights are
trained by ``python -m bench.guard_data.train_injection`` (numpy only, seeded) and
shipped in ``data/injection_model.npz``; inference is pure Python plus one numpy
gather.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vlgate.guard.injection_lexicon import PAIRS, classes

MODEL_PATH = Path(__file__).with_name("data") / "injection_model.npz"
DEFAULT_BITS = 18
DEFAULT_SPAN = 3
CHUNK = 32

_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u202d\u202a\u202b\u202c"), None
) | dict.fromkeys(range(0xE0000, 0xE0080), None)
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_SPACED = re.compile(r"(?<![^\W\d_])((?:[^\W\d_][ .]){3,}[^\W\d_])(?![^\W\d_])")
_TERMINAL = frozenset(".!?;:。…")
_NOT_PROSE_START = frozenset("-*•>#|+=~`<[{")
_SENT = re.compile(r"(?<=[.!?;。])\s+|\n+")
_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<special><\|[a-z_]{2,20}\|>|\[/?inst\]|<</?sys>>)"
    r"|(?P<word>\w+(?:['’]\w+)*)"
    r"|(?P<punct>[^\w\s]{1,3})"
)
_URL_QUERY = re.compile(r"[?&][^=\s]*=|\{|\[")
_DIGITS = re.compile(r"\d+")
_M32 = 0xFFFFFFFF
_SALT_BI, _SALT_SKIP, _SALT_CHAR = 0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D


def _mix(x: int) -> int:
    x = ((x ^ (x >> 16)) * 0x45D9F3B) & _M32
    x = ((x ^ (x >> 16)) * 0x45D9F3B) & _M32
    return x ^ (x >> 16)


def _fold_word(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _soft_break(line: str, following: str) -> bool:
    """Whether the break between two lines falls inside a sentence (a hard wrap): the
    line does not end one, and the next starts in lower case, or it is the
    continuation of a line of prose (five words or more) rather than a list item,
    heading or markup."""
    if not line or not following or line[-1] in _TERMINAL:
        return False
    first = following[0]
    if first.islower():
        return True
    if first in _NOT_PROSE_START or first.isdigit():
        return False
    return (first.isalpha() or first in "(\"'“‘") and line.count(" ") >= 4


def unwrap(text: str) -> str:
    """Join hard-wrapped lines into their sentences; blank lines, lines that end a
    sentence and list items keep their breaks. A word hyphenated across the break
    ("instruc-" / "tions") is joined whole."""
    if "\n" not in text:
        return text
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        prev = out[-1] if out else ""
        if _soft_break(prev, line):
            if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and line[0].islower():
                out[-1] = prev[:-1] + line
            else:
                out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def prepare(text: str) -> str:
    """NFKC, invisible characters removed, s p a c e d letters joined, hard-wrapped
    lines rejoined, lower case."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _SPACED.sub(lambda m: re.sub(r"[ .]", "", m.group(1)), text)
    return unwrap(text).lower()


def tokens(segment: str) -> list[str]:
    out: list[str] = []
    for m in _TOKEN.finditer(segment):
        kind = m.lastgroup
        tok = m.group()
        if kind == "word":
            if len(tok) >= 20 and not tok.isalpha():
                out.append("<blob>")  # base64, hex, hashes: the decoders read those
            elif tok.isalpha():
                out.append(tok if tok.isascii() else _fold_word(tok))
            elif tok.isdigit():
                out.append("<num>")
            else:
                leet = tok.translate(_LEET)
                out.append(_fold_word(leet if leet.isalpha() else _DIGITS.sub("0", tok)))
        elif kind == "url":
            out.append("<url>")
            if _URL_QUERY.search(tok):
                out.append("<urlq>")
        elif kind == "email":
            out.append("<email>")
        else:
            out.append(tok)
    return out


def segments(text: str) -> list[list[str]]:
    """Token lists: one per line or sentence, long ones cut into CHUNK-token pieces."""
    out: list[list[str]] = []
    for piece in _SENT.split(prepare(text)):
        toks = tokens(piece)
        for i in range(0, len(toks), CHUNK):
            if toks[i : i + CHUNK]:
                out.append(toks[i : i + CHUNK])
    return out


class Featurizer:
    """Token lists to hashed feature indices; per-token features are cached.

    With ``concepts``, each segment also gets its concept classes
    (``injection_lexicon``), every pair of them, and the class of its first word.
    """

    def __init__(
        self,
        bits: int = DEFAULT_BITS,
        *,
        concepts: bool = True,
        char_ngrams: tuple[int, ...] = (3, 4),
        cache_size: int = 200_000,
    ) -> None:
        self.bits = bits
        self.mask = (1 << bits) - 1
        self.concepts = concepts
        self.char_ngrams = tuple(char_ngrams)
        self.cache_size = cache_size
        self._cache: dict[str, tuple[int, tuple[int, ...], frozenset[str]]] = {}
        self._named: dict[str, int] = {}

    def _token(self, tok: str) -> tuple[int, tuple[int, ...], frozenset[str]]:
        hit = self._cache.get(tok)
        if hit is not None:
            return hit
        h = zlib.crc32(tok.encode("utf-8"))
        feats = [_mix(h) & self.mask]
        if tok.isalpha() and len(tok) > 1:
            padded = f"<{tok}>"
            for n in self.char_ngrams:
                for i in range(len(padded) - n + 1):
                    gram = zlib.crc32(padded[i : i + n].encode("utf-8"))
                    feats.append(_mix(gram ^ _SALT_CHAR) & self.mask)
        hit = (h, tuple(feats), classes(tok) if self.concepts else frozenset())
        if len(self._cache) >= self.cache_size:
            self._cache.clear()
        self._cache[tok] = hit
        return hit

    def named(self, name: str) -> int:
        """Index of a named feature (concept classes and their pairs)."""
        idx = self._named.get(name)
        if idx is None:
            idx = _mix(zlib.crc32(name.encode("utf-8")) ^ _SALT_CHAR ^ _SALT_BI) & self.mask
            self._named[name] = idx
        return idx

    def features(self, toks: Sequence[str]) -> list[int]:
        mask = self.mask
        hashes = [0x5EED]  # start of segment
        out: list[int] = []
        found: set[str] = set()
        first: frozenset[str] = frozenset()
        for i, tok in enumerate(toks):
            h, feats, cls = self._token(tok)
            hashes.append(h)
            out.extend(feats)
            if cls:
                found |= cls
                if i == 0:
                    first = cls
            if i and self.concepts:
                pair = PAIRS.get((toks[i - 1], tok))
                if pair:
                    found.add(pair)
        for i in range(len(hashes) - 1):
            a = hashes[i] * 0x01000193
            out.append(_mix((a + hashes[i + 1] + _SALT_BI) & _M32) & mask)
            if i + 2 < len(hashes):
                out.append(_mix((a + hashes[i + 2] + _SALT_SKIP) & _M32) & mask)
        if found:
            names = sorted(found)
            out.extend(self.named(f"c:{c}") for c in names)
            out.extend(
                self.named(f"c:{a}|{b}") for i, a in enumerate(names) for b in names[i + 1 :]
            )
            out.extend(self.named(f"c0:{c}") for c in sorted(first))
        return out


def window_bounds(n: int, span: int) -> list[tuple[int, int]]:
    """(start, end) segment ranges of every window of 1..span consecutive segments."""
    return [(i, i + k) for k in range(1, min(span, n) + 1) for i in range(n - k + 1)]


@dataclass(frozen=True, slots=True)
class WindowScore:
    probability: float
    logit: float
    window: str


class InjectionModel:
    """``score(text)``: probability-like score that ``text`` carries injected instructions."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: float,
        *,
        bits: int = DEFAULT_BITS,
        span: int = DEFAULT_SPAN,
        concepts: bool = True,
        char_ngrams: tuple[int, ...] = (3, 4),
        length_penalty: float = 0.0,
        free_windows: int = 6,
        meta: dict[str, Any] | None = None,
    ) -> None:
        if weights.shape != (1 << bits,):
            raise ValueError(f"expected {1 << bits} weights, got {weights.shape}")
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = float(bias)
        self.span = span
        self.length_penalty = length_penalty
        self.free_windows = free_windows
        self.meta = meta or {}
        self.featurizer = Featurizer(bits, concepts=concepts, char_ngrams=char_ngrams)

    @classmethod
    def load(cls, path: Path | str | None = None) -> InjectionModel:
        with np.load(Path(path or MODEL_PATH), allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(
                data["weights"].astype(np.float32),
                float(data["bias"]),
                bits=int(meta["bits"]),
                span=int(meta["span"]),
                concepts=bool(meta.get("concepts", True)),
                char_ngrams=tuple(meta.get("char_ngrams", (3, 4))),
                length_penalty=float(meta.get("length_penalty", 0.0)),
                free_windows=int(meta.get("free_windows", 6)),
                meta=meta,
            )

    def save(self, path: Path | str) -> None:
        meta = {
            **self.meta,
            "bits": self.featurizer.bits,
            "span": self.span,
            "concepts": self.featurizer.concepts,
            "char_ngrams": list(self.featurizer.char_ngrams),
            "length_penalty": self.length_penalty,
            "free_windows": self.free_windows,
        }
        np.savez_compressed(
            Path(path),
            weights=self.weights.astype(np.float16),
            bias=np.float64(self.bias),
            meta=np.array(json.dumps(meta, sort_keys=True)),
        )

    def segment_logits(self, segs: Sequence[Sequence[str]]) -> np.ndarray:
        """Sum of the weights of each segment's features (no bias)."""
        flat: list[int] = []
        starts: list[int] = []
        for seg in segs:
            starts.append(len(flat))
            flat.extend(self.featurizer.features(seg))
        if not flat:
            return np.zeros(len(segs))
        gathered = self.weights[np.array(flat, dtype=np.intp)].astype(np.float64)
        sums = np.add.reduceat(gathered, np.array(starts, dtype=np.intp))
        lengths = np.diff(np.array([*starts, len(flat)]))
        sums[lengths == 0] = 0.0  # reduceat repeats the next value for an empty range
        return np.asarray(sums)

    def explain(self, text: str) -> WindowScore:
        segs = segments(text)
        if not segs:
            return WindowScore(_sigmoid(self.bias), self.bias, "")
        sums = self.segment_logits(segs)
        cum = np.concatenate(([0.0], np.cumsum(sums)))
        best, where, windows = -math.inf, (0, 1), 0
        for k in range(1, min(self.span, len(segs)) + 1):
            values = cum[k:] - cum[:-k]
            windows += len(values)
            i = int(np.argmax(values))
            if values[i] > best:
                best, where = float(values[i]), (i, i + k)
        logit = self.bias + float(best)
        if windows > self.free_windows and self.length_penalty:
            # the best of many benign windows is higher by chance alone
            logit -= self.length_penalty * math.log(windows / self.free_windows)
        window = " / ".join(" ".join(s) for s in segs[where[0] : where[1]])
        return WindowScore(_sigmoid(logit), logit, window)

    def score(self, text: str) -> float:
        return self.explain(text).probability


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
