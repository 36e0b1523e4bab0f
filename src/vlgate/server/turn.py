"""One request as it moves through the gateway: what is known once it is routed."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vlgate.limits.base import Reservation
from vlgate.modes import Mode
from vlgate.protocol import ChatCompletionRequest
from vlgate.routing.policy import RouteDecision
from vlgate.server.exchange import Outcome
from vlgate.server.intake import Intake
from vlgate.server.options import Options
from vlgate.types import BackendEvent, GenerationRequest, SamplingParams


async def aclose_stream(stream: AsyncIterator[BackendEvent]) -> None:
    """Close a backend stream now (cancels the engine's work), not at GC."""
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        await aclose()


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(headers: Mapping[str, str]) -> str:
    given = headers.get("x-request-id")
    if given and _REQUEST_ID.match(given):
        return given
    return "chatcmpl-" + uuid.uuid4().hex


@dataclass(slots=True)
class Turn:
    """What is known about one request once it is routed."""

    request_id: str
    tenant: str
    created: int
    req: ChatCompletionRequest
    options: Options
    intake: Intake
    decision: RouteDecision
    sampling: SamplingParams
    warnings: list[str]
    show_reasoning: bool
    outcome: Outcome
    received_epoch: float = 0.0
    model: str = ""
    generation: GenerationRequest | None = None
    guard_verdicts: list[dict[str, Any]] = field(default_factory=list)
    audit_progress_at: float = 0.0
    reservation: Reservation | None = None  # budget held for this request

    @property
    def replica(self) -> str | None:
        return self.generation.replica if self.generation is not None else None

    @property
    def mode(self) -> Mode:
        return self.decision.mode

    def vlgate_info(self) -> dict[str, Any]:
        d = self.decision
        info: dict[str, Any] = {
            "request_id": self.request_id,
            "mode": d.mode.value,
            "route_reason": d.reason,
            "wanted_mode": d.wanted.value,
            "requested_mode": self.options.requested_mode.value
            if self.options.requested_mode
            else None,
            "task": self.options.task,
            "audience": self.options.audience.value if self.options.audience else None,
            "latency_budget_ms": d.budget_ms,
            "expected_thinking_ms": d.expected_ms,
            "visual_tokens": self.intake.visual_tokens,
            "warnings": self.warnings,
        }
        return info


def sampling_of(req: ChatCompletionRequest) -> SamplingParams:
    stop = [req.stop] if isinstance(req.stop, str) else list(req.stop or [])
    return SamplingParams(
        temperature=req.temperature,
        top_p=req.top_p,
        top_k=None if req.top_k == -1 else req.top_k,
        presence_penalty=req.presence_penalty,
        frequency_penalty=req.frequency_penalty,
        repetition_penalty=req.repetition_penalty,
        max_tokens=req.max_completion_tokens or req.max_tokens,
        stop=stop,
        seed=req.seed,
    )
