"""Loading checkpoints: device and dtype choice, the loaded model, LRU residency."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vlgate.backends.embedded.prompt import PromptBuilder, VisionSpec
from vlgate.backends.embedded.settings import EngineSettings


def pick_device(requested: str) -> str:
    """``auto`` -> cuda if present, else mps, else cpu."""
    import torch

    if requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def pick_dtype(requested: str, device: str) -> Any:
    """``auto`` -> bf16 on CUDA with bf16 support, fp16 on MPS, fp32 on CPU."""
    import torch

    table = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    if requested != "auto":
        return table[requested]
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "mps":
        return torch.float16
    return torch.float32


def _read_json(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _resolve_folder(source: str) -> Path:
    path = Path(source).expanduser()
    if path.is_dir():
        return path
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(source))


def _vision_spec(folder: Path) -> VisionSpec:
    video = _read_json(folder, "video_preprocessor_config.json")
    size = video.get("size", {})
    spec = VisionSpec()
    spec.patch_size = int(video.get("patch_size", spec.patch_size))
    spec.merge_size = int(video.get("merge_size", spec.merge_size))
    spec.temporal_patch_size = int(video.get("temporal_patch_size", spec.temporal_patch_size))
    spec.video_min_pixels = int(size.get("shortest_edge", spec.video_min_pixels))
    spec.video_max_pixels = int(size.get("longest_edge", spec.video_max_pixels))
    # qwen-vl-utils' per-frame cap is not a transformers key; a checkpoint may opt in
    spec.cap_pixels_per_frame = bool(video.get("cap_pixels_per_frame", False))
    spec.max_tokens_per_frame = int(video.get("max_tokens_per_frame", spec.max_tokens_per_frame))
    spec.mean = tuple(video.get("image_mean", spec.mean))
    spec.std = tuple(video.get("image_std", spec.std))
    return spec


@dataclass(slots=True)
class LoadedModel:
    """One variant in memory: the model, its prompt builder and generation defaults."""

    variant: str
    source: str
    model: Any
    tokenizer: Any
    prompts: PromptBuilder
    device: str
    defaults: dict[str, Any]  # generation_config.json sampling values
    eos_ids: frozenset[int]
    vocab_size: int


def load_variant(variant: str, source: str, settings: EngineSettings) -> LoadedModel:
    """Load one checkpoint folder or hub id with transformers."""
    from transformers import AutoImageProcessor, AutoTokenizer, Qwen3VLForConditionalGeneration

    folder = _resolve_folder(source)
    device = pick_device(settings.device)
    model: Any = Qwen3VLForConditionalGeneration.from_pretrained(
        folder,
        dtype=pick_dtype(settings.dtype, device),
        attn_implementation=settings.attn_implementation,
    )
    model.to(device).eval()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    images = AutoImageProcessor.from_pretrained(folder)
    gen = _read_json(folder, "generation_config.json")
    eos = gen.get("eos_token_id", tokenizer.eos_token_id)
    eos_ids = frozenset(int(e) for e in (eos if isinstance(eos, list) else [eos]))
    defaults: dict[str, Any] = {
        k: gen[k] for k in ("temperature", "top_p", "top_k", "repetition_penalty") if k in gen
    }
    return LoadedModel(
        variant=variant,
        source=source,
        model=model,
        tokenizer=tokenizer,
        prompts=PromptBuilder(tokenizer, images, _vision_spec(folder)),
        device=device,
        defaults=defaults,
        eos_ids=eos_ids,
        vocab_size=int(model.config.text_config.vocab_size),
    )


Loader = Callable[[str, str, EngineSettings], LoadedModel]


class Residency:
    """Keeps at most ``max_resident`` variants loaded, evicting the least recently used."""

    def __init__(self, settings: EngineSettings, loader: Loader = load_variant) -> None:
        self._settings = settings
        self._loader = loader
        self._loaded: OrderedDict[str, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()
        self.loads = 0

    def get(self, variant: str) -> LoadedModel:
        with self._lock:
            if variant in self._loaded:
                self._loaded.move_to_end(variant)
                return self._loaded[variant]
            limit = self._settings.max_resident
            while limit is not None and len(self._loaded) >= limit:
                _, old = self._loaded.popitem(last=False)
                _release(old)
            source = self._settings.checkpoints[variant]
            loaded = self._loader(variant, source, self._settings)
            self.loads += 1
            self._loaded[variant] = loaded
            return loaded

    def resident(self) -> list[str]:
        with self._lock:
            return list(self._loaded)

    def clear(self) -> None:
        with self._lock:
            for loaded in self._loaded.values():
                _release(loaded)
            self._loaded.clear()


def _release(loaded: LoadedModel) -> None:
    import gc

    import torch

    loaded.model = None
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
