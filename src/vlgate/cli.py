"""``vlgate``: serve | chat | demo-model | engine serve | traces | cost | plan.

Nothing is parsed at import; ``main()`` builds the app. Heavy imports (the server,
torch) happen inside the command that needs them.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from vlgate import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="One OpenAI-compatible gateway in front of Qwen3-VL Instruct and Thinking.",
)
engine_app = typer.Typer(add_completion=False, no_args_is_help=True, help="The embedded engine.")
app.add_typer(engine_app, name="engine")

err = Console(stderr=True)


def _settings(config: Path | None, overrides: dict[str, Any]) -> Any:
    from vlgate.config import ConfigError, load_settings

    try:
        return load_settings(config, overrides=overrides)
    except ConfigError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


def _demo_overrides(settings_overrides: dict[str, Any]) -> None:
    from vlgate.backends.embedded.demo import demo_cache_dir, write_demo_checkpoint

    with err.status("preparing the offline demo checkpoint (first run only)..."):
        folders = write_demo_checkpoint(demo_cache_dir())
    from vlgate.backends.embedded.wiring import DEMO_PRESETS

    settings_overrides["embedded"] = {
        mode: {"checkpoint": str(folder), "model_name": f"vlgate-demo-{mode}"}
        for mode, folder in folders.items()
    }
    settings_overrides.setdefault("presets", DEMO_PRESETS)


def _run(app_: Any, host: str, port: int, graceful_s: float, drain_delay_s: float = 0.0) -> None:
    from vlgate.server.run import serve_app

    serve_app(app_, host, port, graceful_s=graceful_s, drain_delay_s=drain_delay_s)


@app.command()
def serve(
    config: Annotated[Path | None, typer.Option(help="YAML config file")] = None,
    instruct_url: Annotated[
        list[str] | None, typer.Option(help="an Instruct engine's OpenAI base URL (repeatable)")
    ] = None,
    thinking_url: Annotated[
        list[str] | None, typer.Option(help="a Thinking engine's OpenAI base URL (repeatable)")
    ] = None,
    host: Annotated[str | None, typer.Option(help="listen address [127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="listen port [8000]")] = None,
    demo: Annotated[
        bool, typer.Option(help="serve the tiny offline demo checkpoint in-process")
    ] = False,
) -> None:
    """Run the gateway. With no engines given, loads both 4B variants in-process."""
    overrides: dict[str, Any] = {}
    if instruct_url:
        overrides["instruct"] = [{"url": u} for u in instruct_url]
    if thinking_url:
        overrides["thinking"] = [{"url": u} for u in thinking_url]
    server: dict[str, Any] = {}
    if host is not None:
        server["host"] = host
    if port is not None:
        server["port"] = port
    if server:
        overrides["server"] = server
    if demo:
        _demo_overrides(overrides)
    settings = _settings(config, overrides)
    if not (settings.instruct or settings.thinking or settings.embedded):
        # Nothing configured: the real weights, in-process (from the HF cache or hub).
        settings = _settings(
            config,
            {
                **overrides,
                "embedded": {
                    "instruct": {"checkpoint": "Qwen/Qwen3-VL-4B-Instruct"},
                    "thinking": {"checkpoint": "Qwen/Qwen3-VL-4B-Thinking"},
                },
            },
        )
    from vlgate.server.app import create_app

    err.print(
        f"vlgate {__version__} on http://{settings.server.host}:{settings.server.port}/v1 "
        f"(instruct: {_describe(settings, 'instruct')}; thinking: {_describe(settings, 'thinking')})"
    )
    srv = settings.server
    _run(create_app(settings), srv.host, srv.port, srv.graceful_timeout_s, srv.drain_delay_s)


def _describe(settings: Any, mode: str) -> str:
    replicas = [r.url for r in getattr(settings, mode)]
    if mode in settings.embedded:
        replicas.append("embedded:" + settings.embedded[mode].checkpoint)
    return ", ".join(replicas) or "none"


def _media_url(source: str, default_mime: str) -> str:
    if source.startswith(("http://", "https://", "data:")):
        return source
    path = Path(source)
    if not path.is_file():
        err.print(f"[red]error:[/red] no such file: {source}")
        raise typer.Exit(2)
    mime = mimetypes.guess_type(path.name)[0] or default_mime
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode()


@app.command()
def chat(
    prompt: Annotated[str, typer.Argument(help="what to ask")],
    url: Annotated[str, typer.Option(help="vlgate's base URL")] = "http://127.0.0.1:8000/v1",
    image: Annotated[list[str] | None, typer.Option(help="image path or URL (repeatable)")] = None,
    video: Annotated[list[str] | None, typer.Option(help="video path or URL (repeatable)")] = None,
    pdf: Annotated[list[str] | None, typer.Option(help="PDF path (repeatable)")] = None,
    mode: Annotated[str, typer.Option(help="auto | instruct | thinking")] = "auto",
    task: Annotated[str | None, typer.Option(help="task class, e.g. chart_reasoning")] = None,
    audience: Annotated[str | None, typer.Option(help="interactive | reviewer")] = None,
    budget_ms: Annotated[float | None, typer.Option(help="latency budget in ms")] = None,
    show_reasoning: Annotated[bool, typer.Option(help="show the reasoning trace, dimmed")] = False,
    api_key: Annotated[str, typer.Option(envvar="VLGATE_API_KEY", help="API key")] = "none",
    max_tokens: Annotated[int | None, typer.Option(help="output token budget")] = None,
) -> None:
    """Ask vlgate from the terminal; streams the answer and says which mode answered and why."""
    from vlgate.chat_client import stream_chat

    content: list[dict[str, Any]] = [{"type": "text", "text": prompt}]
    for src in image or []:
        content.append({"type": "image_url", "image_url": {"url": _media_url(src, "image/png")}})
    for src in video or []:
        content.append({"type": "video_url", "video_url": {"url": _media_url(src, "video/mp4")}})
    for src in pdf or []:
        data = _media_url(src, "application/pdf")
        content.append({"type": "file", "file": {"file_data": data, "filename": Path(src).name}})
    options = {
        k: v
        for k, v in {
            "mode": mode,
            "task": task,
            "audience": audience,
            "latency_budget_ms": budget_ms,
            "include_reasoning": show_reasoning,
        }.items()
        if v is not None
    }
    code = stream_chat(
        url, api_key, content, options, max_tokens=max_tokens, show_reasoning=show_reasoning
    )
    raise typer.Exit(code)


@app.command("demo-model")
def demo_model(
    directory: Annotated[Path, typer.Argument(help="where to write DIR/instruct and DIR/thinking")],
) -> None:
    """Write the tiny offline Qwen3-VL checkpoints (random weights, real tokenizer)."""
    from vlgate.backends.embedded.demo import write_demo_checkpoint

    with err.status("writing the demo checkpoints..."):
        folders = write_demo_checkpoint(directory)
    for variant, folder in folders.items():
        typer.echo(f"{variant}: {folder}")


@engine_app.command("serve")
def engine_serve(
    config: Annotated[Path | None, typer.Option(help="YAML config file")] = None,
    instruct: Annotated[
        str | None, typer.Option(help="Instruct checkpoint folder or hub id")
    ] = None,
    thinking: Annotated[
        str | None, typer.Option(help="Thinking checkpoint folder or hub id")
    ] = None,
    demo: Annotated[bool, typer.Option(help="serve the offline demo checkpoints")] = False,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8001,
) -> None:
    """Serve the embedded engine alone as an OpenAI-compatible server (an upstream for vlgate)."""
    overrides: dict[str, Any] = {"server": {"host": host, "port": port}}
    if demo:
        _demo_overrides(overrides)
    embedded = dict(overrides.get("embedded", {}))
    if instruct:
        embedded["instruct"] = {"checkpoint": instruct}
    if thinking:
        embedded["thinking"] = {"checkpoint": thinking}
    overrides["embedded"] = embedded
    settings = _settings(config, overrides)
    if not settings.embedded:
        err.print("[red]error:[/red] give --demo, --instruct or --thinking")
        raise typer.Exit(2)
    from vlgate.backends.embedded.wiring import create_engine_app

    _run(create_engine_app(settings), host, port, settings.server.graceful_timeout_s)


def _register_subcommands() -> None:
    from vlgate import capacity_cli, cost_cli

    capacity_cli.register(app)
    cost_cli.register(app, source=_cost_source())
    from vlgate.audit.cli import app as traces_app
    from vlgate.pipelines.cli import register as register_pipelines

    app.add_typer(traces_app, name="traces", help="Read the audit trail.")
    register_pipelines(app)


def _cost_source() -> Any:
    from vlgate.cost_source import audit_rows

    return audit_rows


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    _register_subcommands()
    app()


if __name__ == "__main__":
    main()
