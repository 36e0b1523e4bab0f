"""``vlgate plan``: will the pair fit on this card? All arithmetic is in
``vlgate.capacity``; this module parses options and prints."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from vlgate.capacity import PRECISIONS, QWEN3_VL_4B, GiB, Layout, Plan, parse_bytes, plan
from vlgate.errors import InvalidRequest

__all__ = ["CARDS_GIB", "build_app", "card_table", "register", "render_plan", "weights_table"]

CARDS_GIB = (12, 16, 24, 32, 80, 141)


def _gib(x: float) -> str:
    return f"{x / GiB:.2f} GiB"


def _layout_lines(lay: Layout, p: Plan) -> list[str]:
    n = lay.need
    verdict = "FITS" if lay.fits else f"does NOT fit: {lay.reason}"
    return [
        f"{lay.name}: {verdict}",
        f"  weights {_gib(n.weights)}  runtime {_gib(n.runtime)}  activations "
        f"{_gib(n.activations)}  vision encoder {_gib(n.vision)}",
        f"  KV cache {_gib(n.kv)} ({p.concurrency} x {p.context:,} tokens)  margin "
        f"{_gib(n.margin)}  total {_gib(n.total)} of {_gib(p.gpu_bytes)}",
        f"  largest context at concurrency {p.concurrency}: {lay.max_context:,}; "
        f"largest concurrency at {p.context:,}: {lay.max_concurrency:,}; "
        f"largest context alone: {lay.max_context_alone:,}",
    ]


def render_plan(p: Plan) -> str:
    visual = p.images * p.tokens_per_image
    lines = [
        f"Qwen3-VL-4B {p.precision} weights, {p.kv_dtype} KV cache "
        f"({p.kv_bytes_per_token:,.0f} bytes/token)",
        f"{p.images} image(s) x {p.tokens_per_image:,} visual tokens = {visual:,} tokens "
        f"inside the {p.context:,}-token context",
        "",
        *_layout_lines(p.hot_swap, p),
        f"  a swap between the variants reloads {_gib(p.hot_swap.need.weights)}: "
        f"~{p.swap_seconds:.1f} s",
        "",
        *_layout_lines(p.co_resident, p),
        "",
        f"asked for: {'both co-resident' if p.both_resident else 'one resident (hot-swap)'}"
        f" -> {'fits' if p.fits else 'does not fit'}",
    ]
    return "\n".join(lines)


def weights_table() -> str:
    """Parameters per tensor group and weight bytes per precision (the docs table)."""
    a = QWEN3_VL_4B
    lines = [
        "| tensor group | parameters |",
        "| --- | ---: |",
        f"| decoder (36 layers + final norm) | {a.text_linear_params():,} |",
        f"| embedding (tied with the LM head) | {a.embedding_params():,} |",
        f"| vision tower (blocks, merger, deepstack mergers) | {a.vision_params():,} |",
        f"| total | {a.total_params():,} |",
        "",
        "| precision | decoder B/param | embedding B/param | vision B/param | weights GB | weights GiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, f in PRECISIONS.items():
        b = f.weight_bytes(a)
        lines.append(
            f"| {name} | {f.linear(a):.4f} | {f.embedding:.4f} | {f.vision:.4f} | "
            f"{b / 1e9:.2f} | {b / GiB:.2f} |"
        )
    return "\n".join(lines)


def card_table(context: int = 32_768, images: int = 1) -> str:
    """The docs table: every common card x precision, 1080p images, bf16 KV."""
    head = (
        "| card | precision | weights | one resident: max context (1 seq) | "
        f"one resident: max seqs @ {context // 1024}K | both resident: max context (1 seq) | "
        f"both resident: max seqs @ {context // 1024}K |"
    )
    lines = [head, "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for card in CARDS_GIB:
        for precision in PRECISIONS:
            p = plan(card * GiB, precision, context, images, 1)
            one, two = p.hot_swap, p.co_resident
            lines.append(
                f"| {card} GB | {precision} | {one.need.weights / GiB:.2f} GiB | "
                f"{one.max_context_alone:,} | {one.max_concurrency:,} | "
                f"{two.max_context_alone:,} | {two.max_concurrency:,} |"
            )
    return "\n".join(lines)


def _size(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().partition("x")
    if not sep or not w.isdigit() or not h.isdigit() or int(w) < 1 or int(h) < 1:
        raise InvalidRequest(f"image size must be WIDTHxHEIGHT, got {text!r}", param="image_size")
    return int(w), int(h)


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan_command(
        gpu_memory: Annotated[str, typer.Option(help="e.g. 12GiB, 24GB (decimal), 80G")] = "24GiB",
        precision: Annotated[str, typer.Option(help="bf16 | fp8 | q8 | q4")] = "bf16",
        context: Annotated[
            int, typer.Option(help="max tokens per sequence, images included")
        ] = 32_768,
        images: Annotated[int, typer.Option(help="images per request")] = 1,
        concurrency: Annotated[int, typer.Option(help="sequences at once")] = 1,
        both_resident: Annotated[
            bool, typer.Option(help="Instruct and Thinking on one card")
        ] = False,
        kv_dtype: Annotated[
            str | None, typer.Option(help="bf16 | fp8 (default by precision)")
        ] = None,
        image_size: Annotated[str, typer.Option(help="WIDTHxHEIGHT of each image")] = "1920x1080",
        table: Annotated[bool, typer.Option(help="print the docs table of common cards")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    ) -> None:
        """Weights, KV cache, visual tokens and headroom: does it fit, and what would."""
        try:
            if table:
                typer.echo(weights_table() + "\n\n" + card_table(context, images))
                return
            p = plan(
                parse_bytes(gpu_memory),
                precision,
                context,
                images,
                concurrency,
                both_resident=both_resident,
                kv_dtype=kv_dtype,
                image_size=_size(image_size),
            )
        except InvalidRequest as e:
            typer.echo(f"error: {e.message} ({e.param})", err=True)
            raise typer.Exit(2) from e
        if as_json:
            typer.echo(json.dumps({**asdict(p), "fits": p.fits}, indent=2))
        else:
            typer.echo(render_plan(p))
        if not p.fits:
            raise typer.Exit(1)


def build_app() -> typer.Typer:
    app = typer.Typer(add_completion=False)
    register(app)
    return app
