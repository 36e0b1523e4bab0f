"""Long video summary (Thinking): 1 fps key frames -> chunks -> notes -> one summary.

Frames are sampled client-side with ``vlgate.media.video.decode_video`` and sent
as images, each preceded by its absolute ``<t seconds>`` marker. Chosen over
sending ``video_url`` chunks because (1) a chunk needs no re-encoding, (2) every
frame keeps its true timestamp (a cut clip would restart at 0 s), and (3) the
chunk size is plain arithmetic on image tokens. Cost: frames are not merged in
pairs as video patches are, so a frame costs about twice a video frame's tokens;
frames are scaled down to ``frame_max_side`` to compensate.

Plan (pure): frames per chunk = min(gateway image limit, token budget / frame
tokens); consecutive chunks share ``overlap`` frames so an event on a boundary
is seen whole. A video that fits one chunk is summarised in one call; a longer
one is map-reduced: notes per chunk, then a text-only Thinking call that writes
the 5-8 timestamped sections, claims with evidence and open questions.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from vlgate.media.config import MediaSettings
from vlgate.media.tokens import image_tokens
from vlgate.pipelines.client import Caller, Content, data_url, text_part
from vlgate.pipelines.structured import ask_structured

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is "frames" or "chunks"."""


@dataclass(frozen=True, slots=True)
class Frame:
    t: float  # seconds from the start
    jpeg: bytes
    width: int
    height: int


@dataclass(slots=True)
class VideoOptions:
    fps: float = 1.0
    frame_max_side: int = 448
    max_images_per_request: int = 16  # the gateway's media.max_images
    chunk_token_budget: int = 24_000  # visual tokens per chunk request
    overlap: int = 2  # frames shared by consecutive chunks
    max_frames: int = 3600
    label: str | None = None


class Event(BaseModel):
    model_config = ConfigDict(extra="ignore")
    t: float = Field(description="seconds from the start of the video")
    description: str


class ChunkNotes(BaseModel):
    model_config = ConfigDict(extra="ignore")
    events: list[Event]
    open_questions: list[str] = Field(default_factory=list)


class Section(BaseModel):
    model_config = ConfigDict(extra="ignore")
    start_s: float
    heading: str = Field(min_length=1)


class Evidence(BaseModel):
    model_config = ConfigDict(extra="ignore")
    t: float
    observation: str


class Claim(BaseModel):
    model_config = ConfigDict(extra="ignore")
    claim: str
    evidence: list[Evidence] = Field(min_length=1)


class VideoSummary(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sections: list[Section] = Field(min_length=5, max_length=8)
    claims: list[Claim]
    open_questions: list[str]


@dataclass(slots=True)
class SummaryResult:
    duration_s: float
    frames: int
    chunks: list[tuple[int, int]]
    summary: VideoSummary | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)  # one trace per call, in order
    request_ids: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        if self.summary is None:
            return "Summary failed: " + "; ".join(self.errors)
        out = ["## Sections"]
        out += [f"- [{clock(s.start_s)}] {s.heading}" for s in self.summary.sections]
        out.append("\n## Claims")
        for c in self.summary.claims:
            ev = "; ".join(f"{clock(e.t)} {e.observation}" for e in c.evidence)
            out.append(f"- {c.claim} (evidence: {ev})")
        out.append("\n## Open questions")
        out += [f"- {q}" for q in self.summary.open_questions]
        return "\n".join(out)


# --- pure planning ----------------------------------------------------------------


