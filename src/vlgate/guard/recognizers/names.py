"""Person names: capitalised word runs scored with a multilingual first/last-name
gazetteer (generated from Faker's person providers, MIT) and context cues
(titles, form labels, salutations)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from vlgate.guard.recognizers.stopwords import STOPWORDS
from vlgate.guard.spans import Span

_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’-][^\W\d_]+)*\.?")
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "dos",
        "du",
        "la",
        "le",
        "ten",
        "ter",
        "bin",
        "al",
        "y",
        "e",
        "zu",
    ]
)
_TITLE = re.compile(
    r"(?i)(?:\b(?:mr|mrs|ms|miss|dr|prof|sir|herr|frau|mme|mlle|sr|sra|srta|sig|sig\.ra|dhr|mevr"
    r"|pan|pani|don|doña|dott|dott\.ssa)\.?|\bM\.)\s*$"
)
_LABEL = re.compile(
    r"(?i)\b(?:name|full name|first name|last name|surname|given names?|customer|cardholder"
    r"|card holder|patient|employee|cashier|served by|holder|account holder|applicant|client"
    r"|signed|signature|dear|attn|contact|guest|passenger|driver|tenant|nom|pr[ée]nom|nombre"
    r"|apellidos?|titular|nome|cognome|intestatario|naam|voornaam|achternaam|vorname|nachname"
    r"|kunde|kundin|inhaber|unterschrift|imi[eę]|nazwisko|cliente|firmado|signé|sincerely"
    r"|regards|from|to|by|with|cc|beneficiary|bill to|payee|recipient|sender|ordered by|account name"
    r"|i'm|i am|this is|my name is|soy|me llamo|sono|mi chiamo|je suis|je m'appelle|c'est|ich bin"
    r"|ich heiße|hier ist|ik ben|met|mijn naam is|eu sou|chamo-me)\b\s*[:/,\-]?\s*$"
)
_JOIN = re.compile(r"^(?: |-|\. ?)$")
_COMPANY = re.compile(
    r"(?i)^\s*,?\s*(?:&|and|und|et|y|e)?\s*(?:s\.?a\.?|s\.?l\.?|s\.?p\.?a\.?|s\.?r\.?l\.?|gmbh|ag|kg|ltd|llc|inc"
    r"|plc|b\.?v\.?|n\.?v\.?|sarl|sas|co\.?|cie|sons|group|hermanos|figli)\b"
)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    first: frozenset[str]
    last: frozenset[str]

    @staticmethod
    @cache
    def bundled() -> Gazetteer:
        return Gazetteer(_read("first_names.txt"), _read("last_names.txt"))


def _read(name: str) -> frozenset[str]:
    text = resources.files("vlgate.guard.data").joinpath(name).read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


class PersonRecognizer:
    """A run of 1-4 capitalised words (particles allowed inside) is a name when its
    first word is a known first name or an initial and no word is a common word, or
    when a title or a form label precedes it."""

    entity = "person"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gaz = gazetteer or Gazetteer.bundled()

    def find(self, text: str) -> Iterator[Span]:
        for run in self._runs(text):
            yield from self._score(text, run)

    def _runs(self, text: str) -> Iterator[list[re.Match[str]]]:
        run: list[re.Match[str]] = []
        for m in _WORD.finditer(text):
            word = m.group().rstrip(".")
            joined = bool(run) and _JOIN.match(text[run[-1].end() : m.start()] or " ") is not None
            usable = word[0].isupper() and word.lower() not in STOPWORDS
            particle = bool(run) and word.lower() in _PARTICLES
            if run and joined and (usable or particle):
                run.append(m)
                continue
            if run:
                yield run
            run = [m] if usable else []
        if run:
            yield run

    def _score(self, text: str, run: list[re.Match[str]]) -> Iterator[Span]:
        while run and run[-1].group().rstrip(".").lower() in _PARTICLES:
            run = run[:-1]
        if not run:
            return
        run = run[:4]
        words = [m.group().rstrip(".") for m in run]
        start = run[0].start()
        end = run[-1].end() - (1 if run[-1].group().endswith(".") and len(words[-1]) > 1 else 0)
        if _COMPANY.match(text, run[-1].start() if len(words[-1]) == 1 else run[-1].end()):
            return
        if len(words) > 1 and len(words[-1]) == 1:
            words, run = words[:-1], run[:-1]
            end = run[-1].end() - (1 if run[-1].group().endswith(".") and len(words[-1]) > 1 else 0)
        before = text[max(0, start - 40) : start]
        cued = bool(_TITLE.search(before) or _LABEL.search(before))
        lower = [w.lower() for w in words]
        initial = len(words[0]) == 1
        known_first = lower[0] in self.gaz.first or initial
        known_any = any(w in self.gaz.first or w in self.gaz.last for w in lower)
        if len(words) >= 2 and (known_first or (cued and known_any) or cued):
            score = 0.8 if known_first else 0.7
        elif len(words) == 1 and cued and not initial and known_any:
            score = 0.7
        else:
            return
        yield Span(start, end, "person", score, text[start:end])
