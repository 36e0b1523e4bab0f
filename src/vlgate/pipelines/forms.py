"""Receipts and KYC-style forms -> validated JSON (Instruct: someone is waiting).

Schemas are pydantic models sent as ``response_format`` json_schema; the checks
that a schema cannot state (items sum to the subtotal, subtotal + tax = total,
an expired document) are pure functions returning warnings, never errors: the
model read what is printed, and a receipt can be wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vlgate.pipelines.client import Caller, image_part, text_part
from vlgate.pipelines.structured import Strategy, Structured, ask_structured

Money = float


class LineItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    description: str
    quantity: float | None = Field(None, description="units bought; null when not printed")
    unit_price: Money | None = Field(None, description="price of one unit; null when not printed")
    amount: Money = Field(description="the line's total as printed")


class Receipt(BaseModel):
    model_config = ConfigDict(extra="ignore")

    merchant: str = Field(min_length=1)
    date: dt.date = Field(description="ISO 8601 date, YYYY-MM-DD")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD, EUR")
    subtotal: Money
    tax: Money
    total: Money
    line_items: list[LineItem]

    @field_validator("currency", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        return v.strip().upper() if isinstance(v, str) else v


DocumentType = Literal["passport", "national_id", "driving_licence", "residence_permit", "other"]


class KycForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    full_name: str = Field(min_length=1)
    date_of_birth: dt.date = Field(description="ISO 8601 date")
    nationality: str = Field(description="ISO 3166-1 alpha-3 code as printed (e.g. GBR)")
    document_type: DocumentType
    document_number: str = Field(min_length=1)
    issuing_country: str
    issue_date: dt.date | None = None
    expiry_date: dt.date | None = None
    address: str | None = None


# --- checks (pure) ------------------------------------------------------------------


def receipt_warnings(receipt: Receipt, *, tolerance: float = 0.01) -> list[str]:
    """Arithmetic checks: items sum to the subtotal, subtotal + tax = total."""
    out: list[str] = []
    if receipt.line_items:
        items = round(sum(i.amount for i in receipt.line_items), 2)
        if abs(items - receipt.subtotal) > tolerance:
            out.append(
                f"items_sum_mismatch: line items sum to {items:.2f}, "
                f"subtotal is {receipt.subtotal:.2f}"
            )
    else:
        out.append("no_line_items: the receipt lists no items")
    expected = round(receipt.subtotal + receipt.tax, 2)
    if abs(expected - receipt.total) > tolerance:
        out.append(f"total_mismatch: subtotal + tax = {expected:.2f}, total is {receipt.total:.2f}")
    for n, item in enumerate(receipt.line_items):
        if item.quantity is not None and item.unit_price is not None:
            line = round(item.quantity * item.unit_price, 2)
            if abs(line - item.amount) > tolerance:
                out.append(
                    f"line_mismatch: line_items[{n}] {item.quantity:g} x "
                    f"{item.unit_price:.2f} = {line:.2f}, amount is {item.amount:.2f}"
                )
    return out


def kyc_warnings(form: KycForm, *, today: dt.date | None = None) -> list[str]:
    today = today or dt.date.today()
    out: list[str] = []
    if form.date_of_birth > today:
        out.append("date_of_birth_in_future")
    if form.expiry_date is not None and form.expiry_date < today:
        out.append(f"document_expired: expired on {form.expiry_date.isoformat()}")
    if form.issue_date is not None and form.issue_date < form.date_of_birth:
        out.append("issued_before_birth: issue_date is before date_of_birth")
    if form.issue_date and form.expiry_date and form.expiry_date <= form.issue_date:
        out.append("expiry_before_issue")
    return out


# --- pipelines ---------------------------------------------------------------------

RECEIPT_PROMPT = (
    "Extract this receipt. merchant: the shop's name as printed. date: the purchase "
    "date as YYYY-MM-DD. currency: the ISO 4217 code (infer from symbols and country). "
    "Amounts are numbers without currency symbols. line_items: every purchased line "
    "with its printed amount. Do not compute values that are not printed."
)
KYC_PROMPT = (
    "Extract the identity fields of this form or identity document. Dates as "
    "YYYY-MM-DD. Use null for a field that is not present; never guess."
)


@dataclass(slots=True)
class Options:
    """How the form pipelines ask (config for ``extract_receipt`` / ``extract_kyc``)."""

    strategy: Strategy = "json_schema"
    retries: int = 1
    max_tokens: int | None = 2048
    tolerance: float = 0.01
    label: str | None = None


def extract_receipt(
    caller: Caller, image: Path | bytes, options: Options | None = None
) -> Structured[Receipt]:
    o = options or Options()
    result = ask_structured(
        caller, Receipt, [image_part(image), text_part(RECEIPT_PROMPT)],
        mode="instruct", task="receipt", strategy=o.strategy, retries=o.retries,
        max_tokens=o.max_tokens, label=o.label,
    )  # fmt: skip
    if result.value is not None:
        result.warnings.extend(receipt_warnings(result.value, tolerance=o.tolerance))
    return result


def extract_kyc(
    caller: Caller,
    image: Path | bytes,
    options: Options | None = None,
    *,
    today: dt.date | None = None,
) -> Structured[KycForm]:
    o = options or Options()
    result = ask_structured(
        caller, KycForm, [image_part(image), text_part(KYC_PROMPT)],
        mode="instruct", task="kyc_form", strategy=o.strategy, retries=o.retries,
        max_tokens=o.max_tokens, label=o.label,
    )  # fmt: skip
    if result.value is not None:
        result.warnings.extend(kyc_warnings(result.value, today=today))
    return result
