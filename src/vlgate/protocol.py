"""The OpenAI chat-completions wire format: request models, response builders.

This is the edge adapter: requests are validated here into typed models (errors
name the offending field as a ``param`` path such as
``messages[0].content[1].image_url.url``) and translated to internal types by
``server.intake``; responses and stream chunks are built here as plain dicts
serialised with orjson.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, model_validator

from vlgate.errors import InvalidRequest
from vlgate.routing.policy import Audience
from vlgate.types import Usage

# --- request ----------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TextContent(_Lenient):
    type: Literal["text"]
    text: str


class ImageURL(_Lenient):
    url: str = Field(min_length=1)
    detail: Literal["auto", "low", "high"] | None = None


class ImageContent(_Lenient):
    type: Literal["image_url"]
    image_url: ImageURL


class VideoURL(_Lenient):
    url: str = Field(min_length=1)


class VideoContent(_Lenient):
    type: Literal["video_url"]
    video_url: VideoURL


class FileData(_Lenient):
    file_data: str | None = Field(None, description="a data: URL or base64 of a PDF")
    filename: str | None = None
    file_id: str | None = None


class FileContent(_Lenient):
    type: Literal["file"]
    file: FileData


ContentPart = Annotated[
    TextContent | ImageContent | VideoContent | FileContent, Field(discriminator="type")
]


_TOOL_NAME = r"^[A-Za-z0-9_.\-]{1,64}$"


class FunctionCall(_Lenient):
    name: str = Field(min_length=1)
    arguments: str | dict[str, Any] = Field(
        "{}", description="JSON text (an object is accepted and serialised)"
    )

    def arguments_text(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return orjson.dumps(self.arguments).decode()


class ToolCall(_Lenient):
    id: str = Field(min_length=1)
    type: Literal["function"] = "function"
    function: FunctionCall

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.function.name, "arguments": self.function.arguments_text()},
        }


class FunctionDef(_Lenient):
    name: str = Field(pattern=_TOOL_NAME)
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class ToolDef(_Lenient):
    type: Literal["function"]
    function: FunctionDef


class NamedFunction(_Lenient):
    name: str = Field(min_length=1)


class NamedToolChoice(_Lenient):
    type: Literal["function"]
    function: NamedFunction


class Message(_Lenient):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None
    name: str | None = None
    reasoning_content: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None


class VlgateOptions(_Strict):
    """vlgate's own per-request options (OpenAI SDK: ``extra_body={"vlgate": {...}}``)."""

    mode: Literal["auto", "instruct", "thinking"] | None = None
    task: str | None = Field(None, min_length=1, max_length=64)
    audience: Audience | None = None
    latency_budget_ms: float | None = Field(None, gt=0)
    include_reasoning: bool | None = None
    label: str | None = Field(None, max_length=128, description="A/B label kept in the audit")


class StreamOptions(_Lenient):
    include_usage: bool = False


class ResponseFormat(_Lenient):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _schema_given(self) -> ResponseFormat:
        if self.type == "json_schema" and not self.json_schema:
            raise ValueError("type 'json_schema' needs a json_schema object")
        return self


class ChatCompletionRequest(_Lenient):
    model: str = Field(min_length=1)
    messages: list[Message] = Field(min_length=1)
    stream: StrictBool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    top_k: int | None = Field(None, ge=-1)
    presence_penalty: float | None = Field(None, ge=-2, le=2)
    frequency_penalty: float | None = Field(None, ge=-2, le=2)
    repetition_penalty: float | None = Field(None, gt=0, le=2)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    stop: str | list[str] | None = None
    seed: int | None = None
    n: int | None = Field(None, ge=1, le=1, description="only n=1 is supported")
    response_format: ResponseFormat | None = None
    tools: list[ToolDef] | None = None
    tool_choice: Literal["none", "auto", "required"] | NamedToolChoice | None = None
    parallel_tool_calls: bool | None = None
    user: str | None = None
    include_reasoning: bool | None = None
    vlgate: VlgateOptions | None = None
    # Accepted only when off: vlgate returns no log-probabilities and applies no bias,
    # and silently ignoring a request for them would hand back wrong data.
    logprobs: bool | None = None
    top_logprobs: int | None = None
    logit_bias: dict[str, float] | None = None


_UNION_LABELS = {"str", "int", "float", "bool", "none", "list", "dict"}


def param_path(loc: tuple[int | str, ...]) -> str:
    """``('messages', 0, 'content', 'list[...]', 1, 'image_url', 'image_url', 'url')``
    -> ``messages[0].content[1].image_url.url``."""
    parts: list[int | str] = [
        p
        for p in loc
        if isinstance(p, int)
        or ("[" not in p and p not in _UNION_LABELS and not p[:1].isupper())  # class: a union tag
    ]
    out = ""
    for i, p in enumerate(parts):
        if isinstance(p, int):
            out += f"[{p}]"
        elif i + 1 < len(parts) and parts[i + 1] == p:
            continue  # a union tag followed by the field of the same name
        else:
            out += f".{p}" if out else p
    return out


