"""Cache surgery for continuous batching, on a real DynamicCache and small tensors."""

from __future__ import annotations

from typing import Any

import torch
from transformers import DynamicCache

from vlgate.backends.embedded import kvcache

H, D = 2, 3


def _cache(rows: list[list[int]], layers: int = 2) -> tuple[DynamicCache, torch.Tensor]:
    """A left-padded cache whose key/value entries carry each token's value."""
    width = max(len(r) for r in rows)
    mask = torch.zeros(len(rows), width, dtype=torch.long)
    vals = torch.zeros(len(rows), H, width, D)
    for i, r in enumerate(rows):
        mask[i, width - len(r) :] = 1
        vals[i, :, width - len(r) :, :] = torch.tensor(r, dtype=torch.float).view(1, -1, 1)
    cache = DynamicCache()
    for layer in range(layers):
        cache.update(vals.clone() + layer, -vals.clone(), layer)
    return cache, mask


def _layer(cache: DynamicCache, layer: int) -> Any:
    return cache.layers[layer]


def _row(cache: DynamicCache, mask: torch.Tensor, i: int, layer: int = 0) -> list[float]:
    keys = _layer(cache, layer).keys[i, 0, :, 0]
    return (keys[mask[i].bool()] - layer).tolist()


def test_merge_left_pads_both_sides_and_keeps_every_row() -> None:
    a, ma = _cache([[1, 2, 3], [4, 5]])
    b, mb = _cache([[6, 7, 8, 9, 10]])
    mask = kvcache.merge(a, ma, b, mb)
    assert mask.tolist() == [[0, 0, 1, 1, 1], [0, 0, 0, 1, 1], [1, 1, 1, 1, 1]]
    for layer in (0, 1):
        assert _layer(a, layer).keys.shape == (3, H, 5, D)
        assert [_row(a, mask, i, layer) for i in range(3)] == [
            [1, 2, 3],
            [4, 5],
            [6, 7, 8, 9, 10],
        ]
    assert a.get_seq_length() == 5
    assert float(_layer(a, 0).values[1, 0, 3, 0]) == -4.0


def test_select_then_trim_drops_the_rows_and_their_columns() -> None:
    cache, mask = _cache([[1, 2], [3, 4, 5, 6, 7], [8, 9, 10]])
    index = torch.tensor([0, 2])
    mask = kvcache.trim_left(cache, kvcache.select_rows(cache, mask, index))
    assert mask.tolist() == [[0, 1, 1], [1, 1, 1]]  # two all-padding columns went
    assert cache.get_seq_length() == 3
    assert [_row(cache, mask, i) for i in range(2)] == [[1, 2], [8, 9, 10]]
    assert _layer(cache, 1).keys.shape == (2, H, 3, D)


def test_trim_keeps_a_cache_without_leading_padding() -> None:
    cache, mask = _cache([[1, 2, 3], [4, 5]])
    assert kvcache.trim_left(cache, mask) is mask
    assert cache.get_seq_length() == 3
