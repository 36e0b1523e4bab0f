"""Per-turn cost, price lookup, reports from audit rows and the what-if."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vlgate.cost import (
    DAYS_PER_MONTH,
    REFERENCE_MEANS,
    Price,
    PriceTable,
    TurnMeans,
    UsageRow,
    build_report,
    cost_breakdown,
    means_from_rows,
    rows_from_stats,
    turn_cost,
    what_if,
)
from vlgate.errors import InvalidRequest
from vlgate.modes import Mode
from vlgate.types import Usage

REF = Price()  # $0.08 / $0.30 per 1M


def test_defaults_are_the_facts_reference_prices() -> None:
    assert (REF.input_per_million, REF.output_per_million) == (0.08, 0.30)


def test_reference_instruct_and_thinking_turns_exactly() -> None:
    # FACTS.md: (575 x 0.08 + 350 x 0.30) / 1e6 = $0.000151; with 2,000 out $0.000646
    assert turn_cost(Usage(prompt_tokens=575, completion_tokens=350), REF) == 0.000151
    assert turn_cost(Usage(prompt_tokens=575, completion_tokens=2_000), REF) == 0.000646


def test_visual_and_reasoning_tokens_are_not_counted_twice() -> None:
    plain = Usage(prompt_tokens=575, completion_tokens=2_000)
    detailed = Usage(
        prompt_tokens=575, completion_tokens=2_000, visual_tokens=500, reasoning_tokens=1_700
    )
    assert turn_cost(detailed, REF) == turn_cost(plain, REF)
    b = cost_breakdown(detailed, REF)
    assert b.visual_usd == pytest.approx(500 * 0.08 / 1e6)
    assert b.reasoning_usd == pytest.approx(1_700 * 0.30 / 1e6)
    assert b.visual_usd < b.input_usd and b.reasoning_usd < b.output_usd
    assert b.as_dict()["cost_usd"] == b.total_usd == 0.000646


def test_shares_are_capped_by_the_totals_they_belong_to() -> None:
    # An engine that reports more reasoning than completion must not raise the bill.
    b = cost_breakdown(Usage(10, 20, reasoning_tokens=50, visual_tokens=99), REF)
    assert b.reasoning_usd == b.output_usd and b.visual_usd == b.input_usd
    assert b.total_usd == turn_cost(Usage(10, 20), REF)


def test_price_lookup_most_specific_wins() -> None:
    think = Price(input_per_million=0.1, output_per_million=0.4)
    named = Price(input_per_million=1, output_per_million=2)
    table = PriceTable(modes={Mode.THINKING: think}, models={"big": named})
    assert table.price(Mode.INSTRUCT) == Price()
    assert table.price(Mode.THINKING) == think
    assert table.price(Mode.THINKING, "big") == named
    assert table.price(Mode.INSTRUCT, "unknown-model") == Price()


def test_price_table_reads_config_shaped_data_and_rejects_negatives() -> None:
    t = PriceTable.model_validate({"modes": {"thinking": {"output_per_million": 0.4}}})
    assert t.price(Mode.THINKING).output_per_million == 0.4
    assert t.price(Mode.THINKING).input_per_million == 0.08
    with pytest.raises(ValueError):
        Price(input_per_million=-1)


def _row(day: int, tenant: str, mode: Mode, task: str, n: int, fb: int = 0) -> UsageRow:
    out = 350 if mode is Mode.INSTRUCT else 2_000
    usage = Usage(prompt_tokens=575 * n, completion_tokens=out * n)
    return UsageRow(
        day=date(2026, 11, day),
        tenant=tenant,
        mode=mode,
        task=task,
        requests=n,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        reasoning_tokens=0 if mode is Mode.INSTRUCT else 1_500 * n,
        cost=turn_cost(usage, REF),
        fallbacks=fb,
    )


ROWS = [
    _row(1, "acme", Mode.INSTRUCT, "ocr", 70, fb=5),
    _row(1, "acme", Mode.THINKING, "chart", 20),
    _row(2, "zen", Mode.INSTRUCT, "caption", 0),
    _row(3, "zen", Mode.THINKING, "chart", 10, fb=1),
]


def test_report_totals_by_every_key() -> None:
    r = build_report(ROWS)
    assert r.total.requests == 100 and r.fallbacks == 6
    assert r.total.cost == pytest.approx(70 * 0.000151 + 30 * 0.000646)
    assert {k: g.requests for k, g in r.by_tenant.items()} == {"acme": 90, "zen": 10}
    assert {k: g.requests for k, g in r.by_task.items()} == {"caption": 0, "chart": 30, "ocr": 70}
    assert list(r.by_day) == [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]
    assert r.mode_share == {Mode.INSTRUCT: 0.7, Mode.THINKING: 0.3}
    assert r.by_mode[Mode.THINKING].reasoning_tokens == 45_000


def test_monthly_projection_scales_the_observed_days() -> None:
    r = build_report(ROWS)
    assert r.days_observed == 3  # Nov 1 .. Nov 3; Nov 2 only had a zero row
    assert r.monthly_projection_usd == pytest.approx(r.total.cost / 3 * DAYS_PER_MONTH)
    assert r.monthly_projection_turns == pytest.approx(100 / 3 * DAYS_PER_MONTH)
    assert build_report([]).monthly_projection_usd == 0.0


@given(
    st.lists(
        st.builds(
            _row,
            st.integers(1, 28),
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(list(Mode)),
            st.sampled_from(["ocr", "math"]),
            st.integers(0, 1000),
            st.integers(0, 5),
        ),
        max_size=30,
    )
)
def test_every_grouping_sums_to_the_total(rows: list[UsageRow]) -> None:
    r = build_report(rows)
    for groups in (r.by_day, r.by_tenant, r.by_mode, r.by_task):
        assert sum(g.requests for g in groups.values()) == r.total.requests
        assert sum(g.cost for g in groups.values()) == pytest.approx(r.total.cost)
        assert sum(g.fallbacks for g in groups.values()) == r.fallbacks
    if r.total.requests:
        assert sum(r.mode_share.values()) == pytest.approx(1.0)


def test_reference_what_if_at_one_million_turns() -> None:
    w = what_if(0.0, 1_000_000)
    assert w.all_in(Mode.INSTRUCT) == pytest.approx(151.0, abs=1e-9)
    assert w.all_in(Mode.THINKING) == pytest.approx(646.0, abs=1e-9)
    assert w.total_monthly_usd == pytest.approx(151.0, abs=1e-9)
    assert what_if(1.0, 1_000_000).total_monthly_usd == pytest.approx(646.0, abs=1e-9)
    assert what_if(0.3, 1_000_000).total_monthly_usd == pytest.approx(
        0.7 * 151 + 0.3 * 646, abs=1e-9
    )


def test_what_if_uses_prices_and_means_given() -> None:
    prices = PriceTable(modes={Mode.THINKING: Price(input_per_million=0, output_per_million=1)})
    means = {Mode.INSTRUCT: TurnMeans(1_000, 0), Mode.THINKING: TurnMeans(0, 1_000)}
    w = what_if(0.5, 1_000, means, prices)
    assert w.turn_usd == {Mode.INSTRUCT: 0.08 * 1_000 / 1e6, Mode.THINKING: 1_000 / 1e6}
    assert w.monthly_usd[Mode.THINKING] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("share", "turns", "param"),
    [
        (-0.1, 1, "thinking_share"),
        (1.5, 1, "thinking_share"),
        (float("nan"), 1, "thinking_share"),
        (0.5, -1, "turns_per_month"),
    ],
)
def test_what_if_rejects_bad_input(share: float, turns: float, param: str) -> None:
    with pytest.raises(InvalidRequest) as e:
        what_if(share, turns)
    assert e.value.param == param


def test_means_come_from_rows_and_fall_back_per_mode() -> None:
    rows = [_row(1, "a", Mode.INSTRUCT, "ocr", 4)]
    means = means_from_rows(rows)
    assert means[Mode.INSTRUCT] == TurnMeans(575, 350)
    assert means[Mode.THINKING] == REFERENCE_MEANS[Mode.THINKING]
    odd = [UsageRow(date(2026, 1, 1), "a", Mode.THINKING, "x", 2, 100, 5_000, 4_000, 0.0)]
    assert means_from_rows(odd)[Mode.THINKING] == TurnMeans(50, 2_500)


def test_rows_round_trip_and_audit_stats_shape() -> None:
    row = ROWS[0]
    assert UsageRow.from_dict(row.to_dict()) == row
    stats = [
        {
            "day": "2026-11-30",
            "tenant": None,
            "mode": "thinking",
            "task": None,
            "requests": 3,
            "fallbacks": 0,
            "prompt_tokens": 30,
            "visual_tokens": 20,
            "completion_tokens": 300,
            "reasoning_tokens": 200,
            "cost_usd": 0.0001,
        },
        {
            "day": "2026-11-30",
            "tenant": "t",
            "mode": None,
            "task": None,
            "requests": 1,
            "fallbacks": 0,
            "prompt_tokens": 0,
            "visual_tokens": 0,
            "completion_tokens": 0,
            "reasoning_tokens": 0,
            "cost_usd": 0,
        },
    ]
    (got,) = rows_from_stats(stats)
    assert (got.tenant, got.task, got.mode, got.cost) == ("-", "unknown", Mode.THINKING, 0.0001)


def test_bad_rows_name_the_field() -> None:
    with pytest.raises(InvalidRequest) as e:
        UsageRow.from_dict({"day": "2026-11-30", "mode": "instruct"})
    assert e.value.param == "requests"
    with pytest.raises(InvalidRequest):
        UsageRow.from_dict({**ROWS[0].to_dict(), "mode": "fast"})
