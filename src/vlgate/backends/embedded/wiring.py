"""Connect the embedded engine to the gateway: backends from settings, the
``vlgate serve --demo`` overrides, and ``vlgate engine serve``'s app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vlgate.backends.base import Backend
from vlgate.backends.embedded.backend import EmbeddedBackend
from vlgate.backends.embedded.engine import Engine
from vlgate.backends.embedded.metrics import engine_metrics_text
from vlgate.backends.embedded.settings import EngineSettings
from vlgate.modes import Mode

if TYPE_CHECKING:
    from fastapi import FastAPI

    from vlgate.config import Settings

# The demo checkpoint has random weights: it rarely emits <|im_end|>, so every
# request runs to its token budget. Small budgets keep the offline demo quick.
DEMO_PRESETS: dict[str, Any] = {
    "instruct": {"max_tokens": 64},
    "thinking": {"max_tokens": 96, "max_tokens_text_only": 96},
    "thinking_min_max_tokens": 32,
}


def engine_settings(settings: Settings) -> EngineSettings:
    checkpoints = {mode: spec.checkpoint for mode, spec in settings.embedded.items()}
    base: dict[str, Any] = {"max_new_tokens": 81_920, **settings.engine}
    return EngineSettings(**{**base, "checkpoints": checkpoints})


def embedded_backends(settings: Settings) -> dict[Mode, Sequence[Backend]]:
    """One engine serving every configured variant; one backend per mode on it.
    The first backend owns the engine (stops it on close)."""
    if not settings.embedded:
        return {}
    engine = Engine(engine_settings(settings))
    out: dict[Mode, Sequence[Backend]] = {}
    for i, (mode, spec) in enumerate(settings.embedded.items()):
        out[Mode(mode)] = [
            EmbeddedBackend(engine, Mode(mode), model_name=spec.model_name, owns_engine=i == 0)
        ]
    return out


def create_engine_app(settings: Settings) -> FastAPI:
    """The embedded engine alone, as an OpenAI-compatible server for another vlgate.

    Explicit model names pick the variant; the trace is always returned separated
    (``reasoning_content``, as vLLM's reasoning parser does); ``/metrics`` carries
    vLLM's queue gauges so an upstream gateway reads this engine like a vLLM one.
    """
    from vlgate.server.app import create_app

    engine_only = settings.model_copy(
        update={
            "audit": settings.audit.model_copy(
                update={
                    "enabled": False,
                    "postures": settings.audit.postures.model_copy(
                        update={
                            "default": settings.audit.postures.default.model_copy(
                                update={"trace_return": "always"}
                            )
                        }
                    ),
                }
            ),
        }
    )
    holder: dict[str, Engine] = {}

    def backends(s: Settings) -> dict[Mode, Sequence[Backend]]:
        built = embedded_backends(s)
        first = next(iter(built.values()))[0]
        assert isinstance(first, EmbeddedBackend)
        holder["engine"] = first.engine
        return built

    def metrics() -> str:
        engine = holder.get("engine")
        if engine is None:
            return ""
        names = {
            mode: spec.model_name or spec.checkpoint for mode, spec in settings.embedded.items()
        }
        return engine_metrics_text(engine, names)

    return create_app(engine_only, backends=backends, extra_metrics=metrics)
