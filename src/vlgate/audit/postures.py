"""Privacy postures: what of a request the store keeps and what the client sees.

A posture is resolved per request from configuration: the default, then the task
class override, then the tenant override (each override sets only the fields it
names; the tenant, being the most specific party, has the last word). Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
import re
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from vlgate.audit.record import AuditRecord


class Storage(StrEnum):
    FULL = "full"
    REDACTED = "redacted"
    NONE = "none"


class TraceReturn(StrEnum):
    NEVER = "never"
    ON_REQUEST = "on_request"
    ALWAYS = "always"


class PrivacyPosture(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    trace: Storage = Storage.FULL
    answer: Storage = Storage.FULL
    trace_return: TraceReturn = TraceReturn.ON_REQUEST
    store_images: bool = False


class PostureOverride(BaseModel):
    """A partial posture: only the fields given replace the inherited ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trace: Storage | None = None
    answer: Storage | None = None
    trace_return: TraceReturn | None = None
    store_images: bool | None = None


class PostureTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: PrivacyPosture = PrivacyPosture()
    task_classes: dict[str, PostureOverride] = {}
    tenants: dict[str, PostureOverride] = {}

    def resolve(self, tenant: str | None, task_class: str | None) -> PrivacyPosture:
        posture = self.default
        layers = (self.task_classes.get(task_class or ""), self.tenants.get(tenant or ""))
        for layer in layers:
            if layer is not None:
                posture = posture.model_copy(update=layer.model_dump(exclude_none=True))
        return posture


class Redactor(Protocol):
    def redact(self, text: str) -> str: ...


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{6,}\d\b")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class SimpleRedactor:
    """Masks e-mail addresses, payment card numbers (Luhn-checked) and phone
    numbers. A stop-gap: the guards package provides the real one through the
    same ``Redactor`` protocol."""

    def redact(self, text: str) -> str:
        text = _EMAIL.sub("[EMAIL]", text)
        text = _CARD.sub(self._card, text)
        return _PHONE.sub(self._phone, text)

    @staticmethod
    def _card(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group())
        return "[CARD]" if _luhn_ok(digits) else m.group()

    @staticmethod
    def _phone(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group())
        return "[PHONE]" if 7 <= len(digits) <= 15 else m.group()


def _stored(text: str | None, how: Storage, redactor: Redactor) -> str | None:
    if text is None or how is Storage.NONE:
        return None
    return redactor.redact(text) if how is Storage.REDACTED else text


def apply_posture(record: AuditRecord, posture: PrivacyPosture, redactor: Redactor) -> AuditRecord:
    """The record as it may be stored: a new object, the input is left unchanged."""
    return dataclasses.replace(
        record,
        answer=_stored(record.answer, posture.answer, redactor),
        reasoning=_stored(record.reasoning, posture.trace, redactor),
        images=record.images if posture.store_images else None,
        answer_storage=str(posture.answer),
        trace_storage=str(posture.trace),
    )


def apply_posture_row(row: dict[str, Any], posture: PrivacyPosture, redactor: Redactor) -> None:
    """``apply_posture`` on an ``AuditRecord.to_row`` dict, in place (the hot path)."""
    row["answer"] = _stored(row.get("answer"), posture.answer, redactor)
    row["reasoning"] = _stored(row.get("reasoning"), posture.trace, redactor)
    if not posture.store_images:
        row["images"] = None
    row["answer_storage"] = posture.answer.value
    row["trace_storage"] = posture.trace.value


_RETURN_RULES = {
    TraceReturn.NEVER: lambda requested: False,
    TraceReturn.ON_REQUEST: lambda requested: requested,
    TraceReturn.ALWAYS: lambda requested: True,
}


def may_return_trace(posture: PrivacyPosture, requested: bool) -> bool:
    """Whether the chat response may carry ``reasoning_content``."""
    return _RETURN_RULES[posture.trace_return](requested)
