"""Prices, per-turn cost, cost reports and the what-if projection. Pure: no I/O.

What a turn costs is read from the usage the engine reported, in the OpenAI
convention:

* ``prompt_tokens`` already contains the visual tokens (every image or video frame
  is expanded into ``<|image_pad|>``/``<|video_pad|>`` tokens of the prompt), so
  ``Usage.visual_tokens`` is a *part* of ``prompt_tokens``, never added to it;
* ``completion_tokens`` already contains the reasoning trace (the Thinking model
  writes ``…</think>\\n\\nanswer`` as one completion), so ``Usage.reasoning_tokens``
  is a *part* of ``completion_tokens``, never added to it.

Hence ``cost = prompt_tokens * input_price + completion_tokens * output_price``
(prices per 1M tokens); the visual and reasoning shares are reported beside it as
breakdowns that are *included* in the input and output parts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from vlgate.errors import InvalidRequest
from vlgate.modes import Mode
from vlgate.types import Usage

__all__ = [
    "DAYS_PER_MONTH",
    "REFERENCE_MEANS",
    "CostReport",
    "Group",
    "Price",
    "PriceTable",
    "TurnCost",
    "TurnMeans",
    "UsageRow",
    "WhatIf",
    "build_report",
    "cost_breakdown",
    "means_from_rows",
    "rows_from_stats",
    "turn_cost",
    "what_if",
]

K = TypeVar("K")
PER = 1_000_000
DAYS_PER_MONTH = 30.4375  # 365.25 / 12: the average month a projection scales to


# --- prices -----------------------------------------------------------------------


class Price(BaseModel):
    """USD per 1M tokens. Defaults: the FACTS.md reference for the 4B endpoints."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input_per_million: float = Field(default=0.08, ge=0)
    output_per_million: float = Field(default=0.30, ge=0)


class PriceTable(BaseModel):
    """Prices by model name, then by mode, then the default.

    The most specific entry wins: ``models[name]`` (a served model name, e.g. the
    Thinking checkpoint a pool is configured with) > ``modes[mode]`` > ``default``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    default: Price = Price()
    modes: dict[Mode, Price] = Field(default_factory=dict)
    models: dict[str, Price] = Field(default_factory=dict)

    def price(self, mode: Mode, model: str | None = None) -> Price:
        if model is not None and model in self.models:
            return self.models[model]
        return self.modes.get(mode, self.default)


# --- one turn -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TurnCost:
    """The cost of one turn in USD. ``visual_usd`` is part of ``input_usd`` and
    ``reasoning_usd`` part of ``output_usd``: they are shares, not extra charges."""

    input_usd: float
    output_usd: float
    visual_usd: float
    reasoning_usd: float
    price: Price

    @property
    def total_usd(self) -> float:
        return self.input_usd + self.output_usd

    def as_dict(self) -> dict[str, float]:
        """The fields for the response's ``vlgate`` object and the audit record."""
        return {
            "cost_usd": self.total_usd,
            "input_usd": self.input_usd,
            "output_usd": self.output_usd,
            "visual_usd": self.visual_usd,
            "reasoning_usd": self.reasoning_usd,
            "input_per_million": self.price.input_per_million,
            "output_per_million": self.price.output_per_million,
        }


def _tokens_cost(tokens: float, per_million: float) -> float:
    # Multiply by the price first and divide once: 575 * 0.08 / 1e6 gives the same
    # float as the hand calculation in FACTS.md.
    return tokens * per_million / PER


def cost_breakdown(usage: Usage, price: Price) -> TurnCost:
    """The cost of a turn from its real usage (see the module docstring)."""
    visual = min(usage.visual_tokens or 0, usage.prompt_tokens)
    reasoning = min(usage.reasoning_tokens or 0, usage.completion_tokens)
    return TurnCost(
        input_usd=_tokens_cost(usage.prompt_tokens, price.input_per_million),
        output_usd=_tokens_cost(usage.completion_tokens, price.output_per_million),
        visual_usd=_tokens_cost(visual, price.input_per_million),
        reasoning_usd=_tokens_cost(reasoning, price.output_per_million),
        price=price,
    )


