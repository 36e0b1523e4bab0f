"""The Backend protocol: the one seam every engine adapter implements.

An upstream OpenAI-compatible server (vLLM, SGLang, llama.cpp, MLX, hosted) and
the embedded transformers engine both satisfy it; the pool composes replicas.

Contract of ``stream``:
- yields ``TextDelta`` / ``ReasoningDelta`` then exactly one ``Finish``;
- raises ``vlgate.errors.UpstreamError`` on failure: with ``sent_output=False``
  when nothing was yielded yet (the pool may retry elsewhere), ``True`` after;
- stops work upstream when the consumer stops iterating (``aclose`` / cancel).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from vlgate.modes import Mode
from vlgate.types import BackendEvent, GenerationRequest, LoadSnapshot


@runtime_checkable
class Backend(Protocol):
    name: str
    mode: Mode

    async def start(self) -> None:
        """Open connections, load weights, start metric polling."""

    async def aclose(self) -> None:
        """Release everything ``start`` opened."""

    def stream(self, request: GenerationRequest) -> AsyncIterator[BackendEvent]:
        """Generate, streaming events (see module docstring)."""
        ...

    def load(self) -> LoadSnapshot:
        """The latest queue numbers; cheap, never does I/O."""
        ...

    async def ready(self) -> bool:
        """Whether the backend can take a request now (for /readyz)."""
        ...

    def models(self) -> list[str]:
        """Model ids this backend serves (for /v1/models)."""
        ...
