"""``POST /v1/chat/completions``: the request path of DESIGN.md, step by step.

parse -> options -> media intake -> route -> presets -> backend (first event
pulled before any header goes out, so a failure before the first byte is a real
HTTP error and may still fall back) -> splitter -> JSON or SSE -> metrics.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from vlgate.audit.postures import may_return_trace
from vlgate.backends.pool import Pool
from vlgate.config import Settings
from vlgate.cost import REFERENCE_MEANS, cost_breakdown
from vlgate.errors import InvalidRequest, UpstreamError, VlgateError
from vlgate.guard.output import OutputGuard
from vlgate.limits.base import Reservation
from vlgate.limits.limiter import Limiter
from vlgate.limits.registry import admit
from vlgate.media.loader import MediaLoader
from vlgate.modes import Mode, apply_presets
from vlgate.protocol import ChatCompletionRequest, ChunkEncoder, completion, parse_request
from vlgate.reasoning import Answer, Reasoning, Reclassified
from vlgate.routing.policy import RouteDecision, RouteInput
from vlgate.routing.router import Router
from vlgate.server.audit_tap import AuditTap
from vlgate.server.exchange import (
    ClientEvent,
    Outcome,
    client_events,
    is_truncated,
    tool_call_events,
)
from vlgate.server.guarding import GuardTap, guarded
from vlgate.server.intake import Intake, build_intake, check_context
from vlgate.server.metrics import GatewayMetrics
from vlgate.server.options import resolve_options
from vlgate.server.turn import Turn, aclose_stream, sampling_of
from vlgate.tools import delta_dict
from vlgate.types import (
    BackendEvent,
    Finish,
    GenerationRequest,
    SamplingParams,
    ToolCallDelta,
    Usage,
)


class ChatService:
    def __init__(
        self,
        settings: Settings,
        router: Router,
        pools: Mapping[Mode, Pool],
        loader: MediaLoader,
        metrics: GatewayMetrics,
        served_models: Mapping[str, Mode],
        audit: AuditTap | None = None,
        guard: GuardTap | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        self.settings = settings
        self.router = router
        self.pools = pools
        self.loader = loader
        self.metrics = metrics
        self.served_models = served_models
        self.audit = audit
        self.guard = guard
        self.limiter = limiter
        self._background: set[asyncio.Task[None]] = set()
        self._postures = settings.audit.postures
        self.context_window = 262_144

    # -- setup -----------------------------------------------------------------

    async def prepare(self, request: Request, tenant: str, request_id: str) -> Turn:
        received = time.perf_counter()
        received_epoch = time.time()
        body = await request.body()
        if len(body) > self.settings.server.max_body_bytes:
            raise InvalidRequest(
                f"the request body is {len(body)} bytes, over the limit of "
                f"{self.settings.server.max_body_bytes}",
                code="request_too_large",
            )
        req = parse_request(body)
        options = resolve_options(req, request.headers, self.served_models)
        intake = await build_intake(req, self.loader)
        verdicts: list[dict[str, Any]] = []
        if self.guard is not None:
            intake.messages, verdict = await self.guard.screen(intake.messages, options.task)
            self.metrics.guard_verdicts.labels("injection", verdict.action).inc()
            if verdict.action != "allow" or verdict.status != "ok":
                verdicts.append(verdict.to_dict())
        decision = self.router.route(
            RouteInput(
                requested_mode=options.requested_mode,
                task=options.task,
                audience=options.audience,
                latency_budget_ms=options.latency_budget_ms,
                text=intake.last_user_text,
                n_images=intake.n_images,
                has_video=intake.n_videos > 0,
            )
        )
        if decision.mode not in self.pools:
            decision = self._only_available(decision)
        sampling, warnings = self._sampling(req, decision.mode, intake)
        reservation = await self._admit(tenant, decision.mode, intake)
        wants = options.include_reasoning
        if wants is None:
            wants = self.settings.reasoning.default_include
        show = may_return_trace(self._postures.resolve(tenant, options.task), wants)
        return Turn(
            request_id=request_id,
            tenant=tenant,
            created=int(time.time()),
            req=req,
            options=options,
            intake=intake,
            decision=decision,
            sampling=sampling,
            warnings=warnings,
            show_reasoning=show,
            outcome=Outcome(started=received),
            received_epoch=received_epoch,
            guard_verdicts=verdicts,
            reservation=reservation,
        )

    async def _admit(self, tenant: str, mode: Mode, intake: Intake) -> Reservation | None:
        """Rate limit and budget hold (429 + Retry-After when refused). The hold is
        the expected cost of a typical turn of this mode with this prompt."""
        if self.limiter is None:
            return None
        price = self.settings.prices.price(mode)
        expected_out = REFERENCE_MEANS[mode].completion_tokens
        estimate = cost_breakdown(
            Usage(intake.estimated_prompt_tokens(), round(expected_out)), price
        ).total_usd
        return await admit(self.limiter, tenant, estimate)

    def _settle(self, turn: Turn, cost_usd: float) -> None:
        """Book the actual cost against the hold, off the response path."""
        if self.limiter is None or turn.reservation is None:
            return
        reservation, turn.reservation = turn.reservation, None
        task = asyncio.get_running_loop().create_task(self.limiter.commit(reservation, cost_usd))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _only_available(self, decision: RouteDecision) -> RouteDecision:
        other = next(iter(self.pools))
        return replace(
            decision, mode=other, reason=f"fallback:{decision.mode.value}_not_configured"
        )

    def _sampling(
        self, req: ChatCompletionRequest, mode: Mode, intake: Intake
    ) -> tuple[SamplingParams, list[str]]:
        asked = sampling_of(req)
        sampling, warnings = apply_presets(
            asked, mode, self.settings.presets, text_only=intake.text_only
        )
        if asked.max_tokens is not None:
            check_context(intake, sampling.max_tokens, self.context_window)
        else:
            check_context(intake, None, self.context_window)
            room = self.context_window - intake.estimated_prompt_tokens()
            if sampling.max_tokens is not None and sampling.max_tokens > room:
                sampling.max_tokens = max(1, room)
                warnings.append("max_tokens_fitted_to_context")
        return sampling, warnings

    # -- the backend -------------------------------------------------------------

    def _generation(self, turn: Turn) -> GenerationRequest:
        rf = turn.req.response_format
        extra: dict[str, Any] = {}
        req = turn.req
        if req.tools:
            extra["tools"] = [t.model_dump(exclude_none=True) for t in req.tools]
            choice = req.tool_choice
            if choice is not None:
                extra["tool_choice"] = choice if isinstance(choice, str) else choice.model_dump()
            if req.parallel_tool_calls is not None:
                extra["parallel_tool_calls"] = req.parallel_tool_calls
        return GenerationRequest(
            request_id=turn.request_id,
            mode=turn.mode,
            messages=turn.intake.messages,
            sampling=turn.sampling,
            response_format=rf.model_dump(exclude_none=True) if rf else None,
            extra=extra,
            deadline=time.monotonic() + self.settings.server.request_timeout_s,
            stream=turn.req.stream,
        )

    async def start(self, turn: Turn) -> tuple[BackendEvent, AsyncIterator[BackendEvent]]:
        """Call the backend and wait for its first event. A failure before that may
        still fall back from Thinking to Instruct; after it, nothing is retried."""
        mode = turn.mode
        turn.generation = self._generation(turn)
        stream = self.pools[mode].stream(turn.generation)
        try:
            first = await anext(stream)
        except UpstreamError as exc:
            self.metrics.upstream_errors.labels(mode.value, exc.code or exc.error_type).inc()
            self.router.record(mode, False)
            if not self._may_fall_back(turn):
                raise
            turn.decision = replace(
                turn.decision, mode=Mode.INSTRUCT, reason="fallback:thinking_unavailable"
            )
            turn.sampling, warnings = self._sampling(turn.req, Mode.INSTRUCT, turn.intake)
            turn.warnings.extend(warnings)
            return await self.start(turn)
        except StopAsyncIteration:
            raise UpstreamError("the engine sent nothing", retryable=False) from None
        turn.model = self._model_name(mode)
        return first, stream

    def _may_fall_back(self, turn: Turn) -> bool:
        d = turn.decision
        if d.mode is not Mode.THINKING or Mode.INSTRUCT not in self.pools:
            return False
        return d.reason != "explicit" or self.settings.routing.fallback_on_explicit

    def _model_name(self, mode: Mode) -> str:
        names = self.pools[mode].models()
        return names[0] if names else f"qwen3-vl-4b-{mode.value}"

    # -- finishing ---------------------------------------------------------------

    def final_usage(self, turn: Turn) -> Usage:
        """The engine's usage, completed where it is silent: visual tokens from our
        own arithmetic, reasoning tokens split by share of text when not reported."""
        o = turn.outcome
        res = o.result
        u = o.usage
        if u is None:
            out_chars = len(res.reasoning) + len(res.answer)
            u = Usage(
                turn.intake.estimated_prompt_tokens(),
                max(1, round(out_chars / 4)) if out_chars else 0,
            )
            turn.warnings.append("usage_estimated")
        visual = (
            min(turn.intake.visual_tokens, u.prompt_tokens)
            if u.prompt_tokens
            else turn.intake.visual_tokens
        )
        reasoning = u.reasoning_tokens
        if reasoning is None and turn.mode is Mode.THINKING:
            total = len(res.reasoning) + len(res.answer)
            reasoning = round(u.completion_tokens * len(res.reasoning) / total) if total else 0
        return Usage(u.prompt_tokens, u.completion_tokens, reasoning, visual)

    def finish(self, turn: Turn, stream: bool) -> dict[str, Any]:
        """Metrics for a finished request; returns the closing ``vlgate`` info."""
        o = turn.outcome
        mode = turn.mode.value
        info = turn.vlgate_info()
        self.metrics.requests.labels(mode, turn.decision.reason, o.status).inc()
        if turn.decision.fell_back:
            self.metrics.fallbacks.labels(turn.decision.reason).inc()
        self.metrics.latency.labels(mode, "true" if stream else "false").observe(
            time.perf_counter() - o.started
        )
        if o.ttft_s is not None:
            self.metrics.ttft.labels(mode).observe(o.ttft_s)
        if o.status == "completed":
            self.router.record(turn.mode, True)
        elif o.status == "failed":
            self.router.record(turn.mode, False)
        else:
            self.router.record(turn.mode, None)
        if o.usage is not None or o.status == "completed":
            usage = self.final_usage(turn)
            o.usage = usage
            price = self.settings.prices.price(turn.mode, turn.model)
            cost = cost_breakdown(usage, price)
            info["cost_usd"] = cost.total_usd
            info["usage"] = {
                "visual_tokens": usage.visual_tokens,
                "reasoning_tokens": usage.reasoning_tokens,
            }
            for kind, n in (
                ("prompt", usage.prompt_tokens),
                ("visual", usage.visual_tokens or 0),
                ("completion", usage.completion_tokens),
                ("reasoning", usage.reasoning_tokens or 0),
            ):
                self.metrics.tokens.labels(mode, kind).inc(n)
            self.metrics.cost.labels(turn.tenant, mode, turn.options.task or "").inc(cost.total_usd)
        info["reasoning_truncated"] = is_truncated(o, turn.mode)
        self._settle(turn, float(info.get("cost_usd") or 0.0))
        if self.audit is not None:
            self.audit.complete(turn, info.get("cost_usd"))
        return info

    def fail(self, turn: Turn, exc: VlgateError) -> None:
        """A routed request failed before its response started."""
        turn.outcome.status, turn.outcome.error = "failed", exc.message
        self.finish(turn, stream=turn.req.stream)

    def cancelled(self, turn: Turn) -> None:
        """The client went away: the audit record, breaker probe and budget hold
        are closed all the same."""
        turn.outcome.status = "cancelled"
        self.finish(turn, stream=turn.req.stream)

    # -- responses -----------------------------------------------------------------

    def headers(self, turn: Turn) -> dict[str, str]:
        h = {
            "x-request-id": turn.request_id,
            "x-vlgate-mode": turn.mode.value,
            "x-vlgate-route-reason": turn.decision.reason,
        }
        if turn.warnings:
            h["x-vlgate-warning"] = ", ".join(turn.warnings)
        return h

    async def respond_json(
        self, turn: Turn, first: BackendEvent, rest: AsyncIterator[BackendEvent]
    ) -> Response:
        o = turn.outcome
        output_guard = self._output_guard(turn)
        try:
            async for event in self._events(turn, first, rest, output_guard):
                o.apply(event)
            o.status = "completed"
        except VlgateError as exc:
            o.status, o.error = "failed", exc.message
            self._count_failure(turn, exc)
            self._collect_verdicts(turn, output_guard)
            self.finish(turn, stream=False)
            raise
        except asyncio.CancelledError:
            self.cancelled(turn)
            raise
        finally:
            await aclose_stream(rest)
        self._collect_verdicts(turn, output_guard)
        info = self.finish(turn, stream=False)
        assert o.usage is not None
        body = completion(
            request_id=turn.request_id,
            created=turn.created,
            model=turn.model,
            answer=o.result.answer,
            reasoning=o.result.reasoning if turn.show_reasoning else None,
            finish_reason=o.finish_reason or "stop",
            usage=o.usage,
            vlgate=info,
            tool_calls=o.tool_calls.to_list() if o.tool_calls else None,
        )
        return Response(
            orjson.dumps(body), media_type="application/json", headers=self.headers(turn)
        )

    def respond_sse(
        self, turn: Turn, first: BackendEvent, rest: AsyncIterator[BackendEvent]
    ) -> StreamingResponse:
        return StreamingResponse(
            self._sse(turn, first, rest),
            media_type="text/event-stream",
            headers={**self.headers(turn), "cache-control": "no-cache", "x-accel-buffering": "no"},
        )

    async def _sse(
        self, turn: Turn, first: BackendEvent, rest: AsyncIterator[BackendEvent]
    ) -> AsyncIterator[bytes]:
        o = turn.outcome
        enc = ChunkEncoder(request_id=turn.request_id, created=turn.created, model=turn.model)
        include_usage = bool(turn.req.stream_options and turn.req.stream_options.include_usage)
        show = turn.show_reasoning
        audit = self.audit
        output_guard = self._output_guard(turn)
        try:
            yield enc.chunk({"role": "assistant", "content": ""}, vlgate=turn.vlgate_info())
            async for event in self._events(turn, first, rest, output_guard):
                o.apply(event)
                chunk = self._chunk(enc, event, show)
                if chunk is not None:
                    yield chunk
                if audit is not None:
                    audit.progress(turn)
                if isinstance(event, Finish):
                    o.status = "completed"
                    self._collect_verdicts(turn, output_guard)
                    info = self.finish(turn, stream=True)
                    yield enc.chunk({}, event.finish_reason or "stop", vlgate=info)
                    if include_usage and o.usage is not None:
                        yield enc.usage_chunk(o.usage)
                    yield ChunkEncoder.DONE
        except VlgateError as exc:
            o.status, o.error = "failed", exc.message
            self._count_failure(turn, exc)
            self._collect_verdicts(turn, output_guard)
            self.finish(turn, stream=True)
            yield ChunkEncoder.error(exc.to_dict())
        except (asyncio.CancelledError, GeneratorExit):
            o.status = "cancelled"
            self.finish(turn, stream=True)
            raise
        finally:
            await aclose_stream(rest)

    # -- guards ----------------------------------------------------------------------

    def _output_guard(self, turn: Turn) -> OutputGuard | None:
        if self.guard is None or not self.guard.settings.enabled:
            return None
        return self.guard.output_guard(turn.options.task, turn.tenant)

    def _events(
        self,
        turn: Turn,
        first: BackendEvent,
        rest: AsyncIterator[BackendEvent],
        output_guard: OutputGuard | None,
    ) -> AsyncIterator[ClientEvent]:
        events = client_events(turn.mode, first, rest)
        if turn.req.tools and turn.req.tool_choice != "none":
            events = tool_call_events(events)
        return events if output_guard is None else guarded(events, output_guard, turn.outcome)

    def _collect_verdicts(self, turn: Turn, output_guard: OutputGuard | None) -> None:
        if output_guard is None:
            return
        for verdict in output_guard.verdicts():
            turn.guard_verdicts.append(verdict)
            self.metrics.guard_verdicts.labels(verdict["kind"], verdict["action"]).inc(
                verdict.get("count", 1)
            )

    def _count_failure(self, turn: Turn, exc: VlgateError) -> None:
        if isinstance(exc, UpstreamError):
            self.metrics.upstream_errors.labels(turn.mode.value, exc.code or exc.error_type).inc()

    @staticmethod
    def _chunk(enc: ChunkEncoder, event: ClientEvent, show: bool) -> bytes | None:
        if isinstance(event, Answer | Reclassified):
            return enc.chunk({"content": event.text}) if event.text else None
        if isinstance(event, Reasoning):
            return enc.chunk({"reasoning_content": event.text}) if show else None
        if isinstance(event, ToolCallDelta):
            return enc.chunk({"tool_calls": [delta_dict(event)]})
        return None
