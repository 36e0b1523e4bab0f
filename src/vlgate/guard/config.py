"""Guard settings: one pydantic model, a section of the gateway's config file.

guard:
  pii:
    posture: standard          # which of `postures` applies
    hash_key: ${VLGATE_PII_KEY}  # HMAC key for stable pseudonyms
  filters:
    rules: [{id: no-weapons, kind: term, terms: [...], action: block}]
    tasks: {moderation: [...]}
    tenants: {acme: [...]}
  injection: {policy: wrap, threshold: 0.5, routes: {/v1/kyc: block}}
  ocr: {enabled: true, engine: rapidocr}   # rapidocr needs the `ocr` extra
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from vlgate.guard.actions import Action, ChannelPolicy
from vlgate.guard.recognizers import ENTITIES, RECOGNIZERS
from vlgate.guard.recognizers.phone import DEFAULT_REGIONS

Channel = Literal["answer", "trace"]
InjectionPolicy = Literal["off", "flag", "wrap", "block"]
CHANNEL_NAMES: tuple[Channel, ...] = ("answer", "trace")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelActions(_Model):
    default: Action = Action.MASK
    entities: dict[str, Action] = Field(default_factory=dict)

    def policy(self) -> ChannelPolicy:
        return ChannelPolicy(self.default, dict(self.entities))


class Posture(_Model):
    """Actions for the answer, the reasoning trace and what the audit trail stores."""

    answer: ChannelActions = ChannelActions()
    trace: ChannelActions = ChannelActions()
    audit: ChannelActions = ChannelActions(default=Action.HASH)


_LAST4 = {e: Action.MASK_LAST4 for e in ("card", "iban")}
DEFAULT_POSTURES: dict[str, Posture] = {
    "strict": Posture(audit=ChannelActions(default=Action.MASK)),
    "standard": Posture(
        answer=ChannelActions(entities=_LAST4),
        trace=ChannelActions(),
        audit=ChannelActions(default=Action.HASH),
    ),
    "permissive": Posture(
        answer=ChannelActions(
            default=Action.ALLOW,
            entities={**_LAST4, "ssn": Action.MASK, "national_id": Action.MASK},
        ),
        trace=ChannelActions(default=Action.MASK),
        audit=ChannelActions(default=Action.HASH),
    ),
    "off": Posture(
        answer=ChannelActions(default=Action.ALLOW),
        trace=ChannelActions(default=Action.ALLOW),
        audit=ChannelActions(default=Action.ALLOW),
    ),
}


_EXTRACTION_TASKS = ("ocr", "extraction", "field_extraction", "receipt", "kyc_form")


class PiiSettings(_Model):
    enabled: bool = True
    posture: str = "standard"
    # Postures by task class and by tenant (tenant wins): extraction jobs exist to
    # return the fields, so they default to the permissive posture.
    task_postures: dict[str, str] = Field(
        default_factory=lambda: dict.fromkeys(_EXTRACTION_TASKS, "permissive")
    )
    tenant_postures: dict[str, str] = Field(default_factory=dict)
    postures: dict[str, Posture] = Field(default_factory=lambda: dict(DEFAULT_POSTURES))
    recognizers: list[str] = Field(default_factory=lambda: list(RECOGNIZERS))
    plugins: list[str] = Field(default_factory=list)  # "package.module:factory"
    phone_regions: list[str] = Field(default_factory=lambda: list(DEFAULT_REGIONS))
    hash_key: SecretStr | None = None  # None: a random per-process key (pseudonyms not stable)
    soft_limit: int = Field(default=256, ge=32)
    hard_limit: int = Field(default=1024, ge=64)

    @model_validator(mode="after")
    def _check(self) -> PiiSettings:
        if self.posture not in self.postures:
            raise ValueError(f"pii.posture {self.posture!r} is not one of {sorted(self.postures)}")
        unknown = [r for r in self.recognizers if r not in RECOGNIZERS]
        if unknown:
            raise ValueError(f"pii.recognizers: unknown {unknown}; known {sorted(RECOGNIZERS)}")
        for name, posture in self.postures.items():
            for channel in (posture.answer, posture.trace, posture.audit):
                bad = [e for e in channel.entities if e not in ENTITIES and ":" not in e]
                if bad:
                    raise ValueError(f"pii.postures.{name}: unknown entity types {bad}")
        for where, table in (
            ("task_postures", self.task_postures),
            ("tenant_postures", self.tenant_postures),
        ):
            if where not in self.model_fields_set:
                continue  # the built-in mapping applies only where its posture exists
            missing = sorted({p for p in table.values() if p not in self.postures})
            if missing:
                raise ValueError(
                    f"pii.{where}: unknown postures {missing}; known {sorted(self.postures)}"
                )
        return self

    def posture_for(self, task: str | None, tenant: str | None) -> str:
        """The posture name for a request: tenant's, else the task class's, else the default."""
        for table, key in ((self.tenant_postures, tenant), (self.task_postures, task)):
            name = table.get(key) if key is not None else None
            if name is not None and name in self.postures:
                return name
        return self.posture


class FilterRule(_Model):
    """A content rule: words/phrases, a regex, or a registered classifier over a score."""

    id: str = Field(min_length=1)
    kind: Literal["term", "pattern", "classifier"] = "term"
    terms: list[str] = Field(default_factory=list)
    pattern: str | None = None
    classifier: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)  # passed to the classifier factory
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    action: Literal["block", "redact", "flag"] = "block"
    channels: list[Channel] = Field(default_factory=lambda: list(CHANNEL_NAMES))
    case_sensitive: bool = False

    @model_validator(mode="after")
    def _check(self) -> FilterRule:
        if self.kind == "term" and not self.terms:
            raise ValueError(f"filter rule {self.id!r}: kind 'term' needs terms")
        if self.kind == "pattern":
            if not self.pattern:
                raise ValueError(f"filter rule {self.id!r}: kind 'pattern' needs pattern")
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"filter rule {self.id!r}: bad pattern: {exc}") from exc
        if self.kind == "classifier":
            if not self.classifier:
                raise ValueError(f"filter rule {self.id!r}: kind 'classifier' needs classifier")
            if self.action == "redact":
                raise ValueError(f"filter rule {self.id!r}: a classifier cannot redact")
        return self


class FilterSettings(_Model):
    rules: list[FilterRule] = Field(default_factory=list)  # global
    tasks: dict[str, list[FilterRule]] = Field(default_factory=dict)
    tenants: dict[str, list[FilterRule]] = Field(default_factory=dict)
    window: int = Field(default=256, ge=16)  # longest match a pattern can make across chunks
    classifier_stride: int = Field(default=200, ge=1)  # re-score classifiers every N new characters

    def rules_for(self, task: str | None, tenant: str | None) -> list[FilterRule]:
        chosen = list(self.rules)
        chosen += self.tasks.get(task or "", [])
        chosen += self.tenants.get(tenant or "", [])
        return chosen


class InjectionSettings(_Model):
    policy: InjectionPolicy = "flag"
    routes: dict[str, InjectionPolicy] = Field(default_factory=dict)  # route -> policy
    threshold: float = Field(default=0.5, gt=0.0, le=1.0)
    roles: list[str] = Field(default_factory=lambda: ["user", "tool"])  # whose text is screened
    # combined: the learned classifier and the pattern families (the larger score);
    # patterns: the families alone, fewer false positives on long benign documents
    # (licences, manuals) and far less recall on new phrasings (docs/guards.md)
    scorer: Literal["combined", "patterns"] = "combined"

    def policy_for(self, route: str | None) -> InjectionPolicy:
        return self.routes.get(route or "", self.policy)


class OcrSettings(_Model):
    # Off by default in the gateway: OCR costs ~0.5-2 s of CPU per image on the request
    # path. Turn it on for routes that take untrusted documents; while it is off the
    # image screen reports "ocr_unavailable" (never a silent pass).
    enabled: bool = False
    # rapidocr: PP-OCRv4 on ONNX Runtime, `pip install vlgate[ocr]` (docs/guards.md has
    # the comparison); tesseract: Debian's tesseract-ocr; model: a transcription
    # function passed in code (Guards(ocr_factory=...)); an engine that is not
    # installed makes the screen report "ocr_unavailable".
    engine: str = "rapidocr"
    languages: str = "eng"  # tesseract only; RapidOCR reads Chinese and unaccented Latin
    on_unavailable: Literal["flag", "block"] = "flag"
    min_pixels: int = 65_536  # the model processor's limits (FACTS.md)
    max_pixels: int = 16_777_216
    upscale_below: int = Field(default=1600, ge=0)  # OCR at 2x when the longer side is shorter
    timeout_s: float = Field(default=20.0, gt=0)
    budget_s: float = Field(default=4.0, gt=0)  # OCR time per image across all passes
    threads: int = Field(default=1, ge=1)  # per OCR call; more only pays on idle cores

    @field_validator("engine")
    @classmethod
    def _engine(cls, value: str) -> str:
        from vlgate.guard.ocr import OCR_ENGINES

        if value not in OCR_ENGINES:
            raise ValueError(f"ocr.engine {value!r} is not one of {sorted(OCR_ENGINES)}")
        return value


class GuardSettings(_Model):
    enabled: bool = True
    pii: PiiSettings = PiiSettings()
    filters: FilterSettings = FilterSettings()
    injection: InjectionSettings = InjectionSettings()
    ocr: OcrSettings = OcrSettings()

    @field_validator("pii", mode="before")
    @classmethod
    def _pii(cls, value: Any) -> Any:
        return PiiSettings() if value is None else value
