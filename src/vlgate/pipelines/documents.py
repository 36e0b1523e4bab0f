"""Documents: a PDF goes to the gateway as a ``file`` part; vlgate renders its pages
and prefixes each with ``Page N:``, so every answer can cite pages.

- ``ask``: question answering across pages (Thinking, ``cross_page_documents``);
- ``contradictions``: statements that disagree across pages (Thinking);
- ``extract_fields``: named fields with the page each was read on (Instruct);
- ``classify``: one label from a closed set (Instruct).

Page references are validated against the page count (read locally with
pypdfium2): a citation of a page that does not exist is an error and is retried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from vlgate.pipelines.client import Caller, pdf_part, text_part
from vlgate.pipelines.structured import Strategy, Structured, ask_structured

T = TypeVar("T", bound=BaseModel)


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    answer: str
    pages: list[int] = Field(description="the pages (1-based) the answer relies on")


class Contradiction(BaseModel):
    model_config = ConfigDict(extra="ignore")
    statement_a: str
    page_a: int
    statement_b: str
    page_b: int
    explanation: str


class Contradictions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    contradictions: list[Contradiction]


class FieldValue(BaseModel):
    model_config = ConfigDict(extra="ignore")
    value: str | None = Field(description="as printed; null when the document lacks it")
    page: int | None = None


class Fields(BaseModel):
    model_config = ConfigDict(extra="ignore")
    fields: dict[str, FieldValue]


class Classification(BaseModel):
    model_config = ConfigDict(extra="ignore")
    label: str
    pages: list[int] = Field(default_factory=list, description="pages that decided it")
    rationale: str = ""


@dataclass(slots=True)
class DocResult(Generic[T]):
    """A document pipeline's outcome; ``reasoning`` is the Thinking trace, if any."""

    value: T | None
    pages: int
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reasoning: str = ""
    request_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.value is not None,
            "result": self.value.model_dump() if self.value is not None else None,
            "pages": self.pages,
            "errors": self.errors,
            "warnings": self.warnings,
            "reasoning": self.reasoning,
            "request_ids": self.request_ids,
        }


# --- pure checks ------------------------------------------------------------------


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def bad_pages(refs: Sequence[tuple[str, int | None]], n_pages: int) -> list[str]:
    """Errors for page references outside 1..n_pages."""
    return [
        f"{where}: page {p} does not exist (the document has {n_pages} pages)"
        for where, p in refs
        if p is not None and not 1 <= p <= n_pages
    ]


def answer_pages(a: Answer) -> list[tuple[str, int | None]]:
    return [(f"pages[{i}]", p) for i, p in enumerate(a.pages)]


def contradiction_pages(c: Contradictions) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for i, x in enumerate(c.contradictions):
        out += [
            (f"contradictions[{i}].page_a", x.page_a),
            (f"contradictions[{i}].page_b", x.page_b),
        ]
    return out


def field_pages(f: Fields) -> list[tuple[str, int | None]]:
    return [(f"fields.{k}.page", v.page) for k, v in f.fields.items()]


# --- pipelines --------------------------------------------------------------------

_CITE = "Pages are marked 'Page N:' before each page image; cite pages by N."


def _run(
    caller: Caller,
    model: type[T],
    pdf: Path | bytes,
    prompt: str,
    *,
    mode: str,
    task: str,
    refs: Any,
    extra_check: Any = None,
    strategy: Strategy,
    label: str | None,
) -> DocResult[T]:
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    n = page_count(data)

    def check(value: T) -> list[str]:
        errs = bad_pages(refs(value), n)
        return errs + (extra_check(value) if extra_check else [])

    got: Structured[T] = ask_structured(
        caller, model, [pdf_part(data), text_part(f"{_CITE}\n{prompt}")],
        mode=mode, task=task, strategy=strategy, check=check, label=label,  # type: ignore[arg-type]
    )  # fmt: skip
    out = DocResult(got.value, n, list(got.errors), list(got.warnings))
    out.reasoning = got.replies[-1].reasoning
    out.request_ids = got.request_ids
    if any(r.truncated for r in got.replies):
        out.warnings.append("truncated: a call stopped on its token budget")
    return out


def ask(
    caller: Caller, pdf: Path | bytes, question: str, *, label: str | None = None
) -> DocResult[Answer]:
    prompt = f"Answer from the document, citing every page you rely on.\nQuestion: {question}"
    return _run(caller, Answer, pdf, prompt, mode="thinking", task="cross_page_documents",
                refs=answer_pages, strategy="prompt", label=label)  # fmt: skip


def contradictions(
    caller: Caller, pdf: Path | bytes, *, label: str | None = None
) -> DocResult[Contradictions]:
    prompt = (
        "Find statements on different pages that contradict each other (figures, dates, "
        "names, obligations). For each give both statements, their pages and why they "
        "conflict. An empty list is a valid answer."
    )
    return _run(caller, Contradictions, pdf, prompt, mode="thinking",
                task="contradiction_finding", refs=contradiction_pages, strategy="prompt",
                label=label)  # fmt: skip


def extract_fields(
    caller: Caller,
    pdf: Path | bytes,
    names: Sequence[str],
    *,
    strategy: Strategy = "json_schema",
    label: str | None = None,
) -> DocResult[Fields]:
    listed = ", ".join(names)
    prompt = (
        f"Extract these fields: {listed}. Key 'fields' by exactly these names; give each "
        "value as printed and the page it is on; value null when absent."
    )
    res = _run(caller, Fields, pdf, prompt, mode="instruct", task="field_extraction",
               refs=field_pages, strategy=strategy, label=label)  # fmt: skip
    if res.value is not None:
        missing = [n for n in names if n not in res.value.fields]
        if missing:
            res.warnings.append("fields_missing: " + ", ".join(missing))
        absent = [n for n, v in res.value.fields.items() if n in names and v.value is None]
        if absent:
            res.warnings.append("fields_not_found: " + ", ".join(absent))
    return res


def classify(
    caller: Caller,
    pdf: Path | bytes,
    labels: Sequence[str],
    *,
    strategy: Strategy = "json_schema",
    label: str | None = None,
) -> DocResult[Classification]:
    if not labels:
        raise ValueError("classify needs at least one label")
    allowed = list(labels)

    def known(c: Classification) -> list[str]:
        return [] if c.label in allowed else [f"label: {c.label!r} is not one of {allowed}"]

    prompt = f"Classify this document as exactly one of: {', '.join(allowed)}."
    return _run(caller, Classification, pdf, prompt, mode="instruct",
                task="document_classification",
                refs=lambda c: [(f"pages[{i}]", p) for i, p in enumerate(c.pages)],
                extra_check=known, strategy=strategy, label=label)  # fmt: skip
