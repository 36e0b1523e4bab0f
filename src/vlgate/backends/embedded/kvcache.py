"""Batch surgery on a transformers ``DynamicCache`` for continuous batching.

A running batch is left-padded: every row's tokens end at the last column, and the
attention mask marks the padding. Three operations keep that layout while rows come
and go, all on the layers' ``keys`` / ``values`` tensors (``[batch, heads, seq,
head_dim]``) and the matching ``[batch, seq]`` mask:

- :func:`merge`: left-pad two caches to a common length and stack them (newcomers
  joining a running batch);
- :func:`select_rows`: keep some rows (finished or cancelled rows leaving);
- :func:`trim_left`: drop leading columns that are padding in every row.

Padding columns are zeros and masked out, so a row attends exactly to its own tokens
whatever else shares the batch.
"""

from __future__ import annotations

from typing import Any


def _layers(cache: Any) -> list[Any]:
    layers = list(getattr(cache, "layers", []))
    for layer in layers:
        if getattr(layer, "is_sliding", False) or not hasattr(layer, "keys"):
            raise TypeError(f"cannot batch a {type(layer).__name__} cache layer")
    return layers


def _pad_left(t: Any, width: int, dim: int) -> Any:
    """``t`` with zeros prepended along ``dim`` up to ``width``."""
    import torch

    short = width - t.shape[dim]
    if short == 0:
        return t
    shape = list(t.shape)
    shape[dim] = short
    return torch.cat([t.new_zeros(shape), t], dim=dim)


def merge(cache: Any, mask: Any, other: Any, other_mask: Any) -> Any:
    """Append ``other``'s rows to ``cache`` (in place); return the merged mask."""
    import torch

    width = max(mask.shape[1], other_mask.shape[1])
    for mine, theirs in zip(_layers(cache), _layers(other), strict=True):
        mine.keys = torch.cat([_pad_left(mine.keys, width, 2), _pad_left(theirs.keys, width, 2)])
        mine.values = torch.cat(
            [_pad_left(mine.values, width, 2), _pad_left(theirs.values, width, 2)]
        )
    return torch.cat([_pad_left(mask, width, 1), _pad_left(other_mask, width, 1)])


def select_rows(cache: Any, mask: Any, index: Any) -> Any:
    """Keep the rows at ``index`` (a 1-D long tensor on the cache's device), in place."""
    for layer in _layers(cache):
        layer.keys = layer.keys.index_select(0, index)
        layer.values = layer.values.index_select(0, index)
    return mask.index_select(0, index)


def trim_left(cache: Any, mask: Any) -> Any:
    """Drop the leading columns that no row attends to (in place); return the mask."""
    used = mask.any(dim=0)
    start = int(used.int().argmax()) if bool(used.any()) else mask.shape[1]
    if start == 0:
        return mask
    for layer in _layers(cache):
        layer.keys = layer.keys[:, :, start:, :]
        layer.values = layer.values[:, :, start:, :]
    return mask[:, start:]
