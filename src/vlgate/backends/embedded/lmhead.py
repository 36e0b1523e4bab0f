"""The output projection (hidden state -> vocabulary logits) the engine runs itself.

The engine runs the decoder body and projects only the last position of each row.
On a CPU with float32 weights, a batch of rows goes through a oneDNN-packed copy of
the projection weight. MKL's small-batch GEMM (``[rows, hidden] x [hidden, vocab]``)
runs far below the machine's speed on CPUs it has no tuned kernel for: on the AMD
EPYC this was measured on (one thread, demo checkpoint's 151,936 x 64 weight), 8 rows
took 7.9 ms against 2.4 ms for one row, through the packed oneDNN weight 3.7 ms. With
Qwen's vocabulary that projection is most of a small model's decode step. A single
row keeps the model's own ``lm_head`` (MKL's GEMV, as ``model.generate`` does).

The packed copy costs ``vocab x hidden x 4`` bytes (39 MB for the demo checkpoint,
1.5 GB for the 4B model in float32); ``EngineSettings.onednn_lm_head = False`` turns
it off. It is also off wherever the oneDNN op is missing or disagrees with
``lm_head`` on a probe.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

_CACHE: weakref.WeakKeyDictionary[Any, dict[tuple[bool, int], OutputProjection]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def projection_for(
    model: Any, *, allow_onednn: bool = True, batch_hint: int = 8
) -> OutputProjection:
    """The model's projection, built (and its weight packed) once per model."""
    with _LOCK:
        per_model = _CACHE.setdefault(model, {})
        key = (allow_onednn, batch_hint)
        if key not in per_model:
            per_model[key] = OutputProjection(
                model, allow_onednn=allow_onednn, batch_hint=batch_hint
            )
        return per_model[key]


class OutputProjection:
    """``logits = project(hidden)`` for ``hidden`` of shape ``[rows, hidden_size]``."""

    def __init__(self, model: Any, *, allow_onednn: bool = True, batch_hint: int = 8) -> None:
        self._head = model.get_output_embeddings()
        self._packed: Any = None
        if allow_onednn:
            self._packed = _pack(self._head, batch_hint)

    @property
    def packed(self) -> bool:
        return self._packed is not None

    def __call__(self, hidden: Any) -> Any:
        if self._packed is not None and hidden.shape[0] > 1:
            import torch

            return torch.ops.mkldnn._linear_pointwise(
                hidden, self._packed, self._head.bias, "none", [], ""
            )
        return self._head(hidden)


def _pack(head: Any, batch_hint: int) -> Any:
    """The oneDNN-packed weight, or None where it does not apply or does not agree."""
    import torch

    weight = getattr(head, "weight", None)
    if (
        weight is None
        or weight.device.type != "cpu"
        or weight.dtype != torch.float32
        or not torch.backends.mkldnn.is_available()
    ):
        return None
    try:
        with torch.inference_mode():
            packed = torch.ops.mkldnn._reorder_linear_weight(weight.detach(), batch_hint)
            probe = torch.randn(
                batch_hint, weight.shape[1], generator=torch.Generator().manual_seed(0)
            )
            got = torch.ops.mkldnn._linear_pointwise(probe, packed, head.bias, "none", [], "")
            want = torch.nn.functional.linear(probe, weight, head.bias)
        if got.shape != want.shape or not torch.allclose(got, want, rtol=1e-4, atol=1e-4):
            return None
        return packed
    except (AttributeError, RuntimeError):
        return None
