"""``vlgate cost``: spend reports from the audit store, and the what-if projection.

The command reads aggregated rows through a ``RowsSource`` (the audit store's
cost query, wired in by ``cli``) or from a JSONL file of rows (``--from-jsonl``).
All arithmetic lives in ``vlgate.cost``; this module only parses and prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from vlgate.cost import (
    REFERENCE_MEANS,
    CostReport,
    Group,
    PriceTable,
    TurnMeans,
    UsageRow,
    WhatIf,
    build_report,
    means_from_rows,
    what_if,
)
from vlgate.errors import InvalidRequest
from vlgate.modes import Mode

__all__ = ["CostQuery", "RowsSource", "build_app", "read_jsonl", "register"]

DEFAULT_TURNS = 1_000_000


@dataclass(frozen=True, slots=True)
class CostQuery:
    """What the audit store is asked for: groups by (day, tenant, mode, task)."""

    since: date | None = None
    until: date | None = None  # inclusive
    tenant: str | None = None


RowsSource = Callable[[CostQuery], Iterable[UsageRow]]


def read_jsonl(path: Path, query: CostQuery) -> list[UsageRow]:
    """Rows from a JSONL file (one ``UsageRow.to_dict()`` per line), filtered."""
    rows: list[UsageRow] = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as e:
            raise InvalidRequest(f"{path}:{n}: not JSON: {e.msg}", param="from_jsonl") from e
        rows.append(UsageRow.from_dict(data))
    return [r for r in rows if _matches(r, query)]


def _matches(row: UsageRow, q: CostQuery) -> bool:
    return (
        (q.since is None or row.day >= q.since)
        and (q.until is None or row.day <= q.until)
        and (q.tenant is None or row.tenant == q.tenant)
    )


def parse_what_if(spec: str) -> float:
    """``thinking_share=0.3`` -> 0.3 (the only knob so far)."""
    key, sep, value = spec.partition("=")
    if not sep or key.strip() != "thinking_share":
        raise InvalidRequest("--what-if takes thinking_share=<0..1>", param="what_if")
    try:
        return float(value)
    except ValueError as e:
        raise InvalidRequest(f"thinking_share is not a number: {value!r}", param="what_if") from e


# --- rendering --------------------------------------------------------------------


def _usd(x: float) -> str:
    return f"${x:,.2f}" if abs(x) >= 1 or x == 0 else f"${x:.6f}"


def _table(title: str, groups: Mapping[Any, Group], total: Group) -> list[str]:
    lines = [title, f"  {'key':<24}{'requests':>10}{'share':>8}{'cost':>14}{'fallbacks':>11}"]
    for key, g in groups.items():
        share = g.requests / total.requests if total.requests else 0.0
        name = key.value if isinstance(key, Mode) else str(key)
        lines.append(
            f"  {name:<24}{g.requests:>10,}{share:>8.1%}{_usd(g.cost):>14}{g.fallbacks:>11,}"
        )
    return lines


def render_report(r: CostReport) -> str:
    lines = [
        f"requests {r.total.requests:,}  cost {_usd(r.total.cost)}  "
        f"fallbacks {r.fallbacks:,}  days {r.days_observed}",
    ]
    share = ", ".join(f"{m.value} {s:.1%}" for m, s in r.mode_share.items())
    lines.append(f"share of traffic per mode: {share or '-'}")
    lines.append(
        f"monthly projection: {_usd(r.monthly_projection_usd)} "
        f"({r.monthly_projection_turns:,.0f} turns)"
    )
    for title, groups in (
        ("by day", r.by_day),
        ("by tenant", r.by_tenant),
        ("by mode", r.by_mode),
        ("by task", r.by_task),
    ):
        lines += ["", *_table(title, groups, r.total)]
    return "\n".join(lines)


def render_what_if(w: WhatIf, means: Mapping[Mode, TurnMeans], source: str) -> str:
    lines = [f"what-if: thinking_share={w.thinking_share:g}, {w.turns_per_month:,.0f} turns/month"]
    lines.append(f"token means from {source}")
    for m in Mode:
        mm = means[m]
        lines.append(
            f"  {m.value:<9} {mm.prompt_tokens:>9,.1f} in {mm.completion_tokens:>9,.1f} out  "
            f"{_usd(w.turn_usd[m])} per turn  all-{m.value} {_usd(w.all_in(m))}/month  "
            f"at this share {_usd(w.monthly_usd[m])}/month"
        )
    lines.append(f"  total {_usd(w.total_monthly_usd)}/month")
    return "\n".join(lines)


def _report_json(r: CostReport) -> dict[str, object]:
    def groups(d: Mapping[Any, Group]) -> dict[str, object]:
        return {(k.value if isinstance(k, Mode) else str(k)): vars_of(g) for k, g in d.items()}

    return {
        "total": vars_of(r.total),
        "by_day": groups(r.by_day),
        "by_tenant": groups(r.by_tenant),
        "by_mode": groups(r.by_mode),
        "by_task": groups(r.by_task),
        "mode_share": {m.value: s for m, s in r.mode_share.items()},
        "fallbacks": r.fallbacks,
        "days_observed": r.days_observed,
        "monthly_projection_usd": r.monthly_projection_usd,
    }


def _what_if_json(w: WhatIf) -> dict[str, object]:
    return {
        "thinking_share": w.thinking_share,
        "turns_per_month": w.turns_per_month,
        "turn_usd": {m.value: v for m, v in w.turn_usd.items()},
        "all_in_usd": {m.value: w.all_in(m) for m in Mode},
        "monthly_usd": {m.value: v for m, v in w.monthly_usd.items()},
        "total_monthly_usd": w.total_monthly_usd,
    }


def vars_of(g: Group) -> dict[str, object]:
    return {s: getattr(g, s) for s in Group.__slots__}


# --- the command --------------------------------------------------------------------


def register(
    app: typer.Typer, source: RowsSource | None = None, prices: PriceTable | None = None
) -> None:
    """Add the ``cost`` command to ``app``; ``source`` is the audit store's query."""

    @app.command("cost")
    def cost(
        from_jsonl: Annotated[
            Path | None, typer.Option(help="read usage rows from this JSONL file")
        ] = None,
        since: Annotated[str | None, typer.Option(help="first day, YYYY-MM-DD")] = None,
        until: Annotated[str | None, typer.Option(help="last day (inclusive)")] = None,
        tenant: Annotated[str | None, typer.Option(help="only this tenant")] = None,
        what_if_spec: Annotated[
            str | None, typer.Option("--what-if", help="thinking_share=<0..1>")
        ] = None,
        turns_per_month: Annotated[
            float | None, typer.Option(help="what-if volume (default: observed, else 1M)")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    ) -> None:
        """Spend by day, tenant, mode and task; share per mode; fallbacks; projection."""
        try:
            query = CostQuery(_day(since, "since"), _day(until, "until"), tenant)
            rows = _load(query, from_jsonl, source, needed=what_if_spec is None)
            out: dict[str, object] = {}
            text: list[str] = []
            if rows is not None:
                report = build_report(rows)
                out["report"] = _report_json(report)
                text.append(render_report(report))
            if what_if_spec is not None:
                w, means, basis = _what_if(what_if_spec, rows or [], turns_per_month, prices)
                out["what_if"] = _what_if_json(w)
                text.append(render_what_if(w, means, basis))
        except InvalidRequest as e:
            typer.echo(f"error: {e.message} ({e.param})", err=True)
            raise typer.Exit(2) from e
        typer.echo(json.dumps(out, indent=2, default=str) if as_json else "\n\n".join(text))


def _what_if(
    spec: str, rows: list[UsageRow], turns: float | None, prices: PriceTable | None
) -> tuple[WhatIf, dict[Mode, TurnMeans], str]:
    """Observed means and volume where there is traffic, FACTS.md's typical turns
    and 1M turns/month where there is none."""
    share = parse_what_if(spec)
    observed = any(r.requests for r in rows)
    means = means_from_rows(rows) if observed else dict(REFERENCE_MEANS)
    if turns is None:
        turns = build_report(rows).monthly_projection_turns if observed else DEFAULT_TURNS
    basis = "observed traffic" if observed else "FACTS.md typical turns"
    return what_if(share, turns, means, prices), means, basis


def _day(value: str | None, param: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise InvalidRequest(f"{param} must be YYYY-MM-DD, got {value!r}", param=param) from e


def _load(
    query: CostQuery, path: Path | None, source: RowsSource | None, *, needed: bool
) -> list[UsageRow] | None:
    if path is not None:
        if not path.is_file():
            raise InvalidRequest(f"no such file: {path}", param="from_jsonl")
        return read_jsonl(path, query)
    if source is not None:
        return list(source(query))
    if needed:
        raise InvalidRequest("no audit store wired here: pass --from-jsonl", param="from_jsonl")
    return None


def build_app(source: RowsSource | None = None, prices: PriceTable | None = None) -> typer.Typer:
    """A one-command app (for tests and for running this module alone)."""
    app = typer.Typer(add_completion=False)
    register(app, source, prices)
    return app
