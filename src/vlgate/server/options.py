"""Resolve vlgate's per-request options from the body, the headers and the model name.

Precedence for the mode: the body's ``vlgate.mode`` > ``X-Vlgate-Mode`` > the
model name (``instruct``, ``thinking``, a configured or served model name;
``auto`` leaves the choice to the router). Header values are validated like body
fields and errors name the header.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import Headers

from vlgate.errors import InvalidRequest, NotFound
from vlgate.modes import Mode
from vlgate.protocol import ChatCompletionRequest
from vlgate.routing.policy import Audience

_MODES = {"instruct": Mode.INSTRUCT, "thinking": Mode.THINKING}


@dataclass(slots=True, frozen=True)
class Options:
    requested_mode: Mode | None
    task: str | None
    audience: Audience | None
    latency_budget_ms: float | None
    include_reasoning: bool | None
    label: str | None


def mode_of_model(model: str, served: Mapping[str, Mode]) -> Mode | None:
    """``auto`` -> None; a mode name or a known model name -> its mode; else 404."""
    name = model.strip()
    low = name.lower()
    if low in ("auto", "vlgate", "default"):
        return None
    if low in _MODES:
        return _MODES[low]
    if name in served:
        return served[name]
    known = ", ".join(["auto", "instruct", "thinking", *sorted(served)])
    raise NotFound(
        f"the model {model!r} does not exist; use one of: {known}",
        param="model",
        code="model_not_found",
    )


def _header_mode(value: str) -> Mode | None:
    low = value.strip().lower()
    if low == "auto":
        return None
    if low not in _MODES:
        raise InvalidRequest(
            f"X-Vlgate-Mode must be auto, instruct or thinking, not {value!r}",
            param="X-Vlgate-Mode",
        )
    return _MODES[low]


def _header_budget(value: str) -> float:
    try:
        budget = float(value)
    except ValueError:
        budget = -1.0
    if not budget > 0 or budget != budget or budget == float("inf"):
        raise InvalidRequest(
            f"X-Vlgate-Latency-Budget-Ms must be a positive number of milliseconds, not {value!r}",
            param="X-Vlgate-Latency-Budget-Ms",
        )
    return budget


def _header_audience(value: str) -> Audience:
    try:
        return Audience(value.strip().lower())
    except ValueError:
        raise InvalidRequest(
            f"X-Vlgate-Audience must be interactive or reviewer, not {value!r}",
            param="X-Vlgate-Audience",
        ) from None


def resolve_options(
    req: ChatCompletionRequest, headers: Headers, served: Mapping[str, Mode]
) -> Options:
    body = req.vlgate
    mode: Mode | None
    if body is not None and body.mode is not None:
        mode = None if body.mode == "auto" else _MODES[body.mode]
    elif (h := headers.get("x-vlgate-mode")) is not None:
        mode = _header_mode(h)
    else:
        mode = None
    model_mode = mode_of_model(req.model, served)  # always validated: a bad name is a 404
    if mode is None and (body is None or body.mode is None) and "x-vlgate-mode" not in headers:
        mode = model_mode

    task = body.task if body and body.task else headers.get("x-vlgate-task") or None
    audience = body.audience if body and body.audience else None
    if audience is None and (h := headers.get("x-vlgate-audience")):
        audience = _header_audience(h)
    budget = body.latency_budget_ms if body and body.latency_budget_ms else None
    if budget is None and (h := headers.get("x-vlgate-latency-budget-ms")):
        budget = _header_budget(h)
    include = body.include_reasoning if body and body.include_reasoning is not None else None
    if include is None:
        include = req.include_reasoning
    return Options(
        requested_mode=mode,
        task=task.strip().lower() if task else None,
        audience=audience,
        latency_budget_ms=budget,
        include_reasoning=include,
        label=body.label if body else None,
    )
