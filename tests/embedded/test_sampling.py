from __future__ import annotations

import pytest
import torch

from vlgate.backends.embedded.sampling import RowSampler, SamplingConfig, resolve
from vlgate.errors import InvalidRequest
from vlgate.types import SamplingParams

V = 50


def _logits(seed: int = 0) -> torch.Tensor:
    return torch.randn(V, generator=torch.Generator().manual_seed(seed))


def test_greedy_is_argmax() -> None:
    logits = _logits()
    assert RowSampler(SamplingConfig(temperature=0.0), V, "cpu").choose(logits) == int(
        logits.argmax()
    )


def test_top_k_one_is_greedy_even_when_sampling() -> None:
    logits = _logits(1)
    s = RowSampler(SamplingConfig(temperature=1.5, top_k=1, seed=3), V, "cpu")
    assert {s.choose(logits) for _ in range(20)} == {int(logits.argmax())}


def test_tiny_top_p_keeps_only_the_best() -> None:
    logits = _logits(2)
    s = RowSampler(SamplingConfig(temperature=1.0, top_p=1e-6, seed=1), V, "cpu")
    assert {s.choose(logits) for _ in range(20)} == {int(logits.argmax())}


def test_seed_reproduces_and_differs() -> None:
    logits = torch.zeros(V)

    def draw(seed: int) -> list[int]:
        s = RowSampler(SamplingConfig(temperature=1.0, seed=seed), V, "cpu")
        return [s.choose(logits) for _ in range(30)]

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)


def test_presence_penalty_moves_off_a_generated_token() -> None:
    logits = torch.zeros(V)
    logits[4], logits[9] = 2.0, 1.5
    plain = RowSampler(SamplingConfig(temperature=0.0), V, "cpu")
    assert [plain.choose(logits) for _ in range(2)] == [4, 4]
    penal = RowSampler(SamplingConfig(temperature=0.0, presence_penalty=1.0), V, "cpu")
    assert [penal.choose(logits) for _ in range(2)] == [4, 9]


def test_resolve_prefers_the_request_and_validates() -> None:
    cfg = resolve(SamplingParams(top_p=0.5), {"temperature": 0.7, "top_p": 0.8, "top_k": 20})
    assert (cfg.temperature, cfg.top_p, cfg.top_k) == (0.7, 0.5, 20)
    for field, value in [("temperature", -1.0), ("top_p", 0.0), ("top_k", -2)]:
        with pytest.raises(InvalidRequest) as err:
            resolve(SamplingParams(**{field: value}), {})
        assert err.value.param == field
