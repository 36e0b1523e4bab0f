"""Sampling presets per mode and the Thinking pitfall guards."""

from __future__ import annotations

import pytest

from vlgate.errors import InvalidRequest
from vlgate.modes import Mode, PresetSettings, apply_presets
from vlgate.types import SamplingParams


def test_instruct_preset_fills_unset() -> None:
    out, warnings = apply_presets(
        SamplingParams(), Mode.INSTRUCT, PresetSettings(), text_only=False
    )
    assert (out.temperature, out.top_p, out.top_k, out.presence_penalty) == (0.7, 0.8, 20, 1.5)
    assert out.max_tokens == 16_384
    assert warnings == []


def test_thinking_preset_and_text_only_budget() -> None:
    s = PresetSettings()
    out, _ = apply_presets(SamplingParams(), Mode.THINKING, s, text_only=False)
    assert (out.temperature, out.top_p, out.top_k, out.presence_penalty) == (1.0, 0.95, 20, 0.0)
    assert out.max_tokens == 40_960
    out, _ = apply_presets(SamplingParams(), Mode.THINKING, s, text_only=True)
    assert out.max_tokens == 81_920


def test_request_values_win_over_preset() -> None:
    asked = SamplingParams(
        temperature=0.5, top_p=0.9, top_k=5, presence_penalty=0.0, max_tokens=100
    )
    out, warnings = apply_presets(asked, Mode.INSTRUCT, PresetSettings(), text_only=True)
    assert (out.temperature, out.top_p, out.top_k, out.presence_penalty, out.max_tokens) == (
        0.5, 0.9, 5, 0.0, 100,
    )  # fmt: skip
    assert warnings == []


def test_greedy_thinking_is_raised_to_floor() -> None:
    out, warnings = apply_presets(
        SamplingParams(temperature=0.0), Mode.THINKING, PresetSettings(), text_only=True
    )
    assert out.temperature == 0.4
    assert "thinking_temperature_raised" in warnings


def test_small_thinking_budget_is_raised() -> None:
    out, warnings = apply_presets(
        SamplingParams(max_tokens=512), Mode.THINKING, PresetSettings(), text_only=True
    )
    assert out.max_tokens == 8_192
    assert warnings == ["thinking_max_tokens_raised"]


def test_instruct_keeps_greedy_and_small_budgets() -> None:
    out, warnings = apply_presets(
        SamplingParams(temperature=0.0, max_tokens=16),
        Mode.INSTRUCT,
        PresetSettings(),
        text_only=True,
    )
    assert (out.temperature, out.max_tokens, warnings) == (0.0, 16, [])


def test_over_ceiling_is_capped() -> None:
    out, warnings = apply_presets(
        SamplingParams(max_tokens=50_000), Mode.INSTRUCT, PresetSettings(), text_only=True
    )
    assert out.max_tokens == 16_384
    assert warnings == ["instruct_max_tokens_capped"]


@pytest.mark.parametrize(
    ("asked", "param"),
    [
        (SamplingParams(temperature=0.1), "temperature"),
        (SamplingParams(max_tokens=100), "max_tokens"),
    ],
)
def test_strict_mode_rejects(asked: SamplingParams, param: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        apply_presets(asked, Mode.THINKING, PresetSettings(strict=True), text_only=True)
    assert exc.value.param == param


def test_configured_floor_and_minimum() -> None:
    s = PresetSettings(thinking_min_temperature=0.6, thinking_min_max_tokens=4096)
    out, _ = apply_presets(
        SamplingParams(temperature=0.5, max_tokens=1000), Mode.THINKING, s, text_only=True
    )
    assert (out.temperature, out.max_tokens) == (0.6, 4096)


def test_partial_preset_keeps_other_defaults() -> None:
    s = PresetSettings.model_validate({"thinking": {"max_tokens": 96}})
    assert s.thinking.max_tokens == 96
    assert (s.thinking.temperature, s.thinking.top_p, s.thinking.max_tokens_text_only) == (
        1.0,
        0.95,
        81_920,
    )
    assert s.instruct.presence_penalty == 1.5
