from __future__ import annotations

import json
from pathlib import Path

import pytest

from vlgate.backends.embedded import demo
from vlgate.backends.embedded.templates import TEMPLATES

FILES = [
    "config.json",
    "model.safetensors",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.json",
    "merges.txt",
    "preprocessor_config.json",
    "video_preprocessor_config.json",
    "chat_template.jinja",
]


def _json(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text())


def test_folders_are_complete(demo_dirs: dict[str, Path]) -> None:
    assert set(demo_dirs) == {"instruct", "thinking"}
    for folder in demo_dirs.values():
        for name in FILES:
            assert (folder / name).is_file(), name
        assert demo.is_complete(folder)


def test_config_is_qwen3vl_with_real_ids(demo_dirs: dict[str, Path]) -> None:
    cfg = _json(demo_dirs["instruct"], "config.json")
    assert cfg["architectures"] == ["Qwen3VLForConditionalGeneration"]
    text, vision = cfg["text_config"], cfg["vision_config"]
    assert text["vocab_size"] == 151_936
    assert (cfg["image_token_id"], cfg["video_token_id"]) == (151655, 151656)
    assert (cfg["vision_start_token_id"], cfg["vision_end_token_id"]) == (151652, 151653)
    assert sum(text["rope_parameters"]["mrope_section"]) == text["head_dim"] // 2
    assert all(0 <= i < vision["depth"] for i in vision["deepstack_visual_indexes"])
    assert vision["out_hidden_size"] == text["hidden_size"]


def test_processor_configs_have_qwen3vl_values(demo_dirs: dict[str, Path]) -> None:
    image = _json(demo_dirs["thinking"], "preprocessor_config.json")
    video = _json(demo_dirs["thinking"], "video_preprocessor_config.json")
    for cfg in (image, video):
        assert (cfg["patch_size"], cfg["merge_size"], cfg["temporal_patch_size"]) == (16, 2, 2)
    assert image["size"] == {"shortest_edge": 65_536, "longest_edge": 16_777_216}


def test_variants_differ_in_weights_and_sampling(demo_dirs: dict[str, Path]) -> None:
    a = (demo_dirs["instruct"] / "model.safetensors").read_bytes()
    b = (demo_dirs["thinking"] / "model.safetensors").read_bytes()
    assert a != b
    gi = _json(demo_dirs["instruct"], "generation_config.json")
    gt = _json(demo_dirs["thinking"], "generation_config.json")
    assert (gi["top_p"], gi["temperature"]) == (0.8, 0.7)
    assert (gt["top_p"], gt["temperature"]) == (0.95, 1.0)
    assert gi["eos_token_id"] == [151645, 151643]


def test_second_write_is_skipped_and_incomplete_is_redone(
    tmp_path: Path, demo_dirs: dict[str, Path]
) -> None:
    out = demo.write_demo_checkpoint(tmp_path, variants=("instruct",))
    weights = out["instruct"] / "model.safetensors"
    stamp = weights.stat().st_mtime_ns
    assert demo.write_demo_checkpoint(tmp_path, variants=("instruct",)) == out
    assert weights.stat().st_mtime_ns == stamp
    (out["instruct"] / demo.MARKER).unlink()
    demo.write_demo_checkpoint(tmp_path, variants=("instruct",))
    assert demo.is_complete(out["instruct"])
    assert weights.read_bytes() == (demo_dirs["instruct"] / "model.safetensors").read_bytes()


def test_unknown_variant_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown variant"):
        demo.write_demo_checkpoint(tmp_path, variants=("omni",))


def test_cache_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VLGATE_CACHE_DIR", str(tmp_path))
    assert demo.demo_cache_dir() == tmp_path / "demo-model"
    monkeypatch.delenv("VLGATE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert demo.demo_cache_dir().parts[-2:] == ("vlgate", "demo-model")


def test_transformers_loads_it_offline(demo_dirs: dict[str, Path]) -> None:
    import torch
    from transformers import AutoImageProcessor, AutoTokenizer, Qwen3VLForConditionalGeneration

    folder = demo_dirs["instruct"]
    tok = AutoTokenizer.from_pretrained(folder)
    assert tok("Hello world")["input_ids"] == [9707, 1879]
    assert tok.eos_token_id == 151645 and tok.pad_token_id == 151643
    images = AutoImageProcessor.from_pretrained(folder)
    assert images.merge_size == 2 and images.patch_size == 16
    model = Qwen3VLForConditionalGeneration.from_pretrained(folder, dtype=torch.float32)
    assert model.config.text_config.vocab_size == 151_936
    assert (
        model.lm_head.weight.data_ptr() == model.model.language_model.embed_tokens.weight.data_ptr()
    )


def test_auto_processor_loads_offline_or_only_lacks_torchvision(demo_dirs: dict[str, Path]) -> None:
    from transformers import AutoProcessor
    from transformers.utils import is_torchvision_available

    if not is_torchvision_available():
        # transformers' Qwen3VLVideoProcessor needs torchvision; nothing else is missing.
        with pytest.raises(ImportError, match=r"(?i)torchvision"):
            AutoProcessor.from_pretrained(demo_dirs["instruct"])
        return
    proc = AutoProcessor.from_pretrained(demo_dirs["instruct"])
    assert type(proc).__name__ == "Qwen3VLProcessor"
    assert proc.tokenizer("Hello world")["input_ids"] == [9707, 1879]


def test_real_4b_config_has_4_44b_params() -> None:
    import torch
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

    cfg = demo.qwen3vl_4b_config()
    with torch.device("meta"):
        model = Qwen3VLForConditionalGeneration(Qwen3VLConfig(**cfg))
    unique = {id(p): p.numel() for p in model.parameters()}
    total = sum(unique.values())
    assert 4.40e9 < total < 4.48e9, total
    assert cfg["text_config"]["num_hidden_layers"] == 36
    assert cfg["vision_config"]["deepstack_visual_indexes"] == [5, 11, 17]


@pytest.mark.parametrize("variant", ["instruct", "thinking"])
def test_template_in_the_folder_is_the_variant_one(
    demo_dirs: dict[str, Path], variant: str
) -> None:
    cfg = _json(demo_dirs[variant], "tokenizer_config.json")
    assert cfg["chat_template"] == TEMPLATES[variant]
