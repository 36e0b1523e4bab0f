"""Build each mode's replicas from settings: a registry of backend kinds.

``upstream`` (any OpenAI-compatible server) comes from ``settings.instruct`` /
``settings.thinking``; ``embedded`` (the in-process engine) from
``settings.embedded``. A new kind registers a factory here, like a plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from vlgate.backends.base import Backend
from vlgate.backends.upstream import UpstreamBackend
from vlgate.config import Settings
from vlgate.modes import Mode

Factory = Callable[[Settings], Mapping[Mode, Sequence[Backend]]]


def _upstream(settings: Settings) -> dict[Mode, Sequence[Backend]]:
    return {
        Mode.INSTRUCT: [UpstreamBackend(Mode.INSTRUCT, spec) for spec in settings.instruct],
        Mode.THINKING: [UpstreamBackend(Mode.THINKING, spec) for spec in settings.thinking],
    }


def _embedded(settings: Settings) -> Mapping[Mode, Sequence[Backend]]:
    if not settings.embedded:
        return {}
    from vlgate.backends.embedded.wiring import embedded_backends  # torch: only when used

    return embedded_backends(settings)


FACTORIES: dict[str, Factory] = {"upstream": _upstream, "embedded": _embedded}


def build_replicas(settings: Settings) -> dict[Mode, list[Backend]]:
    out: dict[Mode, list[Backend]] = {}
    for factory in FACTORIES.values():
        for mode, replicas in factory(settings).items():
            out.setdefault(mode, []).extend(replicas)
    return {mode: replicas for mode, replicas in out.items() if replicas}
