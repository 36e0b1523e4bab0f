"""Run a pipeline over many files: concurrent, with progress, one output row per file.

Rows are written as they finish (JSONL or CSV), so a long batch that stops
halfway keeps what it did. A file that fails (the gateway said no, the output
never validated) is a row with ``ok=false`` and its errors, never a crash.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from vlgate.pipelines.structured import Structured

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff")
OutputFormat = Literal["jsonl", "csv"]
Progress = Callable[[int, int], None]
"""progress(done, total), called from the caller's thread after each file."""


class RowSink(Protocol):
    def write(self, row: dict[str, Any]) -> None: ...
    def close(self) -> None: ...


def expand(sources: Iterable[Path], suffixes: Sequence[str] = IMAGE_SUFFIXES) -> list[Path]:
    """Files as given, folders as their matching files (sorted, not recursive)."""
    out: list[Path] = []
    for src in sources:
        if src.is_dir():
            out.extend(p for p in sorted(src.iterdir()) if p.suffix.lower() in suffixes)
        else:
            out.append(src)
    return out


def row_of(source: str, result: Structured[Any]) -> dict[str, Any]:
    """A flat record of one file's result (the value's fields at top level)."""
    row: dict[str, Any] = {"source": source, "ok": result.ok}
    if isinstance(result.value, BaseModel):
        row.update(result.value.model_dump(mode="json"))
    row["warnings"] = list(result.warnings)
    row["errors"] = list(result.errors)
    row["attempts"] = result.attempts
    row["request_ids"] = result.request_ids
    row["cost_usd"] = round(result.cost_usd, 8)
    return row


def error_row(source: str, exc: Exception) -> dict[str, Any]:
    return {
        "source": source, "ok": False, "warnings": [], "errors": [f"{type(exc).__name__}: {exc}"],
        "attempts": 0, "request_ids": [], "cost_usd": 0.0,
    }  # fmt: skip


class JsonlSink:
    def __init__(self, path: Path) -> None:
        self._fh = path.open("w", encoding="utf-8")

    def write(self, row: dict[str, Any]) -> None:
        self._fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


class CsvSink:
    """CSV with the given columns; nested values (lists, objects) as JSON text."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self._fh = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(self._fh, fieldnames=list(columns), extrasaction="ignore")
        self._writer.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        flat = {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
            for k, v in row.items()
        }
        self._writer.writerow(flat)
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


def columns_for(model: type[BaseModel]) -> list[str]:
    meta = ["warnings", "errors", "attempts", "request_ids", "cost_usd"]
    return ["source", "ok", *model.model_fields, *meta]


def open_sink(path: Path, fmt: OutputFormat, model: type[BaseModel]) -> RowSink:
    return JsonlSink(path) if fmt == "jsonl" else CsvSink(path, columns_for(model))


@dataclass(slots=True)
class BatchSummary:
    total: int
    ok: int
    with_warnings: int
    cost_usd: float

    @property
    def failed(self) -> int:
        return self.total - self.ok


def _results(
    paths: Sequence[Path], work: Callable[[Path], Structured[Any]], concurrency: int
) -> Iterator[tuple[Path, Structured[Any] | Exception]]:
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = {pool.submit(work, p): p for p in paths}
        for fut in as_completed(futures):
            try:
                yield futures[fut], fut.result()
            except Exception as exc:  # one bad file never stops the batch
                yield futures[fut], exc


def run_batch(
    paths: Sequence[Path],
    work: Callable[[Path], Structured[Any]],
    sink: RowSink,
    *,
    concurrency: int = 4,
    progress: Progress | None = None,
) -> BatchSummary:
    """Run ``work`` on every path and write one row each to ``sink`` (closed at the end)."""
    summary = BatchSummary(total=len(paths), ok=0, with_warnings=0, cost_usd=0.0)
    try:
        for done, (path, outcome) in enumerate(_results(paths, work, concurrency), 1):
            if isinstance(outcome, Exception):
                row = error_row(str(path), outcome)
            else:
                row = row_of(str(path), outcome)
                summary.cost_usd += outcome.cost_usd
            summary.ok += bool(row["ok"])
            summary.with_warnings += bool(row["warnings"])
            sink.write(row)
            if progress is not None:
                progress(done, len(paths))
    finally:
        sink.close()
    return summary
