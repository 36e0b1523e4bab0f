"""``vlgate traces`` sub-app through typer's runner, on both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vlgate.audit.cli import app
from vlgate.audit.record import FINAL_VERSION, AuditRecord, InputDigest, RecordStatus, StoredImage
from vlgate.audit.render import reasoning_steps
from vlgate.audit.store import AuditStore

T0 = 1_700_000_000.0


@pytest.fixture
def seeded(store: AuditStore, dsn: str) -> str:
    store.upsert_batch(
        [
            AuditRecord(
                f"req-{i}",
                received_at=T0 + i,
                tenant="acme",
                decided_mode="thinking" if i % 2 else "instruct",
                task_class="math",
                status=RecordStatus.COMPLETED,
                answer=f"x = {i}",
                reasoning="Let x be the unknown.\n\nThen 2x = 4.\n\nSo x = 2.",
                input_digest=[InputDigest("image", "cd" * 32, 999, 640, 480, 300)],
                images=[StoredImage("image/png", b"PNGDATA", 1, 1)],
                cost_usd=0.0002,
                version=FINAL_VERSION,
            )
            for i in range(5)
        ]
    )
    return dsn


def test_list_table_and_json(seeded: str) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["list", "--dsn", seeded, "--mode", "thinking", "--json"])
    assert res.exit_code == 0, res.output
    assert [r["request_id"] for r in json.loads(res.stdout)] == ["req-3", "req-1"]
    res = runner.invoke(app, ["list", "--dsn", seeded, "--since", str(T0 + 3)])
    assert res.exit_code == 0
    assert "req-4" in res.stdout and "req-3" in res.stdout and "req-2" not in res.stdout


def test_bad_since_is_a_clear_error(seeded: str) -> None:
    res = CliRunner().invoke(app, ["list", "--dsn", seeded, "--since", "last tuesday"])
    assert res.exit_code == 2
    assert "since must be" in res.output


def test_show_renders_reasoning_as_steps(seeded: str) -> None:
    res = CliRunner().invoke(app, ["show", "req-2", "--dsn", seeded])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "1. Let x be the unknown." in out and "3. So x = 2." in out
    assert "x = 2" in out and "sha256 cdcdcdcd" in out
    missing = CliRunner().invoke(app, ["show", "nope", "--dsn", seeded])
    assert missing.exit_code == 1 and "no audit record" in missing.output


def test_export_jsonl(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(
        app, ["export", "--jsonl", "--output", str(out), "--dsn", seeded, "--tenant", "acme"]
    )
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["request_id"] for r in lines] == [f"req-{i}" for i in range(5)]
    assert lines[0]["reasoning"].startswith("Let x") and "images" not in lines[0]
    assert lines[0]["usage"] == {
        "prompt_tokens": None, "visual_tokens": None, "completion_tokens": None,
        "reasoning_tokens": None,
    }  # fmt: skip
    res = CliRunner().invoke(app, ["export", "--jsonl", "--images", "--dsn", seeded])
    first = json.loads(res.stdout.splitlines()[0])
    assert first["images"][0]["data"] == "UE5HREFUQQ=="


def test_reasoning_steps_split() -> None:
    assert reasoning_steps("a\n\nb\nc") == ["a", "b\nc"]
    assert reasoning_steps("one\ntwo\n") == ["one", "two"]
    assert reasoning_steps("") == []


def test_cli_and_api_show_the_same_record(seeded: str, store: AuditStore) -> None:
    from fastapi.testclient import TestClient

    from .test_api import KEY, make_app

    cli = json.loads(CliRunner().invoke(app, ["show", "req-3", "--dsn", seeded, "--json"]).stdout)
    with TestClient(make_app(store), headers={"Authorization": f"Bearer {KEY}"}) as client:
        api = client.get("/v1/traces/req-3").json()
    assert api.pop("object") == "trace"
    assert cli == api
    exported = CliRunner().invoke(
        app, ["export", "--jsonl", "--images", "--dsn", seeded, "-q", "x = 3"]
    )
    assert [json.loads(line) for line in exported.stdout.splitlines()] == [api]
