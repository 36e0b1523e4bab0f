"""The guard layer: PII redaction, content filters and the prompt-injection screen.

guards = Guards(settings)                     # once (loads gazetteer, recognisers)
screen = guards.input_screen(route="/v1/chat/completions")
verdict = screen.screen_messages(request.messages); verdict.raise_if_blocked()
if verdict.action == "wrap": request.messages = wrap_untrusted(request.messages)
out = guards.output_guard(task=..., tenant=...)   # per request, answer + trace
"""

from __future__ import annotations

from vlgate.guard.actions import Action, ChannelPolicy, Pseudonymizer
from vlgate.guard.classifiers import CLASSIFIERS, TextClassifier
from vlgate.guard.config import (
    ChannelActions,
    FilterRule,
    FilterSettings,
    GuardSettings,
    InjectionSettings,
    OcrSettings,
    PiiSettings,
    Posture,
)
from vlgate.guard.filters import ContentFilter, FilterHit, FilterResult
from vlgate.guard.injection import InjectionScore, InjectionScorer
from vlgate.guard.ocr import OCR_ENGINES, OcrEngine, smart_resize
from vlgate.guard.output import GuardOutput, Guards, OutputGuard, Verdict
from vlgate.guard.recognizers import RECOGNIZERS, Recognizer
from vlgate.guard.redactor import PiiEngine, PiiRedactor, Redactor, StreamingRedactor
from vlgate.guard.screen import InjectionVerdict, InputScreen, wrap_untrusted
from vlgate.guard.spans import Span

__all__ = [
    "CLASSIFIERS", "OCR_ENGINES", "RECOGNIZERS", "Action", "ChannelActions", "ChannelPolicy",
    "ContentFilter", "FilterHit", "FilterResult", "FilterRule", "FilterSettings", "GuardOutput",
    "GuardSettings", "Guards", "InjectionScore", "InjectionScorer", "InjectionSettings",
    "InjectionVerdict", "InputScreen", "OcrEngine", "OcrSettings", "OutputGuard", "PiiEngine",
    "PiiRedactor", "PiiSettings", "Posture", "Pseudonymizer", "Recognizer", "Redactor", "Span",
    "StreamingRedactor", "TextClassifier", "Verdict", "smart_resize", "wrap_untrusted",
]  # fmt: skip
