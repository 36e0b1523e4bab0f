"""The pipeline commands, mounted on a Typer app as the lead mounts them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from vlgate.pipelines.cli import register
from vlgate.testing.fake_engine import Script

RECEIPT = {"merchant": "M", "date": "2026-01-02", "currency": "EUR", "subtotal": 2.0,
           "tax": 0.2, "total": 2.2, "line_items": [{"description": "x", "amount": 2.0}]}  # fmt: skip


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_commands_are_registered() -> None:
    out = CliRunner().invoke(_app(), ["--help"])
    for name in ("extract", "second-opinion", "summarize-video", "doc", "grade", "ground"):
        assert name in out.output
    for group, subs in (("extract", ("receipt", "kyc")), ("grade", ("mcq", "tutor")),
                        ("doc", ("ask", "contradictions", "extract", "classify"))):  # fmt: skip
        text = CliRunner().invoke(_app(), [group, "--help"]).output
        assert all(s in text for s in subs)


def test_extract_receipt_folder_to_csv_with_traces(
    stack: Any, tmp_path: Path, png: Callable[..., bytes]
) -> None:
    (tmp_path / "r1.png").write_bytes(png())
    stack.ins.scripts.clear()
    stack.ins.push(Script(reply=json.dumps(RECEIPT)))
    out, traces = tmp_path / "rows.csv", tmp_path / "traces.jsonl"
    res = CliRunner().invoke(
        _app(),
        ["extract", "receipt", str(tmp_path), "--out", str(out), "--url", stack.url,
         "--traces", str(traces)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "1/1 valid" in res.output
    assert out.read_text().splitlines()[0].startswith("source,ok,merchant,date,currency")
    (trace,) = [json.loads(line) for line in traces.read_text().splitlines()]
    assert trace["task"] == "receipt" and trace["mode"] == "instruct"


def test_ground_writes_the_png_and_json(
    stack: Any, tmp_path: Path, png: Callable[..., bytes]
) -> None:
    img = tmp_path / "street.png"
    img.write_bytes(png(100, 100))
    stack.ins.scripts.clear()
    stack.ins.push(Script(reply='[{"bbox_2d": [100, 100, 300, 300], "label": "car"}]'))
    res = CliRunner().invoke(_app(), ["ground", str(img), "car", "--url", stack.url])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["boxes"] == [{"label": "car", "x1": 10, "y1": 10, "x2": 30, "y2": 30}]
    assert Path(data["drawn"]).read_bytes()[:4] == b"\x89PNG"


def test_second_opinion_exit_code_on_invalid_output(
    stack: Any, tmp_path: Path, png: Callable[..., bytes]
) -> None:
    img = tmp_path / "cxr.png"
    img.write_bytes(png())
    stack.thk.scripts.clear()
    stack.thk.push(
        Script(reply="<think>\nhm\n</think>\n\nno"), Script(reply="<think>\nhm\n</think>\n\nno")
    )
    res = CliRunner().invoke(_app(), ["second-opinion", str(img), "--url", stack.url])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert data["human_review_required"] is True and data["assessment"] is None
    assert data["disclaimer"].startswith("AI-generated second opinion")
