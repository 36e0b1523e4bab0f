"""The two variants, their sampling presets and the guards against known pitfalls.

Pure: ``apply_presets`` merges a mode's defaults under what the request set, then
applies the Thinking guards (FACTS.md): greedy decoding gives shallow chains, so a
temperature under the floor is raised; a small token budget cuts chains mid-step,
so ``max_tokens`` under the minimum is raised. In strict mode both are rejected.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator

from vlgate.errors import InvalidRequest
from vlgate.types import SamplingParams


class Mode(StrEnum):
    INSTRUCT = "instruct"
    THINKING = "thinking"


class Preset(BaseModel):
    temperature: float
    top_p: float
    top_k: int
    presence_penalty: float
    max_tokens: int  # default output budget when the request sets none
    max_tokens_text_only: int | None = None  # larger default for text-only work
    max_output_tokens: int  # hard ceiling for the variant


def _instruct() -> Preset:
    return Preset(
        temperature=0.7, top_p=0.8, top_k=20, presence_penalty=1.5,
        max_tokens=16_384, max_output_tokens=16_384,
    )  # fmt: skip


def _thinking() -> Preset:
    return Preset(
        temperature=1.0, top_p=0.95, top_k=20, presence_penalty=0.0,
        max_tokens=40_960, max_tokens_text_only=81_920, max_output_tokens=81_920,
    )  # fmt: skip


class PresetSettings(BaseModel):
    instruct: Preset = Field(default_factory=_instruct)
    thinking: Preset = Field(default_factory=_thinking)
    thinking_min_temperature: float = 0.4  # FACTS.md: keep Thinking at 0.4-1.0
    thinking_min_max_tokens: int = 8_192  # FACTS.md: start at 8K
    strict: bool = False  # reject pitfalls with a 400 instead of correcting them

    @model_validator(mode="before")
    @classmethod
    def _partial(cls, data: Any) -> Any:
        """A config may set a few fields of a preset; the rest keep their defaults."""
        if isinstance(data, dict):
            data = dict(data)
            for key, default in (("instruct", _instruct), ("thinking", _thinking)):
                if isinstance(data.get(key), dict):
                    data[key] = {**default().model_dump(), **data[key]}
        return data

    def for_mode(self, mode: Mode) -> Preset:
        return self.instruct if mode is Mode.INSTRUCT else self.thinking


def apply_presets(
    sampling: SamplingParams, mode: Mode, settings: PresetSettings, *, text_only: bool
) -> tuple[SamplingParams, list[str]]:
    """Fill unset parameters from the mode's preset and apply the pitfall guards.

    Returns the parameters to send and warnings (short machine-readable codes) for
    each correction made.
    """
    preset = settings.for_mode(mode)
    default_max = preset.max_tokens
    if text_only and preset.max_tokens_text_only:
        default_max = preset.max_tokens_text_only
    out = replace(
        sampling,
        temperature=preset.temperature if sampling.temperature is None else sampling.temperature,
        top_p=preset.top_p if sampling.top_p is None else sampling.top_p,
        top_k=preset.top_k if sampling.top_k is None else sampling.top_k,
        presence_penalty=(
            preset.presence_penalty
            if sampling.presence_penalty is None
            else sampling.presence_penalty
        ),
        max_tokens=default_max if sampling.max_tokens is None else sampling.max_tokens,
    )
    warnings: list[str] = []
    if out.max_tokens is not None and out.max_tokens > preset.max_output_tokens:
        warnings.append(f"{mode.value}_max_tokens_capped")
        out.max_tokens = preset.max_output_tokens
    if mode is Mode.THINKING:
        _guard_thinking(out, settings, warnings)
    return out, warnings


def _guard_thinking(out: SamplingParams, settings: PresetSettings, warnings: list[str]) -> None:
    floor = settings.thinking_min_temperature
    if out.temperature is not None and out.temperature < floor:
        if settings.strict:
            raise InvalidRequest(
                f"temperature {out.temperature} is too low for the Thinking model: greedy or "
                f"near-greedy decoding gives shallow reasoning; use at least {floor}",
                param="temperature",
                code="thinking_temperature_too_low",
            )
        out.temperature = floor
        warnings.append("thinking_temperature_raised")
    minimum = settings.thinking_min_max_tokens
    if out.max_tokens is not None and out.max_tokens < minimum:
        if settings.strict:
            raise InvalidRequest(
                f"max_tokens {out.max_tokens} is too small for the Thinking model: the "
                f"reasoning would be cut mid-step; use at least {minimum}",
                param="max_tokens",
                code="thinking_max_tokens_too_small",
            )
        out.max_tokens = minimum
        warnings.append("thinking_max_tokens_raised")
