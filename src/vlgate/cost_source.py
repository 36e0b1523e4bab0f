"""Feed ``vlgate cost`` from the audit store: grouped stats -> usage rows."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from vlgate.cost import UsageRow, rows_from_stats
from vlgate.cost_cli import CostQuery


def _epoch(day: date) -> float:
    return float(calendar.timegm(day.timetuple()))


def audit_rows(query: CostQuery, dsn: str | None = None) -> Iterable[UsageRow]:
    """Rows per (day, tenant, mode, task) from the audit store at ``dsn`` (default:
    the configured or built-in one)."""
    from vlgate.audit.store import AuditStore, TraceFilter
    from vlgate.config import load_settings

    store = AuditStore.from_dsn(dsn or load_settings().audit.dsn)
    try:
        flt = TraceFilter(
            since=_epoch(query.since) if query.since else None,
            until=_epoch(query.until + timedelta(days=1)) if query.until else None,
            tenant=query.tenant,
        )
        return rows_from_stats(store.stats(("day", "tenant", "mode", "task"), flt))
    finally:
        store.close()