def turn_cost(usage: Usage, price: Price) -> float:
    """USD for one turn: prompt tokens (visual included) at the input price plus
    completion tokens (reasoning included) at the output price."""
    return cost_breakdown(usage, price).total_usd


# --- reports from aggregated rows ------------------------------------------------


@dataclass(frozen=True, slots=True)
class UsageRow:
    """One group of audit records: what the audit store's cost query returns.

    ``mode`` is the mode that answered (after any fallback); ``fallbacks`` counts
    the requests of the group that were routed to Thinking and answered by
    Instruct; ``cost`` is the sum of the per-turn costs stored at the time.
    """

    day: date
    tenant: str
    mode: Mode
    task: str
    requests: int
    prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    cost: float
    fallbacks: int = 0

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> UsageRow:
        """Read a row from JSON-like data: ``to_dict()`` output, or a group of the
        audit store's ``stats(group_by=("day", "tenant", "mode", "task"))`` (where
        the cost is ``cost_usd`` and tenant/task may be null)."""
        try:
            return cls(
                day=date.fromisoformat(str(d["day"])),
                tenant=str(d.get("tenant") or "-"),
                mode=Mode(str(d["mode"])),
                task=str(d.get("task") or "unknown"),
                requests=int(str(d["requests"])),
                prompt_tokens=int(str(d.get("prompt_tokens") or 0)),
                completion_tokens=int(str(d.get("completion_tokens") or 0)),
                reasoning_tokens=int(str(d.get("reasoning_tokens") or 0)),
                cost=float(
                    str(d["cost" if "cost" in d or "cost_usd" not in d else "cost_usd"] or 0)
                ),
                fallbacks=int(str(d.get("fallbacks") or 0)),
            )
        except KeyError as e:
            raise InvalidRequest(f"usage row lacks {e.args[0]!r}", param=str(e.args[0])) from e
        except ValueError as e:
            raise InvalidRequest(f"bad usage row: {e}", param="row") from e

    def to_dict(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "tenant": self.tenant,
            "mode": self.mode.value,
            "task": self.task,
            "requests": self.requests,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "cost": self.cost,
            "fallbacks": self.fallbacks,
        }


