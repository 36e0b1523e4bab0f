"""``vlgate cost`` through typer's runner: JSONL rows, an injected source, what-if."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from vlgate.cost import UsageRow
from vlgate.cost_cli import CostQuery, build_app, register
from vlgate.modes import Mode

RUN = CliRunner()


def _rows() -> list[UsageRow]:
    return [
        UsageRow(date(2026, 11, 1), "acme", Mode.INSTRUCT, "ocr", 3, 1_725, 1_050, 0, 0.000453, 1),
        UsageRow(date(2026, 11, 2), "zen", Mode.THINKING, "chart", 1, 575, 2_000, 1_600, 0.000646),
    ]


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r.to_dict()) for r in _rows()) + "\n\n")
    return path


def test_reference_what_if_without_any_store() -> None:
    res = RUN.invoke(
        build_app(), ["--what-if", "thinking_share=0.3", "--turns-per-month", "1000000"]
    )
    assert res.exit_code == 0, res.output
    assert "FACTS.md typical turns" in res.output
    assert "$0.000151 per turn" in res.output and "$0.000646 per turn" in res.output
    assert "all-instruct $151.00/month" in res.output
    assert "all-thinking $646.00/month" in res.output
    assert "total $299.50/month" in res.output


def test_report_from_jsonl(jsonl: Path) -> None:
    res = RUN.invoke(build_app(), ["--from-jsonl", str(jsonl)])
    assert res.exit_code == 0, res.output
    assert "requests 4" in res.output and "fallbacks 1" in res.output
    assert "instruct 75.0%, thinking 25.0%" in res.output
    for key in ("2026-11-01", "acme", "zen", "ocr", "chart"):
        assert key in res.output


def test_json_output_filters_and_observed_what_if(jsonl: Path) -> None:
    args = [
        "--from-jsonl",
        str(jsonl),
        "--json",
        "--tenant",
        "acme",
        "--what-if",
        "thinking_share=1",
    ]
    res = RUN.invoke(build_app(), args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["report"]["total"]["requests"] == 3
    assert set(out["report"]["by_tenant"]) == {"acme"}
    # the what-if volume defaults to the observed projection: 3 turns in 1 day
    assert out["what_if"]["turns_per_month"] == pytest.approx(3 * 30.4375)
    # observed Instruct means (575 in, 350 out); Thinking has no traffic -> FACTS means
    assert out["what_if"]["turn_usd"] == {"instruct": 0.000151, "thinking": 0.000646}


def test_since_until_and_an_injected_source() -> None:
    seen: list[CostQuery] = []

    def source(q: CostQuery) -> list[UsageRow]:
        seen.append(q)
        return [r for r in _rows() if q.since is None or r.day >= q.since]

    app = typer.Typer()
    register(app, source)

    @app.command("other")
    def other() -> None:  # a second command makes "cost" a real sub-command
        pass

    res = RUN.invoke(app, ["cost", "--since", "2026-11-02", "--json"])
    assert res.exit_code == 0, res.output
    assert seen == [CostQuery(since=date(2026, 11, 2))]
    assert json.loads(res.output)["report"]["total"]["requests"] == 1


@pytest.mark.parametrize(
    "args",
    [
        [],  # no store wired and no file
        ["--what-if", "thinking_share=2"],
        ["--what-if", "share=0.3"],
        ["--from-jsonl", "/nonexistent/rows.jsonl"],
        ["--since", "yesterday", "--what-if", "thinking_share=0"],
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str]) -> None:
    res = RUN.invoke(build_app(), args)
    assert res.exit_code == 2
    assert "error:" in res.output


def test_bad_jsonl_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"day": "2026-11-01"\n')
    res = RUN.invoke(build_app(), ["--from-jsonl", str(path)])
    assert res.exit_code == 2 and "bad.jsonl:1" in res.output
