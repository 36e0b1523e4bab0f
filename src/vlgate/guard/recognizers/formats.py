"""Format and checksum recognisers: e-mail, payment card (Luhn), IBAN, US SSN, IP."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from stdnum import iban as std_iban
from stdnum import luhn

from vlgate.guard.spans import Span, preceded_by

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)


class EmailRecognizer:
    entity = "email"

    def find(self, text: str) -> Iterator[Span]:
        for m in _EMAIL.finditer(text):
            value = m.group().strip(".")
            if ".." in value:
                continue
            yield Span(m.start(), m.start() + len(value), "email", 0.95, value)


_CARD = re.compile(r"(?<![\w+-])(?:\d[ -]?){12,18}\d(?![\w-])")
_IBAN_HEAD = re.compile(r"[A-Z]{2}\d{2}[ -]?$")
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6[0245]|35|62)")


class CardRecognizer:
    """13-19 digits, optionally grouped by spaces or dashes, Luhn-valid, known IIN range."""

    entity = "card"

    def find(self, text: str) -> Iterator[Span]:
        for m in _CARD.finditer(text):
            digits = re.sub(r"[ -]", "", m.group())
            if _IBAN_HEAD.search(text, max(0, m.start() - 5), m.start()):
                continue  # the tail of an IBAN (maybe one with a bad check digit)
            if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn.is_valid(digits):
                yield Span(m.start(), m.end(), "card", 0.99, m.group())


_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){10,30}")


class IbanRecognizer:
    """ISO 13616 IBANs (mod-97 and country length checked by python-stdnum)."""

    entity = "iban"

    def find(self, text: str) -> Iterator[Span]:
        for m in _IBAN.finditer(text):
            raw = m.group()
            alnum_ends = [i + 1 for i, c in enumerate(raw) if c.isalnum()]
            compact = "".join(c for c in raw if c.isalnum())
            for length in range(len(compact), 14, -1):
                if std_iban.is_valid(compact[:length]):
                    end = m.start() + alnum_ends[length - 1]
                    yield Span(m.start(), end, "iban", 0.99, text[m.start() : end])
                    break


_SSN = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")
_SSN_BARE = re.compile(r"(?<![\w-])(\d{3})(\d{2})(\d{4})(?![\w-])")
_SSN_CUE = re.compile(r"(?i)\b(?:ssn|social security(?: number| no\.?)?|soc\. ?sec\.?)\W{0,4}")


def _ssn_valid(area: str, group: str, serial: str) -> bool:
    return area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"


class SsnRecognizer:
    """US SSNs: ``AAA-GG-SSSS`` (SSA allocation rules), or nine bare digits after an SSN cue."""

    entity = "ssn"

    def find(self, text: str) -> Iterator[Span]:
        for m in _SSN.finditer(text):
            if _ssn_valid(m.group(1), m.group(3), m.group(4)):
                yield Span(m.start(), m.end(), "ssn", 0.9, m.group())
        for m in _SSN_BARE.finditer(text):
            if _ssn_valid(*m.groups()) and preceded_by(text, m.start(), _SSN_CUE, 24):
                yield Span(m.start(), m.end(), "ssn", 0.92, m.group())


_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


class IpRecognizer:
    entity = "ip"

    def find(self, text: str) -> Iterator[Span]:
        for m in _IPV4.finditer(text):
            try:
                ipaddress.IPv4Address(m.group())
            except ValueError:
                continue
            yield Span(m.start(), m.end(), "ip", 0.9, m.group())
        for m in _IPV6.finditer(text):
            value = m.group()
            if value.count(":") < 2 or not any(c.isalnum() for c in value):
                continue
            try:
                ipaddress.IPv6Address(value)
            except ValueError:
                continue
            yield Span(m.start(), m.end(), "ip", 0.9, value)
