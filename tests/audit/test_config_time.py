from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from vlgate.audit.config import AuditSettings, OverloadPolicy
from vlgate.audit.timeparse import parse_time
from vlgate.errors import InvalidRequest


def test_defaults_live_under_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VLGATE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VLGATE_INSTANCE_ID", "gw-7")
    s = AuditSettings()
    assert s.dsn == f"sqlite:///{tmp_path / 'audit.db'}"
    assert s.journal_dir == tmp_path / "audit-journal"
    assert (s.policy, s.instance_id, s.fsync) == (OverloadPolicy.FAIL_CLOSED, "gw-7", False)


def test_home_fallback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VLGATE_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert AuditSettings().dsn == f"sqlite:///{tmp_path}/.local/share/vlgate/audit.db"


def test_settings_reject_unknown_keys_and_bad_ids() -> None:
    with pytest.raises(ValidationError):
        AuditSettings.model_validate({"polcy": "spool"})
    with pytest.raises(ValidationError):
        AuditSettings(instance_id="../escape")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1700000000", 1_700_000_000.0),
        ("2023-11-14T22:13:20Z", 1_700_000_000.0),
        ("2023-11-14T23:13:20+01:00", 1_700_000_000.0),
        ("2023-11-14", 1_699_920_000.0),
        ("2h", 1_700_000_000.0 - 7200),
        ("1.5d", 1_700_000_000.0 - 129_600),
        (None, None),
    ],
)
def test_parse_time(text: str | None, expected: float | None) -> None:
    assert parse_time(text, "since", now=1_700_000_000.0) == expected


def test_parse_time_names_the_parameter() -> None:
    with pytest.raises(InvalidRequest) as err:
        parse_time("next week", "until")
    assert err.value.param == "until"
