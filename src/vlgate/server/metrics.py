"""Prometheus metrics of one gateway, on its own registry (no module globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class GatewayMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "vlgate_requests", "Requests by the mode that answered, route reason and status",
            ["mode", "reason", "status"], registry=r,
        )  # fmt: skip
        self.fallbacks = Counter(
            "vlgate_fallbacks", "Requests that wanted Thinking and went to Instruct", ["reason"],
            registry=r,
        )  # fmt: skip
        self.breaker_state = Gauge(
            "vlgate_breaker_state", "Failure breaker: 0 closed, 1 half-open, 2 open", ["mode"],
            registry=r,
        )  # fmt: skip
        self.expected_latency = Gauge(
            "vlgate_expected_latency_seconds", "Estimated latency of a new request", ["mode"],
            registry=r,
        )  # fmt: skip
        self.latency = Histogram(
            "vlgate_request_duration_seconds", "Whole request time", ["mode", "stream"],
            buckets=_LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.ttft = Histogram(
            "vlgate_time_to_first_token_seconds", "Time to the first generated token", ["mode"],
            buckets=_LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.upstream_errors = Counter(
            "vlgate_upstream_errors", "Engine failures seen by the gateway", ["mode", "code"],
            registry=r,
        )  # fmt: skip
        self.retries = Counter(
            "vlgate_retries", "Requests retried on another replica", ["mode"], registry=r
        )
        self.inflight = Gauge("vlgate_inflight", "Requests in progress", ["mode"], registry=r)
        self.tokens = Counter(
            "vlgate_tokens", "Tokens by mode and kind (prompt, visual, completion, reasoning)",
            ["mode", "kind"], registry=r,
        )  # fmt: skip
        self.cost = Counter(
            "vlgate_cost_usd", "Cost of answered turns in USD", ["tenant", "mode", "task"],
            registry=r,
        )  # fmt: skip
        self.bad_requests = Counter(
            "vlgate_rejected_requests", "Requests refused before routing", ["type"], registry=r
        )
        self.guard_verdicts = Counter(
            "vlgate_guard_verdicts", "Guard verdicts by kind and action", ["kind", "action"],
            registry=r,
        )  # fmt: skip
