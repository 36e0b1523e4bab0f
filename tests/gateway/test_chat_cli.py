"""`vlgate chat`: streams the answer, shows the trace only when asked, and ends with
which mode answered and why."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from rich.console import Console
from typer.testing import CliRunner

from vlgate.chat_client import stream_chat
from vlgate.cli import app


def run(url: str, options: dict[str, Any], show: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    code = stream_chat(
        url + "/v1", "x", [{"type": "text", "text": "hi"}], options,
        show_reasoning=show, console=console,
    )  # fmt: skip
    assert code == 0
    return out.getvalue()


def test_streams_answer_and_says_mode_and_reason(make_stack: Any) -> None:
    stack = make_stack()
    text = run(stack.url, {"mode": "auto", "task": "chart_reasoning"}, show=False)
    assert "The answer is 42." in text
    assert "thinking: " not in text and "Look at the image" not in text
    assert "[thinking · task:chart_reasoning · $" in text


def test_show_reasoning(make_stack: Any) -> None:
    stack = make_stack()
    text = run(stack.url, {"mode": "thinking", "include_reasoning": True}, show=True)
    assert "thinking: The user asks a question." in text
    assert text.index("Look at the image") < text.index("The answer is 42.")
    assert "[thinking · explicit" in text


def test_cli_sends_a_local_image_and_reports_errors(make_stack: Any, tmp_path: Path) -> None:
    stack = make_stack()
    image = tmp_path / "x.png"
    Image.new("RGB", (64, 64), "white").save(image)
    runner = CliRunner()
    result = runner.invoke(
        app, ["chat", "--url", stack.url + "/v1", "--image", str(image), "What is it?"]
    )
    assert result.exit_code == 0, result.output
    sent = stack.ins.requests[-1]["messages"][0]["content"]
    assert [p["type"] for p in sent] == ["text", "image_url"]
    assert sent[1]["image_url"]["url"].startswith("data:image/png;base64,")
    result = runner.invoke(app, ["chat", "--url", stack.url + "/v1", "--task", "astrology", "hi"])
    assert result.exit_code == 1 and "unknown task class" in result.output
    result = runner.invoke(
        app, ["chat", "--url", stack.url + "/v1", "--image", str(tmp_path / "no.png"), "hi"]
    )
    assert result.exit_code == 2 and "no such file" in result.output
