"""Check-digit identifiers (python-stdnum), passports and dates of birth in context, plates."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vlgate.guard.spans import Span, preceded_by


@dataclass(frozen=True, slots=True)
class IdFormat:
    """One identifier: a candidate pattern, its stdnum validator, and whether it needs a cue."""

    module: str  # python-stdnum module, "" for a format-only check
    entity: str  # national_id | tax_id
    pattern: re.Pattern[str]
    cue: re.Pattern[str] | None = None  # required context before the match, if any


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){pattern}(?![\w-])")


def _cue(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?i)(?:{pattern})")


_EU_VAT = r"(?:AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI)"
ID_FORMATS: tuple[IdFormat, ...] = (
    IdFormat("es.dni", "national_id", _p(r"\d{8}-?[A-Z]")),
    IdFormat("es.nie", "national_id", _p(r"[XYZ]-?\d{7}-?[A-Z]")),
    IdFormat("it.codicefiscale", "national_id", _p(r"[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]")),
    IdFormat("fr.nir", "national_id", _p(r"[12] ?\d{2} ?\d{2} ?\d{2} ?\d{3} ?\d{3} ?\d{2}")),
    IdFormat("br.cpf", "national_id", _p(r"\d{3}\.\d{3}\.\d{3}-\d{2}")),
    IdFormat("be.nn", "national_id", _p(r"\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}")),
    IdFormat("in_.pan", "tax_id", _p(r"[A-Z]{5}\d{4}[A-Z]")),
    IdFormat(
        "", "national_id", _p(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]")
    ),
    IdFormat("eu.vat", "tax_id", _p(rf"{_EU_VAT} ?[0-9A-Z][0-9A-Z .]{{6,14}}[0-9A-Z]")),
    IdFormat("gb.vat", "tax_id", _p(r"GB ?\d{3} ?\d{4} ?\d{2}(?: ?\d{3})?")),
    IdFormat("nl.bsn", "national_id", _p(r"\d{4}\.?\d{2}\.?\d{3}"), _cue(r"bsn|burgerservice")),
    IdFormat("pl.pesel", "national_id", _p(r"\d{11}"), _cue(r"pesel")),
    IdFormat("de.idnr", "tax_id", _p(r"\d{2} ?\d{3} ?\d{3} ?\d{3}"), _cue(r"steuer|idnr|tax")),
    IdFormat("se.personnummer", "national_id", _p(r"\d{6,8}[-+]\d{4}"), _cue(r"personn")),
    IdFormat("in_.aadhaar", "national_id", _p(r"\d{4} ?\d{4} ?\d{4}"), _cue(r"aadhaar|uidai")),
    IdFormat("gb.nhs", "national_id", _p(r"\d{3} ?\d{3} ?\d{4}"), _cue(r"nhs")),
    IdFormat("us.itin", "tax_id", _p(r"9\d{2}-?\d{2}-?\d{4}"), _cue(r"itin|tax")),
    IdFormat("pt.nif", "tax_id", _p(r"\d{9}"), _cue(r"nif|contribuinte")),
)


class NationalIdRecognizer:
    """National IDs and tax/VAT numbers whose check digits python-stdnum verifies.

    Identifiers with a weak checksum (one in ten random strings passes) also need a
    cue word in the 48 characters before them.
    """

    entity = "national_id"

    def __init__(self, formats: tuple[IdFormat, ...] = ID_FORMATS) -> None:
        self.formats = formats
        self._validators: dict[str, Any] = {
            f.module: importlib.import_module(f"stdnum.{f.module}") for f in formats if f.module
        }

    def find(self, text: str) -> Iterator[Span]:
        for fmt in self.formats:
            for m in fmt.pattern.finditer(text):
                value = m.group().rstrip(" .")
                if fmt.cue is not None and not preceded_by(text, m.start(), fmt.cue):
                    continue
                if fmt.module and not self._validators[fmt.module].is_valid(value):
                    continue
                score = 0.95 if fmt.module else 0.8
                yield Span(m.start(), m.start() + len(value), fmt.entity, score, value)


_PASSPORT_CUE = re.compile(
    r"(?i)\b(?:passport|reisepass|passeport|pasaporte|passaporto|paspoort|paszport|passaporte"
    r"|pass-?nr|travel document)\b"
)
_PASSPORT_NO = re.compile(r"(?<![\w-])(?=[A-Z0-9]*\d[A-Z0-9]*\d)[A-Z0-9]{6,9}(?![\w-])")


class PassportRecognizer:
    """Passport-style numbers (6-9 capitals/digits, two digits at least) after a passport cue."""

    entity = "passport"

    def find(self, text: str) -> Iterator[Span]:
        for cue in _PASSPORT_CUE.finditer(text):
            m = _PASSPORT_NO.search(text, cue.end(), min(len(text), cue.end() + 32))
            if m:
                yield Span(m.start(), m.end(), "passport", 0.9, m.group())


_MONTHS = (
    r"jan(?:uary|uar|vier|eiro|naio)?|feb(?:ruary|ruar)?|f[ée]vr(?:ier)?|febbraio|febrero|fevereiro"
    r"|mar(?:ch|s|zo|ço)?|m[äa]rz|maart|apr(?:il|ile)?|avr(?:il)?|abril|may|mai|mei|mayo|maggio|maio"
    r"|jun(?:e|i|io)?|juin|junho|giugno|jul(?:y|i|io)?|juillet|julho|luglio|aug(?:ust|usti|ustus)?"
    r"|ao[uû]t|agosto|sep(?:t|tember|tembre|tiembre)?|settembre|setembro|oct(?:ober|obre|ubre)?"
    r"|okt(?:ober)?|ottobre|outubro|nov(?:ember|embre|embro)?|d[ée]c(?:ember|embre)?|dez(?:ember|embro)?"
    r"|dic(?:iembre|embre)?"
)
_DATE = re.compile(
    rf"(?i)(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}"
    rf"|\d{{1,2}}\.?(?:er)?\s+(?:de\s+)?(?:{_MONTHS})\.?\s+(?:de\s+)?\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}})"
)
_DOB_CUE = re.compile(
    r"(?i)(?:date of birth|\bd\.?o\.?b\b|\bborn\b|birth ?date|birthday|geburtsdatum|geboren"
    r"|\bgeb\.|date de naissance|\bn[ée]e? le|fecha de nacimiento|nacid[oa]|f\. ?nac"
    r"|data di nascita|\bnat[oa] il|geboortedatum|data de nascimento|data urodzenia"
    r"|urodzon[ya])"
)


class DateOfBirthRecognizer:
    """A date right after a birth cue (English, German, French, Spanish, Italian, Dutch,
    Portuguese, Polish), numeric or with month names."""

    entity = "dob"

    def find(self, text: str) -> Iterator[Span]:
        for cue in _DOB_CUE.finditer(text):
            m = _DATE.search(text, cue.end(), min(len(text), cue.end() + 48))
            if m and not any(c.isdigit() for c in text[cue.end() : m.start()]):
                yield Span(m.start(), m.end(), "dob", 0.9, m.group())


_PLATES = (
    re.compile(r"(?<![\w-])[A-Z]{2}\d{2} ?[A-Z]{3}(?![\w-])"),  # GB
    re.compile(r"(?<![\w-])[A-Z]{2}-\d{3}-[A-Z]{2}(?![\w-])"),  # FR
    re.compile(r"(?<![\w-])[A-Z]{2} \d{3} ?[A-Z]{2}(?![\w-])"),  # IT
    re.compile(r"(?<![\w-])\d{4} ?[BCDFGHJKLMNPRSTVWXYZ]{3}(?![\w-])"),  # ES
    re.compile(r"(?<![\w-])[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} ?\d{1,4}[EH]?(?![\w-])"),  # DE
    re.compile(  # NL side codes
        r"(?<![\w-])(?:\d{2}-[A-Z]{3}-\d|\d-[A-Z]{3}-\d{2}|[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}"
        r"|[A-Z]{3}-\d{2}-[A-Z]|\d{2}-[A-Z]{2}-[A-Z]{2}|[A-Z]{2}-[A-Z]{2}-\d{2})(?![\w-])"
    ),
)
_PLATE_CUE = re.compile(
    r"(?i)\b(?:licen[cs]e plate|plate(?: no\.?| number)?|registration(?: no\.?| number)?|reg\. ?no"
    r"|kennzeichen|immatriculation|matr[íi]cula|targa|kenteken|vehicle)\b[^\n\w]{0,6}"
)
_PLATE_ANY = re.compile(
    r"(?=[A-Z0-9 -]*\d)(?=[A-Z0-9 -]*[A-Z])[A-Z0-9]{1,4}[ -]?[A-Z0-9]{1,5}(?![\w-])"
)


class PlateRecognizer:
    """Vehicle plates: GB, FR, IT, ES, DE and NL formats anywhere; any 5-8 letter-digit
    mix (US style) after a plate cue."""

    entity = "plate"

    def find(self, text: str) -> Iterator[Span]:
        for pattern in _PLATES:
            for m in pattern.finditer(text):
                yield Span(m.start(), m.end(), "plate", 0.75, m.group())
        for cue in _PLATE_CUE.finditer(text):
            plate = _PLATE_ANY.match(text, cue.end())
            if plate and 5 <= sum(c.isalnum() for c in plate.group()) <= 8:
                yield Span(plate.start(), plate.end(), "plate", 0.8, plate.group())
