"""The engine's output projection: the same logits as the model's lm_head."""

from __future__ import annotations

import pytest
import torch

from vlgate.backends.embedded.lmhead import OutputProjection, projection_for


class _Model(torch.nn.Module):
    def __init__(self, vocab: int = 5000, hidden: int = 64) -> None:
        super().__init__()
        self.lm_head = torch.nn.Linear(hidden, vocab, bias=False)
        torch.nn.init.normal_(
            self.lm_head.weight, std=0.5, generator=torch.Generator().manual_seed(1)
        )

    def get_output_embeddings(self) -> torch.nn.Module:
        return self.lm_head


@pytest.mark.parametrize("rows", [1, 2, 8, 11])
def test_projection_equals_lm_head(rows: int) -> None:
    model = _Model()
    project = OutputProjection(model)
    hidden = torch.randn(rows, 64, generator=torch.Generator().manual_seed(rows))
    with torch.inference_mode():
        got, want = project(hidden), model.lm_head(hidden)
    assert got.shape == want.shape
    assert torch.allclose(got, want, rtol=1e-4, atol=1e-4)
    assert torch.equal(got.argmax(-1), want.argmax(-1))


def test_packing_is_cpu_float32_only_and_can_be_turned_off() -> None:
    model = _Model()
    if torch.backends.mkldnn.is_available():
        assert OutputProjection(model).packed
    assert not OutputProjection(model, allow_onednn=False).packed
    assert not OutputProjection(_Model().to(torch.bfloat16)).packed


def test_one_projection_per_model() -> None:
    model = _Model()
    assert projection_for(model) is projection_for(model)
    assert projection_for(model) is not projection_for(model, allow_onednn=False)
