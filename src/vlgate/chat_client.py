"""The terminal client behind ``vlgate chat``: the real ``openai`` SDK, streaming."""

from __future__ import annotations

from typing import Any

import openai
from rich.console import Console
from rich.text import Text


def stream_chat(
    url: str,
    api_key: str,
    content: list[dict[str, Any]],
    options: dict[str, Any],
    *,
    max_tokens: int | None = None,
    show_reasoning: bool = False,
    console: Console | None = None,
) -> int:
    """Stream one answer to the terminal. Returns a process exit code."""
    out = console or Console(highlight=False)
    client = openai.OpenAI(base_url=url, api_key=api_key, max_retries=0)
    kwargs: dict[str, Any] = {}
    if max_tokens is not None:
        kwargs["max_tokens"] = max_tokens
    info: dict[str, Any] = {}
    in_reasoning = False
    try:
        messages: Any = [{"role": "user", "content": content}]
        stream = client.chat.completions.create(
            model=str(options.get("mode", "auto")),
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},
            extra_body={"vlgate": options},
            **kwargs,
        )
        for chunk in stream:
            extra = chunk.model_extra or {}
            if "vlgate" in extra:
                info.update(extra["vlgate"])
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            reasoning = (delta.model_extra or {}).get("reasoning_content")
            if reasoning and show_reasoning:
                if not in_reasoning:
                    out.print(Text("thinking: ", style="dim italic"), end="")
                    in_reasoning = True
                out.print(Text(reasoning, style="dim"), end="")
            if delta.content:
                if in_reasoning:
                    out.print("\n")
                    in_reasoning = False
                out.print(delta.content, end="", markup=False)
    except openai.APIError as exc:
        out.print(f"\n[red]error:[/red] {exc.message}")
        return 1
    out.print()
    mode = info.get("mode", "?")
    reason = info.get("route_reason", "?")
    cost = info.get("cost_usd")
    tail = f" · ${cost:.6f}" if isinstance(cost, int | float) else ""
    out.print(Text(f"[{mode} · {reason}{tail}]", style="dim"))
    return 0
