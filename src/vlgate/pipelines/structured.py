"""Ask for JSON that validates against a pydantic model: send, parse, repair, retry once.

The pure half (``find_json``, ``repair_json``, ``parse_as``) turns a model's text
into a validated object or a list of readable errors; ``ask_structured`` does the
round trips. The schema always goes into the prompt (so a backend that ignores
``response_format`` still knows the fields); with ``strategy="json_schema"`` it is
also sent as ``response_format`` for engines with guided decoding (vLLM, SGLang).
A gateway that rejects ``response_format`` (400 naming it) is asked again without.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from vlgate.pipelines.client import Caller, Content, ModeName, Reply, text_part

T = TypeVar("T", bound=BaseModel)
Strategy = Literal["json_schema", "json_object", "prompt"]

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_PY_LITERALS = {"True": "true", "False": "false", "None": "null"}
_PY_LITERAL = re.compile(r"(?<![\"\w])(True|False|None)(?![\"\w])")
_SMART = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass(slots=True)
class Structured(Generic[T]):
    """The outcome of one structured ask: a valid value, or the errors of the last try."""

    value: T | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    attempts: int = 0
    repaired: bool = False  # the JSON needed local repair (fences, trailing commas, ...)
    replies: list[Reply] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.value is not None

    @property
    def request_ids(self) -> list[str]:
        return [r.request_id for r in self.replies]

    @property
    def cost_usd(self) -> float:
        return sum(r.cost_usd or 0.0 for r in self.replies)


# --- pure ----------------------------------------------------------------------------


def _balanced(text: str, start: int) -> str | None:
    """The JSON value opening at ``text[start]`` up to its matching bracket."""
    opener = text[start]
    closer = "}" if opener == "{" else "]"
    depth, in_str, escaped = 0, False, False
    for i in range(start, len(text)):
        ch = text[i]
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return None


def find_json(text: str) -> str | None:
    """The first complete JSON object or array in ``text`` (code fences preferred)."""
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    for i, ch in enumerate(text):
        if ch in "{[":
            found = _balanced(text, i)
            if found is not None:
                return found
    return None


def repair_json(text: str) -> str:
    """Fix the slips models make: smart quotes, trailing commas, Python literals."""
    text = text.translate(_SMART)
    text = _TRAILING_COMMA.sub(r"\1", text)
    return _PY_LITERAL.sub(lambda m: _PY_LITERALS[m.group(1)], text)


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(root)"


def validation_errors(exc: ValidationError) -> list[str]:
    return [f"{_loc(e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]


def parse_as(model: type[T], text: str) -> tuple[T | None, list[str], bool]:
    """``text`` -> (value, errors, repaired). Never raises on bad model output."""
    raw = find_json(text)
    if raw is None:
        return None, ["no JSON object found in the output"], False
    repaired = False
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        fixed = repair_json(raw)
        try:
            data = json.loads(fixed)
        except json.JSONDecodeError:
            return None, [f"invalid JSON: {exc.msg} at line {exc.lineno} col {exc.colno}"], False
        repaired = True
    try:
        return model.model_validate(data), [], repaired
    except ValidationError as exc:
        return None, validation_errors(exc), repaired


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def response_format_for(model: type[BaseModel], strategy: Strategy) -> dict[str, Any] | None:
    if strategy == "json_schema":
        name = re.sub(r"[^A-Za-z0-9_-]", "_", model.__name__)[:64]
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema_of(model)}}
    if strategy == "json_object":
        return {"type": "json_object"}
    return None


def schema_instruction(model: type[BaseModel]) -> str:
    schema = json.dumps(schema_of(model), separators=(",", ":"))
    return "Reply with one JSON object only, no prose, matching this JSON Schema:\n" + schema


def retry_instruction(previous: str, errors: list[str]) -> str:
    shown = previous if len(previous) <= 4000 else previous[:4000] + "…"
    listed = "\n".join(f"- {e}" for e in errors[:20])
    return (
        "Your previous reply was not valid for the schema.\nPrevious reply:\n"
        f"{shown}\nProblems:\n{listed}\n"
        "Reply again with the corrected JSON object only."
    )


# --- round trips --------------------------------------------------------------------


def _is_format_rejection(exc: Exception) -> bool:
    return getattr(exc, "status_code", None) == 400 and getattr(exc, "param", None) == (
        "response_format"
    )


def _send(
    caller: Caller,
    content: Content,
    *,
    strategy: Strategy,
    model: type[BaseModel],
    **kwargs: Any,
) -> tuple[Reply, Strategy]:
    fmt = response_format_for(model, strategy)
    try:
        return caller.call(content, response_format=fmt, **kwargs), strategy
    except Exception as exc:
        if fmt is None or not _is_format_rejection(exc):
            raise
        return caller.call(content, response_format=None, **kwargs), "prompt"


def ask_structured(
    caller: Caller,
    model: type[T],
    content: Content,
    *,
    mode: ModeName,
    task: str,
    system: str | None = None,
    strategy: Strategy = "json_schema",
    retries: int = 1,
    max_tokens: int | None = None,
    label: str | None = None,
    check: Callable[[T], list[str]] | None = None,
) -> Structured[T]:
    """Ask, validate, and ask again (with the errors) up to ``retries`` times.

    ``check`` adds rules the schema cannot state (a page number within the
    document, a timestamp within the video); what it returns counts as errors.
    """
    result: Structured[T] = Structured(value=None)
    prompt = [*content, text_part(schema_instruction(model))]
    for _ in range(retries + 1):
        reply, strategy = _send(
            caller, prompt, strategy=strategy, model=model, mode=mode, task=task,
            system=system, max_tokens=max_tokens, label=label,
        )  # fmt: skip
        result.replies.append(reply)
        result.attempts += 1
        value, errors, repaired = parse_as(model, reply.answer)
        if value is not None and check is not None and (errors := check(value)):
            value = None
        if reply.truncated and value is None:
            errors = [f"output truncated (finish_reason={reply.finish_reason})", *errors]
        result.value, result.errors, result.repaired = value, errors, repaired
        if value is not None:
            break
        prompt = [*content, text_part(schema_instruction(model))]
        prompt.append(text_part(retry_instruction(reply.answer, errors)))
    if result.repaired:
        result.warnings.append("json_repaired: the output needed local JSON repair")
    if result.attempts > 1 and result.ok:
        result.warnings.append(f"retried: valid on attempt {result.attempts}")
    return result
