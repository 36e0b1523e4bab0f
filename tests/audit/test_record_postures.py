from __future__ import annotations

import pytest

from vlgate.audit.postures import (
    PostureOverride,
    PostureTable,
    PrivacyPosture,
    SimpleRedactor,
    Storage,
    TraceReturn,
    apply_posture,
    may_return_trace,
)
from vlgate.audit.record import AuditRecord, InputDigest, RecordStatus, StoredImage, digest_media
from vlgate.types import MediaImage


def _record() -> AuditRecord:
    return AuditRecord(
        "req-1",
        received_at=1_700_000_000.5,
        tenant="acme",
        task_class="legal_review",
        answer="Call +1 415 555 0100 or mail jo@example.com",
        reasoning="The card 4111 1111 1111 1111 belongs to jo@example.com",
        guard_verdicts=[{"guard": "pii", "verdict": "flag"}],
        input_digest=[InputDigest("image", "ab" * 32, 1234, 640, 480, 300)],
        images=[StoredImage("image/png", b"\x89PNG", 1, 1)],
        status=RecordStatus.COMPLETED,
    )


def test_row_round_trip_keeps_every_field() -> None:
    rec = _record()
    row = rec.to_row()
    assert row["received_day"] == "2023-11-14"
    assert row["images"][0]["data"] == "iVBORw=="
    back = AuditRecord.from_row(row)
    assert back == rec


def test_repr_never_shows_answer_or_trace() -> None:
    text = repr(_record())
    assert "jo@example.com" not in text
    assert "4111" not in text
    assert "req-1" in text


def test_digest_media_hashes_without_keeping_pixels() -> None:
    im = MediaImage(data=b"abc", mime="image/png", width=2, height=3, tokens=64)
    (d,) = digest_media([im])
    assert d == InputDigest("image", im.sha256, 3, 2, 3, 64)


def test_redactor_masks_email_phone_and_luhn_valid_cards_only() -> None:
    r = SimpleRedactor()
    assert r.redact("mail jo.b+x@mail.example.org now") == "mail [EMAIL] now"
    assert r.redact("card 4111-1111-1111-1111.") == "card [CARD]."
    assert r.redact("call +44 20 7946 0958 today") == "call [PHONE] today"
    # 16 digits failing the Luhn check are not a card; too short to be a phone:
    assert "[CARD]" not in r.redact("order 1234 5678 9012 3456")
    assert r.redact("we have 42 apples") == "we have 42 apples"


@pytest.mark.parametrize(
    ("how", "expect_answer"),
    [
        (Storage.FULL, "Call +1 415 555 0100 or mail jo@example.com"),
        (Storage.REDACTED, "Call [PHONE] or mail [EMAIL]"),
        (Storage.NONE, None),
    ],
)
def test_apply_posture_answer(how: Storage, expect_answer: str | None) -> None:
    rec = _record()
    out = apply_posture(rec, PrivacyPosture(answer=how, trace=Storage.NONE), SimpleRedactor())
    assert out.answer == expect_answer
    assert out.reasoning is None
    assert out.images is None  # store_images defaults to False
    assert out.input_digest == rec.input_digest  # digests are always kept
    assert (out.answer_storage, out.trace_storage) == (how.value, "none")
    assert rec.answer is not None and rec.images is not None  # input untouched


def test_apply_posture_redacted_trace_and_kept_images() -> None:
    posture = PrivacyPosture(trace=Storage.REDACTED, store_images=True)
    out = apply_posture(_record(), posture, SimpleRedactor())
    assert out.reasoning == "The card [CARD] belongs to [EMAIL]"
    assert out.images is not None and out.images[0].data == b"\x89PNG"


def test_posture_layers_default_then_task_then_tenant() -> None:
    table = PostureTable(
        default=PrivacyPosture(trace=Storage.FULL),
        task_classes={"medical": PostureOverride(trace=Storage.REDACTED, store_images=True)},
        tenants={"bank": PostureOverride(trace=Storage.NONE)},
    )
    assert table.resolve(None, None) == PrivacyPosture()
    med = table.resolve("clinic", "medical")
    assert (med.trace, med.store_images) == (Storage.REDACTED, True)
    bank_med = table.resolve("bank", "medical")
    assert (bank_med.trace, bank_med.store_images) == (Storage.NONE, True)


@pytest.mark.parametrize(
    ("mode", "requested", "allowed"),
    [
        (TraceReturn.NEVER, True, False),
        (TraceReturn.NEVER, False, False),
        (TraceReturn.ON_REQUEST, True, True),
        (TraceReturn.ON_REQUEST, False, False),
        (TraceReturn.ALWAYS, False, True),
    ],
)
def test_may_return_trace(mode: TraceReturn, requested: bool, allowed: bool) -> None:
    assert may_return_trace(PrivacyPosture(trace_return=mode), requested) is allowed
