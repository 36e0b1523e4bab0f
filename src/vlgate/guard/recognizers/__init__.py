"""PII recognisers: the ``Recognizer`` protocol and the name -> factory registry.

Every recogniser is a pure object: ``find(text)`` returns the spans it is sure
enough of. Built-ins register here exactly like a plugin would; a plugin is named
in ``GuardSettings.pii.plugins`` as ``"package.module:factory"``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from vlgate.guard.recognizers import address, formats, ids, names, phone
from vlgate.guard.spans import Span


@runtime_checkable
class Recognizer(Protocol):
    entity: str

    def find(self, text: str) -> Iterable[Span]:
        """Spans of ``entity`` (or finer types) found in ``text``."""
        ...


RecognizerFactory = Callable[[], Recognizer]

ENTITIES: tuple[str, ...] = (
    "email", "phone", "card", "iban", "national_id", "tax_id", "ssn", "passport",
    "dob", "plate", "ip", "address", "person",
)  # fmt: skip

RECOGNIZERS: Mapping[str, RecognizerFactory] = MappingProxyType(
    {
        "email": formats.EmailRecognizer,
        "card": formats.CardRecognizer,
        "iban": formats.IbanRecognizer,
        "ssn": formats.SsnRecognizer,
        "ip": formats.IpRecognizer,
        "phone": phone.PhoneRecognizer,
        "national_id": ids.NationalIdRecognizer,
        "passport": ids.PassportRecognizer,
        "dob": ids.DateOfBirthRecognizer,
        "plate": ids.PlateRecognizer,
        "address": address.AddressRecognizer,
        "person": names.PersonRecognizer,
    }
)


def load_plugin(path: str) -> Recognizer:
    """Build a recogniser from ``"package.module:factory"``."""
    module_name, _, attr = path.partition(":")
    if not attr:
        raise ValueError(f"plugin {path!r} must look like 'package.module:factory'")
    factory = getattr(importlib.import_module(module_name), attr)
    recognizer = factory()
    if not isinstance(recognizer, Recognizer):
        raise TypeError(f"plugin {path!r} did not build a Recognizer")
    return recognizer


def build_recognizers(names_: Iterable[str], plugins: Iterable[str] = ()) -> list[Recognizer]:
    """Instantiate the named built-ins (unknown names raise ``KeyError``) and plugins."""
    built: list[Recognizer] = []
    for name in names_:
        if name not in RECOGNIZERS:
            raise KeyError(f"unknown recogniser {name!r}; known: {sorted(RECOGNIZERS)}")
        built.append(RECOGNIZERS[name]())
    built.extend(load_plugin(p) for p in plugins)
    return built
