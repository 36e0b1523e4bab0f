from __future__ import annotations

import pytest
import torch

from vlgate.backends.embedded.sampling import (
    RowSampler,
    SamplingConfig,
    argmax_rows,
    choose_tokens,
    resolve,
)
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


def _mixed() -> list[SamplingConfig]:
    return [
        SamplingConfig(temperature=0.0),
        SamplingConfig(temperature=0.7, top_p=0.8, top_k=20, seed=1),
        SamplingConfig(temperature=1.0, seed=2),
        SamplingConfig(temperature=0.7, top_p=0.8, top_k=20, seed=3),
        SamplingConfig(temperature=0.0, presence_penalty=1.5, frequency_penalty=0.5),
        SamplingConfig(temperature=1.2, top_p=0.5, seed=4, repetition_penalty=1.3),
        SamplingConfig(temperature=0.9, top_k=5, seed=5),
    ]


def test_batched_choice_equals_each_row_alone() -> None:
    """A row's tokens depend on its own settings and seed only, not on its neighbours."""
    cfgs = _mixed()
    batched = [RowSampler(c, V, "cpu") for c in cfgs]
    alone = [RowSampler(c, V, "cpu") for c in cfgs]
    for step in range(25):
        logits = torch.randn(len(cfgs), V, generator=torch.Generator().manual_seed(step))
        together = choose_tokens(batched, logits)
        one_by_one = [s.choose(logits[i]) for i, s in enumerate(alone)]
        assert together == one_by_one
    # and a neighbour set that differs still leaves row 1 (seeded, top-k + top-p) alone
    solo = RowSampler(cfgs[1], V, "cpu")
    crowd = [RowSampler(c, V, "cpu") for c in [cfgs[1], *cfgs[2:5]]]
    for step in range(25):
        logits = torch.randn(4, V, generator=torch.Generator().manual_seed(100 + step))
        assert choose_tokens(crowd, logits)[0] == solo.choose(logits[0])


def test_greedy_rows_are_argmax_in_a_batch() -> None:
    logits = torch.randn(5, V, generator=torch.Generator().manual_seed(9))
    samplers = [RowSampler(SamplingConfig(temperature=0.0), V, "cpu") for _ in range(5)]
    assert choose_tokens(samplers, logits) == logits.argmax(-1).tolist()


def test_top_k_draws_only_from_the_k_best() -> None:
    logits = _logits(4)
    best_two = set(torch.topk(logits, 2).indices.tolist())
    s = RowSampler(SamplingConfig(temperature=5.0, top_k=2, seed=0), V, "cpu")
    drawn = {s.choose(logits) for _ in range(200)}
    assert drawn == best_two  # both, and nothing else, at a high temperature


def test_sampling_follows_the_distribution() -> None:
    logits = torch.log(torch.tensor([0.5, 0.3, 0.2] + [1e-9] * (V - 3)))
    s = RowSampler(SamplingConfig(temperature=1.0, seed=12), V, "cpu")
    counts = torch.bincount(torch.tensor([s.choose(logits) for _ in range(3000)]), minlength=V)
    assert counts[3:].sum() == 0
    share = counts[:3].float() / 3000
    assert torch.allclose(share, torch.tensor([0.5, 0.3, 0.2]), atol=0.04)


def test_frequency_penalty_counts_repeats() -> None:
    logits = torch.zeros(V)
    logits[4], logits[9] = 3.0, 1.5
    s = RowSampler(SamplingConfig(temperature=0.0, frequency_penalty=1.0), V, "cpu")
    # 3.0 -> 2.0 -> 1.0 (< 1.5): token 4 twice, then 9
    assert [s.choose(logits) for _ in range(3)] == [4, 4, 9]


def test_argmax_rows_is_argmax_including_ties_and_the_tail() -> None:
    vocab = 151_936  # not a multiple of the 1,024-wide blocks
    x = torch.randn(4, vocab, generator=torch.Generator().manual_seed(3))
    x[1, 70_000] = x[1, 150_000] = 50.0  # a tie: the first one wins
    x[2, vocab - 1] = 60.0  # the maximum in the tail block
    x[3, :] = 0.0  # all equal
    assert torch.equal(argmax_rows(x), x.argmax(dim=-1))
    assert argmax_rows(x).tolist()[1:] == [70_000, vocab - 1, 0]
    small = torch.randn(3, 500)  # narrower than one block
    assert torch.equal(argmax_rows(small), small.argmax(dim=-1))
