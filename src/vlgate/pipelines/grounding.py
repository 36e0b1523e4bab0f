"""Grounding: parse Qwen3-VL's ``bbox_2d`` / ``point_2d`` output and draw it.

Qwen3-VL answers detection-style prompts with JSON such as
``[{"bbox_2d": [x1, y1, x2, y2], "label": "cat"}]`` or ``{"point_2d": [x, y]}``,
coordinates relative on a 0-1000 scale (pixels = v / 1000 * width or height).
``parse_grounding`` is pure and forgiving (code fences, one object per line,
swapped corners); entries it cannot use become warnings, never exceptions.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vlgate.pipelines.client import Caller, image_part, text_part
from vlgate.pipelines.structured import find_json, repair_json

SCALE = 1000.0


@dataclass(frozen=True, slots=True)
class Box:
    label: str
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True, slots=True)
class Point:
    label: str
    x: int
    y: int


@dataclass(slots=True)
class Grounding:
    boxes: list[Box] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "boxes": [vars_of(b) for b in self.boxes],
            "points": [vars_of(p) for p in self.points],
            "warnings": self.warnings,
            "request_ids": self.request_ids,
        }


def vars_of(obj: Box | Point) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in obj.__slots__}


_OBJECT = re.compile(r"\{[^{}]*\}")


def _items(text: str) -> list[Any]:
    raw = find_json(text)
    if raw is not None:
        for candidate in (raw, repair_json(raw)):
            try:
                data = json.loads(candidate)
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict) and not ({"bbox_2d", "point_2d"} & data.keys()):
                data = next((v for v in data.values() if isinstance(v, list)), [data])
            items = data if isinstance(data, list) else [data]
            if len(items) > 1 or raw.startswith("["):
                return items
            break
    out = []  # fall back: every {...} on its own (one object per line, truncated lists)
    for m in _OBJECT.finditer(text):
        try:
            out.append(json.loads(repair_json(m.group(0))))
        except json.JSONDecodeError:
            continue
    return out


def _scale(v: Any, size: int) -> int:
    return max(0, min(size, round(float(v) / SCALE * size)))


def _numbers(value: Any, n: int) -> list[float] | None:
    if not isinstance(value, list) or len(value) != n:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return None
    return [float(v) for v in value]


def parse_grounding(text: str, width: int, height: int) -> Grounding:
    """Model text -> boxes and points in pixels of a ``width`` x ``height`` image."""
    g = Grounding()
    for i, item in enumerate(_items(text)):
        if not isinstance(item, dict):
            g.warnings.append(f"item {i}: not an object")
            continue
        label = str(item.get("label", ""))
        if "bbox_2d" in item:
            v = _numbers(item["bbox_2d"], 4)
            if v is None:
                g.warnings.append(f"item {i}: bbox_2d must be 4 numbers, got {item['bbox_2d']!r}")
                continue
            x1, x2 = sorted((_scale(v[0], width), _scale(v[2], width)))
            y1, y2 = sorted((_scale(v[1], height), _scale(v[3], height)))
            if x1 == x2 or y1 == y2:
                g.warnings.append(f"item {i}: empty box")
                continue
            g.boxes.append(Box(label, x1, y1, x2, y2))
        elif "point_2d" in item:
            p = _numbers(item["point_2d"], 2)
            if p is None:
                g.warnings.append(f"item {i}: point_2d must be 2 numbers, got {item['point_2d']!r}")
                continue
            g.points.append(Point(label, _scale(p[0], width), _scale(p[1], height)))
        else:
            g.warnings.append(f"item {i}: neither bbox_2d nor point_2d")
    if not g.boxes and not g.points:
        g.warnings.append("nothing_found: no usable bbox_2d or point_2d in the output")
    return g


_COLOURS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6"]


def draw(image: bytes, g: Grounding) -> bytes:
    """The original image with boxes and points drawn on it, as PNG bytes."""
    from PIL import Image, ImageDraw

    with Image.open(io.BytesIO(image)) as im:
        canvas = im.convert("RGB")
    pen = ImageDraw.Draw(canvas)
    width = max(2, round(min(canvas.size) / 200))
    for n, b in enumerate(g.boxes):
        colour = _COLOURS[n % len(_COLOURS)]
        pen.rectangle((b.x1, b.y1, b.x2, b.y2), outline=colour, width=width)
        if b.label:
            pen.text((b.x1 + width, max(0, b.y1 - 12)), b.label, fill=colour)
    r = width * 2
    for n, p in enumerate(g.points):
        colour = _COLOURS[n % len(_COLOURS)]
        pen.ellipse((p.x - r, p.y - r, p.x + r, p.y + r), fill=colour)
        if p.label:
            pen.text((p.x + r + 2, p.y - r), p.label, fill=colour)
    out = io.BytesIO()
    canvas.save(out, "PNG")
    return out.getvalue()


def ground_prompt(target: str, kind: str) -> str:
    key = "point_2d" if kind == "point" else "bbox_2d"
    return (
        f"Locate every {target} in the image. Output a JSON list, one object per instance: "
        f'{{"{key}": [...], "label": "..."}} with coordinates relative on a 0-1000 scale.'
    )


def ground(
    caller: Caller,
    image: Path | bytes,
    target: str,
    *,
    kind: str = "box",
    task: str = "scene_description",
    label: str | None = None,
) -> tuple[Grounding, bytes]:
    """Ask Instruct to locate ``target``; returns the parse and the drawn PNG."""
    from PIL import Image

    data = image.read_bytes() if isinstance(image, Path) else image
    with Image.open(io.BytesIO(data)) as im:
        width, height = im.size
    reply = caller.call(
        [image_part(image), text_part(ground_prompt(target, kind))],
        mode="instruct", task=task, label=label, max_tokens=2048,
    )  # fmt: skip
    g = parse_grounding(reply.answer, width, height)
    g.request_ids.append(reply.request_id)
    if reply.truncated:
        g.warnings.append("truncated: the output stopped on its token budget")
    return g, draw(data, g)
