"""The request path's side of the audit trail: a turn -> audit records.

``open`` runs before the backend is called (so a fail-closed refusal is a clean
503 and costs no generation), ``progress`` at most once a second while a stream
runs (a crash keeps what was sent), ``complete`` when the response ends, and
``reject`` for requests refused before routing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from vlgate.audit.postures import PrivacyPosture
from vlgate.audit.record import AuditRecord, InputDigest, RecordStatus, StoredImage
from vlgate.audit.writer import AuditWriter
from vlgate.errors import VlgateError
from vlgate.tools import as_text
from vlgate.types import ImagePart, MediaImage, VideoPart

if TYPE_CHECKING:
    from vlgate.server.turn import Turn

PROGRESS_EVERY_S = 1.0

_STATUS = {
    "completed": RecordStatus.COMPLETED,
    "failed": RecordStatus.FAILED,
    "cancelled": RecordStatus.INTERRUPTED,
    "open": RecordStatus.INTERRUPTED,
}


def _media(turn: Turn) -> list[tuple[str, MediaImage]]:
    out: list[tuple[str, MediaImage]] = []
    for message in turn.intake.messages:
        for part in message.parts:
            if isinstance(part, ImagePart):
                out.append(("image", part.image))
            elif isinstance(part, VideoPart):
                out.extend(("video_frame", f) for f in part.video.frames)
    return out


class AuditTap:
    def __init__(
        self,
        writer: AuditWriter,
        resolve: Callable[[str | None, str | None], PrivacyPosture],
    ) -> None:
        self.writer = writer
        self._resolve = resolve  # PostureTable.resolve

    def posture(self, tenant: str | None, task: str | None) -> PrivacyPosture:
        return self._resolve(tenant, task)

    def _record(self, turn: Turn) -> AuditRecord:
        o = turn.outcome
        d = turn.decision
        media = _media(turn)
        record = AuditRecord(
            request_id=turn.request_id,
            received_at=turn.received_epoch,
            tenant=turn.tenant,
            requested_mode=turn.options.requested_mode.value
            if turn.options.requested_mode
            else "auto",
            decided_mode=d.mode.value,
            route_reason=d.reason,
            fallback=d.fell_back,
            task_class=turn.options.task,
            audience=turn.options.audience.value if turn.options.audience else None,
            model=turn.model or None,
            replica=turn.replica,
            ab_label=turn.options.label,
            stream=turn.req.stream,
            visual_tokens=turn.intake.visual_tokens,
            input_digest=[
                InputDigest(kind, im.sha256, len(im.data), im.width, im.height, im.tokens)
                for kind, im in media
            ],
            guard_verdicts=list(turn.guard_verdicts),
        )
        if o.first_token_at is not None:
            record.first_token_at = turn.received_epoch + (o.first_token_at - o.started)
        if self.posture(turn.tenant, turn.options.task).store_images:
            record.images = [StoredImage(im.mime, im.data, im.width, im.height) for _, im in media]
        return record

    def open(self, turn: Turn) -> None:
        """Before the backend is called; raises ServiceUnavailable when refused."""
        self.writer.open(self._record(turn))
        turn.audit_progress_at = time.monotonic()

    def progress(self, turn: Turn) -> None:
        now = time.monotonic()
        if now - turn.audit_progress_at < PROGRESS_EVERY_S:
            return
        turn.audit_progress_at = now
        r = turn.outcome.model_text
        self.writer.progress(turn.request_id, r.answer, r.reasoning)

    def complete(self, turn: Turn, cost_usd: float | None) -> None:
        o = turn.outcome
        record = self._record(turn)
        record.status = _STATUS.get(o.status, RecordStatus.FAILED)
        record.finished_at = time.time()
        record.finish_reason = o.finish_reason
        record.error = o.error or ("client disconnected" if o.status == "cancelled" else None)
        record.answer = o.model_text.answer
        if o.tool_calls:  # kept in the model's own form, under the answer's posture
            calls = as_text(o.tool_calls.to_list())
            record.answer = f"{record.answer}\n{calls}" if record.answer else calls
        record.reasoning = o.model_text.reasoning
        record.cost_usd = cost_usd
        if o.usage is not None:
            record.prompt_tokens = o.usage.prompt_tokens
            record.completion_tokens = o.usage.completion_tokens
            record.reasoning_tokens = o.usage.reasoning_tokens
            record.visual_tokens = o.usage.visual_tokens
        self.writer.complete(record)

    def reject(self, request_id: str, tenant: str, exc: VlgateError, received_epoch: float) -> None:
        self.writer.complete(
            AuditRecord(
                request_id=request_id,
                received_at=received_epoch,
                tenant=tenant,
                status=RecordStatus.REJECTED,
                finished_at=time.time(),
                error=f"{exc.status_code} {exc.error_type}: {exc.message}"[:2000],
            )
        )
