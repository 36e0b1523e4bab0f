"""Second opinion (Thinking): a structured checklist read of an image, for review.

The result is never a diagnosis: it carries the required disclaimer, the full
reasoning trace for the reviewer, and ``human_review_required`` is always true;
``review_reasons`` says what deserves the reviewer's attention first (low
confidence, checklist items not addressed, a truncated trace, invalid output).
Checklists are data in a registry; add one with ``CHECKLISTS["name"] = ...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vlgate.pipelines.client import Caller, image_part, text_part
from vlgate.pipelines.structured import Strategy, ask_structured

DISCLAIMER = (
    "AI-generated second opinion for review by a qualified clinician. It is not a "
    "diagnosis and must not be used to make clinical decisions without human review."
)


@dataclass(frozen=True, slots=True)
class Checklist:
    title: str
    items: dict[str, str]  # key -> what to assess


CHECKLISTS: dict[str, Checklist] = {
    "chest_xray": Checklist(
        title="Chest X-ray",
        items={
            "pneumothorax": "Is there a pneumothorax? Which side?",
            "cardiac_silhouette": "Is the cardiac silhouette enlarged (cardiothoracic ratio)?",
            "opacities": "Are there opacities or consolidation? Compare left vs right.",
            "pleural_effusion": "Is there a pleural effusion (blunted costophrenic angles)? Side?",
            "lines_and_devices": "Are lines, tubes or devices present and positioned plausibly?",
        },
    ),
}


class Finding(BaseModel):
    model_config = ConfigDict(extra="ignore")

    item: str = Field(description="the checklist key this finding answers")
    status: Literal["present", "absent", "indeterminate"]
    side: Literal["left", "right", "bilateral", "none", "not_applicable"] = "not_applicable"
    detail: str = ""


class Assessment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    findings: list[Finding]
    differential: list[str] = Field(description="differential diagnoses, most likely first")
    confidence: Literal["low", "moderate", "high"]
    confidence_note: str = Field(description="why this confidence: image quality, ambiguity")


@dataclass(slots=True)
class SecondOpinion:
    checklist: str
    assessment: Assessment | None
    reasoning: str  # the Thinking trace, kept for review
    reasoning_truncated: bool
    disclaimer: str = DISCLAIMER
    human_review_required: bool = True
    review_reasons: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "checklist": self.checklist,
            "disclaimer": self.disclaimer,
            "human_review_required": self.human_review_required,
            "review_reasons": self.review_reasons,
            "assessment": self.assessment.model_dump() if self.assessment else None,
            "reasoning": self.reasoning,
            "reasoning_truncated": self.reasoning_truncated,
            "errors": self.errors,
            "request_ids": self.request_ids,
        }


def checklist_prompt(checklist: Checklist, context: str | None) -> str:
    lines = [
        f"Second-opinion read of this {checklist.title}. Assess every checklist item "
        "and report one finding per item, using the item key:",
        *(f"- {key}: {question}" for key, question in checklist.items.items()),
        "Then give a differential (most likely first), a confidence (low, moderate, high) "
        "and a confidence note naming what limits certainty.",
    ]
    if context:
        lines.append(f"Clinical context from the requester: {context}")
    return "\n".join(lines)


def review_reasons(checklist: Checklist, assessment: Assessment | None) -> list[str]:
    """What the reviewer should look at first (pure)."""
    if assessment is None:
        return ["no_valid_assessment: the model's output did not validate"]
    out: list[str] = []
    answered = {f.item for f in assessment.findings}
    missing = [k for k in checklist.items if k not in answered]
    if missing:
        out.append("checklist_incomplete: not addressed: " + ", ".join(missing))
    if assessment.confidence == "low":
        out.append("low_confidence: " + assessment.confidence_note)
    present = [f.item for f in assessment.findings if f.status == "present"]
    if present:
        out.append("positive_findings: " + ", ".join(present))
    indeterminate = [f.item for f in assessment.findings if f.status == "indeterminate"]
    if indeterminate:
        out.append("indeterminate: " + ", ".join(indeterminate))
    return out


def second_opinion(
    caller: Caller,
    image: Path | bytes,
    *,
    checklist: str = "chest_xray",
    context: str | None = None,
    strategy: Strategy = "prompt",
    max_tokens: int | None = None,
    label: str | None = None,
) -> SecondOpinion:
    """Thinking reads ``image`` against a registered checklist. Thinking engines
    constrain only the answer when they constrain at all, so the schema goes in the
    prompt by default (``strategy="prompt"``) and is validated on return."""
    try:
        spec = CHECKLISTS[checklist]
    except KeyError:
        raise ValueError(f"unknown checklist {checklist!r}; known: {sorted(CHECKLISTS)}") from None
    content = [image_part(image), text_part(checklist_prompt(spec, context))]
    result = ask_structured(
        caller, Assessment, content, mode="thinking", task="second_opinion",
        strategy=strategy, max_tokens=max_tokens, label=label,
    )  # fmt: skip
    last = result.replies[-1]
    reasons = review_reasons(spec, result.value)
    if any(r.truncated for r in result.replies):
        reasons.append("reasoning_truncated: the trace was cut off by the token budget")
    reasons.extend(w for w in result.warnings)
    return SecondOpinion(
        checklist=checklist,
        assessment=result.value,
        reasoning=last.reasoning,
        reasoning_truncated=last.reasoning_truncated or last.finish_reason == "length",
        review_reasons=reasons,
        errors=result.errors,
        request_ids=result.request_ids,
    )
