"""``vlgate traces …``: list, show and export audit records (a typer sub-app).

The store comes from ``--dsn`` (or ``VLGATE_AUDIT_DSN``, else the default SQLite
file under the data directory). Nothing here writes to the store.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console

from vlgate.audit.api import summary_json
from vlgate.audit.config import default_dsn
from vlgate.audit.render import record_view, records_table
from vlgate.audit.store import AuditStore, TraceFilter
from vlgate.audit.timeparse import parse_time
from vlgate.errors import VlgateError

app = typer.Typer(help="Read the audit trail: list, show and export records.", no_args_is_help=True)

Dsn = Annotated[
    str | None,
    typer.Option(
        "--dsn", envvar="VLGATE_AUDIT_DSN", help="Store DSN (default: SQLite in the data dir)"
    ),
]
Since = Annotated[str | None, typer.Option(help="From: epoch, ISO-8601 or a span like 2h, 7d")]
Until = Annotated[str | None, typer.Option(help="Until (exclusive), same formats")]
ModeOpt = Annotated[str | None, typer.Option("--mode", help="Decided mode: instruct | thinking")]
Task = Annotated[str | None, typer.Option("--task", help="Task class")]
Tenant = Annotated[str | None, typer.Option("--tenant")]
Status = Annotated[
    str | None, typer.Option("--status", help="open|completed|failed|interrupted|rejected")
]
Label = Annotated[str | None, typer.Option("--label", help="A/B label")]
Query = Annotated[
    str | None, typer.Option("--query", "-q", help="Substring of id, answer or reasoning")
]


@contextmanager
def _store(dsn: str | None) -> Iterator[AuditStore]:
    store = AuditStore.from_dsn(dsn or default_dsn())
    try:
        yield store
    except VlgateError as exc:
        typer.echo(f"error: {exc.message}" + (f" ({exc.param})" if exc.param else ""), err=True)
        raise typer.Exit(2) from exc
    finally:
        store.close()


def _filter(**kw: Any) -> TraceFilter:
    since, until = kw.pop("since"), kw.pop("until")
    try:
        return TraceFilter(since=parse_time(since, "since"), until=parse_time(until, "until"), **kw)
    except VlgateError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc


def _json(obj: Any) -> str:
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode()


@app.command("list")
def list_cmd(
    dsn: Dsn = None,
    since: Since = None,
    until: Until = None,
    mode: ModeOpt = None,
    task: Task = None,
    tenant: Tenant = None,
    status: Status = None,
    label: Label = None,
    query: Query = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
) -> None:
    """The newest records matching the filters."""
    flt = _filter(since=since, until=until, mode=mode, task=task, tenant=tenant,
                  status=status, label=label, q=query)  # fmt: skip
    with _store(dsn) as store:
        page = store.list(flt, limit=limit)
    if as_json:
        typer.echo(_json([summary_json(r) for r in page.records]))
    else:
        Console().print(records_table(page.records))


@app.command("show")
def show_cmd(
    request_id: Annotated[str, typer.Argument(help="The request id")],
    dsn: Dsn = None,
    as_json: Annotated[bool, typer.Option("--json", help="The full record as JSON")] = False,
) -> None:
    """One record: route, guards, inputs, then the reasoning step by step and the answer."""
    with _store(dsn) as store:
        record = store.get(request_id)
    if record is None:
        typer.echo(f"error: no audit record for request {request_id!r}", err=True)
        raise typer.Exit(1)
    if as_json:
        typer.echo(_json(record.to_json()))
    else:
        Console().print(record_view(record))


@app.command("export")
def export_cmd(
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="One JSON record per line (the format)")
    ] = True,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default stdout)")
    ] = None,
    images: Annotated[bool, typer.Option(help="Include stored images (base64)")] = False,
    dsn: Dsn = None,
    since: Since = None,
    until: Until = None,
    mode: ModeOpt = None,
    task: Task = None,
    tenant: Tenant = None,
    status: Status = None,
    label: Label = None,
    query: Query = None,
) -> None:
    """Every matching record in full, oldest first, for evaluation pipelines."""
    flt = _filter(since=since, until=until, mode=mode, task=task, tenant=tenant,
                  status=status, label=label, q=query)  # fmt: skip
    out = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
    count = 0
    try:
        with _store(dsn) as store:
            for record in store.export(flt):
                d = record.to_json()
                if not images:
                    d.pop("images", None)
                out.write(orjson.dumps(d) + b"\n")
                count += 1
    finally:
        if output:
            out.close()
        else:
            out.flush()
    if output:
        typer.echo(f"exported {count} records to {output}", err=True)
