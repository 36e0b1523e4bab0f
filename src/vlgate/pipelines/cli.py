"""CLI for the pipelines; the lead mounts it with ``register(app)`` in ``vlgate.cli``.

    vlgate extract receipt IMG_OR_DIR... [--out rows.jsonl|rows.csv]
    vlgate extract kyc IMG_OR_DIR...
    vlgate second-opinion IMG [--checklist chest_xray] [--context ...]
    vlgate summarize-video VIDEO
    vlgate doc ask|contradictions|extract|classify PDF ...
    vlgate grade mcq --key key.csv IMG_OR_DIR... | grade tutor IMG
    vlgate ground IMG "the target" [--out boxes.png]

Every command takes ``--url`` and ``--api-key`` and may write every reply's trace
record to ``--traces traces.jsonl``. Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from vlgate.pipelines.client import DEFAULT_URL, Gateway, TraceLog

err = Console(stderr=True)

Url = Annotated[str, typer.Option(help="vlgate's OpenAI base URL")]
ApiKey = Annotated[str, typer.Option(envvar="VLGATE_API_KEY", help="API key")]
Traces = Annotated[Path | None, typer.Option(help="append every reply's trace to this JSONL")]
Label = Annotated[str | None, typer.Option(help="label kept in the audit record")]
Sources = Annotated[list[Path], typer.Argument(help="image files or folders of images")]
Out = Annotated[Path | None, typer.Option(help="write rows here (.jsonl or .csv)")]
Concurrency = Annotated[int, typer.Option(help="requests in flight")]
Pdf = Annotated[Path, typer.Argument(help="the PDF", exists=True, dir_okay=False)]


def _gateway(url: str, api_key: str, traces: Path | None, label: str | None = None) -> Gateway:
    return Gateway(url, api_key, traces=TraceLog(traces), label=label)


def _emit(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _batch(
    sources: list[Path],
    work: Callable[[Path], Any],
    model: Any,
    out: Path | None,
    concurrency: int,
) -> None:
    from rich.progress import Progress

    from vlgate.pipelines.batch import expand, open_sink, run_batch

    paths = expand(sources)
    if not paths:
        err.print("[red]error:[/red] no input images")
        raise typer.Exit(2)
    if out is None:
        sink: Any = _StdoutSink()
    else:
        sink = open_sink(out, "csv" if out.suffix.lower() == ".csv" else "jsonl", model)
    with Progress(console=err, transient=True) as bar:
        job = bar.add_task("extracting", total=len(paths))
        summary = run_batch(
            paths, work, sink, concurrency=concurrency,
            progress=lambda done, total: bar.update(job, completed=done),
        )  # fmt: skip
    err.print(
        f"{summary.ok}/{summary.total} valid, {summary.with_warnings} with warnings, "
        f"{summary.failed} failed, ${summary.cost_usd:.6f}"
    )
    if summary.failed:
        raise typer.Exit(1)


class _StdoutSink:
    def write(self, row: dict[str, Any]) -> None:
        typer.echo(json.dumps(row, ensure_ascii=False))

    def close(self) -> None:
        return None


def _extract_app() -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, help="Receipts and forms -> validated JSON.")

    @app.command("receipt")
    def receipt(
        sources: Sources, out: Out = None, concurrency: Concurrency = 4,
        url: Url = DEFAULT_URL, api_key: ApiKey = "none", traces: Traces = None,
        label: Label = None,
    ) -> None:  # fmt: skip
        """Receipts -> merchant, date, currency, subtotal, tax, total, line items."""
        from vlgate.pipelines.forms import Receipt, extract_receipt

        gw = _gateway(url, api_key, traces, label)
        _batch(sources, lambda p: extract_receipt(gw, p), Receipt, out, concurrency)

    @app.command("kyc")
    def kyc(
        sources: Sources, out: Out = None, concurrency: Concurrency = 4,
        url: Url = DEFAULT_URL, api_key: ApiKey = "none", traces: Traces = None,
        label: Label = None,
    ) -> None:  # fmt: skip
        """Identity forms and documents -> KYC fields."""
        from vlgate.pipelines.forms import KycForm, extract_kyc

        gw = _gateway(url, api_key, traces, label)
        _batch(sources, lambda p: extract_kyc(gw, p), KycForm, out, concurrency)

    return app


def _doc_app() -> typer.Typer:
    from vlgate.pipelines import documents as d

    app = typer.Typer(no_args_is_help=True, help="PDF question answering, review, extraction.")

    def done(res: Any) -> None:
        _emit(res.to_dict())
        if res.value is None:
            raise typer.Exit(1)

    @app.command("ask")
    def ask(pdf: Pdf, question: str, url: Url = DEFAULT_URL, api_key: ApiKey = "none",
            traces: Traces = None) -> None:  # fmt: skip
        """Answer a question across pages (Thinking), citing pages."""
        done(d.ask(_gateway(url, api_key, traces), pdf, question))

    @app.command("contradictions")
    def contra(pdf: Pdf, url: Url = DEFAULT_URL, api_key: ApiKey = "none",
               traces: Traces = None) -> None:  # fmt: skip
        """Statements on different pages that disagree (Thinking)."""
        done(d.contradictions(_gateway(url, api_key, traces), pdf))

    @app.command("extract")
    def extract(
        pdf: Pdf,
        field: Annotated[list[str], typer.Option(help="a field name (repeatable)")],
        url: Url = DEFAULT_URL, api_key: ApiKey = "none", traces: Traces = None,
    ) -> None:  # fmt: skip
        """Named fields with their page (Instruct)."""
        done(d.extract_fields(_gateway(url, api_key, traces), pdf, field))

    @app.command("classify")
    def classify(
        pdf: Pdf,
        label: Annotated[list[str], typer.Option(help="an allowed class (repeatable)")],
        url: Url = DEFAULT_URL, api_key: ApiKey = "none", traces: Traces = None,
    ) -> None:  # fmt: skip
        """One class from a closed set (Instruct)."""
        done(d.classify(_gateway(url, api_key, traces), pdf, label))

    return app


def _grade_app() -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, help="MCQ grading and tutor-mode solutions.")

    @app.command("mcq")
    def mcq(
        sources: Sources,
        key: Annotated[Path, typer.Option(help="answer key: JSON {q: letter} or CSV q,letter")],
        out: Out = None, concurrency: Concurrency = 4, url: Url = DEFAULT_URL,
        api_key: ApiKey = "none", traces: Traces = None, label: Label = None,
    ) -> None:  # fmt: skip
        """Read marked answers from sheet images (Instruct) and score them against KEY."""
        from vlgate.pipelines.grading import GradedSheet, grade_sheet, load_key

        answers = load_key(key)
        gw = _gateway(url, api_key, traces, label)
        _batch(sources, lambda p: grade_sheet(gw, p, answers), GradedSheet, out, concurrency)

    @app.command("tutor")
    def tutor(
        image: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
        note: Annotated[str | None, typer.Option(help="the student's question")] = None,
        out: Annotated[Path | None, typer.Option(help="write the Markdown here")] = None,
        url: Url = DEFAULT_URL, api_key: ApiKey = "none", traces: Traces = None,
    ) -> None:  # fmt: skip
        """A worked solution (Thinking) with its reasoning rendered for teaching."""
        from vlgate.pipelines.grading import tutor as run

        md = run(_gateway(url, api_key, traces), image, note=note).markdown()
        if out is None:
            typer.echo(md)
        else:
            out.write_text(md, encoding="utf-8")
            err.print(f"wrote {out}")

    return app


def register(app: typer.Typer) -> None:
    """Mount the pipeline commands on the ``vlgate`` CLI."""
    app.add_typer(_extract_app(), name="extract")
    app.add_typer(_doc_app(), name="doc")
    app.add_typer(_grade_app(), name="grade")
    app.command("second-opinion")(second_opinion_cmd)
    app.command("summarize-video")(summarize_video_cmd)
    app.command("ground")(ground_cmd)


def second_opinion_cmd(
    image: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    checklist: Annotated[str, typer.Option(help="checklist name")] = "chest_xray",
    context: Annotated[str | None, typer.Option(help="clinical context")] = None,
    url: Url = DEFAULT_URL, api_key: ApiKey = "none", traces: Traces = None,
) -> None:  # fmt: skip
    """A checklist second opinion (Thinking) with its trace; always flagged for human review."""
    from vlgate.pipelines.second_opinion import second_opinion

    with err.status("thinking..."):
        res = second_opinion(_gateway(url, api_key, traces), image, checklist=checklist,
                             context=context)  # fmt: skip
    _emit(res.to_dict())
    if res.assessment is None:
        raise typer.Exit(1)


def summarize_video_cmd(
    video: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    fps: Annotated[float, typer.Option(help="key frames per second")] = 1.0,
    max_images: Annotated[int, typer.Option(help="the gateway's images per request")] = 16,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON, not Markdown")] = False,
    url: Url = DEFAULT_URL, api_key: ApiKey = "none", traces: Traces = None,
) -> None:  # fmt: skip
    """Timestamped sections, claims with evidence and open questions (Thinking)."""
    from rich.progress import Progress

    from vlgate.pipelines.video import VideoOptions, summarize_video

    opts = VideoOptions(fps=fps, max_images_per_request=max_images)
    with Progress(console=err, transient=True) as bar:
        jobs: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in jobs:
                jobs[stage] = bar.add_task(stage, total=total)
            bar.update(jobs[stage], completed=done, total=total)

        res = summarize_video(_gateway(url, api_key, traces), video.read_bytes(), opts, progress)
    if as_json:
        _emit({"summary": res.summary.model_dump() if res.summary else None,
               "chunks": res.chunks, "frames": res.frames, "duration_s": res.duration_s,
               "errors": res.errors, "warnings": res.warnings,
               "request_ids": res.request_ids})  # fmt: skip
    else:
        typer.echo(res.markdown())
    if res.summary is None:
        raise typer.Exit(1)


def ground_cmd(
    image: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    target: Annotated[str, typer.Argument(help="what to locate, e.g. 'every person'")],
    point: Annotated[bool, typer.Option(help="ask for points instead of boxes")] = False,
    out: Annotated[Path | None, typer.Option(help="PNG with the boxes drawn")] = None,
    url: Url = DEFAULT_URL, api_key: ApiKey = "none", traces: Traces = None,
) -> None:  # fmt: skip
    """Detection-style grounding: boxes/points in pixels, drawn on the image."""
    from vlgate.pipelines.grounding import ground

    g, png = ground(_gateway(url, api_key, traces), image, target,
                    kind="point" if point else "box")  # fmt: skip
    target_png = out or image.with_name(image.stem + ".grounded.png")
    target_png.write_bytes(png)
    _emit({**g.to_dict(), "drawn": str(target_png)})
