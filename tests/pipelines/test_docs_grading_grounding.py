"""Documents (PDF), MCQ grading and grounding through a real vlgate."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from vlgate.media.bench import blank_pdf
from vlgate.pipelines import documents as docs
from vlgate.pipelines.client import Gateway
from vlgate.pipelines.grading import SheetReading, grade_sheet, load_key, score
from vlgate.pipelines.grounding import Box, Point, draw, ground, parse_grounding
from vlgate.testing.fake_engine import Script


def think(trace: str, answer: Any) -> str:
    return f"<think>\n{trace}\n</think>\n\n{json.dumps(answer)}"


def test_ask_cites_pages_and_retries_a_page_that_does_not_exist(stack: Any, gw: Gateway) -> None:
    stack.thk.push(
        Script(reply=think("p2 says 30 days", {"answer": "30 days", "pages": [2, 7]})),
        Script(reply=think("only 3 pages", {"answer": "30 days", "pages": [2]})),
    )
    res = docs.ask(gw, blank_pdf(3), "What is the notice period?")
    assert res.value is not None and res.value.pages == [2] and res.pages == 3
    assert res.reasoning == "only 3 pages"
    first = stack.thk.requests[-2]["messages"][-1]["content"]
    assert [p["text"] for p in first if p["type"] == "text"][:3] == [
        "Page 1:",
        "Page 2:",
        "Page 3:",
    ]
    assert "pages[1]: page 7 does not exist (the document has 3 pages)" in json.dumps(
        stack.thk.requests[-1]["messages"]
    )
    assert gw.traces.replies[-1].task == "cross_page_documents"


def test_contradictions_across_pages(stack: Any, gw: Gateway) -> None:
    found = {"contradictions": [{"statement_a": "fee 5%", "page_a": 1, "statement_b": "fee 7%",
                                 "page_b": 2, "explanation": "two fees"}]}  # fmt: skip
    stack.thk.push(Script(reply=think("compare fees", found)))
    res = docs.contradictions(gw, blank_pdf(2))
    assert res.value is not None and res.value.contradictions[0].page_b == 2
    assert res.to_dict()["ok"] is True and res.to_dict()["reasoning"] == "compare fees"
    assert gw.traces.replies[-1].mode == "thinking"


def test_extract_fields_with_pages(stack: Any, gw: Gateway) -> None:
    got = {"fields": {"invoice_number": {"value": "INV-7", "page": 1},
                      "due_date": {"value": None, "page": None}}}  # fmt: skip
    stack.ins.push(Script(reply=json.dumps(got)))
    res = docs.extract_fields(gw, blank_pdf(1), ["invoice_number", "due_date", "iban"])
    assert res.value is not None and res.value.fields["invoice_number"].value == "INV-7"
    assert res.warnings == ["fields_missing: iban", "fields_not_found: due_date"]
    assert stack.ins.requests[-1]["response_format"]["type"] == "json_schema"
    assert gw.traces.replies[-1].task == "field_extraction"


def test_classify_rejects_a_label_outside_the_set(stack: Any, gw: Gateway) -> None:
    stack.ins.push(
        Script(reply=json.dumps({"label": "memo"})),
        Script(reply=json.dumps({"label": "invoice", "pages": [1]})),
    )
    res = docs.classify(gw, blank_pdf(1), ["invoice", "contract"])
    assert res.value is not None and res.value.label == "invoice"
    assert "label: 'memo' is not one of" in json.dumps(stack.ins.requests[-1]["messages"])


# --- grading ------------------------------------------------------------------------


def test_load_key_json_and_csv(tmp_path: Path) -> None:
    (tmp_path / "k.json").write_text('{"1": "b", "2": "C"}')
    (tmp_path / "k.csv").write_text("question,answer\n1,b\n2,C\n")
    (tmp_path / "h.csv").write_text("1,B\n2,C\n")
    for name in ("k.json", "k.csv", "h.csv"):
        assert load_key(tmp_path / name) == {"1": "B", "2": "C"}


def test_scoring_is_pure_code() -> None:
    reading = SheetReading.model_validate(
        {"student": "S1", "answers": {"Q1": "(b)", "2": "a", "3": None, "9": "D"}}
    )
    s = score(reading, {"1": "B", "2": "C", "3": "D", "4": "A"})
    assert (s.correct, s.total, s.percent) == (1, 4, 25.0)
    assert s.wrong == {"2": "A"} and s.blank == ["3", "4"] and s.unexpected == ["9"]


def test_grade_sheet(stack: Any, gw: Gateway, png: Callable[..., bytes]) -> None:
    stack.ins.push(Script(reply=json.dumps({"student": "Ann", "answers": {"1": "B", "2": "B"}})))
    res = grade_sheet(gw, png(), {"1": "B", "2": "C", "3": "A"})
    assert res.value is not None and res.value.score is not None
    assert res.value.score.correct == 1 and res.value.score.blank == ["3"]
    assert res.warnings == ["blank_or_ambiguous: 3"]
    assert gw.traces.replies[-1].task == "grading" and gw.traces.replies[-1].mode == "instruct"


# --- grounding ----------------------------------------------------------------------


def test_parse_boxes_and_points_to_pixels() -> None:
    text = (
        "```json\n[\n"
        '  {"bbox_2d": [100, 200, 500, 600], "label": "cat"},\n'
        '  {"bbox_2d": [900, 900, 800, 800], "label": "swapped"},\n'
        '  {"point_2d": [500, 500], "label": "nose"},\n'
        '  {"bbox_2d": [1, 2, 3], "label": "bad"},\n'
        "]\n```"
    )
    g = parse_grounding(text, 640, 480)
    assert g.boxes == [Box("cat", 64, 96, 320, 288), Box("swapped", 512, 384, 576, 432)]
    assert g.points == [Point("nose", 320, 240)]
    assert g.warnings == ["item 3: bbox_2d must be 4 numbers, got [1, 2, 3]"]


def test_parse_one_object_per_line_and_clamps() -> None:
    text = '{"bbox_2d": [0, 0, 1200, 500], "label": "a"}\n{"point_2d": [10, 20]}'
    g = parse_grounding(text, 100, 100)
    assert g.boxes == [Box("a", 0, 0, 100, 50)] and g.points == [Point("", 1, 2)]
    assert parse_grounding("I see a cat.", 10, 10).warnings == [
        "nothing_found: no usable bbox_2d or point_2d in the output"
    ]


def test_draw_marks_the_box_on_the_original_size(png: Callable[..., bytes]) -> None:
    g = parse_grounding('[{"bbox_2d": [250, 250, 750, 750], "label": "x"}]', 200, 100)
    out = Image.open(io.BytesIO(draw(png(200, 100), g)))
    assert out.format == "PNG" and out.size == (200, 100)
    assert out.getpixel((50, 50)) != (255, 255, 255)  # on the box's top-left corner
    assert out.getpixel((100, 50)) == (255, 255, 255)  # inside: untouched


def test_ground_end_to_end(stack: Any, gw: Gateway, png: Callable[..., bytes]) -> None:
    stack.ins.push(Script(reply='[{"bbox_2d": [0, 0, 500, 500], "label": "sign"}]'))
    g, drawn = ground(gw, png(400, 200), "stop sign")
    assert g.boxes == [Box("sign", 0, 0, 200, 100)] and g.request_ids
    assert Image.open(io.BytesIO(drawn)).size == (400, 200)
    assert "stop sign" in json.dumps(stack.ins.requests[-1]["messages"])


@pytest.mark.parametrize("kind,key", [("box", "bbox_2d"), ("point", "point_2d")])
def test_ground_prompt_names_the_format(kind: str, key: str) -> None:
    from vlgate.pipelines.grounding import ground_prompt

    assert key in ground_prompt("cats", kind) and "0-1000" in ground_prompt("cats", kind)
