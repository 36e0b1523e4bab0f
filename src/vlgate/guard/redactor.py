"""PII redaction, whole text and streaming, with one code path.

The stream is cut into *segments* at points no entity can straddle: right after a
plain lower-case word (not a particle, month or street word, and not right after a
number), or, failing that, after ``soft_limit`` characters at a word end, or hard at
``hard_limit``. Each segment is redacted on its own, with the raw ``context``
characters before it visible to context cues. Where the cuts fall depends only on
the text, never on how it was chunked, so ``feed`` over any chunking then ``flush``
gives exactly ``redact(whole)``; and the stream holds back only the current segment
(usually a few words).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from vlgate.guard.actions import Action, ChannelPolicy, Pseudonymizer, render
from vlgate.guard.recognizers import Recognizer
from vlgate.guard.spans import Span, resolve_overlaps


@runtime_checkable
class Redactor(Protocol):
    """What the audit store calls for its 'store redacted' postures."""

    def redact(self, text: str) -> str: ...


_TOKEN = re.compile(r"\s*(\S+)\s")
_TRAILING_PUNCT = ".,;:!?)\"'”’»"
_JOINERS = frozenset(
    [
        "de",
        "del",
        "della",
        "delle",
        "dei",
        "di",
        "da",
        "das",
        "dos",
        "do",
        "du",
        "des",
        "la",
        "le",
        "les",
        "lo",
        "van",
        "von",
        "der",
        "den",
        "ten",
        "ter",
        "zu",
        "y",
        "e",
        "et",
        "of",
        "and",
        "bis",
        "rue",
        "avenue",
        "av",
        "boulevard",
        "bd",
        "place",
        "chemin",
        "allée",
        "impasse",
        "quai",
        "route",
        "cours",
        "via",
        "viale",
        "piazza",
        "corso",
        "vicolo",
        "largo",
        "calle",
        "avenida",
        "plaza",
        "paseo",
        "camino",
        "rua",
        "travessa",
        "praça",
        "alameda",
        "straße",
        "strasse",
        "str",
        "weg",
        "platz",
        "allee",
        "gasse",
        "ring",
        "street",
        "st",
        "road",
        "rd",
        "lane",
        "ln",
        "drive",
        "way",
        "apt",
        "suite",
        "flat",
        "unit",
        "no",
        "nr",
        "n°",
        "am",
        "le",
        "el",
        "il",
        "op",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "januar",
        "februar",
        "märz",
        "mai",
        "juni",
        "juli",
        "oktober",
        "dezember",
        "janvier",
        "février",
        "mars",
        "avril",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "gennaio",
        "febbraio",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "settembre",
        "ottobre",
        "dicembre",
        "januari",
        "februari",
        "maart",
        "mei",
        "augustus",
        "janeiro",
        "fevereiro",
        "março",
        "maio",
        "junho",
        "julho",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ]
)


class PiiEngine:
    """Runs the recognisers over a piece of text and settles overlaps."""

    def __init__(self, recognizers: Sequence[Recognizer], joiners: Iterable[str] = ()) -> None:
        self.recognizers = tuple(recognizers)
        self.joiners = _JOINERS | frozenset(w.lower() for w in joiners)

    def detect(self, text: str, start: int = 0) -> list[Span]:
        """Spans ending after ``start`` (any starting before it is clipped to it)."""
        found = resolve_overlaps(s for r in self.recognizers for s in r.find(text))
        clipped: list[Span] = []
        for s in found:
            if s.end <= start:
                continue
            if s.start < start:
                s = Span(start, s.end, s.entity, s.score, text[start : s.end])
            clipped.append(s)
        return clipped

    def is_cut_word(self, token: str) -> bool:
        word = token.rstrip(_TRAILING_PUNCT)
        return len(word) > 1 and word.isalpha() and word.islower() and word not in self.joiners


class StreamingRedactor:
    """Sans-I/O redactor for one channel: ``feed(text) -> safe text``, ``flush() -> rest``."""

    def __init__(
        self,
        engine: PiiEngine,
        policy: ChannelPolicy,
        pseudonymizer: Pseudonymizer,
        *,
        soft_limit: int = 256,
        hard_limit: int = 1024,
        context: int = 64,
    ) -> None:
        self.engine = engine
        self.policy = policy
        self.pseudonymizer = pseudonymizer
        self.soft_limit, self.hard_limit, self.context = soft_limit, hard_limit, context
        self.findings: list[Span] = []  # absolute offsets in the raw input
        self.counts: Counter[tuple[str, Action]] = Counter()
        self._buf = ""
        self._ctx = ""
        self._scan = 0
        self._offset = 0  # absolute position of _buf[0]
        self._after_number = False

    @property
    def held(self) -> int:
        """Characters fed but not yet emitted."""
        return len(self._buf)

    def feed(self, text: str) -> str:
        self._buf += text
        out: list[str] = []
        while True:
            m = _TOKEN.match(self._buf, self._scan)
            if m and m.end() <= self.hard_limit:
                token = m.group(1)
                cut = self._is_cut(token, m.end())
                self._after_number = token[-1].isdigit()
                self._scan = m.end()
                if cut:
                    out.append(self._emit(self._scan))
            elif len(self._buf) >= self.hard_limit:
                out.append(self._emit(self.hard_limit))
                self._after_number = False
            else:
                return "".join(out)

    def flush(self) -> str:
        return self._emit(len(self._buf)) if self._buf else ""

    def _is_cut(self, token: str, end: int) -> bool:
        if self.engine.is_cut_word(token) and not self._after_number:
            return True
        return end >= self.soft_limit and token.rstrip(_TRAILING_PUNCT).isalpha()

    def _emit(self, cut: int) -> str:
        segment, self._buf = self._buf[:cut], self._buf[cut:]
        self._scan = max(0, self._scan - cut)
        text = self._ctx + segment
        base = len(self._ctx)
        pieces: list[str] = []
        pos = base
        for span in self.engine.detect(text, base):
            action = self.policy.action_for(span.entity)
            self.counts[(span.entity, action)] += 1
            self.findings.append(span.shifted(self._offset - base))
            pieces.append(text[pos : span.start])
            pieces.append(render(span, action, self.pseudonymizer))
            pos = span.end
        pieces.append(text[pos:])
        self._ctx = text[-self.context :] if self.context else ""
        self._offset += cut
        return "".join(pieces)


class PiiRedactor:
    """Whole-text redaction under one channel policy; the same code as the stream."""

    def __init__(
        self, engine: PiiEngine, policy: ChannelPolicy, pseudonymizer: Pseudonymizer
    ) -> None:
        self.engine, self.policy, self.pseudonymizer = engine, policy, pseudonymizer

    def stream(self) -> StreamingRedactor:
        return StreamingRedactor(self.engine, self.policy, self.pseudonymizer)

    def redact(self, text: str) -> str:
        stream = self.stream()
        return stream.feed(text) + stream.flush()
