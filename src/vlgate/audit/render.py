"""Terminal rendering of audit records (rich): the list table and one record as a
readable audit artifact, reasoning split into numbered steps next to the answer."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from vlgate.audit.record import AuditRecord

_STATUS_STYLE = {
    "completed": "green",
    "failed": "red",
    "rejected": "red",
    "interrupted": "yellow",
    "open": "yellow",
}


def fmt_time(t: float | None) -> str:
    return "—" if t is None else time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))


def _tokens(r: AuditRecord) -> int:
    parts = (r.prompt_tokens, r.visual_tokens, r.completion_tokens, r.reasoning_tokens)
    return sum(p or 0 for p in parts)


def records_table(records: Iterable[AuditRecord]) -> Table:
    table = Table(title="audit records (newest first, times UTC)")
    for col in ("received", "request", "tenant", "task", "mode", "status", "tokens", "cost $"):
        table.add_column(col, no_wrap=col in ("received", "request"))
    for r in records:
        mode = (r.decided_mode or "—") + (" (fallback)" if r.fallback else "")
        status = Text(str(r.status), style=_STATUS_STYLE.get(str(r.status), ""))
        cost = "—" if r.cost_usd is None else f"{r.cost_usd:.6f}"
        table.add_row(
            fmt_time(r.received_at),
            r.request_id,
            r.tenant or "—",
            r.task_class or "—",
            mode,
            status,
            str(_tokens(r)),
            cost,
        )
    return table


def reasoning_steps(text: str) -> list[str]:
    """Split a trace into steps: blank-line paragraphs, else non-empty lines."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(paras) > 1:
        return paras
    return [line.strip() for line in text.splitlines() if line.strip()]


def _facts(pairs: list[tuple[str, object]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    for key, value in pairs:
        grid.add_row(key, "—" if value in (None, "") else str(value))
    return grid


def record_view(r: AuditRecord) -> RenderableType:
    facts = _facts(
        [
            ("status", f"{r.status} ({r.finish_reason or '—'})"),
            ("received / first token / finished",
             f"{fmt_time(r.received_at)} / {fmt_time(r.first_token_at)} / {fmt_time(r.finished_at)}"),
            ("tenant / api key / audience", f"{r.tenant} / {r.api_key_id} / {r.audience}"),
            ("route", f"{r.requested_mode} -> {r.decided_mode}"
             + (" (fallback)" if r.fallback else "") + f": {r.route_reason or '—'}"),
            ("task class", r.task_class),
            ("model @ replica", f"{r.model} @ {r.replica}"),
            ("tokens prompt/visual/completion/reasoning",
             f"{r.prompt_tokens}/{r.visual_tokens}/{r.completion_tokens}/{r.reasoning_tokens}"),
            ("cost $", None if r.cost_usd is None else f"{r.cost_usd:.6f}"),
            ("A/B label", r.ab_label),
            ("error", r.error),
        ]
    )  # fmt: skip
    guards = [f"{g.get('guard', 'guard')}: {g.get('verdict', '?')}" for g in r.guard_verdicts]
    inputs = [
        f"{d.kind} {d.width}x{d.height}, {d.tokens} tokens, {d.bytes} B, sha256 {d.sha256[:16]}…"
        for d in r.input_digest
    ]
    steps = reasoning_steps(r.reasoning or "")
    trace: RenderableType = (
        Group(*(Text(f"{i}. {s}") for i, s in enumerate(steps, start=1)))
        if steps
        else Text(f"(no reasoning stored; trace policy: {r.trace_storage})", style="dim")
    )
    answer = Text(r.answer or f"(no answer stored; answer policy: {r.answer_storage})")
    return Group(
        Panel(facts, title=f"request {r.request_id}", title_align="left"),
        Panel(Text("\n".join(guards) or "none"), title="guard verdicts", title_align="left"),
        Panel(Text("\n".join(inputs) or "text only"), title="inputs", title_align="left"),
        Panel(
            trace, title=f"reasoning, {len(steps)} steps ({r.trace_storage})", title_align="left"
        ),
        Panel(answer, title=f"answer ({r.answer_storage})", title_align="left"),
    )
