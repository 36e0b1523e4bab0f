"""The output side: one ``OutputGuard`` per request over the answer and trace channels.

guards = Guards(settings.guard)                  # once, at start-up
out = guards.output_guard(task="kyc", tenant="acme")
for delta in stream:                              # reasoning or answer deltas
    g = out.feed("trace" | "answer", delta.text)
    send(g.text)
    if g.blocked: send_error(g.blocked); break    # stop generation upstream
for channel, g in out.close().items(): send(g.text)
audit.record(verdicts=out.verdicts(), trace=out.audit_redactor().redact(raw_trace))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vlgate.errors import ContentBlocked
from vlgate.guard.actions import Action, ChannelPolicy, Pseudonymizer
from vlgate.guard.config import Channel, GuardSettings, Posture
from vlgate.guard.filters import ContentFilter, TermRecognizer
from vlgate.guard.ocr import OcrEngine
from vlgate.guard.recognizers import build_recognizers
from vlgate.guard.recognizers.phone import PhoneRecognizer
from vlgate.guard.redactor import PiiEngine, PiiRedactor, StreamingRedactor
from vlgate.guard.screen import InputScreen
from vlgate.guard.spans import Span

CHANNELS: tuple[Channel, ...] = ("answer", "trace")


@dataclass(frozen=True, slots=True)
class Verdict:
    """One line of the audit record: what a guard found and did. Never holds raw PII."""

    kind: str  # pii | filter | injection
    name: str  # entity type or rule id
    action: str
    count: int
    channel: str

    def to_dict(self) -> dict[str, Any]:
        key = "entity" if self.kind == "pii" else "rule"
        return {
            "kind": self.kind,
            key: self.name,
            "action": self.action,
            "count": self.count,
            "channel": self.channel,
        }

    def error(self) -> ContentBlocked:
        return ContentBlocked(
            f"output stopped by content rule {self.name!r} in the {self.channel}",
            code="content_filter",
        )


@dataclass(frozen=True, slots=True)
class GuardOutput:
    text: str  # safe to emit now
    blocked: Verdict | None = None


class OutputGuard:
    """Per request: a content filter and a streaming redactor for each channel."""

    def __init__(
        self,
        redactors: dict[Channel, StreamingRedactor | None],
        filters: dict[Channel, ContentFilter],
        audit: PiiRedactor | None,
    ) -> None:
        self._redactors = redactors
        self._filters = filters
        self._audit = audit
        self._blocked: Verdict | None = None

    @property
    def blocked(self) -> Verdict | None:
        return self._blocked

    def feed(self, channel: Channel, text: str) -> GuardOutput:
        if self._blocked:
            return GuardOutput("", self._blocked)
        result = self._filters[channel].feed(text)
        if result.blocked:
            return self._block(channel, result.blocked.rule)
        redactor = self._redactors[channel]
        return GuardOutput(redactor.feed(text) if redactor else text)

    def flush(self, channel: Channel) -> GuardOutput:
        if self._blocked:
            return GuardOutput("", self._blocked)
        result = self._filters[channel].flush()
        if result.blocked:
            return self._block(channel, result.blocked.rule)
        redactor = self._redactors[channel]
        return GuardOutput(redactor.flush() if redactor else "")

    def close(self) -> dict[Channel, GuardOutput]:
        """Flush both channels (trace first); what each still held back."""
        return {c: self.flush(c) for c in ("trace", "answer")}

    def findings(self, channel: Channel) -> list[Span]:
        """Entities found so far on ``channel`` (offsets in its raw text; for evaluation)."""
        redactor = self._redactors[channel]
        return list(redactor.findings) if redactor else []

    def audit_redactor(self) -> PiiRedactor | None:
        """The redactor for what the audit trail stores (``None``: store as is)."""
        return self._audit

    def verdicts(self) -> list[dict[str, Any]]:
        found: list[Verdict] = []
        for channel in CHANNELS:
            redactor = self._redactors[channel]
            if redactor is not None:
                for (entity, action), n in sorted(redactor.counts.items()):
                    kind = "filter" if entity.startswith("filter:") else "pii"
                    name = entity.removeprefix("filter:")
                    shown = "redact" if kind == "filter" else str(action)
                    found.append(Verdict(kind, name, shown, n, channel))
            for (rule, outcome), n in sorted(self._filters[channel].counts.items()):
                found.append(Verdict("filter", rule, outcome, n, channel))
        return [v.to_dict() for v in found]

    def _block(self, channel: Channel, rule: str) -> GuardOutput:
        self._blocked = Verdict("filter", rule, "block", 1, channel)
        return GuardOutput("", self._blocked)


class Guards:
    """Everything built once from ``GuardSettings``: recognisers, gazetteer, OCR engine."""

    def __init__(
        self, settings: GuardSettings, *, ocr_factory: Callable[[], OcrEngine] | None = None
    ) -> None:
        self.settings = settings
        pii = settings.pii
        key = pii.hash_key.get_secret_value().encode() if pii.hash_key else None
        self.pseudonymizer = Pseudonymizer(key)
        names = [r for r in pii.recognizers if r != "phone"]
        recognizers = build_recognizers(names, pii.plugins)
        if "phone" in pii.recognizers:
            recognizers.append(PhoneRecognizer(pii.phone_regions))
        self._recognizers = recognizers
        self._engine = PiiEngine(recognizers)
        self._ocr: OcrEngine | None = ocr_factory() if ocr_factory else None

    def input_screen(self, route: str | None = None) -> InputScreen:
        """The injection screen with the route's policy (``injection.routes``)."""
        return InputScreen(self.settings, route=route, ocr=self._ocr)

    def engine(self, extra_rules: list[Any] | None = None) -> PiiEngine:
        if not extra_rules:
            return self._engine
        terms = [TermRecognizer(r) for r in extra_rules]
        joiners = [w for r in extra_rules for t in r.terms for w in t.split()]
        return PiiEngine([*self._recognizers, *terms], joiners)

    def posture(self, name: str | None = None) -> Posture:
        pii = self.settings.pii
        return pii.postures[name or pii.posture]

    def redactor(self, channel: str, posture: str | None = None) -> PiiRedactor:
        """Whole-text redactor for ``answer``, ``trace`` or ``audit`` under a posture."""
        actions = getattr(self.posture(posture), channel)
        return PiiRedactor(self._engine, actions.policy(), self.pseudonymizer)

    def output_guard(
        self, *, task: str | None = None, tenant: str | None = None, posture: str | None = None
    ) -> OutputGuard:
        s = self.settings
        rules = s.filters.rules_for(task, tenant) if s.enabled else []
        on = s.enabled and s.pii.enabled
        redactors: dict[Channel, StreamingRedactor | None] = {}
        filters: dict[Channel, ContentFilter] = {}
        chosen = self.posture(posture)
        for channel in CHANNELS:
            mine = [r for r in rules if channel in r.channels]
            redacting = [r for r in mine if r.action == "redact"]
            engine = (
                self.engine(redacting) if on else PiiEngine([TermRecognizer(r) for r in redacting])
            )
            policy = getattr(chosen, channel).policy() if on else ChannelPolicy(Action.ALLOW)
            policy = _with_filter_masks(policy, redacting)
            redactors[channel] = (
                StreamingRedactor(
                    engine,
                    policy,
                    self.pseudonymizer,
                    soft_limit=s.pii.soft_limit,
                    hard_limit=s.pii.hard_limit,
                )
                if on or redacting
                else None
            )
            filters[channel] = ContentFilter(
                mine, window=s.filters.window, stride=s.filters.classifier_stride
            )
        audit = self.redactor("audit", posture) if on else None
        return OutputGuard(redactors, filters, audit)


def _with_filter_masks(policy: ChannelPolicy, rules: list[Any]) -> ChannelPolicy:
    if not rules:
        return policy
    entities = dict(policy.entities)
    entities.update({f"filter:{r.id}": Action.MASK for r in rules})
    return ChannelPolicy(policy.default, entities)