def clock(seconds: float) -> str:
    s = round(seconds)
    return (
        f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


def frames_per_chunk(frame_tokens: int, options: VideoOptions) -> int:
    """How many frames one request may carry: the image limit or the token budget."""
    by_budget = options.chunk_token_budget // max(1, frame_tokens + 2)
    n = min(options.max_images_per_request, by_budget)
    if n < 2:
        raise ValueError(f"a chunk holds {n} frame(s): raise chunk_token_budget or shrink frames")
    return n


def plan_chunks(n_frames: int, per_chunk: int, overlap: int) -> list[tuple[int, int]]:
    """[start, end) frame ranges covering every frame; neighbours share ``overlap``."""
    if not 0 <= overlap < per_chunk:
        raise ValueError(f"overlap must be in [0, {per_chunk}), not {overlap}")
    if n_frames <= per_chunk:
        return [(0, n_frames)] if n_frames else []
    step = per_chunk - overlap
    chunks, start = [], 0
    while True:
        end = min(start + per_chunk, n_frames)
        chunks.append((start, end))
        if end == n_frames:
            return chunks
        start += step


def summary_problems(summary: VideoSummary, duration_s: float) -> list[str]:
    """Rules the schema cannot state: times inside the video, sections in order."""
    slack = 1.0
    out: list[str] = []
    starts = [s.start_s for s in summary.sections]
    if starts != sorted(starts):
        out.append("sections: start_s must ascend")
    for i, s in enumerate(summary.sections):
        if not 0 <= s.start_s <= duration_s + slack:
            out.append(f"sections[{i}].start_s: {s.start_s} is outside 0-{duration_s:.1f} s")
    for i, c in enumerate(summary.claims):
        for j, e in enumerate(c.evidence):
            if not 0 <= e.t <= duration_s + slack:
                out.append(f"claims[{i}].evidence[{j}].t: {e.t} is outside 0-{duration_s:.1f} s")
    return out


# --- frames -------------------------------------------------------------------------


def sample_frames(
    data: bytes, options: VideoOptions, on_progress: Callable[[int, int], None] | None = None
) -> tuple[list[Frame], float]:
    """Decode ``data`` to key frames at ``options.fps`` -> (frames, duration_s)."""
    from PIL import Image

    from vlgate.media.video import decode_video

    settings = MediaSettings(
        video_fps=options.fps,
        video_max_frames=options.max_frames,
        video_max_pixels=options.max_frames * 1024 * 1024,
    )
    video = decode_video(data, settings=settings, param="video", on_progress=on_progress)
    frames = []
    for f in video.frames:
        with Image.open(io.BytesIO(f.data)) as im:
            rgb = im.convert("RGB")
        rgb.thumbnail((options.frame_max_side, options.frame_max_side))
        buf = io.BytesIO()
        rgb.save(buf, "JPEG", quality=85)
        frames.append(Frame(f.timestamp or 0.0, buf.getvalue(), rgb.width, rgb.height))
    return frames, video.duration_s


def frame_content(frames: list[Frame]) -> Content:
    out: Content = []
    for f in frames:
        out.append(text_part(f"<{f.t:.1f} seconds>"))
        out.append({"type": "image_url", "image_url": {"url": data_url(f.jpeg, "image/jpeg")}})
    return out


# --- calls --------------------------------------------------------------------------

SUMMARY_PROMPT = (
    "Summarise this video ({duration:.0f} s). Each frame is preceded by its time in "
    "seconds. Give 5 to 8 sections with their start time and a short heading, the main "
    "claims with the timestamped frames that support each, and open questions the "
    "video leaves unanswered."
)
NOTES_PROMPT = (
    "These frames are {start:.1f}-{end:.1f} s of a {duration:.0f}-s video, each preceded "
    "by its time in seconds. List the events you see with their times, and open questions."
)
REDUCE_PROMPT = (
    "Below are timestamped notes on consecutive parts of one {duration:.0f}-s video "
    "(parts overlap slightly). Write the summary: 5 to 8 sections with start times and "
    "headings, claims with timestamped evidence taken from the notes, and open "
    "questions.\n\nNotes:\n{notes}"
)


def summarize_frames(
    caller: Caller,
    frames: list[Frame],
    duration_s: float,
    options: VideoOptions | None = None,
    progress: Progress | None = None,
) -> SummaryResult:
    """The pipeline after sampling: plan, map (chunks), reduce, validate."""
    o = options or VideoOptions()
    if not frames:
        return SummaryResult(duration_s, 0, [], None, errors=["the video gave no frames"])
    ms = MediaSettings()
    tokens = image_tokens(
        frames[0].width, frames[0].height, min_pixels=ms.min_pixels, max_pixels=ms.max_pixels
    )
    chunks = plan_chunks(len(frames), frames_per_chunk(tokens, o), o.overlap)
    result = SummaryResult(duration_s, len(frames), chunks, None)

    def check(s: VideoSummary) -> list[str]:
        return summary_problems(s, duration_s)

    common: dict[str, Any] = {"mode": "thinking", "task": "video_summary", "label": o.label,
                              "strategy": "prompt"}  # fmt: skip
    if len(chunks) == 1:
        content = [*frame_content(frames), text_part(SUMMARY_PROMPT.format(duration=duration_s))]
        final = ask_structured(caller, VideoSummary, content, check=check, **common)
    else:
        notes: list[dict[str, Any]] = []
        for n, (a, b) in enumerate(chunks, 1):
            part = frames[a:b]
            prompt = NOTES_PROMPT.format(start=part[0].t, end=part[-1].t, duration=duration_s)
            got = ask_structured(caller, ChunkNotes, [*frame_content(part), text_part(prompt)],
                                 **common)  # fmt: skip
            _absorb(result, got.replies, got.warnings)
            if got.value is None:
                result.warnings.append(f"chunk_failed: {part[0].t:.0f}-{part[-1].t:.0f} s: "
                                       + "; ".join(got.errors))  # fmt: skip
            else:
                notes.append({"from_s": part[0].t, "to_s": part[-1].t,
                              **got.value.model_dump()})  # fmt: skip
            if progress is not None:
                progress("chunks", n, len(chunks) + 1)
        text = REDUCE_PROMPT.format(duration=duration_s, notes=json.dumps(notes, indent=1))
        final = ask_structured(caller, VideoSummary, [text_part(text)], check=check, **common)
    _absorb(result, final.replies, final.warnings)
    result.summary, result.errors = final.value, list(final.errors)
    if progress is not None:
        progress("chunks", len(chunks) + (len(chunks) > 1), len(chunks) + (len(chunks) > 1))
    return result


def _absorb(result: SummaryResult, replies: list[Any], warnings: list[str]) -> None:
    result.reasoning.extend(r.reasoning for r in replies)
    result.request_ids.extend(r.request_id for r in replies)
    result.warnings.extend(warnings)
    if any(r.truncated for r in replies):
        result.warnings.append("reasoning_truncated: a call stopped on its token budget")


def summarize_video(
    caller: Caller,
    data: bytes,
    options: VideoOptions | None = None,
    progress: Progress | None = None,
) -> SummaryResult:
    o = options or VideoOptions()

    def on_frames(done: int, total: int) -> None:
        if progress is not None:
            progress("frames", done, total)

    frames, duration = sample_frames(data, o, on_frames)
    return summarize_frames(caller, frames, duration, o, progress)
