"""The memory planner: architecture arithmetic, precisions, plans and the CLI."""

from __future__ import annotations

import dataclasses
import json

import pytest
from typer.testing import CliRunner

from vlgate.capacity import (
    KV_BYTES,
    PRECISIONS,
    QWEN3_VL_4B,
    Assumptions,
    GiB,
    image_tokens,
    parse_bytes,
    plan,
    q4_k_m_linear_bytes,
    vision_bytes,
)
from vlgate.capacity_cli import CARDS_GIB, build_app, card_table
from vlgate.errors import InvalidRequest

ARCH = QWEN3_VL_4B


def test_parameter_count_is_the_published_4_44b() -> None:
    assert round(ARCH.total_params() / 1e9, 2) == 4.44
    assert ARCH.embedding_params() == 151_936 * 2560


@pytest.mark.slow
def test_parameter_formula_matches_transformers_model() -> None:
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("transformers")
    text = dict(
        hidden_size=2560,
        intermediate_size=9728,
        num_hidden_layers=36,
        num_attention_heads=32,
        num_key_value_heads=8,
        head_dim=128,
        vocab_size=151_936,
        tie_word_embeddings=True,
    )
    vision = dict(
        depth=24,
        hidden_size=1024,
        intermediate_size=4096,
        num_heads=16,
        patch_size=16,
        spatial_merge_size=2,
        temporal_patch_size=2,
        out_hidden_size=2560,
        deepstack_visual_indexes=[5, 11, 17],
    )
    cfg = tf.Qwen3VLConfig(text_config=text, vision_config=vision, tie_word_embeddings=True)
    with torch.device("meta"):
        model = tf.Qwen3VLForConditionalGeneration(cfg)
    named = dict(model.named_parameters())
    count = {
        "vision": sum(p.numel() for n, p in named.items() if ".visual." in f".{n}"),
        "embed": sum(p.numel() for n, p in named.items() if "embed_tokens" in n),
        "total": sum(p.numel() for p in named.values()),
    }
    assert count["vision"] == ARCH.vision_params()
    assert count["embed"] == ARCH.embedding_params()
    assert count["total"] == ARCH.total_params()


def test_kv_cache_per_token() -> None:
    assert ARCH.kv_bytes_per_token(KV_BYTES["bf16"]) == 147_456 == 144 * 1024
    assert ARCH.kv_bytes_per_token(KV_BYTES["fp8"]) == 73_728


def test_bytes_per_parameter_of_the_quant_formats() -> None:
    assert PRECISIONS["q8"].linear(ARCH) == 1.0625
    assert 0.5625 < q4_k_m_linear_bytes(ARCH) < 0.6  # Q4_K with half of v/down in Q6_K


@pytest.mark.parametrize(
    ("precision", "low_gb", "high_gb"),
    # FACTS.md weights: bf16 ~9-10 GB on disk, FP8 6-8, Q8 5-6, Q4_K_M 3-4 (GB = 1e9).
    # The bf16 checkpoint is 8.9 GB; FP8's 6-8 includes the runtime (checked below).
    [("bf16", 8.8, 10.0), ("fp8", 5.0, 8.0), ("q8", 5.0, 6.0), ("q4", 3.0, 4.0)],
)
def test_weights_fall_in_the_facts_ranges(precision: str, low_gb: float, high_gb: float) -> None:
    assert low_gb <= PRECISIONS[precision].weight_bytes(ARCH) / 1e9 <= high_gb


@pytest.mark.parametrize(("precision", "low_gb", "high_gb"), [("bf16", 10, 12), ("fp8", 6, 8)])
def test_resident_memory_at_a_small_context_matches_facts_vram(
    precision: str, low_gb: float, high_gb: float
) -> None:
    need = plan(80 * GiB, precision, context=4096, images=0).hot_swap.need
    assert low_gb <= (need.total - need.margin) / 1e9 <= high_gb


def test_visual_tokens_of_the_facts_examples() -> None:
    assert [image_tokens(640, 480), image_tokens(1280, 720), image_tokens(1920, 1080)] == [
        300,
        880,
        2040,
    ]
    assert image_tokens(10, 10) == 64  # min_pixels
    assert image_tokens(20_000, 20_000) == 16_384  # max_pixels


def test_eager_vision_attention_is_quadratic_in_patches() -> None:
    sdpa = vision_bytes(ARCH, 2040, 1, "sdpa")
    eager = vision_bytes(ARCH, 2040, 1, "eager")
    assert eager - sdpa == 16 * (2040 * 4) ** 2 * 2
    assert vision_bytes(ARCH, 2040, 4, "sdpa") == 4 * sdpa


def test_the_issue_example_on_a_12_gib_card() -> None:
    p = plan(parse_bytes("12GiB"), "bf16", 32_768, 4, 8)
    assert not p.fits and "needs" in p.hot_swap.reason
    assert p.hot_swap.need.kv == 8 * 32_768 * 147_456
    assert p.hot_swap.max_concurrency == 0 and p.hot_swap.max_context == 0
    # bf16 leaves no room for even one request with four 1080p images (8,160 tokens);
    # fp8 weights leave room for one such sequence of ~27K tokens, q4 for one of 32K
    assert p.hot_swap.max_context_alone == 0 and p.tokens_per_image == 2040
    fp8 = plan(parse_bytes("12GiB"), "fp8", 32_768, 4, 8).hot_swap
    assert 8_160 < fp8.max_context_alone < 32_768 and fp8.max_concurrency == 0
    assert plan(parse_bytes("12GiB"), "q4", 32_768, 4, 8).hot_swap.max_concurrency == 1


