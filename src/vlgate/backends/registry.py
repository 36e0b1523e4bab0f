"""Build each mode's replicas from settings: a registry of backend kinds.

``upstream`` (any OpenAI-compatible server) comes from ``settings.instruct`` /
``settings.thinking``; ``embedded`` (the in-process engine) from
``settings.embedded``. A new kind registers a factory here, like a plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vlgate.backends.base import Backend
from vlgate.backends.upstream import UpstreamBackend
from vlgate.config import Settings
from vlgate.modes import Mode

Factory = Callable[[Settings, Mode], Sequence[Backend]]


def _upstream(settings: Settings, mode: Mode) -> Sequence[Backend]:
    specs = settings.instruct if mode is Mode.INSTRUCT else settings.thinking
    return [UpstreamBackend(mode, spec) for spec in specs]


def _embedded(settings: Settings, mode: Mode) -> Sequence[Backend]:
    if mode.value not in settings.embedded:
        return []
    from vlgate.backends.embedded.wiring import embedded_backends  # torch: only when used

    return embedded_backends(settings, mode)


FACTORIES: dict[str, Factory] = {"upstream": _upstream, "embedded": _embedded}


def build_replicas(settings: Settings) -> dict[Mode, list[Backend]]:
    out: dict[Mode, list[Backend]] = {}
    for mode in Mode:
        replicas: list[Backend] = []
        for factory in FACTORIES.values():
            replicas.extend(factory(settings, mode))
        if replicas:
            out[mode] = replicas
    return out
