"""SQLAlchemy Core tables of the audit store (the latest shape; migrations build it)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData()

# none_as_null: a Python None is SQL NULL (not JSON null), so COALESCE works on it.
Json = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

schema_version = sa.Table(
    "audit_schema_version",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("applied_at", sa.Double, nullable=False),
)

records = sa.Table(
    "audit_records",
    metadata,
    sa.Column("request_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("gateway_id", sa.String(200)),
    sa.Column("received_at", sa.Double, nullable=False),
    sa.Column("received_day", sa.String(10), nullable=False),
    sa.Column("updated_at", sa.Double),
    sa.Column("first_token_at", sa.Double),
    sa.Column("finished_at", sa.Double),
    sa.Column("tenant", sa.String(200)),
    sa.Column("api_key_id", sa.String(200)),
    sa.Column("requested_mode", sa.String(32)),
    sa.Column("decided_mode", sa.String(32)),
    sa.Column("route_reason", sa.Text),
    sa.Column("fallback", sa.Boolean, nullable=False),
    sa.Column("task_class", sa.String(100)),
    sa.Column("audience", sa.String(100)),
    sa.Column("model", sa.String(200)),
    sa.Column("replica", sa.String(200)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("finish_reason", sa.String(32)),
    sa.Column("error", sa.Text),
    sa.Column("prompt_tokens", sa.Integer),
    sa.Column("visual_tokens", sa.Integer),
    sa.Column("completion_tokens", sa.Integer),
    sa.Column("reasoning_tokens", sa.Integer),
    sa.Column("cost_usd", sa.Double),
    sa.Column("answer", sa.Text),
    sa.Column("reasoning", sa.Text),
    sa.Column("guard_verdicts", Json),
    sa.Column("ab_label", sa.String(100)),
    sa.Column("input_digest", Json),
    sa.Column("images", Json),
    sa.Column("stream", sa.Boolean, nullable=False),
    sa.Column("answer_storage", sa.String(16), nullable=False),
    sa.Column("trace_storage", sa.String(16), nullable=False),
)

# Columns of the list view: everything but the large texts and images.
SUMMARY_EXCLUDE = frozenset({"answer", "reasoning", "images", "input_digest"})

# (name, columns) of the indexes the list filters and the recovery sweep use.
INDEXES: list[tuple[str, tuple[str, ...]]] = [
    ("ix_audit_received", ("received_at", "request_id")),
    ("ix_audit_tenant_received", ("tenant", "received_at")),
    ("ix_audit_mode_received", ("decided_mode", "received_at")),
    ("ix_audit_task_received", ("task_class", "received_at")),
    ("ix_audit_status_gateway", ("status", "gateway_id")),
    ("ix_audit_day", ("received_day",)),
    ("ix_audit_label", ("ab_label",)),
]
