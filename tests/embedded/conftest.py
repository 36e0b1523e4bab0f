"""Shared fixtures: the demo checkpoint (written once per session) and one engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vlgate.backends.embedded.demo import write_demo_checkpoint
from vlgate.backends.embedded.engine import Engine
from vlgate.backends.embedded.settings import EngineSettings


@pytest.fixture(scope="session")
def demo_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    root = tmp_path_factory.mktemp("vlgate-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VLGATE_CACHE_DIR", str(root))
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        yield write_demo_checkpoint(root / "demo-model")


@pytest.fixture(scope="session")
def engine(demo_dirs: dict[str, Path]) -> Iterator[Engine]:
    settings = EngineSettings(
        checkpoints={k: str(v) for k, v in demo_dirs.items()},
        max_batch_size=8,
        batch_window_ms=20,
        max_new_tokens=4096,
    )
    eng = Engine(settings)
    eng.start()
    yield eng
    eng.stop()
