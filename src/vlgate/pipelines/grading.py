"""Grading: multiple-choice answer sheets at volume (Instruct) and tutor-mode
worked solutions (Thinking) with the reasoning kept as a teaching artifact.

The model only *reads* the sheet (which option is marked per question); scoring
against the answer key is pure code, so a model never decides a grade.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vlgate.pipelines.client import Caller, image_part, text_part
from vlgate.pipelines.structured import Strategy, Structured, ask_structured


class SheetReading(BaseModel):
    model_config = ConfigDict(extra="ignore")
    student: str | None = Field(None, description="name or id written on the sheet")
    answers: dict[str, str | None] = Field(
        description="question number -> the marked option letter; null if blank or ambiguous"
    )

    @field_validator("answers", mode="before")
    @classmethod
    def _normalise(cls, v: object) -> object:
        if not isinstance(v, dict):
            return v
        return {
            str(k).strip().rstrip(".").lstrip("Qq"): (
                a.strip().upper().strip("()") or None if isinstance(a, str) else a
            )
            for k, a in v.items()
        }


class Score(BaseModel):
    student: str | None
    correct: int
    total: int
    percent: float
    wrong: dict[str, str | None]  # question -> what was marked
    blank: list[str]
    unexpected: list[str]  # questions read that the key does not have


def load_key(path: Path) -> dict[str, str]:
    """An answer key from JSON (``{"1": "B", ...}``) or CSV (``question,answer``)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        raw = json.loads(text)
        pairs = raw.items()
    else:
        rows = list(csv.reader(io.StringIO(text)))
        if rows and len(rows[0]) >= 2 and len(rows[0][1].strip()) != 1:
            rows = rows[1:]  # a header row (answers are single letters)
        pairs = ((r[0], r[1]) for r in rows if len(r) >= 2)
    return {str(k).strip(): str(v).strip().upper() for k, v in pairs}


def score(reading: SheetReading, key: dict[str, str]) -> Score:
    """Compare a reading with the key (pure)."""
    correct, wrong, blank = 0, {}, []
    for q, right in key.items():
        got = reading.answers.get(q)
        if got is None:
            blank.append(q)
        elif got == right:
            correct += 1
        else:
            wrong[q] = got
    unexpected = sorted(q for q in reading.answers if q not in key)
    pct = round(100.0 * correct / len(key), 1) if key else 0.0
    return Score(student=reading.student, correct=correct, total=len(key), percent=pct,
                 wrong=wrong, blank=blank, unexpected=unexpected)  # fmt: skip


class GradedSheet(SheetReading):
    """What a batch row holds: the reading plus its score."""

    score: Score | None = None


def grade_sheet(
    caller: Caller,
    image: Path | bytes,
    key: dict[str, str],
    *,
    strategy: Strategy = "json_schema",
    label: str | None = None,
) -> Structured[GradedSheet]:
    questions = ", ".join(key)
    prompt = (
        "This is a multiple-choice answer sheet. For each question number, report the "
        f"option letter the student marked. Questions: {questions}. Use null when a "
        "question is blank or more than one option is marked. Do not solve the questions."
    )
    got = ask_structured(
        caller, SheetReading, [image_part(image), text_part(prompt)],
        mode="instruct", task="grading", strategy=strategy, label=label, max_tokens=1024,
    )  # fmt: skip
    out: Structured[GradedSheet] = Structured(
        value=None, errors=got.errors, warnings=got.warnings, attempts=got.attempts,
        repaired=got.repaired, replies=got.replies,
    )  # fmt: skip
    if got.value is not None:
        s = score(got.value, key)
        out.value = GradedSheet(student=got.value.student, answers=got.value.answers, score=s)
        if s.blank:
            out.warnings.append("blank_or_ambiguous: " + ", ".join(s.blank))
        if s.unexpected:
            out.warnings.append("not_in_key: " + ", ".join(s.unexpected))
    return out


@dataclass(slots=True)
class WorkedSolution:
    answer: str
    reasoning: str
    truncated: bool
    request_ids: list[str] = field(default_factory=list)

    def markdown(self, title: str = "Worked solution") -> str:
        lines = [f"# {title}", "", "## How to think about it", ""]
        steps = [s.strip() for s in self.reasoning.split("\n") if s.strip()]
        lines += [f"> {s}" for s in steps] or ["> (no reasoning trace was returned)"]
        if self.truncated:
            lines += ["", "> *(the reasoning was cut off by the token budget)*"]
        lines += ["", "## Solution", "", self.answer or "(no final answer was produced)"]
        return "\n".join(lines) + "\n"


TUTOR_PROMPT = (
    "You are a patient tutor. Solve the problem in the image step by step, then write "
    "the final solution for a student: each step on its own line, naming the idea used, "
    "and the final answer last."
)


def tutor(
    caller: Caller,
    image: Path | bytes,
    *,
    note: str | None = None,
    max_tokens: int | None = None,
    label: str | None = None,
) -> WorkedSolution:
    """A Thinking worked solution; the trace is kept to show *how* to think."""
    text = TUTOR_PROMPT + (f"\nThe student asks: {note}" if note else "")
    reply = caller.call(
        [image_part(image), text_part(text)],
        mode="thinking", task="tutoring", max_tokens=max_tokens, label=label,
    )  # fmt: skip
    return WorkedSolution(
        answer=reply.answer.strip(),
        reasoning=reply.reasoning.strip(),
        truncated=reply.truncated,
        request_ids=[reply.request_id],
    )
