"""Task classes and the mode each one wants (FACTS.md, typical deployments).

Instruct: a human is waiting. Thinking: a human reviews the result later.
The table is data: config may add classes or move them.
"""

from __future__ import annotations

from vlgate.modes import Mode

_I, _T = Mode.INSTRUCT, Mode.THINKING

DEFAULT_TASKS: dict[str, Mode] = {
    # Instruct: fast, terse, someone is waiting.
    "captioning": _I,
    "ocr": _I,
    "extraction": _I,
    "field_extraction": _I,
    "classification": _I,
    "document_classification": _I,
    "receipt": _I,
    "kyc_form": _I,
    "moderation": _I,
    "gui_action": _I,
    "live_captioning": _I,
    "scene_description": _I,
    "video_captioning": _I,
    "product_search": _I,
    "grading": _I,
    "grounding": _I,
    # Thinking: slower, more accurate, reviewed later.
    "math": _T,
    "stem": _T,
    "chart_reasoning": _T,
    "multi_step_vqa": _T,
    "cross_page_documents": _T,
    "document_reasoning": _T,
    "contradiction_finding": _T,
    "medical_review": _T,
    "second_opinion": _T,
    "legal_review": _T,
    "financial_review": _T,
    "due_diligence": _T,
    "long_video_reasoning": _T,
    "video_summary": _T,
    "tutoring": _T,
    "gui_plan": _T,
}
