"""``EmbeddedBackend``: the Backend protocol for one Mode on a shared :class:`Engine`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from vlgate.backends.embedded.engine import Engine
from vlgate.modes import Mode
from vlgate.types import BackendEvent, GenerationRequest, LoadSnapshot


class EmbeddedBackend:
    """Serves ``mode`` from an in-process engine; several backends may share one engine.

    ``start`` starts the engine (loading its resident variants) if nobody did yet;
    ``aclose`` leaves a shared engine running unless this backend owns it.
    """

    def __init__(
        self,
        engine: Engine,
        mode: Mode,
        *,
        name: str | None = None,
        model_name: str | None = None,
        owns_engine: bool = False,
    ) -> None:
        self.engine = engine
        self.mode = mode
        self.name = name or f"embedded-{mode.value}"
        self.model_name = model_name or engine.settings.checkpoints.get(mode.value, mode.value)
        self._owns = owns_engine

    async def start(self) -> None:
        if not self.engine.running:
            await asyncio.to_thread(self.engine.start)

    async def aclose(self) -> None:
        if self._owns and self.engine.running:
            await asyncio.to_thread(self.engine.stop)

    def stream(self, request: GenerationRequest) -> AsyncIterator[BackendEvent]:
        return self.engine.generate(self.mode.value, request)

    def load(self) -> LoadSnapshot:
        return self.engine.load(self.mode.value)

    async def ready(self) -> bool:
        return self.engine.running

    def models(self) -> list[str]:
        return [self.model_name]
