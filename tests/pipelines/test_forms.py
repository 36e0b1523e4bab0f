"""Receipts and KYC forms through a real vlgate and scripted engines."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vlgate.pipelines.batch import CsvSink, JsonlSink, columns_for, expand, run_batch
from vlgate.pipelines.client import Gateway
from vlgate.pipelines.forms import (
    KycForm,
    Options,
    Receipt,
    extract_kyc,
    extract_receipt,
    kyc_warnings,
    receipt_warnings,
)
from vlgate.testing.fake_engine import Script

GOOD = {
    "merchant": "Corner Deli",
    "date": "2026-03-14",
    "currency": "usd",
    "subtotal": 12.5,
    "tax": 1.0,
    "total": 13.5,
    "line_items": [
        {"description": "Bagel", "quantity": 2, "unit_price": 3.25, "amount": 6.5},
        {"description": "Coffee", "quantity": 1, "unit_price": 6.0, "amount": 6.0},
    ],
}


def test_valid_receipt_sends_the_schema_and_records_the_trace(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    stack.ins.push(Script(reply=json.dumps(GOOD)))
    res = extract_receipt(gw, png())
    assert res.ok and res.value is not None
    assert res.value.currency == "USD" and res.value.date == dt.date(2026, 3, 14)
    assert res.warnings == [] and res.attempts == 1
    sent = stack.ins.requests[-1]
    assert sent["response_format"]["type"] == "json_schema"
    assert set(sent["response_format"]["json_schema"]["schema"]["properties"]) >= {
        "merchant", "date", "currency", "subtotal", "tax", "total", "line_items",
    }  # fmt: skip
    (trace,) = gw.traces.replies
    assert (trace.mode, trace.task, trace.route_reason) == ("instruct", "receipt", "explicit")
    assert res.request_ids == [trace.request_id] and trace.cost_usd


def test_invalid_json_is_retried_once_with_the_errors(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    stack.ins.push(
        Script(reply='Sure! {"merchant": "Corner Deli", "date": "14/03/2026"'),  # truncated
        Script(reply=json.dumps(GOOD)),
    )
    res = extract_receipt(gw, png())
    assert res.ok and res.attempts == 2
    assert any(w.startswith("retried") for w in res.warnings)
    retry_text = json.dumps(stack.ins.requests[-1]["messages"])
    assert "no JSON object found" in retry_text and "Corner Deli" in retry_text
    assert len(gw.traces.replies) == 2


def test_wrong_sums_are_warnings_not_errors(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    bad = {**GOOD, "subtotal": 13.0, "total": 15.0}
    stack.ins.push(Script(reply=json.dumps(bad)))
    res = extract_receipt(gw, png())
    assert res.ok
    assert [w.split(":")[0] for w in res.warnings] == ["items_sum_mismatch", "total_mismatch"]
    assert "line items sum to 12.50, subtotal is 13.00" in res.warnings[0]


def test_fenced_json_with_slips_is_repaired_locally(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    text = "```json\n" + json.dumps(GOOD).replace("]", ",]").replace("6.0}", "6.0,}") + "\n```"
    stack.ins.push(Script(reply=text))
    res = extract_receipt(gw, png())
    assert res.ok and res.repaired and res.attempts == 1
    assert any(w.startswith("json_repaired") for w in res.warnings)


def test_invalid_twice_reports_field_errors(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    wrong = {**GOOD, "date": "last Tuesday", "currency": "$$"}
    stack.ins.push(Script(reply=json.dumps(wrong)), Script(reply=json.dumps(wrong)))
    res = extract_receipt(gw, png())
    assert not res.ok and res.attempts == 2
    fields = {e.split(":")[0] for e in res.errors}
    assert fields == {"date", "currency"}


def test_truncated_output_is_named(stack: Any, gw: Gateway, png: Callable[..., bytes]) -> None:
    half = json.dumps(GOOD)[:60]
    stack.ins.push(Script(reply=half, finish="length"), Script(reply=half, finish="length"))
    res = extract_receipt(gw, png(), Options(retries=1))
    assert not res.ok
    assert res.errors[0] == "output truncated (finish_reason=length)"


def test_gateway_rejecting_response_format_falls_back_to_the_prompt(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    class Rejecting:
        def __init__(self, inner: Gateway) -> None:
            self.inner, self.traces, self.formats = inner, inner.traces, []

        def call(self, content, **kw):  # type: ignore[no-untyped-def]
            import httpx
            import openai

            self.formats.append(kw.get("response_format"))
            if kw.get("response_format") is not None:
                resp = httpx.Response(400, request=httpx.Request("POST", "http://x"))
                body = {"message": "no", "param": "response_format"}
                raise openai.BadRequestError("no", response=resp, body=body)
            return self.inner.call(content, **kw)

    stack.ins.push(Script(reply=json.dumps(GOOD)))
    caller = Rejecting(gw)
    res = extract_receipt(caller, png())
    assert res.ok
    assert caller.formats[0]["type"] == "json_schema" and caller.formats[1] is None
    assert "JSON Schema" in json.dumps(stack.ins.requests[-1]["messages"])


def test_kyc_form_and_its_checks(stack: Any, gw: Gateway, png: Callable[..., bytes]) -> None:
    form = {
        "full_name": "Ada Lovelace", "date_of_birth": "1990-12-10", "nationality": "GBR",
        "document_type": "passport", "document_number": "123456789",
        "issuing_country": "GBR", "issue_date": "2014-01-02", "expiry_date": "2024-01-01",
    }  # fmt: skip
    stack.ins.push(Script(reply=json.dumps(form)))
    res = extract_kyc(gw, png(), today=dt.date(2026, 1, 1))
    assert res.ok and res.value is not None and res.value.document_type == "passport"
    assert res.warnings == ["document_expired: expired on 2024-01-01"]
    assert stack.ins.requests[-1]["response_format"]["json_schema"]["name"] == "KycForm"
    assert gw.traces.replies[-1].task == "kyc_form"


def test_receipt_line_arithmetic() -> None:
    r = Receipt.model_validate(
        {**GOOD, "line_items": [{"description": "x", "quantity": 3, "unit_price": 2, "amount": 5}],
         "subtotal": 5, "tax": 0, "total": 5}
    )  # fmt: skip
    assert receipt_warnings(r) == ["line_mismatch: line_items[0] 3 x 2.00 = 6.00, amount is 5.00"]
    assert receipt_warnings(Receipt.model_validate({**GOOD, "total": 13.509})) == []


def test_kyc_date_checks() -> None:
    f = KycForm(full_name="A", date_of_birth=dt.date(2030, 1, 1), nationality="GBR",
                document_type="other", document_number="1", issuing_country="GBR",
                issue_date=dt.date(2020, 1, 1), expiry_date=dt.date(2019, 1, 1))  # fmt: skip
    got = kyc_warnings(f, today=dt.date(2026, 1, 1))
    assert [w.split(":")[0] for w in got] == [
        "date_of_birth_in_future", "document_expired", "issued_before_birth", "expiry_before_issue",
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_batch_over_a_folder(
    stack: Any, gw: Gateway, tmp_path: Path, fmt: str, png: Callable[..., bytes]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.png", "b.png", "c.png"):
        (folder / name).write_bytes(png())
    (folder / "notes.txt").write_text("not an image")
    paths = expand([folder])
    assert [p.name for p in paths] == ["a.png", "b.png", "c.png"]
    stack.ins.push(
        Script(reply=json.dumps(GOOD)),
        Script(reply="no idea"), Script(reply="still no idea"),
        Script(reply=json.dumps({**GOOD, "total": 99})),
    )  # fmt: skip
    out = tmp_path / f"rows.{fmt}"
    sink = JsonlSink(out) if fmt == "jsonl" else CsvSink(out, columns_for(Receipt))
    seen: list[tuple[int, int]] = []
    summary = run_batch(
        paths, lambda p: extract_receipt(gw, p), sink, concurrency=1,
        progress=lambda d, t: seen.append((d, t)),
    )  # fmt: skip
    assert (summary.total, summary.ok, summary.failed, summary.with_warnings) == (3, 2, 1, 1)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    else:
        rows = list(csv.DictReader(out.read_text().splitlines()))
    by_name = {Path(r["source"]).name: r for r in rows}
    assert str(by_name["a.png"]["ok"]) == "True" and by_name["a.png"]["merchant"] == "Corner Deli"
    assert str(by_name["b.png"]["ok"]) == "False" and "no JSON" in str(by_name["b.png"]["errors"])
    assert "total_mismatch" in str(by_name["c.png"]["warnings"])


def test_batch_keeps_going_when_a_file_raises(tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"

    def work(p: Path):  # type: ignore[no-untyped-def]
        raise FileNotFoundError(p)

    summary = run_batch([tmp_path / "gone.png"], work, JsonlSink(out))
    assert summary.failed == 1
    assert "FileNotFoundError" in json.loads(out.read_text())["errors"][0]
