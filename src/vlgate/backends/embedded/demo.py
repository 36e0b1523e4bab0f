"""The offline demo checkpoint: a tiny, randomly initialised Qwen3-VL pair.

``write_demo_checkpoint(dir)`` writes ``dir/instruct`` and ``dir/thinking`` shaped like
the Hugging Face Qwen3-VL-4B repos (config, safetensors, generation config, tokenizer
files, image and video processor configs, chat template), so the engine loads them
with the same code as the real weights. Only the sizes are tiny; the vocabulary, the
special-token ids, the processor values and the chat formats are the real ones.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vlgate.backends.embedded.templates import TEMPLATES
from vlgate.backends.embedded.tokenizer import ADDED_TOKENS, tokenizer_files

DEMO_VERSION = "2"  # 2: no newline before a content-less turn's first <tool_call>
MARKER = ".vlgate-demo"
VOCAB_SIZE = 151936
WEIGHT_STD = 0.5
IM_END, ENDOFTEXT = 151645, 151643
VARIANT_SEEDS = {"instruct": 1001, "thinking": 2002}
GENERATION = {
    "instruct": {"temperature": 0.7, "top_p": 0.8, "top_k": 20},
    "thinking": {"temperature": 1.0, "top_p": 0.95, "top_k": 20},
}
IMAGE_MIN_PIXELS, IMAGE_MAX_PIXELS = 65_536, 16_777_216
VIDEO_MIN_PIXELS, VIDEO_MAX_PIXELS = 4_096, 25_165_824


def _text_config(
    *,
    hidden: int,
    intermediate: int,
    layers: int,
    heads: int,
    kv_heads: int,
    head_dim: int,
    mrope: list[int],
) -> dict[str, Any]:
    return {
        "model_type": "qwen3_vl_text",
        "vocab_size": VOCAB_SIZE,
        "hidden_size": hidden,
        "intermediate_size": intermediate,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "head_dim": head_dim,
        "hidden_act": "silu",
        "max_position_embeddings": 262_144,
        "initializer_range": 0.02,
        "rms_norm_eps": 1e-6,
        "use_cache": True,
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": ENDOFTEXT,
        "eos_token_id": IM_END,
        "pad_token_id": None,
        "tie_word_embeddings": True,
        "dtype": "bfloat16",
        "rope_parameters": {
            "rope_type": "default",
            "rope_theta": 5_000_000.0,
            "mrope_section": mrope,
            "mrope_interleaved": True,
        },
    }


def _vision_config(
    *, depth: int, hidden: int, intermediate: int, heads: int, out: int, deepstack: list[int]
) -> dict[str, Any]:
    return {
        "model_type": "qwen3_vl_vision",
        "depth": depth,
        "hidden_size": hidden,
        "hidden_act": "gelu_pytorch_tanh",
        "intermediate_size": intermediate,
        "num_heads": heads,
        "in_channels": 3,
        "patch_size": 16,
        "spatial_merge_size": 2,
        "temporal_patch_size": 2,
        "out_hidden_size": out,
        "num_position_embeddings": 2304,
        "deepstack_visual_indexes": deepstack,
        "initializer_range": 0.02,
    }


def _top_config(text: dict[str, Any], vision: dict[str, Any]) -> dict[str, Any]:
    return {
        "architectures": ["Qwen3VLForConditionalGeneration"],
        "model_type": "qwen3_vl",
        "text_config": text,
        "vision_config": vision,
        "image_token_id": 151655,
        "video_token_id": 151656,
        "vision_start_token_id": 151652,
        "vision_end_token_id": 151653,
        "tie_word_embeddings": True,
        "dtype": "bfloat16",
    }


def qwen3vl_4b_config() -> dict[str, Any]:
    """The real Qwen3-VL-4B ``config.json`` values (FACTS.md), for the capacity planner."""
    text = _text_config(
        hidden=2560,
        intermediate=9728,
        layers=36,
        heads=32,
        kv_heads=8,
        head_dim=128,
        mrope=[24, 20, 20],
    )
    vision = _vision_config(
        depth=24, hidden=1024, intermediate=4096, heads=16, out=2560, deepstack=[5, 11, 17]
    )
    return _top_config(text, vision)


def demo_config() -> dict[str, Any]:
    """The tiny demo sizes: real vocabulary, a 64-wide 2-layer text model."""
    text = _text_config(
        hidden=64, intermediate=128, layers=2, heads=4, kv_heads=2, head_dim=16, mrope=[4, 2, 2]
    )
    vision = _vision_config(depth=3, hidden=32, intermediate=64, heads=2, out=64, deepstack=[0, 1])
    return _top_config(text, vision)


def _generation_config(variant: str) -> dict[str, Any]:
    return {
        "bos_token_id": ENDOFTEXT,
        "pad_token_id": ENDOFTEXT,
        "eos_token_id": [IM_END, ENDOFTEXT],
        "do_sample": True,
        "repetition_penalty": 1.0,
        **GENERATION[variant],
    }


def _processor_configs() -> dict[str, dict[str, Any]]:
    common = {
        "patch_size": 16,
        "temporal_patch_size": 2,
        "merge_size": 2,
        "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5],
        "processor_class": "Qwen3VLProcessor",
    }
    image = {
        **common,
        "image_processor_type": "Qwen2VLImageProcessor",
        "size": {"shortest_edge": IMAGE_MIN_PIXELS, "longest_edge": IMAGE_MAX_PIXELS},
    }
    video = {
        **common,
        "video_processor_type": "Qwen3VLVideoProcessor",
        "size": {"shortest_edge": VIDEO_MIN_PIXELS, "longest_edge": VIDEO_MAX_PIXELS},
        "fps": 2,
        "min_frames": 4,
        "max_frames": 768,
        "do_sample_frames": True,
    }
    return {"preprocessor_config.json": image, "video_preprocessor_config.json": video}


def _tokenizer_config(template: str) -> dict[str, Any]:
    decoder = {
        str(151643 + i): {
            "content": tok,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "single_word": False,
            "special": special,
        }
        for i, (tok, special) in enumerate(ADDED_TOKENS)
    }
    return {
        "tokenizer_class": "Qwen2Tokenizer",
        "model_max_length": 262_144,
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": None,
        "errors": "replace",
        "add_prefix_space": False,
        "split_special_tokens": False,
        "clean_up_tokenization_spaces": False,
        "extra_special_tokens": [tok for tok, special in ADDED_TOKENS[1:] if special],
        "added_tokens_decoder": decoder,
        "chat_template": template,
    }


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_weights(folder: Path, config: dict[str, Any], seed: int) -> None:
    import torch
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

    torch.manual_seed(seed)
    model: Any = Qwen3VLForConditionalGeneration(Qwen3VLConfig(**config))
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for param in model.parameters():
            if param.dim() >= 2:  # wide weights: greedy output then depends on the prompt
                param.normal_(0.0, WEIGHT_STD, generator=gen)
    model.to(torch.bfloat16).save_pretrained(folder, safe_serialization=True)


def _write_variant(folder: Path, variant: str, tok_files: dict[str, str]) -> None:
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    config = demo_config()
    _write_weights(tmp, config, VARIANT_SEEDS[variant])
    _write_json(tmp / "config.json", config)  # explicit values, as written above
    _write_json(tmp / "generation_config.json", _generation_config(variant))
    for name, data in _processor_configs().items():
        _write_json(tmp / name, data)
    template = TEMPLATES[variant]
    _write_json(tmp / "tokenizer_config.json", _tokenizer_config(template))
    (tmp / "chat_template.jinja").write_text(template, encoding="utf-8")
    for name, text in tok_files.items():
        (tmp / name).write_text(text, encoding="utf-8")
    (tmp / MARKER).write_text(DEMO_VERSION + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.replace(folder)


def is_complete(folder: Path) -> bool:
    """A folder finished by this version of the writer (the marker is written last)."""
    marker = folder / MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == DEMO_VERSION


def write_demo_checkpoint(
    dir: Path, *, variants: Iterable[str] = ("instruct", "thinking")
) -> dict[str, Path]:
    """Write the demo checkpoint folders under ``dir``; skip the complete ones.

    Returns ``{variant: folder}``. Takes seconds; needs no network.
    """
    dir = Path(dir)
    out: dict[str, Path] = {}
    tok_files: dict[str, str] | None = None
    for variant in variants:
        if variant not in VARIANT_SEEDS:
            raise ValueError(
                f"unknown variant {variant!r}; expected one of {sorted(VARIANT_SEEDS)}"
            )
        folder = dir / variant
        if not is_complete(folder):
            if tok_files is None:
                tok_files = tokenizer_files(_tokenizer_cache())
            _write_variant(folder, variant, tok_files)
        out[variant] = folder
    return out


def cache_root() -> Path:
    """vlgate's user cache folder (``VLGATE_CACHE_DIR`` overrides the platform one)."""
    override = os.environ.get("VLGATE_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "vlgate"
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "vlgate" / "Cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "vlgate"


def demo_cache_dir() -> Path:
    """Where ``vlgate serve --demo`` keeps its demo checkpoint."""
    return cache_root() / "demo-model"


def _tokenizer_cache() -> Path:
    return cache_root() / "tokenizer"