@dataclass(frozen=True, slots=True)
class Group:
    """Sums over the rows that share one key."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    cost: float = 0.0
    fallbacks: int = 0

    def add(self, row: UsageRow) -> Group:
        return Group(
            requests=self.requests + row.requests,
            prompt_tokens=self.prompt_tokens + row.prompt_tokens,
            completion_tokens=self.completion_tokens + row.completion_tokens,
            reasoning_tokens=self.reasoning_tokens + row.reasoning_tokens,
            cost=self.cost + row.cost,
            fallbacks=self.fallbacks + row.fallbacks,
        )


@dataclass(frozen=True, slots=True)
class CostReport:
    total: Group
    by_day: dict[date, Group]
    by_tenant: dict[str, Group]
    by_mode: dict[Mode, Group]
    by_task: dict[str, Group]
    days_observed: int  # calendar days from the first to the last day with traffic

    @property
    def mode_share(self) -> dict[Mode, float]:
        """Share of requests answered by each mode (0..1)."""
        n = self.total.requests
        return {m: (g.requests / n if n else 0.0) for m, g in self.by_mode.items()}

    @property
    def fallbacks(self) -> int:
        return self.total.fallbacks

    @property
    def monthly_projection_usd(self) -> float:
        """The observed daily spend scaled to an average month."""
        if self.days_observed == 0:
            return 0.0
        return self.total.cost / self.days_observed * DAYS_PER_MONTH

    @property
    def monthly_projection_turns(self) -> float:
        if self.days_observed == 0:
            return 0.0
        return self.total.requests / self.days_observed * DAYS_PER_MONTH


def rows_from_stats(groups: Iterable[Mapping[str, object]]) -> list[UsageRow]:
    """Adapt the audit store's grouped stats. Groups without a mode (requests
    refused before routing: no tokens, no cost) have no place in a per-mode report
    and are left out."""
    return [UsageRow.from_dict(g) for g in groups if g.get("mode") is not None]


def _sum_by(rows: Iterable[UsageRow], key: Callable[[UsageRow], K]) -> dict[K, Group]:
    out: dict[K, Group] = {}
    for row in rows:
        k = key(row)
        out[k] = out.get(k, Group()).add(row)
    return dict(sorted(out.items(), key=lambda kv: str(kv[0])))


def build_report(rows: Iterable[UsageRow]) -> CostReport:
    """Totals by day, tenant, mode and task: a pure function of the rows."""
    rows = list(rows)
    total = Group()
    for row in rows:
        total = total.add(row)
    days = [r.day for r in rows if r.requests]
    span = (max(days) - min(days)).days + 1 if days else 0
    return CostReport(
        total=total,
        by_day=_sum_by(rows, lambda r: r.day),
        by_tenant=_sum_by(rows, lambda r: r.tenant),
        by_mode=_sum_by(rows, lambda r: r.mode),
        by_task=_sum_by(rows, lambda r: r.task),
        days_observed=span,
    )


# --- what-if ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TurnMeans:
    """Mean tokens of one turn of a mode (visual in prompt, reasoning in completion)."""

    prompt_tokens: float
    completion_tokens: float

    def usage(self) -> Usage:
        return Usage(
            prompt_tokens=round(self.prompt_tokens), completion_tokens=round(self.completion_tokens)
        )

    def cost(self, price: Price) -> float:
        return _tokens_cost(self.prompt_tokens, price.input_per_million) + _tokens_cost(
            self.completion_tokens, price.output_per_million
        )


#: FACTS.md's typical turn: one high-resolution image (~500–800 visual tokens) plus
#: 50–100 text tokens -> 575 prompt tokens; 350 output tokens for Instruct, 2,000 for
#: Thinking (trace included).
REFERENCE_MEANS: Mapping[Mode, TurnMeans] = {
    Mode.INSTRUCT: TurnMeans(prompt_tokens=575, completion_tokens=350),
    Mode.THINKING: TurnMeans(prompt_tokens=575, completion_tokens=2_000),
}


def means_from_rows(
    rows: Iterable[UsageRow], fallback: Mapping[Mode, TurnMeans] = REFERENCE_MEANS
) -> dict[Mode, TurnMeans]:
    """Observed token means per mode; a mode without traffic keeps ``fallback``."""
    by_mode = build_report(rows).by_mode
    out = dict(fallback)
    for mode, g in by_mode.items():
        if g.requests:
            out[mode] = TurnMeans(
                prompt_tokens=g.prompt_tokens / g.requests,
                completion_tokens=g.completion_tokens / g.requests,
            )
    return out


@dataclass(frozen=True, slots=True)
class WhatIf:
    thinking_share: float
    turns_per_month: float
    turn_usd: dict[Mode, float]  # cost of one mean turn of each mode
    monthly_usd: dict[Mode, float]  # the month's spend on each mode at this share

    @property
    def total_monthly_usd(self) -> float:
        return sum(self.monthly_usd.values())

    def all_in(self, mode: Mode) -> float:
        """The month's spend if every turn went to ``mode``."""
        return self.turn_usd[mode] * self.turns_per_month


def what_if(
    thinking_share: float,
    turns_per_month: float,
    means: Mapping[Mode, TurnMeans] = REFERENCE_MEANS,
    prices: PriceTable | None = None,
) -> WhatIf:
    """Monthly spend if ``thinking_share`` of ``turns_per_month`` went to Thinking."""
    if not (0.0 <= thinking_share <= 1.0) or math.isnan(thinking_share):
        raise InvalidRequest("thinking_share must be within 0..1", param="thinking_share")
    if not turns_per_month >= 0:
        raise InvalidRequest("turns_per_month must be >= 0", param="turns_per_month")
    prices = prices or PriceTable()
    missing = [m.value for m in Mode if m not in means]
    if missing:
        raise InvalidRequest(f"no token means for mode(s) {missing}", param="means")
    share = {Mode.INSTRUCT: 1.0 - thinking_share, Mode.THINKING: thinking_share}
    turn = {m: means[m].cost(prices.price(m)) for m in Mode}
    monthly = {m: turn[m] * turns_per_month * share[m] for m in Mode}
    return WhatIf(thinking_share, turns_per_month, turn, monthly)
