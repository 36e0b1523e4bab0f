"""The review page in headless Chromium: DOM text and a screenshot check."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from PIL import Image

from vlgate.audit.record import FINAL_VERSION, AuditRecord, InputDigest, RecordStatus, StoredImage
from vlgate.audit.store import AuditStore

from .test_api import KEY, make_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium)"
    ),
]


def _png(tmp: Path) -> bytes:
    path = tmp / "chart.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(path)
    return path.read_bytes()


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """The page and API on a real loopback server (SQLite store)."""
    store = AuditStore.from_dsn(f"sqlite:///{tmp_path / 'ui.db'}")
    store.migrate()
    png = _png(tmp_path)
    store.upsert_batch(
        [
            AuditRecord(
                "req-ui-1",
                received_at=1_700_000_000.0,
                tenant="acme",
                requested_mode="auto",
                decided_mode="thinking",
                route_reason="task class chart_reasoning -> thinking",
                task_class="chart_reasoning",
                status=RecordStatus.COMPLETED,
                answer="Revenue grew 12% in Q3.",
                reasoning="Step 1: read the Q2 bar (50).\nStep 2: read the Q3 bar (56).",
                guard_verdicts=[{"guard": "pii", "verdict": "flag", "detail": "e-mail masked"}],
                input_digest=[InputDigest("image", "ab" * 32, len(png), 64, 48, 64)],
                images=[StoredImage("image/png", png, 64, 48)],
                prompt_tokens=80,
                visual_tokens=64,
                completion_tokens=300,
                cost_usd=0.000123,
                version=FINAL_VERSION,
            ),
            AuditRecord("req-ui-2", received_at=1_700_000_100.0, decided_mode="instruct",
                        status=RecordStatus.INTERRUPTED, version=FINAL_VERSION),
        ]
    )  # fmt: skip
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # connections queue here until uvicorn accepts them
    server = uvicorn.Server(uvicorn.Config(make_app(store), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()
    store.close()


def _chromium(*args: str) -> str:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--virtual-time-budget=8000", "--window-size=1400,1000", *args]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True)
    return out.stdout


def test_list_view_shows_records(base_url: str) -> None:
    dom = _chromium("--dump-dom", f"{base_url}/ui#key={KEY}")
    assert 'data-ready="list"' in dom
    assert "req-ui-1" in dom and "req-ui-2" in dom
    assert "interrupted" in dom and "0.000123" in dom


def test_detail_view_dom_and_screenshot(base_url: str, tmp_path: Path) -> None:
    url = f"{base_url}/ui#key={KEY}&id=req-ui-1"
    dom = _chromium("--dump-dom", url)
    assert 'data-ready="detail"' in dom
    for text in ("Step 2: read the Q3 bar (56).", "Revenue grew 12% in Q3.",
                 "task class chart_reasoning -&gt; thinking", "pii: flag — e-mail masked",
                 "0.000123", 'src="data:image/png;base64,'):  # fmt: skip
        assert text in dom, text
    shot = tmp_path / "detail.png"
    _chromium(f"--screenshot={shot}", url)
    if keep := os.environ.get("VLGATE_UI_SHOT"):
        shutil.copy(shot, keep)  # to look at it: VLGATE_UI_SHOT=/tmp/ui.png pytest ...
    img = Image.open(shot).convert("RGB")
    assert img.size == (1400, 1000)
    assert img.getpixel((5, 5)) == (0x17, 0x20, 0x2E)  # the header bar rendered
    colours = img.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, not a blank page
    # The stored input image (solid red) is on screen.
    assert any(c == (200, 30, 30) and n >= 64 * 48 // 2 for n, c in colours)
