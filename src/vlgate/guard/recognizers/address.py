"""Postal addresses: a street line (English, German/Dutch/Nordic, French, Spanish,
Italian, Portuguese conventions), extended over a following postcode and city."""

from __future__ import annotations

import re
from collections.abc import Iterator

from vlgate.guard.spans import Span

_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_EN_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl"
    r"|Terrace|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Row|Gardens|Mews|Hill|Walk"
)
_DE_SUFFIX = (
    r"straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|straat|laan|plein"
    r"|gracht|kade|singel|dijk|gatan|vägen|gade|vej|veien|gata|tie|katu"
)
_DE_WORDS = r"Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring|Damm|Ufer"
_FR_TYPES = (
    r"rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours|square|passage"
)
_LATIN_TYPES = (
    r"Calle|C/|Avenida|Avda\.|Av\.|Plaza|Pza\.|Paseo|Camino|Carrer|Ronda|Via|Viale|Piazza|Corso"
    r"|Vicolo|Largo|Strada|Borgo|Contrada|Piazzale|Lungomare|Rua|Travessa|Praça|Alameda|Estrada"
)
_PARTICLE = r"(?:de|del|de la|des|du|la|le|l'|d'|dos|das|do|da|di|dei|della|delle|van|von|der)"

_STREETS = (
    re.compile(rf"(?<![\w-])\d{{1,5}}[A-Za-z]?,? (?:{_CAP} ){{0,3}}(?:{_EN_TYPES})\b\.?"),
    re.compile(rf"(?<![\w-])[A-ZÄÖÜÅØÆ][\w-]*(?:{_DE_SUFFIX}) \d{{1,4}} ?[a-zA-Z]?(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:{_CAP} )(?:{_DE_WORDS}) \d{{1,4}} ?[a-zA-Z]?(?![\w-])"),
    re.compile(
        rf"(?i:(?<![\w-])\d{{1,4}}(?: ?(?:bis|ter))?,? (?:{_FR_TYPES}) )"
        rf"(?:{_PARTICLE} ?)*{_CAP}(?: (?:{_PARTICLE} ?)*{_CAP}){{0,3}}"
    ),
    re.compile(
        rf"(?<![\w-])(?:{_LATIN_TYPES}) (?:{_PARTICLE} )*{_CAP}(?: (?:{_PARTICLE} )*{_CAP}){{0,3}}"
        rf",? (?:n[º°o]\.? ?)?\d{{1,4}}[A-Za-z]?(?![\w-])"
    ),
)
_POSTCODE = r"(?:\d{4,5}(?: ?[A-Z]{2}(?![\w]))?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]-\d{4,5})"
_TAIL = re.compile(
    rf"(?:,? ?(?:Apt|Apartment|Suite|Flat|Unit|Piso|Étage)\.? ?#?\w+)?"
    rf"(?:[,\n] ?| )(?:{_POSTCODE} {_CAP}(?:[ -]{_CAP})?"
    rf"|{_CAP}(?:[ -]{_CAP})?,? (?:[A-Z]{{2}} \d{{5}}(?:-\d{{4}})?|{_POSTCODE}))"
)


class AddressRecognizer:
    entity = "address"

    def find(self, text: str) -> Iterator[Span]:
        for pattern in _STREETS:
            for m in pattern.finditer(text):
                end = m.end()
                tail = _TAIL.match(text, end)
                if tail:
                    end = tail.end()
                yield Span(m.start(), end, "address", 0.85, text[m.start() : end])
