"""One audit record per request, and its flat row form.

``AuditRecord`` is what the gateway fills in; ``to_row`` / ``from_row`` convert it
to the JSON-pure dict that goes to the journal and the database (one column per
key). The answer and the reasoning trace are excluded from ``repr`` so that a
record that ends up in a log line never carries them.
"""

from __future__ import annotations

import base64
import time
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

# Upsert guard: a row is only replaced by an entry with a higher version. ``open``
# is 1, each ``progress`` adds one, ``complete`` is FINAL; recovery writes
# INTERRUPTED so that a late real completion still wins over the sweep.
FINAL_VERSION = 1_000_000_000
INTERRUPTED_VERSION = FINAL_VERSION - 1


class RecordStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    REJECTED = "rejected"


@dataclass(slots=True, frozen=True)
class InputDigest:
    """What the model saw, without the pixels: one entry per image / frame / page."""

    kind: str  # image | video_frame | pdf_page | text
    sha256: str
    bytes: int
    width: int | None = None
    height: int | None = None
    tokens: int | None = None


@dataclass(slots=True, frozen=True)
class StoredImage:
    """An input image kept in the store because the posture says so."""

    mime: str
    data: bytes = field(repr=False)
    width: int | None = None
    height: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "mime": self.mime,
            "data": base64.b64encode(self.data).decode(),
            "width": self.width,
            "height": self.height,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> StoredImage:
        return cls(d["mime"], base64.b64decode(d["data"]), d.get("width"), d.get("height"))


@dataclass(slots=True)
class AuditRecord:
    request_id: str
    received_at: float = field(default_factory=time.time)  # epoch seconds
    tenant: str | None = None
    api_key_id: str | None = None
    first_token_at: float | None = None
    finished_at: float | None = None
    requested_mode: str | None = None  # "instruct" | "thinking" | "auto"
    decided_mode: str | None = None
    route_reason: str | None = None
    fallback: bool = False  # the breaker moved it from thinking to instruct
    task_class: str | None = None
    audience: str | None = None
    model: str | None = None
    replica: str | None = None
    status: RecordStatus = RecordStatus.OPEN
    finish_reason: str | None = None
    error: str | None = None
    prompt_tokens: int | None = None
    visual_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    cost_usd: float | None = None
    answer: str | None = field(default=None, repr=False)
    reasoning: str | None = field(default=None, repr=False)
    guard_verdicts: list[dict[str, Any]] = field(default_factory=list)
    ab_label: str | None = None
    input_digest: list[InputDigest] = field(default_factory=list)
    images: list[StoredImage] | None = field(default=None, repr=False)
    stream: bool = False
    # Filled by apply_posture / the writer, not by the caller:
    answer_storage: str = "full"
    trace_storage: str = "full"
    gateway_id: str | None = None
    updated_at: float | None = None
    version: int = 0

    def to_row(self) -> dict[str, Any]:
        """The flat, JSON-pure row (images base64, digests as dicts)."""
        row = {name: getattr(self, name) for name in _FIELDS}
        row["status"] = self.status.value
        row["input_digest"] = [asdict(d) for d in self.input_digest]
        row["images"] = None if self.images is None else [i.to_json() for i in self.images]
        row["received_day"] = day_of(self.received_at)
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditRecord:
        kw = {k: v for k, v in row.items() if k in _FIELD_SET}
        kw["status"] = RecordStatus(row["status"])
        kw["input_digest"] = [InputDigest(**d) for d in row.get("input_digest") or []]
        imgs = row.get("images")
        kw["images"] = None if imgs is None else [StoredImage.from_json(i) for i in imgs]
        kw["guard_verdicts"] = list(row.get("guard_verdicts") or [])
        kw["fallback"] = bool(row.get("fallback"))
        kw["stream"] = bool(row.get("stream"))
        return cls(**kw)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (API, CLI ``--json``, export)."""
        d = self.to_row()
        d.pop("received_day")
        d["usage"] = {
            "prompt_tokens": d.pop("prompt_tokens"),
            "visual_tokens": d.pop("visual_tokens"),
            "completion_tokens": d.pop("completion_tokens"),
            "reasoning_tokens": d.pop("reasoning_tokens"),
        }
        return d


_FIELDS = tuple(f.name for f in fields(AuditRecord))
_FIELD_SET = frozenset(_FIELDS)


def day_of(epoch_s: float) -> str:
    """UTC calendar day, the grouping key of the cost report."""
    return time.strftime("%Y-%m-%d", time.gmtime(epoch_s))


def digest_media(images: list[Any], kind: str = "image") -> list[InputDigest]:
    """Digest ``vlgate.types.MediaImage``-like objects (sha256, size, tokens)."""
    return [
        InputDigest(kind, im.sha256, len(im.data), im.width, im.height, im.tokens) for im in images
    ]