def _error_from_validation(exc: ValidationError) -> InvalidRequest:
    errors = exc.errors(include_url=False)
    best = max(errors, key=lambda e: len(param_path(e["loc"])))
    where = param_path(best["loc"]) or None
    message = best["msg"]
    if best["type"] == "union_tag_invalid":
        message = f"unsupported content part type: {best['msg']}"
    elif best["type"] == "extra_forbidden":
        message = f"unknown field {where!r}"
    elif best["type"] == "less_than_equal" and where == "n":
        message = "only n=1 is supported"
    return InvalidRequest(f"{where}: {message}" if where else message, param=where)


def parse_request(body: bytes) -> ChatCompletionRequest:
    """Bytes of a request body -> a validated request, or InvalidRequest naming the field."""
    if not body:
        raise InvalidRequest("the request body is empty; expected a JSON object")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidRequest("the request body must be a JSON object")
    try:
        req = ChatCompletionRequest.model_validate(data)
    except ValidationError as exc:
        raise _error_from_validation(exc) from None
    check_tools(req)
    check_unsupported(req)
    return req


def check_unsupported(req: ChatCompletionRequest) -> None:
    """OpenAI fields vlgate cannot honour: a clear 400 instead of a silent no-op."""
    for name, value in (
        ("logprobs", req.logprobs),
        ("top_logprobs", req.top_logprobs),
        ("logit_bias", req.logit_bias),
    ):
        if value:
            raise InvalidRequest(
                f"{name} is not supported by vlgate; leave it unset",
                param=name,
                code="unsupported_parameter",
            )
    for i, m in enumerate(req.messages):
        if m.role == "assistant" and m.content is None and not m.tool_calls:
            raise InvalidRequest(
                f"messages[{i}]: an assistant message needs content or tool_calls",
                param=f"messages[{i}].content",
            )


def check_tools(req: ChatCompletionRequest) -> None:
    """What the field types cannot say: a tool turn names the call it answers, that
    call was made, and ``tool_choice`` picks a declared tool."""
    declared = {t.function.name for t in req.tools or ()}
    if len(declared) != len(req.tools or ()):
        raise InvalidRequest("tools: two tools share a name", param="tools")
    choice = req.tool_choice
    if isinstance(choice, NamedToolChoice) and choice.function.name not in declared:
        raise InvalidRequest(
            f"tool_choice names {choice.function.name!r}, which is not among the tools",
            param="tool_choice.function.name",
        )
    if choice == "required" and not declared:
        raise InvalidRequest("tool_choice 'required' needs tools", param="tool_choice")
    made: set[str] = set()
    for i, m in enumerate(req.messages):
        if m.tool_calls and m.role != "assistant":
            raise InvalidRequest(
                f"messages[{i}]: only assistant messages carry tool_calls",
                param=f"messages[{i}].tool_calls",
            )
        made.update(c.id for c in m.tool_calls or ())
        if m.role == "tool":
            if not m.tool_call_id:
                raise InvalidRequest(
                    f"messages[{i}]: a tool message needs tool_call_id",
                    param=f"messages[{i}].tool_call_id",
                )
            if m.tool_call_id not in made:
                raise InvalidRequest(
                    f"messages[{i}].tool_call_id {m.tool_call_id!r} answers no earlier tool call",
                    param=f"messages[{i}].tool_call_id",
                )


# --- response ---------------------------------------------------------------------


def usage_dict(usage: Usage) -> dict[str, Any]:
    out: dict[str, Any] = {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }
    if usage.reasoning_tokens is not None:
        out["completion_tokens_details"] = {"reasoning_tokens": usage.reasoning_tokens}
    return out


def completion(
    *,
    request_id: str,
    created: int,
    model: str,
    answer: str,
    reasoning: str | None,
    finish_reason: str,
    usage: Usage,
    vlgate: dict[str, Any],
    tool_calls: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": answer}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    if tool_calls:
        message["tool_calls"] = tool_calls
        message["content"] = answer or None  # OpenAI: null when the turn only calls
    return {
        "id": request_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": usage_dict(usage),
        "vlgate": vlgate,
    }


class ChunkEncoder:
    """Builds ``data: {...}\\n\\n`` SSE lines for one response (hot path)."""

    __slots__ = ("_head",)

    def __init__(self, *, request_id: str, created: int, model: str) -> None:
        self._head = {
            "id": request_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
        }

    def chunk(
        self,
        delta: dict[str, Any],
        finish_reason: str | None = None,
        **extra: Any,
    ) -> bytes:
        body = {
            **self._head,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            **extra,
        }
        return b"data: " + orjson.dumps(body) + b"\n\n"

    def usage_chunk(self, usage: Usage) -> bytes:
        body = {**self._head, "choices": [], "usage": usage_dict(usage)}
        return b"data: " + orjson.dumps(body) + b"\n\n"

    @staticmethod
    def error(exc_dict: dict[str, Any]) -> bytes:
        return b"data: " + orjson.dumps(exc_dict) + b"\n\n"

    DONE = b"data: [DONE]\n\n"


# --- response shapes (for the OpenAPI document; responses are built as dicts) ------


class ErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class ResponseMessage(BaseModel):
    role: Literal["assistant"]
    content: str | None
    reasoning_content: str | None = None
    tool_calls: list[ToolCall] | None = None


class Choice(BaseModel):
    index: int
    message: ResponseMessage
    finish_reason: str


class UsageOut(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    completion_tokens_details: dict[str, int | None] | None = None


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[Choice]
    usage: UsageOut
    vlgate: dict[str, Any] = Field(description="mode, route_reason, cost_usd, visual_tokens, ...")
