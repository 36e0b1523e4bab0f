"""The two variants, their sampling presets and the guards against known pitfalls."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    INSTRUCT = "instruct"
    THINKING = "thinking"
