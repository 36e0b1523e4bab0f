"""Prometheus metrics of the audit write path, on a registry the caller passes in."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class AuditMetrics:
    def __init__(self, registry: CollectorRegistry | None, depth: Callable[[], float]) -> None:
        reg = registry if registry is not None else CollectorRegistry()
        self.queue_depth = Gauge(
            "vlgate_audit_queue_depth", "Audit entries waiting for a commit", registry=reg
        )
        self.queue_depth.set_function(depth)
        self.store_up = Gauge(
            "vlgate_audit_store_up", "1 when the last audit commit or probe succeeded", registry=reg
        )
        self.store_up.set(1)
        self.commit_seconds = Histogram(
            "vlgate_audit_commit_seconds",
            "Seconds per audit batch commit",
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0),
            registry=reg,
        )
        self.committed = Counter(
            "vlgate_audit_committed_entries", "Audit entries committed to the store", registry=reg
        )
        self.failed_commits = Counter(
            "vlgate_audit_failed_commits", "Audit batch commits that failed", registry=reg
        )
        self.spooled = Counter(
            "vlgate_audit_spooled_entries",
            "Audit entries kept only in the local journal (queue full or store down)",
            registry=reg,
        )
        self.replayed = Counter(
            "vlgate_audit_replayed_entries", "Journal entries replayed to the store", registry=reg
        )
        self.rejected = Counter(
            "vlgate_audit_rejected_requests",
            "Requests refused because the audit trail could not take them (fail closed)",
            registry=reg,
        )
        self.journal_bytes = Gauge(
            "vlgate_audit_journal_bytes", "Bytes in the local audit journal", registry=reg
        )
