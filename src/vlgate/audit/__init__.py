"""The audit trail: one record per request, written off the hot path, never lost.

    record.py      AuditRecord (+ InputDigest, StoredImage, RecordStatus)
    postures.py    PrivacyPosture / PostureTable, Redactor, apply_posture, may_return_trace
    config.py      AuditSettings
    schema.py      SQLAlchemy Core tables;  migrations.py  ordered, named migrations
    store.py       AuditStore: the one query interface (SQLite and PostgreSQL)
    journal.py     the local append-only journal;  writer.py  AuditWriter
    api.py         traces_router(store, auth=...): /v1/traces, /v1/traces/{id}, /ui
    cli.py         the ``vlgate traces`` typer sub-app;  render.py  its rich views
    bench.py       ``python -m vlgate.audit.bench``

``api`` and ``cli`` are imported by path (they pull in FastAPI / typer).
"""

from vlgate.audit.config import AuditSettings, OverloadPolicy
from vlgate.audit.postures import (
    PostureOverride,
    PostureTable,
    PrivacyPosture,
    Redactor,
    SimpleRedactor,
    Storage,
    TraceReturn,
    apply_posture,
    may_return_trace,
)
from vlgate.audit.record import AuditRecord, InputDigest, RecordStatus, StoredImage, digest_media
from vlgate.audit.store import AuditStore, TraceFilter, TracePage
from vlgate.audit.writer import AuditWriter, RecoveryReport

__all__ = [
    "AuditRecord",
    "AuditSettings",
    "AuditStore",
    "AuditWriter",
    "InputDigest",
    "OverloadPolicy",
    "PostureOverride",
    "PostureTable",
    "PrivacyPosture",
    "RecordStatus",
    "RecoveryReport",
    "Redactor",
    "SimpleRedactor",
    "Storage",
    "StoredImage",
    "TraceFilter",
    "TracePage",
    "TraceReturn",
    "apply_posture",
    "digest_media",
    "may_return_trace",
]
