"""Phone numbers, parsed and validated by Google's libphonenumber port (``phonenumbers``)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from vlgate.guard.spans import Span

DEFAULT_REGIONS: tuple[str, ...] = (
    "US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "CH", "AT", "PL", "PT", "SE", "IE",
    "BR", "IN",
)  # fmt: skip
_DIGIT_RUN = re.compile(r"\d")
# A phone-shaped run: digits with the separators numbers are written with. The
# matcher (costly: one pass per region) only sees small windows around these.
_CANDIDATE = re.compile(r"\+?\(?\d[\d \t().\-/]{4,24}\d")
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2}$|^\d+[.,]\d{2}$")


class PhoneRecognizer:
    """International numbers (``+CC ...``) in any region; national formats in ``regions``.

    Only numbers libphonenumber calls *valid* for their region count, so dates,
    amounts and order numbers rarely pass.
    """

    entity = "phone"

    def __init__(self, regions: Sequence[str] = DEFAULT_REGIONS) -> None:
        self.regions = tuple(regions)

    def find(self, text: str) -> Iterator[Span]:
        seen: list[tuple[int, int]] = []
        for cand in _CANDIDATE.finditer(text):
            if len(_DIGIT_RUN.findall(cand.group())) < 7:
                continue
            lo = max(0, cand.start() - 4)
            window = text[lo : cand.end() + 4]
            for span in self._find_in(window):
                start, end = span.start + lo, span.end + lo
                if any(start < e and end > s for s, e in seen):
                    continue
                seen.append((start, end))
                yield Span(start, end, "phone", span.score, span.value)

    def _find_in(self, text: str) -> Iterator[Span]:
        seen: list[tuple[int, int]] = []
        for region in (None, *self.regions):
            for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
                if region is not None and match.raw_string.lstrip().startswith("+"):
                    continue
                if any(match.start < e and match.end > s for s, e in seen):
                    continue
                if not phonenumbers.is_valid_number(match.number) or _AMOUNT.match(
                    match.raw_string
                ):
                    continue
                if len(_DIGIT_RUN.findall(match.raw_string)) < 8:
                    continue
                seen.append((match.start, match.end))
                yield Span(match.start, match.end, "phone", 0.85, match.raw_string)
