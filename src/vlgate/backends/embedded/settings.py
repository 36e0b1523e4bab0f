"""The embedded engine's settings (one pydantic model, part of the gateway config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

HUB_IDS = {
    "instruct": "Qwen/Qwen3-VL-4B-Instruct",
    "thinking": "Qwen/Qwen3-VL-4B-Thinking",
}


class EngineSettings(BaseModel):
    """Which checkpoints to serve and how to batch them.

    ``checkpoints`` maps a variant (``instruct`` / ``thinking``) to a local folder or a
    hub id (``Qwen/Qwen3-VL-4B-Instruct``, ``…-FP8``); hub ids load from the local
    Hugging Face cache, or download where the network allows.
    """

    checkpoints: dict[str, str] = Field(default_factory=lambda: dict(HUB_IDS))
    device: str = "auto"  # auto | cpu | cuda | cuda:N | mps
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    attn_implementation: Literal["sdpa", "eager", "flash_attention_2"] = "sdpa"
    max_batch_size: int = Field(default=8, ge=1, le=256)  # rows in a variant's running batch
    join_running: bool = True  # admit requests into a running batch (off: it runs to its end)
    # join_running off only: how long an idle variant waits for company before a batch
    # starts (with joining, a lone request starts at once and later ones join it)
    batch_window_ms: float = Field(default=5.0, ge=0.0, le=1000.0)
    max_resident: int | None = Field(default=None, ge=1)  # None: every variant resident
    max_new_tokens: int = Field(default=16_384, ge=1)  # cap on any request's max_tokens
    default_max_tokens: int = Field(default=1_024, ge=1)  # when the request sets none
    max_queue: int = Field(default=1_024, ge=1)  # waiting requests per variant
    service_time_alpha: float = Field(default=0.2, gt=0.0, le=1.0)  # EWMA weight
    # CPU float32 only: project batched rows to logits through a oneDNN-packed copy of
    # the output weight (vocab x hidden x 4 bytes more memory; see lmhead.py)
    onednn_lm_head: bool = True

    def variants(self) -> list[str]:
        return list(self.checkpoints)