@pytest.mark.parametrize("precision", sorted(PRECISIONS))
@pytest.mark.parametrize("gib", [16, 24, 80])
def test_the_largest_context_and_concurrency_are_tight(precision: str, gib: int) -> None:
    p = plan(gib * GiB, precision, 16_384, 1, 2)
    for lay, both in ((p.hot_swap, False), (p.co_resident, True)):
        if lay.max_concurrency:
            k = lay.max_concurrency
            assert plan(gib * GiB, precision, 16_384, 1, k, both_resident=both).fits
            assert not plan(gib * GiB, precision, 16_384, 1, k + 1, both_resident=both).fits
        c = lay.max_context
        if c and c < ARCH.max_positions:
            assert plan(gib * GiB, precision, c, 1, 2, both_resident=both).fits
            assert not plan(gib * GiB, precision, c + 1, 1, 2, both_resident=both).fits


def test_co_resident_costs_a_second_engine() -> None:
    p = plan(80 * GiB, "fp8", 32_768, 1, 4)
    one, two = p.hot_swap.need, p.co_resident.need
    assert two.weights == 2 * one.weights and two.runtime == 2 * one.runtime
    assert two.kv == one.kv  # the sequences share one KV budget
    assert p.co_resident.max_concurrency < p.hot_swap.max_concurrency
    assert p.swap_seconds == pytest.approx(one.weights / 5e9)
    assert plan(80 * GiB, "fp8", both_resident=True).chosen is not None


def test_fp8_kv_doubles_the_room_for_tokens() -> None:
    bf = plan(24 * GiB, "fp8", 8192, 0, 1)
    f8 = plan(24 * GiB, "fp8", 8192, 0, 1, kv_dtype="fp8")
    assert f8.hot_swap.need.kv * 2 == bf.hot_swap.need.kv
    assert f8.hot_swap.max_concurrency >= 2 * bf.hot_swap.max_concurrency - 1


def test_images_must_fit_inside_the_context() -> None:
    p = plan(141 * GiB, "bf16", context=4096, images=4)
    assert not p.fits and "8,160 tokens > context 4,096" in p.hot_swap.reason


def test_more_headroom_assumed_means_less_room() -> None:
    base = plan(24 * GiB, "bf16", 8192, 1, 1)
    tight = plan(24 * GiB, "bf16", 8192, 1, 1, assumptions=Assumptions(runtime_bytes=4 * GiB))
    assert tight.hot_swap.max_concurrency < base.hot_swap.max_concurrency


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"precision": "int3"}, "precision"),
        ({"kv_dtype": "int4"}, "kv_dtype"),
        ({"context": 0}, "context"),
        ({"images": -1}, "images"),
        ({"concurrency": 0}, "concurrency"),
        ({"image_size": (1, 1000)}, "image_size"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], param: str) -> None:
    with pytest.raises(InvalidRequest) as e:
        plan(24 * GiB, **kwargs)  # type: ignore[arg-type]
    assert e.value.param == param


def test_parse_bytes() -> None:
    assert parse_bytes("12GiB") == 12 * GiB == parse_bytes("12") == parse_bytes("12 G")
    assert parse_bytes("24GB") == 24 * 10**9
    assert parse_bytes("512MiB") == 512 * 1024**2
    for bad in ("twelve", "12XB", "-3GiB", ""):
        with pytest.raises(InvalidRequest):
            parse_bytes(bad)


def test_plan_command() -> None:
    app = build_app()
    args = ["--gpu-memory", "12GiB", "--precision", "bf16", "--context", "32768", "--images", "4"]
    res = CliRunner().invoke(app, [*args, "--concurrency", "8"])
    assert res.exit_code == 1 and "does NOT fit" in res.output
    assert "147,456 bytes/token" in res.output and "8,160 tokens" in res.output
    ok = CliRunner().invoke(app, ["--gpu-memory", "80GiB", "--both-resident", "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert data["fits"] is True and data["co_resident"]["fits"] is True
    bad = CliRunner().invoke(app, ["--gpu-memory", "lots"])
    assert bad.exit_code == 2 and "error:" in bad.output


def test_card_table_covers_every_card_and_precision() -> None:
    table = card_table()
    lines = table.splitlines()
    assert len(lines) == 2 + len(CARDS_GIB) * len(PRECISIONS)
    assert "| 12 GB | bf16 |" in table and "| 141 GB | q4 |" in table
    res = CliRunner().invoke(build_app(), ["--table"])
    assert res.exit_code == 0 and res.output.strip().endswith(table)
    assert "| total | 4,437,815,808 |" in res.output and "| q4 | 0.5977 |" in res.output


def test_dataclasses_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ARCH.layers = 1  # type: ignore[misc]
