"""Second opinion, tutoring and the video summary through vlgate's Thinking route."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from vlgate.pipelines.client import Gateway
from vlgate.pipelines.grading import tutor
from vlgate.pipelines.second_opinion import DISCLAIMER, second_opinion
from vlgate.pipelines.video import (
    Frame,
    VideoOptions,
    VideoSummary,
    frames_per_chunk,
    plan_chunks,
    summarize_frames,
    summarize_video,
    summary_problems,
)
from vlgate.testing.fake_engine import Script

ITEMS = ["pneumothorax", "cardiac_silhouette", "opacities", "pleural_effusion", "lines_and_devices"]


def think(trace: str, answer: Any) -> str:
    body = answer if isinstance(answer, str) else json.dumps(answer)
    return f"<think>\n{trace}\n</think>\n\n{body}"


def assessment(confidence: str = "moderate", items: list[str] = ITEMS) -> dict[str, Any]:
    findings = [{"item": k, "status": "absent", "side": "none", "detail": ""} for k in items]
    findings[0] = {"item": items[0], "status": "present", "side": "right", "detail": "apical"}
    return {"findings": findings, "differential": ["spontaneous pneumothorax"],
            "confidence": confidence, "confidence_note": "AP film, rotated"}  # fmt: skip


def test_second_opinion_keeps_trace_disclaimer_and_review_flag(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    stack.thk.push(Script(reply=think("Right apex: visible pleural line.", assessment())))
    res = second_opinion(gw, png(), context="sudden dyspnoea")
    assert res.assessment is not None and res.assessment.findings[0].side == "right"
    assert res.reasoning == "Right apex: visible pleural line."
    assert res.human_review_required and res.disclaimer == DISCLAIMER
    assert res.review_reasons == ["positive_findings: pneumothorax"]
    sent = stack.thk.requests[-1]
    assert "response_format" not in sent  # Thinking: schema in the prompt, validated on return
    assert "sudden dyspnoea" in json.dumps(sent["messages"])
    assert (
        gw.traces.replies[-1].mode == "thinking" and gw.traces.replies[-1].task == "second_opinion"
    )
    assert res.to_dict()["human_review_required"] is True


def test_second_opinion_flags_missing_items_and_low_confidence(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    stack.thk.push(Script(reply=think("Hard to say.", assessment("low", ITEMS[:3]))))
    res = second_opinion(gw, png())
    kinds = [r.split(":")[0] for r in res.review_reasons]
    assert kinds == ["checklist_incomplete", "low_confidence", "positive_findings"]
    assert "pleural_effusion, lines_and_devices" in res.review_reasons[0]


def test_second_opinion_truncated_trace_then_failure_is_reported(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    stack.thk.push(
        Script(reply="<think>\nFirst the lungs. Then the", finish="length"),
        Script(reply="<think>\nAgain the lungs", finish="length"),
    )
    res = second_opinion(gw, png())
    assert res.assessment is None and res.human_review_required
    assert res.reasoning == "Again the lungs" and res.reasoning_truncated
    assert res.errors[0] == "output truncated (finish_reason=length)"
    kinds = [r.split(":")[0] for r in res.review_reasons]
    assert kinds == ["no_valid_assessment", "reasoning_truncated"]
    assert len(res.request_ids) == 2


def test_unknown_checklist_is_refused(gw: Gateway, png: Callable[..., bytes]) -> None:
    with pytest.raises(ValueError, match="chest_xray"):
        second_opinion(gw, png(), checklist="knee_mri")


def test_tutor_renders_the_reasoning_as_teaching(
    stack: Any, gw: Gateway, png: Callable[..., bytes]
) -> None:
    stack.thk.push(
        Script(reply=think("Area of a triangle is half base times height.\n3*4/2 = 6", "6 cm²"))
    )
    sol = tutor(gw, png(), note="why half?")
    md = sol.markdown()
    assert "> Area of a triangle is half base times height.\n> 3*4/2 = 6" in md
    assert md.rstrip().endswith("6 cm²") and not sol.truncated
    assert gw.traces.replies[-1].task == "tutoring"


# --- video --------------------------------------------------------------------------


def test_chunk_plan_covers_every_frame_with_overlap() -> None:
    assert plan_chunks(0, 16, 2) == []
    assert plan_chunks(10, 16, 2) == [(0, 10)]
    chunks = plan_chunks(40, 16, 2)
    assert chunks == [(0, 16), (14, 30), (28, 40)]
    covered = {i for a, b in chunks for i in range(a, b)}
    assert covered == set(range(40))
    with pytest.raises(ValueError):
        plan_chunks(40, 4, 4)
    opts = VideoOptions(chunk_token_budget=2000, max_images_per_request=16)
    assert frames_per_chunk(196, opts) == 10  # 2000 // 198
    assert frames_per_chunk(64, opts) == 16  # the image limit


def _summary(times: list[float]) -> dict[str, Any]:
    return {
        "sections": [{"start_s": t, "heading": f"Part {i}"} for i, t in enumerate(times)],
        "claims": [{"claim": "A car turns left", "evidence": [{"t": times[1], "observation": "blinker"}]}],
        "open_questions": ["Who is driving?"],
    }  # fmt: skip


def test_summary_rules_beyond_the_schema() -> None:
    ok = VideoSummary.model_validate(_summary([0, 5, 10, 15, 20]))
    assert summary_problems(ok, 25.0) == []
    bad = VideoSummary.model_validate(_summary([0, 50, 10, 15, 20]))
    assert summary_problems(bad, 25.0) == [
        "sections: start_s must ascend",
        "sections[1].start_s: 50.0 is outside 0-25.0 s",
        "claims[0].evidence[0].t: 50.0 is outside 0-25.0 s",
    ]


def _frames(n: int) -> list[Frame]:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buf, "JPEG")
    return [Frame(float(i), buf.getvalue(), 64, 48) for i in range(n)]


def test_long_video_is_map_reduced_with_timestamps(stack: Any, gw: Gateway) -> None:
    notes = {"events": [{"t": 3.0, "description": "door opens"}], "open_questions": []}
    stack.thk.push(
        Script(reply=think("chunk 1", notes)),
        Script(reply=think("chunk 2", "not json at all")),  # a bad chunk is retried once
        Script(reply=think("chunk 2 again", notes)),
        Script(reply=think("reduce", _summary([0, 4, 8, 12, 99]))),  # out of range -> retry
        Script(reply=think("reduce again", _summary([0, 4, 8, 12, 16]))),
    )
    opts = VideoOptions(max_images_per_request=12, overlap=2)
    seen: list[tuple[str, int, int]] = []
    res = summarize_frames(gw, _frames(20), 20.0, opts, lambda *a: seen.append(a))
    assert res.chunks == [(0, 12), (10, 20)]
    assert res.summary is not None and [s.start_s for s in res.summary.sections][-1] == 16
    assert seen[-1] == ("chunks", 3, 3)
    first_chunk = stack.thk.requests[-5]["messages"][-1]["content"]
    markers = [p["text"] for p in first_chunk if p["type"] == "text" and p["text"].startswith("<")]
    assert markers[:2] == ["<0.0 seconds>", "<1.0 seconds>"] and len(markers) == 12
    second_chunk = stack.thk.requests[-4]["messages"][-1]["content"]
    assert second_chunk[0]["text"] == "<10.0 seconds>"  # overlap: frames 10-11 seen twice
    reduce_retry = json.dumps(stack.thk.requests[-1]["messages"])
    assert "99.0 is outside 0-20.0 s" in reduce_retry
    assert res.reasoning == ["chunk 1", "chunk 2", "chunk 2 again", "reduce", "reduce again"]
    assert "## Sections\n- [0:00] Part 0" in res.markdown()


def test_video_file_end_to_end_in_one_chunk(stack: Any, gw: Gateway) -> None:
    from vlgate.media.bench import clip

    data = clip(seconds=6, fps=10, size=(320, 240))
    stack.thk.push(Script(reply=think("a pan", _summary([0, 1, 2, 3, 4]))))
    res = summarize_video(gw, data)
    assert res.frames == 6 and res.chunks == [(0, 6)]
    assert res.summary is not None and res.errors == []
    images = [
        p for p in stack.thk.requests[-1]["messages"][-1]["content"] if p["type"] == "image_url"
    ]
    assert len(images) == 6


def test_video_summary_with_too_few_sections_fails_cleanly(stack: Any, gw: Gateway) -> None:
    short = _summary([0, 4])
    stack.thk.push(Script(reply=think("a", short)), Script(reply=think("b", short)))
    res = summarize_frames(gw, _frames(4), 4.0)
    assert res.summary is None
    assert res.errors == ["sections: List should have at least 5 items after validation, not 2"]
    assert res.markdown().startswith("Summary failed: sections")
